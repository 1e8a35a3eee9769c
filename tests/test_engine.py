"""Engine-specific tests: exact number helpers, the registry, output shape, rule-set data.

Expected values come from ``shared/spec/wws/zelfstandig.md`` (section cited per test),
never from the engine's own output. Whole-dwelling goldens and the worked examples run
against the engine in ``test_golden_zelfstandig.py`` / ``test_examples_zelfstandig.py``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import graphlib
from decimal import Decimal
from types import MappingProxyType

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.engine import score_frames
from pipeline.engine._num import micro, quarters_from_e4, r2_h, rint_h, round_div
from pipeline.engine.registry import KindSpec, Rubriek
from pipeline.engine.totals import max_rent_cents
from pipeline.engine.zelfstandig import SPEC
from pipeline.reshape import to_frames
from pipeline.rules import rules_for
from schemas import output as O
from schemas.dwelling import Dwelling

PD = dt.date(2026, 7, 1)

BASE = {
    "house_type": "Meergezinswoning",
    "build_year": 2005,
    "energy_label": "B",
    "woz_value": 250_000.0,
    "woz_valuation_year": 2025,
}


def dwelling(dwelling_id: str = "t", **fields) -> Dwelling:
    return Dwelling.model_validate({**BASE, "dwelling_id": dwelling_id, **fields})


def rubrieken(result, dwelling_id: str = "t") -> dict[str, Decimal]:
    rows = result.breakdown.filter(pl.col("dwelling_id") == dwelling_id)
    return dict(rows.select("rubriek", "points").iter_rows())


# --- exact numbers (§2.2) ---------------------------------------------------------------


def _eval(expr: pl.Expr, **cols) -> list:
    return pl.DataFrame(cols).select(expr.alias("x"))["x"].to_list()


def test_round_div_is_half_away_from_zero():
    assert _eval(round_div(pl.col("a"), 2), a=[1, 3, -1, -3, 2]) == [1, 2, -1, -2, 1]


def test_quarter_rounding_ties_go_up():
    # §2.2: x.125 -> x.25, x.375 -> x.50, 4.81 -> 4.75, -0.125 -> -0.25 (in line units)
    got = _eval(quarters_from_e4(pl.col("a")), a=[1250, 3750, 48100, -1250, 1249])
    assert got == [1, 2, 19, -1, 0]


def test_input_floats_read_as_six_decimals():
    # 2.675 is 2.67499999... in binary; the contract reads it as 2.675 -> r2 = 2.68
    assert _eval(micro("a"), a=[2.675, 0.1, 694000.123456]) == [2_675_000, 100_000, 694000123456]
    assert _eval(r2_h(micro("a")), a=[2.675, 2.665, 1.995]) == [268, 267, 200]


def test_area_sum_does_not_drift():
    # §2.2 / architecture guide: 5.01 + 5.14 + 2.35 = 12.50 -> 13 (floats give 12.4999...)
    h = _eval(r2_h(micro("a")), a=[5.01, 5.14, 2.35])
    assert sum(h) == 1250
    assert _eval(rint_h(pl.col("a")), a=[sum(h)]) == [13]


def test_r1_with_a_sum_ending_in_half():
    # kitchen and bathroom are vertrekken without a 4 m2 minimum (§2.4)
    d = dwelling(
        rooms=[{"type_of_room": "room", "surface_area": 5.01}],
        kitchen=[{"type_of_room": "room", "surface_area": 5.14}],
        sanitary=[{"type_of_room": "room", "surface_area": 2.35}],
    )
    assert rubrieken(score_frames(to_frames([d]), PD))["OVZ"] == Decimal("13.00")


def test_r7_eighth_point_rounds_up():
    # §3.7 + §2.2: 41.50 / 332 = 0.125 -> 0.25
    d = dwelling(disability_costs=41.5, disabled_people=1)
    assert rubrieken(score_frames(to_frames([d]), PD))["GEH"] == Decimal("0.25")


def test_rent_table_extension_above_250():
    # §3.14 checks: 255 points -> 1,701.70 (2026) and 1,641.78 (2025); <= 40 -> rent(40)
    for pd, want in (
        (dt.date(2026, 7, 1), [170170, 25026]),
        (dt.date(2025, 3, 1), [164178, 24144]),
    ):
        rules = rules_for("independent", pd)
        assert _eval(max_rent_cents(pl.col("p"), rules), p=[255, 12]) == want


# --- registry ---------------------------------------------------------------------------


def test_dependencies_decide_the_order():
    levels = [[r.code for r in level] for level in SPEC.levels()]
    flat = [c for level in levels for c in level]
    assert set(flat) == set(SPEC.codes)
    woz, bij = flat.index("WOZ"), flat.index("BIJ")
    for code in ("OVZ", "OOZ", "VKV", "ENE", "KEU", "SAN", "GEH", "BUI", "GVR", "GPA"):
        assert flat.index(code) < woz
    assert woz < bij
    assert "PMN" in levels[0]


def _spec(*rubrieken: Rubriek) -> KindSpec:
    return KindSpec("test", rubrieken, prepare=lambda *a: None, finish=lambda *a: None)


def test_registry_rejects_unknown_and_cyclic_dependencies():
    with pytest.raises(ValueError, match="unknown"):
        _spec(Rubriek("A", lambda c, d: None, needs=("Z",))).levels()
    with pytest.raises(graphlib.CycleError):
        _spec(
            Rubriek("A", lambda c, d: None, needs=("B",)),
            Rubriek("B", lambda c, d: None, needs=("A",)),
        ).levels()


# --- output shape -----------------------------------------------------------------------


def test_output_columns_and_dtypes():
    frames = to_frames([dwelling("a"), dwelling("b", care_home=True, monument="national")])
    r = score_frames(frames, PD)
    assert r.scores.schema == pl.Schema(O.SCORES)
    assert r.breakdown.schema == pl.Schema(O.BREAKDOWN)
    assert r.lines.schema == pl.Schema(O.LINES)
    # one breakdown row per dwelling per rubriek of its kind, zeros included
    assert r.breakdown.group_by("dwelling_id").len()["len"].to_list() == [13, 13]
    assert r.breakdown["rubriek"].head(13).to_list() == list(SPEC.codes)
    assert score_frames(frames, PD, lines=False).lines is None


def test_empty_portfolio():
    r = score_frames(to_frames([]), PD)
    assert r.scores.is_empty() and r.breakdown.is_empty() and r.lines.is_empty()
    assert r.scores.schema == pl.Schema(O.SCORES)


def test_input_order_is_kept_and_ids_restored():
    frames = to_frames([dwelling(i) for i in ("z", "a", "m")])
    r = score_frames(frames, PD)
    assert r.scores["dwelling_id"].to_list() == ["z", "a", "m"]
    assert set(r.lines["dwelling_id"].unique()) == {"z", "a", "m"}


def test_woz_source():
    # issue 3: keep the cache's source for a relevant WOZ value ("portfolio" when absent),
    # "appraisal" for 85 % of taxation_value, "fallback" for the minimum WOZ (§3.11.1)
    frames = to_frames(
        [
            dwelling("given"),
            dwelling("plain"),
            dwelling("appraised", woz_value=None, taxation_value=200_000.0),
            dwelling("old", woz_valuation_year=2022),
        ]
    )
    frames["dwellings"] = frames["dwellings"].with_columns(
        pl.Series("woz_source", ["api", None, None, None])
    )
    s = score_frames(frames, PD).scores
    got = dict(zip(s["dwelling_id"], s["woz_source"], strict=True))
    assert got == {
        "given": "api",
        "plain": "portfolio",
        "appraised": "appraisal",
        "old": "fallback",
    }
    values = dict(zip(s["dwelling_id"], s["woz_value_used"], strict=True))
    assert values["appraised"] == Decimal("170000.00")
    assert values["old"] == Decimal("85806.00")  # minimum WOZ 2026


# --- numbers come from the rule set ------------------------------------------------------


def test_every_number_comes_from_the_rule_set():
    """Change numbers in the rule set: the engine follows (nothing hard-coded)."""
    rules = rules_for("independent", PD)
    constants = dict(rules.constants)
    constants["points per m2 vertrek"] = Decimal("2.00")
    constants["maximum"] = Decimal("5")
    changed = dataclasses.replace(
        rules,
        constants=MappingProxyType(constants),
        label_points=MappingProxyType({**rules.label_points, "B": (Decimal(1), Decimal(2))}),
    )
    d = dwelling(
        rooms=[{"type_of_room": "room", "surface_area": 20.0}],
        outdoor=[{"surface_area": 40.0}],
    )
    r = rubrieken(score_frames(to_frames([d]), PD, changed))
    assert r["OVZ"] == Decimal("40.00")  # 20 m2 x 2.00
    assert r["BUI"] == Decimal("5.00")  # capped at the changed maximum
    assert r["ENE"] == Decimal("2.00")  # label B, MGW column of the changed table


def test_lazy_frames_are_accepted():
    frames = to_frames([dwelling("a", outdoor=[{"surface_area": 10.0}])])
    eager = score_frames(frames, PD)
    lazy = score_frames({k: v.lazy() for k, v in frames.items()}, PD)
    assert eager.scores.equals(lazy.scores)
    assert eager.lines.equals(lazy.lines)


def test_huge_numbers_do_not_overflow():
    """Absurd but valid input: the engine stays exact (Int128 where products get large)."""
    from pipeline.reference import score_frames as reference

    # 6,000,000 m2 shared by 7 needs 1.4e19 fine units: past Int64, within the output dtypes
    d = dwelling(
        woz_value=98_765_432.99,
        disability_costs=1_234_567.0,
        disabled_people=1,
        rooms=[{"type_of_room": "room", "surface_area": 6_000_000.25, "shared_addresses": 7}],
        kitchen=[{"type_of_room": "room", "surface_area": 9_999.99}],
        outdoor=[
            {"surface_area": 6_000_000.5, "shared_addresses": 3},
            {"surface_area": 40_000.0},
        ],
        parking=[{"parking_type": 1, "count": 500, "surface_area": 120.0, "shared_addresses": 9}],
    )
    frames = to_frames([d])
    a, b = score_frames(frames, PD), reference(frames, PD)
    assert a.scores.equals(b.scores)
    assert a.breakdown.equals(b.breakdown)
    assert a.lines.sort("rubriek", "line").equals(b.lines.sort("rubriek", "line"))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(-(10**12), 10**12), min_size=1, max_size=50),
    st.integers(1, 10**6),
)
def test_round_div_equals_decimal_half_up(nums, den):
    from schemas.numbers import rint

    got = _eval(round_div(pl.col("a"), den), a=nums)
    assert got == [int(rint(Decimal(x) / Decimal(den))) for x in nums]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.decimals(0, 10**6, places=6, allow_nan=False), min_size=1, max_size=50))
def test_micro_equals_exact(values):
    from schemas.numbers import exact

    floats = [float(v) for v in values]
    assert _eval(micro("a"), a=floats) == [int(exact(f) * 10**6) for f in floats]


def test_summed_q_adds_totals_by_row_number_ids():
    # engine ids are row numbers 0..n-1; a dwelling without a row (or a null q) counts 0
    from pipeline.engine.registry import summed_q

    ctx = dataclasses.make_dataclass("Ctx", ["ids"])(pl.Series(["a", "b", "c", "d"]))
    ovz = pl.LazyFrame(
        {"dwelling_id": [0, 2], "q": [4, 8]}, schema_overrides={"dwelling_id": pl.UInt32}
    )
    woz = pl.LazyFrame(
        {"dwelling_id": [3, 2], "q": [100, 100], "q_excl": [None, 1]},
        schema_overrides={"dwelling_id": pl.UInt32, "q_excl": pl.Int64},
    )
    frame = pl.DataFrame({"dwelling_id": [3, 2, 1, 0]}, schema={"dwelling_id": pl.UInt32})
    got = frame.select(summed_q(ctx, [ovz, woz], ["q", "q_excl"]).alias("s"))["s"].to_list()
    assert got == [0, 9, 0, 4]
    assert frame.select(summed_q(ctx, [ovz, woz]).alias("s"))["s"].to_list() == [100, 108, 0, 4]


def test_rubriek_columns_need_row_number_ids():
    from pipeline.engine.score import _wide

    totals = {
        "OVZ": pl.DataFrame(
            {"dwelling_id": [1], "q": [4]}, schema={"dwelling_id": pl.UInt32, "q": pl.Int64}
        )
    }
    ok = pl.DataFrame(
        {"dwelling_id": [0, 1], "_idx": [0, 1]},
        schema={"dwelling_id": pl.UInt32, "_idx": pl.UInt32},
    )
    assert _wide(ok, ["OVZ"], totals)["OVZ"].to_list() == [0, 4]
    with pytest.raises(ValueError, match="row numbers"):
        _wide(ok.reverse(), ["OVZ"], totals)
