"""Rule sets, COROP resolution, totals and invariants of the non-independent scorer."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest

from pipeline.corop import corop_regions, resolve_corop
from pipeline.reference import score_dwelling, score_frames
from pipeline.reference.onzelfstandig import RUBRIEKEN
from pipeline.reshape import to_frames
from pipeline.rules import PeildatumNotCovered, rules_for, rules_label
from schemas.dwelling import Dwelling

D = Decimal


def rules(peildatum: str):
    return rules_for("non_independent", dt.date.fromisoformat(peildatum))


# --- rule sets ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("peildatum", "legal"),
    [("2025-01-01", "2025-01-01"), ("2025-12-31", "2025-01-01"), ("2026-01-01", "2026-01-01"),
     ("2026-12-31", "2026-01-01")],
)  # fmt: skip
def test_rule_set_of_the_peildatum(peildatum, legal):
    r = rules(peildatum)
    assert r.legal_date == dt.date.fromisoformat(legal)
    assert r.profile["name"] == "H+O1-O8"
    assert r.sources


@pytest.mark.parametrize("peildatum", ["2024-12-31", "2027-01-01"])
def test_peildatum_outside_coverage_refused(peildatum):
    """spec README "Rule versions": never scored with the nearest table."""
    with pytest.raises(PeildatumNotCovered):
        rules(peildatum)


def test_rules_label_names_both_kinds():
    label = rules_label(dt.date(2026, 3, 1))
    assert "non_independent=2026-01-01" in label


@pytest.mark.parametrize(
    ("peildatum", "points", "rent"),
    [
        # onzelfstandig.md §9.2 selected rows
        ("2025-06-01", 0, "0.00"), ("2025-06-01", 1, "9.96"), ("2025-06-01", 106, "823.87"),
        ("2025-06-01", 158, "1088.53"), ("2025-06-01", 250, "1556.80"),
        ("2026-06-01", 1, "10.33"), ("2026-06-01", 106, "853.95"), ("2026-06-01", 158, "1128.27"),
        ("2026-06-01", 250, "1613.63"),
        # §1.3: above 250: + (T - 250) x (rent[250] - rent[249]) = 5.08 (2025) / 5.27 (2026)
        ("2025-06-01", 260, "1607.60"), ("2026-06-01", 260, "1666.33"),
        # §1.3: T <= 0 -> 0.00
        ("2026-06-01", -6, "0.00"),
    ],
)  # fmt: skip
def test_max_rent_table_of_the_peildatum_year(peildatum, points, rent):
    assert rules(peildatum).max_rent_for(points) == D(rent)


def test_corop_averages_per_valuation_year():
    """§2.11 / §9.1: the rule set holds the averages of the two usable WOZ years."""
    r25, r26 = rules("2025-05-01"), rules("2026-05-01")
    assert r25.corop_average[("groot-amsterdam", 2023)] == 5482
    assert r25.corop_average[("groot-amsterdam", 2024)] == 5751
    assert ("groot-amsterdam", 2025) not in r25.corop_average
    assert r26.corop_average[("groot-amsterdam", 2025)] == 6378
    assert r26.corop_average[("utrecht", 2024)] == 4197
    assert len({slug for slug, _ in r26.corop_average}) == 40


def test_countertop_boundaries_are_the_laws():
    """§2.5 O4: 1 <= L < 2: 4; 2 <= L < 3: 7; L >= 3: 10; L >= 5 with n >= 8: 13."""
    r = rules("2026-01-01")
    pts = {(L, n): r.countertop_points(D(L), n) for L in ("0.999", "1", "1.999", "2", "2.999",
           "3", "4.999", "5") for n in (1, 8)}  # fmt: skip
    assert pts[("0.999", 1)] == 0 and pts[("1", 1)] == 4 and pts[("1.999", 1)] == 4
    assert pts[("2", 1)] == 7 and pts[("2.999", 1)] == 7 and pts[("3", 1)] == 10
    assert pts[("4.999", 8)] == 10 and pts[("5", 8)] == 13 and pts[("5", 1)] == 10


# --- COROP ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("utrecht", "utrecht"), ("Utrecht", "utrecht"), ("Groot-Amsterdam", "groot-amsterdam"),
        ("groot amsterdam", "groot-amsterdam"), ("CR23", "groot-amsterdam"),
        ("cr 23", "groot-amsterdam"), ("CR-01", "oost-groningen"), ("23", "groot-amsterdam"),
        ("Agglomeratie 's-Gravenhage", "agglomeratie-s-gravenhage"),
        ("Agglomeratie' s-Gravenhage", "agglomeratie-s-gravenhage"),
        ("agglomeratie-s-gravenhage", "agglomeratie-s-gravenhage"),
        ("Friesland (Noord)", "noord-friesland"), ("Arnhem/Nijmegen", "arnhem-nijmegen"),
        ("Delftzijl en omgeving", "delfzijl-en-omgeving"), ("  IJMOND ", "ijmond"),
        ("Het Gooi- en Vechtstreek", "het-gooi-en-vechtstreek"),
    ],
)  # fmt: skip
def test_resolve_corop(text, slug):
    assert resolve_corop(text) == slug


@pytest.mark.parametrize("text", ["", "CR41", "CR00", "41", "Amsterdam", "Randstad", None])
def test_resolve_corop_unknown(text):
    assert resolve_corop(text) is None


def test_forty_regions_each_resolvable_by_every_spelling():
    regions = corop_regions()
    assert len(regions) == 40
    for reg in regions:
        for spelling in (reg.name, reg.name_beleidsboek, reg.slug, reg.cbs_code):
            assert resolve_corop(spelling) == reg.slug


# --- totals and invariants -----------------------------------------------------------------

STUDENT_ROOM = {
    "kind": "non_independent", "dwelling_id": "s1", "build_year": 1975,
    "usable_surface_area": 180, "corop_region": "CR17", "woz_value": 640000,
    "woz_valuation_year": 2024, "doorbell": True,
    "rooms": [{"type_of_room": "room", "surface_area": 14.3, "heated": True, "washbasin": 1},
              {"type_of_room": "other", "surface_area": 6.1, "shared_spaces": 6, "heated": True},
              {"type_of_room": "room", "surface_area": 3.2, "attic_without_fixed_staircase": True}],
    "kitchen": [{"type_of_room": "room", "surface_area": 11.0, "countertop_length": 3.2,
                 "shared_spaces": 6, "heated": True,
                 "kitchen_features": {"induction_hob": 1, "refrigerator": 2, "freezer": 1}}],
    "sanitary": [{"type_of_room": "room", "surface_area": 3.4, "shower_facility": "shower",
                  "shared_spaces": 3, "heated": True,
                  "sanitary_features": {"washbasin": 1, "towel_radiator": 1}}],
    "toilet": [{"surface_area": 1.1, "shared_spaces": 3}],
    "outdoor": [{"surface_area": 30, "shared_spaces": 6}],
    "parking": [{"parking_type": 3, "count": 1, "shared_addresses": 4, "shared_spaces": 6,
                 "charging_station": True}],
}  # fmt: skip


def test_breakdown_has_every_rubriek_and_lines_add_up():
    """output-contract.md: one row per rubriek of its kind (zeros included), lines sum to
    their rubriek, sum(rubrieken) = points_exact, round_half_up(points_exact) = points."""
    d = Dwelling.model_validate(STUDENT_ROOM)
    r = score_dwelling(d, dt.date(2026, 7, 1))
    assert tuple(r.rubrieken) == RUBRIEKEN
    by_rubriek: dict[str, Decimal] = defaultdict(Decimal)
    for ln in r.lines:
        by_rubriek[ln.rubriek] += ln.points
        assert ln.line.startswith(ln.rubriek.lower() + ".")
    for code, pts in r.rubrieken.items():
        assert by_rubriek.get(code, D(0)) == pts, code
        assert pts % D("0.25") == 0, code
    assert sum(r.rubrieken.values()) == r.points_exact
    assert r.points == int(r.points_exact.quantize(D(1), rounding="ROUND_HALF_UP"))
    assert r.sector == "social"


def test_same_score_alone_and_in_a_batch_in_any_order():
    a = Dwelling.model_validate(STUDENT_ROOM)
    b = Dwelling.model_validate({**STUDENT_ROOM, "dwelling_id": "s2", "care_home": True})
    pd = dt.date(2025, 9, 1)
    alone = score_frames(to_frames([a]), pd).breakdown
    batch = score_frames(to_frames([b, a]), pd).breakdown.filter(dwelling_id="s1")
    assert alone.sort("rubriek").equals(batch.sort("rubriek"))


def test_negative_total_has_rent_zero():
    """§1.3: T <= 0 => 0.00. No vertrek (-4), landlord access, small glass, high frame: -16 + 10."""
    d = Dwelling.model_validate({
        "kind": "non_independent", "build_year": 1990, "usable_surface_area": 40,
        "corop_region": "twente", "accessibility_via_landlord": True,
        "glass_surface_living_room": 0.5, "lowest_window_frame_living_room": 1.8,
    })  # fmt: skip
    r = score_dwelling(d, dt.date(2026, 1, 1))
    assert r.points == -6 and r.max_rent == 0 and r.max_rent_with_surcharge == 0


def test_surcharge_on_the_rent():
    """§1.3: surcharge = round2(rent_base x pct); rijksmonument with a new lease: 35 %."""
    d = Dwelling.model_validate({**STUDENT_ROOM, "monument": "national",
                                 "lease_signed_date": "2025-02-01"})  # fmt: skip
    r = score_dwelling(d, dt.date(2026, 7, 1))
    assert r.surcharge_pct == 35
    assert r.max_rent_with_surcharge == r.max_rent + (r.max_rent * D("0.35")).quantize(D("0.01"))


def test_woz_unscorable_is_flagged_not_silent():
    """§2.11.5 / Q8: usable area 0 -> rubriek 11 contributes 0 and the result says why."""
    d = Dwelling.model_validate({**STUDENT_ROOM, "usable_surface_area": 0})
    r = score_dwelling(d, dt.date(2026, 7, 1))
    assert r.rubrieken["WOZ"] == 0
    assert any("WOZ not scored" in n for n in r.notes)
