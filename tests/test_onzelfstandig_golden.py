"""Golden cases per rubriek for non-independent dwellings (tests/golden/onzelfstandig/).

Every case names the rule of ``shared/spec/wws/onzelfstandig.md`` it checks (profile H
with overrides O1-O8, spec §4); the expected numbers were worked out by hand from the spec,
not produced by the code. Each case runs at every peildatum it lists, on every scorer.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from schemas.dwelling import Dwelling
from tests.onzelfstandig_helpers import n_scorers, score_n

GOLDEN = yaml.safe_load(
    (Path(__file__).parent / "golden/onzelfstandig/rubrieken.yaml").read_text(encoding="utf-8")
)


def _cases():
    for case in GOLDEN["cases"]:
        for peildatum in case.get("peildata", GOLDEN["peildata"]):
            for scorer in n_scorers():
                yield pytest.param(
                    case, peildatum, scorer, id=f"{case['name']}-{peildatum}-{scorer}"
                )


@pytest.mark.parametrize(("case", "peildatum", "scorer"), list(_cases()))
def test_golden_rubriek(case, peildatum, scorer):
    body = {**GOLDEN["base"], **case["dwelling"], "dwelling_id": case["name"]}
    d = Dwelling.model_validate(body)
    row, rubrieken = score_n(scorer, d, dt.date.fromisoformat(peildatum))
    assert row["kind"] == "non_independent"
    got = {code: rubrieken[code] for code in case.get("expect", {})}
    want = {code: Decimal(str(v)) for code, v in case.get("expect", {}).items()}
    assert got == want, case["rule"]
    for column, value in case.get("expect_scores", {}).items():
        assert Decimal(str(row[column])) == Decimal(str(value)), (column, case["rule"])


def test_every_case_names_its_rule():
    names = [c["name"] for c in GOLDEN["cases"]]
    assert len(names) == len(set(names))
    assert all(c.get("rule", "").startswith("§") for c in GOLDEN["cases"])
