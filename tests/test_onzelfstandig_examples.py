"""The worked examples of onzelfstandig.md §7 and the API's seed body, whole dwellings:
every rubriek, the total and the maximum rent of the peildatum's year (2025 and 2026).

Adaptations of the §7 bodies, all without effect on the expected numbers:

- ``kind: non_independent`` is added: the bodies of §7.2-§7.4 have ``corop_region: null``,
  so the API-body inference (``schemas.dwelling``) would read them as independent.
- ``usable_surface_area`` / ``corop_region`` are required by the portfolio contract for
  non-independent dwellings; where the spec body has null (§7.2-§7.4, all without a WOZ
  value, so rubriek 11 is the no-WOZ 10 points whatever the area and region) 50 m² and
  ``utrecht`` are filled in.
- ``build_year: null`` (§7.2-§7.4) is required by the contract; the spec's R4 = 0 ("no
  label, index or build year") is reproduced by clearing it after validation, and the
  reference scores that object directly (the frames round trip would reject it).
- §7.3's kitchen features use the spec's proposed keys (``built_in_fridge``, ...); the
  contract's API field names are ``refrigerator``, ``oven_electric``, ``microwave``.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from schemas.dwelling import Dwelling
from tests.onzelfstandig_helpers import n_scorers, score_direct, score_n
from tests.paths import SPEC_EXAMPLES

HERE = Path(__file__).parent
GOLDEN = yaml.safe_load(
    (HERE / "golden/onzelfstandig/worked_examples.yaml").read_text(encoding="utf-8")
)
SEED = SPEC_EXAMPLES / "seed_api_body_non_independent.json"
SPEC_FEATURE_KEYS = {
    "built_in_fridge": "refrigerator",
    "built_in_electric_oven": "oven_electric",
    "built_in_microwave": "microwave",
}


def adapt(body: dict) -> Dwelling:
    body = json.loads(json.dumps(body))
    body["kind"] = "non_independent"
    if body.get("usable_surface_area") is None:
        body["usable_surface_area"] = 50
    if body.get("corop_region") is None:
        body["corop_region"] = "utrecht"
    no_build_year = body.get("build_year") is None
    if no_build_year:
        body["build_year"] = 2000
    for kitchen in body.get("kitchen", []):
        feats = kitchen.get("kitchen_features") or {}
        kitchen["kitchen_features"] = {SPEC_FEATURE_KEYS.get(k, k): v for k, v in feats.items()}
    d = Dwelling.model_validate(body)
    return d.model_copy(update={"build_year": None}) if no_build_year else d


def _cases():
    for ex in GOLDEN["examples"]:
        for peildatum in GOLDEN["peildata"]:
            for scorer in n_scorers():
                yield pytest.param(
                    ex, peildatum, scorer, id=f"{ex['name'][:12]}-{peildatum}-{scorer}"
                )


@pytest.mark.parametrize(("example", "peildatum", "scorer"), list(_cases()))
def test_worked_example(example, peildatum, scorer):
    """onzelfstandig.md §7: every rubriek, total and rent of the spec's tables."""
    pd = dt.date.fromisoformat(peildatum)
    row, rubrieken = score_direct(scorer, adapt(example["body"]), pd)
    want = {k: Decimal(str(v)) for k, v in example["expect"]["rubrieken"].items()}
    assert rubrieken == want
    assert row["points"] == example["expect"]["points"]
    assert row["max_rent"] == Decimal(example["expect"]["max_rent"][str(pd.year)])
    assert row["sector"] == "social"
    assert row["points_exact"] == sum(want.values())


# The seed body of the non-independent API, scored by hand from the spec (profile H):
# OVZ 18 + 12/4 = 21; OOZ: sanitary typed "other" 5 m2 shared by 4 -> Q(5 x 0.75 / 4 = 0.9375)
# = 1.00 (toilet 1.2 m2 < 2); VKV 2 + round2(2/4) + round2(1/4) = 2.75; ENE label C 0.35 x 21 =
# 7.35 -> 7.25; KEU 3.5 m -> 10, extras 0.75+0.50+2+0.75+1+1+1.50+2.25+0.25 = 10 (= base, no cap),
# H lines /4: 2.50+0.19+0.13+0.50+0.19+0.25+0.25+0.38+0.56+0.06 = 5.01 -> 5.00; SAN bathroom
# /4: toilet 0.50 + 2 washbasins 0.50 + shower 0.75 + enclosure 0.31 + cupboard 0.19 + 2 outlets
# 0.13 + 2 mixer taps 0.13, toilet room 0.75 + washbasin 0.25 = 3.51 -> 3.50; BUI 50 x 0.75 / 4
# = 9.375 -> 9.50; WOZ 500 000 / 150 = 3 333 vs Utrecht wpd 2024 4 197 (-20.6 %) -> 10;
# BIJ doorbell 0.25; AFT: E1 21 >= 8, glass 1.5 >= 0.75, frame 1.2 <= 1.60 -> 0.
SEED_RUBRIEKEN = {
    "OVZ": 21, "OOZ": 1, "VKV": 2.75, "ENE": 7.25, "KEU": 5, "SAN": 3.5, "GEH": 0, "BUI": 9.5,
    "GBA": 0, "GPA": 0, "WOZ": 10, "BIJ": 0.25, "AFT": 0, "PMO": 0,
}  # fmt: skip


@pytest.mark.parametrize("scorer", n_scorers())
@pytest.mark.parametrize(
    ("peildatum", "rent"), [("2025-01-01", "589.75"), ("2026-01-01", "611.28")]
)
def test_seed_api_body_accepted_as_is_and_scored(scorer, peildatum, rent):
    body = json.loads(SEED.read_text(encoding="utf-8"))
    d = Dwelling.model_validate(body)  # as is: no kind, no dwelling_id
    assert d.kind.value == "non_independent"
    row, rubrieken = score_n(scorer, d, dt.date.fromisoformat(peildatum))
    assert rubrieken == {k: Decimal(str(v)) for k, v in SEED_RUBRIEKEN.items()}
    assert row["points_exact"] == Decimal("60.25")
    assert row["points"] == 60
    assert row["max_rent"] == Decimal(rent)
    assert row["surcharge_pct"] == 0
    assert row["sector"] == "social"
