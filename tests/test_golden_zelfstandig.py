"""Golden cases per rubriek (tests/golden/zelfstandig/rubrieken.yaml), from the spec.

Every case names the rule of ``shared/spec/wws/zelfstandig.md`` it checks; the expected
numbers were worked out by hand from the spec, not produced by the code.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from schemas.dwelling import Dwelling
from tests.scorers import SCORERS, score_one

GOLDEN = yaml.safe_load((Path(__file__).parent / "golden/zelfstandig/rubrieken.yaml").read_text())
PEILDATUM = dt.date.fromisoformat(GOLDEN["peildatum"])


def _cases():
    for case in GOLDEN["cases"]:
        for scorer in SCORERS:
            yield pytest.param(case, scorer, id=f"{case['name']}-{scorer}")


@pytest.mark.parametrize(("case", "scorer"), list(_cases()))
def test_golden_rubriek(case, scorer):
    body = {**GOLDEN["base"], **case["dwelling"], "dwelling_id": case["name"]}
    d = Dwelling.model_validate(body)
    peildatum = dt.date.fromisoformat(case.get("peildatum", GOLDEN["peildatum"]))
    row, rubrieken = score_one(scorer, d, peildatum)
    got = {code: rubrieken[code] for code in case.get("expect", {})}
    want = {code: Decimal(str(v)) for code, v in case.get("expect", {}).items()}
    assert got == want, case["rule"]
    for column, value in case.get("expect_scores", {}).items():
        assert Decimal(str(row[column])) == Decimal(str(value)), (column, case["rule"])
