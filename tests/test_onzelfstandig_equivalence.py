"""Engine == reference for non-independent dwellings, with generated dwellings (issue 4, item 4).

Whole output frames are compared: ``scores``, ``breakdown`` (every rubriek, zeros included)
and ``breakdown_lines`` (every line id, quantity and points), on portfolios of
non-independent dwellings and on mixed portfolios where both kinds arrive in one input.

The generator is biased to the rules' boundaries (onzelfstandig.md): areas at 1.99/2.00/
3.99/4.00 m² and sums ending in .50 after division; sharing counts 1-16 with 8 (washbasin
exception, 13-point kitchen) and divisors whose quotients only sum to a tie exactly
(3, 6, 7, 16); countertops at 0.999/1.000/2.000/3.000/5.000 m; outdoor space at the
15-point cap and the 1/8 quarter tie; WOZ values at exactly ±10 % of the COROP average;
care homes; the four deductions with numbers and caller flags on their boundaries;
monuments with leases on both sides of 2024-07-01.

Default run is modest; ``WWS_PROPTEST=deep`` (or ``WWS_PROPTEST_EXAMPLES=N``) runs more.
"""

from __future__ import annotations

import datetime as dt
import os

import polars as pl
from hypothesis import given
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from pipeline.engine import score_frames as engine
from pipeline.reference import score_frames as reference
from pipeline.reshape import to_frames
from pipeline.rules import rules_for
from schemas.dwelling import ENERGY_LABELS, KITCHEN_FEATURES, Dwelling
from tests.strategies import areas, countertops, independent_bodies, peildata, toilets
from tests.test_equivalence import _settings

_DEEP = os.environ.get("WWS_PROPTEST") == "deep"
EXAMPLES = int(os.environ.get("WWS_PROPTEST_EXAMPLES", 1000 if _DEEP else 30))

KEYS = {
    "scores": ["dwelling_id"],
    "breakdown": ["dwelling_id", "rubriek"],
    "lines": ["dwelling_id", "rubriek", "line"],
}


def assert_same(a, b) -> None:
    for name, keys in KEYS.items():
        left, right = getattr(a, name).sort(keys), getattr(b, name).sort(keys)
        if name == "lines" and not left.equals(right):
            diff = left.join(right, on=keys, how="full", suffix="_ref", coalesce=True)
            bad = diff.filter(
                ~(
                    pl.col("points").eq_missing(pl.col("points_ref"))
                    & pl.col("quantity").eq_missing(pl.col("quantity_ref"))
                )
            )
            raise AssertionError(f"lines differ:\n{bad}")
        assert_frame_equal(left, right, check_exact=True)


# --- strategies ------------------------------------------------------------------------------

shares = st.one_of(
    st.sampled_from([None, 0, 1, 1, 1, 1, 2, 3, 4, 6, 7, 8, 8, 16]), st.integers(2, 12)
)
addresses = st.one_of(st.sampled_from([None, 0, 1, 1, 1, 1, 1, 1]), st.integers(2, 5))
flags = st.booleans()
few = st.sampled_from([0, 0, 0, 1, 2, 3])


def _block(draw) -> dict:
    return {"shared_spaces": draw(shares), "shared_addresses": draw(addresses)}


@st.composite
def n_rooms(draw):
    return {
        "type_of_room": draw(st.sampled_from(["room", "room", "other"])),
        "attic_without_fixed_staircase": draw(st.sampled_from([False, False, False, True])),
        "surface_area": draw(areas()),
        "heated": draw(flags),
        "cooled": draw(flags),
        "washbasin": draw(few),
        "multi_person_washbasin": draw(st.sampled_from([0, 0, 0, 1, 2])),
        "showers": draw(st.sampled_from([0, 0, 0, 1])),
        "baths": draw(st.sampled_from([0, 0, 0, 1])),
        **_block(draw),
    }


@st.composite
def n_kitchens(draw):
    return {
        "type_of_room": draw(st.sampled_from(["room", "room", "other"])),
        "open_kitchen": draw(flags),
        "surface_area": draw(st.one_of(st.just(0.0), areas(25.0))),
        "countertop_length": draw(
            st.one_of(countertops, st.sampled_from([2.999, 3.0, 3.0004, 3.5, 4.999, 5.0, 5.5]))
        ),
        "heated": draw(flags),
        "cooled": draw(flags),
        "kitchen_features": {f: draw(st.sampled_from([0, 0, 1, 1, 2])) for f in KITCHEN_FEATURES},
        "washbasin": draw(st.sampled_from([0, 0, 1, 2])),
        "has_sink": draw(st.sampled_from([None, True, True, False])),
        **_block(draw),
    }


@st.composite
def n_sanitary(draw):
    explicit = draw(st.booleans())
    return {
        "type_of_room": draw(st.sampled_from(["room", "room", "other"])),
        "surface_area": draw(areas(15.0)),
        "heated": draw(flags),
        "cooled": draw(flags),
        "shower_facility": draw(st.sampled_from(["", "shower", "shower", "bath", "shower/bath"])),
        "showers": draw(st.integers(0, 2)) if explicit else None,
        "baths": draw(st.integers(0, 2)) if explicit else None,
        "toilet": draw(st.sampled_from([0, 0, 1, 2])),
        "wall_hung_toilet": draw(st.sampled_from([0, 0, 1])),
        "sanitary_features": {
            "washbasin": draw(st.sampled_from([0, 1, 1, 2, 3])),
            "multi_person_washbasin": draw(st.sampled_from([0, 0, 1, 2])),
            "cupboard_space": draw(st.sampled_from([False, True, 0, 1, 2])),
            "power_outlet": draw(st.integers(0, 5)),
            "build_in_cupboard": draw(few),
            "complete_separation_of_shower": draw(few),
            "bath_with_bubble_function": draw(few),
            "one_hand_mixer_tap": draw(few),
            "thermostatic_mixer_tap": draw(few),
            "towel_radiator": draw(few),
        },
        **_block(draw),
    }


@st.composite
def n_toilets(draw):
    """The independent toilet rows, with the non-independent sharing fields instead."""
    toilet = draw(toilets())
    del toilet["shared_addresses"]
    return {**toilet, **_block(draw)}


@st.composite
def n_outdoor(draw):
    return {
        "surface_area": draw(st.one_of(areas(60.0), st.sampled_from([0.5, 36.0, 37.14, 38.0]))),
        "meets_shared_min_dimensions": draw(st.sampled_from([None, True, True, False])),
        **_block(draw),
    }


@st.composite
def n_parking(draw):
    return {
        "parking_type": draw(st.sampled_from([1, 2, 3])),
        "charging_station": draw(flags),
        "count": draw(st.sampled_from([None, 0, 1, 1, 2, 5])),
        "surface_area": draw(st.sampled_from([None, 11.99, 12.0, 12.5, 18.0])),
        **_block(draw),
    }


def _window(draw, boundary: float, spread: float):
    return draw(
        st.one_of(
            st.none(),
            st.booleans(),
            st.sampled_from([boundary - 0.01, boundary, boundary + 0.01]),
            st.floats(0, boundary + spread).map(lambda x: round(x, 3)),
        )
    )


@st.composite
def non_independent_bodies(draw, dwelling_id: str = "n", peildatum: dt.date | None = None):
    """A per-dwelling body of a non-independent dwelling, biased to the boundaries."""
    pd = peildatum or dt.date(2026, 7, 1)
    rules = rules_for("non_independent", pd)
    slug = draw(st.sampled_from(["utrecht", "groot-amsterdam", "twente", "zuid-limburg"]))
    spelling = draw(st.sampled_from([slug, slug.upper().replace("-", " "), "CR17", "CR23"]))
    year = draw(st.sampled_from([pd.year - 1, pd.year - 1, pd.year - 2, pd.year - 3, None]))
    usable = draw(st.sampled_from([0.0, 37.0, 58.0, 100.0, 150.5]))
    # WOZ values at exactly -10 %, 0 and +10 % of the average (and one euro either side)
    from pipeline.corop import resolve_corop

    avg = rules.corop_average.get((resolve_corop(spelling), year or 0))
    if avg is not None and usable > 0:
        factor = draw(st.sampled_from([0.9, 1.0, 1.1]))
        woz = float(round(float(avg) * usable * factor)) + draw(st.sampled_from([-1, 0, 0, 1]))
    else:
        woz = draw(st.integers(50_000, 900_000).map(float))
    has_dates = draw(st.booleans())
    body = {
        "dwelling_id": dwelling_id,
        "kind": "non_independent",
        "build_year": draw(st.sampled_from([1920, 1964, 1965, 1976, 1985, 1998, 2001, 2010])),
        "energy_label": draw(st.sampled_from(["", "", *ENERGY_LABELS])),
        "energy_index_existence": draw(flags),
        "energy_index": draw(st.one_of(st.none(), st.sampled_from([0.0, 0.6, 0.61, 1.2, 2.8]))),
        "energy_performance_compensation": draw(st.sampled_from([False, False, False, True])),
        "energy_label_registered_on": draw(st.sampled_from([pd, pd + dt.timedelta(days=1)]))
        if has_dates
        else None,
        "energy_label_valid_until": draw(st.sampled_from([pd, pd + dt.timedelta(days=1)]))
        if has_dates
        else None,
        "disability_costs": draw(
            st.one_of(st.just(0.0), st.integers(0, 100).map(lambda k: k * 41.5))
        ),
        "disabled_people": draw(st.sampled_from([0, 0, 1, 2, 3])),
        "monument": draw(st.sampled_from(["", "", "", "national", "municipal", "provincial"])),
        "lease_signed_date": draw(
            st.sampled_from([None, dt.date(2024, 6, 30), dt.date(2024, 7, 1), dt.date(2019, 1, 1)])
        ),
        "protected_cityscape": draw(flags),
        "doorbell": draw(flags),
        "woz_value": draw(st.sampled_from([woz, woz, None, 0.0])),
        "woz_valuation_year": year,
        "taxation_value": draw(st.one_of(st.none(), st.integers(50_000, 900_000).map(float))),
        "usable_surface_area": usable,
        "corop_region": spelling,
        "care_home": draw(st.sampled_from([False, False, False, True])),
        "glass_surface_living_room": _window(draw, 0.75, 2.0),
        "lowest_window_frame_living_room": _window(draw, 1.60, 0.5),
        "accessibility_via_landlord": draw(st.sampled_from([False, False, True])),
        "heated_circulation_spaces": draw(st.sampled_from([0, 0, 1, 3, 5])),
        "low_overheating_risk_label": draw(st.sampled_from([False, False, True])),
        "private_charging_stations": draw(st.sampled_from([0, 0, 0, 1])),
        "rooms": draw(st.lists(n_rooms(), max_size=7)),
        "kitchen": draw(st.lists(n_kitchens(), max_size=2)),
        "sanitary": draw(st.lists(n_sanitary(), max_size=3)),
        "toilet": draw(st.lists(n_toilets(), max_size=2)),
        "outdoor": draw(st.lists(n_outdoor(), max_size=3)),
        "parking": draw(st.lists(n_parking(), max_size=2)),
    }
    return body


@st.composite
def n_portfolios(draw, pd: dt.date, mixed: bool, min_size: int = 1, max_size: int = 4):
    size = draw(st.integers(min_size, max_size))
    out = []
    for i in range(size):
        independent = mixed and draw(st.booleans())
        make = independent_bodies if independent else non_independent_bodies
        out.append(Dwelling.model_validate(draw(make(f"d{i}", pd))))
    return out


# --- properties ------------------------------------------------------------------------------


@_settings(EXAMPLES)
@given(pd=peildata, data=st.data())
def test_engine_equals_reference_non_independent(pd, data):
    frames = to_frames(data.draw(n_portfolios(pd, mixed=False)))
    assert_same(engine(frames, pd), reference(frames, pd))


@_settings(max(EXAMPLES // 2, 10))
@given(pd=peildata, data=st.data())
def test_engine_equals_reference_mixed_portfolio(pd, data):
    """Both kinds in one input: every dwelling scored by its own system, same frames."""
    dwellings = data.draw(n_portfolios(pd, mixed=True, min_size=2, max_size=5))
    frames = to_frames(dwellings)
    e, r = engine(frames, pd), reference(frames, pd)
    assert_same(e, r)
    kinds = dict(zip(e.scores["dwelling_id"], e.scores["kind"], strict=True))
    for d in dwellings:
        assert kinds[d.dwelling_id] == d.kind.value
    n_ids = [d.dwelling_id for d in dwellings if d.kind.value == "non_independent"]
    assert (e.scores.filter(pl.col("dwelling_id").is_in(n_ids))["sector"] == "social").all()
    per = e.breakdown.group_by("dwelling_id").agg(pl.len())
    expected = {d.dwelling_id: 14 if d.kind.value == "non_independent" else 13 for d in dwellings}
    assert dict(per.iter_rows()) == expected


@_settings(max(EXAMPLES // 3, 8))
@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_row_order_is_irrelevant(data, seed):
    pd = dt.date(2026, 7, 1)
    frames = to_frames(data.draw(n_portfolios(pd, mixed=True, min_size=2, max_size=5)))
    shuffled = {k: v.sample(fraction=1.0, shuffle=True, seed=seed) for k, v in frames.items()}
    assert_same(engine(frames, pd), engine(shuffled, pd))


def test_many_different_sharing_counts_in_one_batch():
    """Exactness does not depend on the batch: 40 dwellings whose spaces are shared by
    counts with many different primes (m·n up to 97 × 16) score as they do alone."""
    pd = dt.date(2026, 7, 1)
    primes = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79,
              83, 89, 97]  # fmt: skip
    dwellings = []
    for i in range(40):
        p, q = primes[i % len(primes)], primes[(3 * i + 1) % len(primes)]
        dwellings.append(
            Dwelling.model_validate(
                {
                    "dwelling_id": f"big{i}",
                    "kind": "non_independent",
                    "build_year": 1990,
                    "usable_surface_area": 100,
                    "corop_region": "utrecht",
                    "rooms": [
                        {"type_of_room": "room", "surface_area": 10.01 + i, "shared_spaces": q},
                        {
                            "type_of_room": "other",
                            "surface_area": 7.3,
                            "shared_spaces": p,
                            "heated": True,
                        },
                    ],
                    "kitchen": [
                        {
                            "type_of_room": "room",
                            "surface_area": 12.5,
                            "countertop_length": 2.5,
                            "shared_spaces": 16,
                            "shared_addresses": p,
                            "heated": True,
                        }
                    ],
                    "outdoor": [{"surface_area": 33.3, "shared_spaces": q, "shared_addresses": p}],
                    "parking": [
                        {
                            "parking_type": 1,
                            "surface_area": 10,
                            "charging_station": True,
                            "shared_spaces": 16,
                            "shared_addresses": q,
                        }
                    ],
                }
            )  # fmt: skip
        )
    together = engine(to_frames(dwellings), pd)
    assert_same(together, reference(to_frames(dwellings), pd))
    alone = engine(to_frames(dwellings[7:8]), pd)
    one = type(together)(
        *(getattr(together, k).filter(pl.col("dwelling_id") == "big7") for k in KEYS)
    )
    assert_same(alone, one)
