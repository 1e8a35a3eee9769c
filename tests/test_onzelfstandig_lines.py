"""Breakdown lines of non-independent dwellings: the catalogue of docs/lines.md
("Non-independent dwellings") on the spec's worked examples, line by line, on every scorer.

Expected lines are the spec's own derivations (onzelfstandig.md §7.3 and §7.4 tables),
each quantised to 4 decimals half up; the closing ``<code>.afronding`` line takes the
quarter rounding and the 4-decimal remainders so that lines sum to the rubriek.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from pipeline.reference import score_dwelling
from pipeline.reshape import to_frames
from schemas.dwelling import Dwelling
from tests.onzelfstandig_helpers import n_scorers
from tests.scorers import SCORERS
from tests.test_onzelfstandig_examples import GOLDEN, adapt

D = Decimal
EXAMPLES = {ex["name"]: ex["body"] for ex in GOLDEN["examples"]}


def _lines(scorer: str, body: dict, rubriek: str) -> dict[str, tuple]:
    d = adapt(body)
    pd = dt.date(2026, 1, 1)
    if scorer == "reference":
        r = score_dwelling(d, pd)
        return {ln.line: (ln.quantity, ln.points) for ln in r.lines if ln.rubriek == rubriek}
    out = SCORERS[scorer](to_frames([d]), pd).lines.filter(rubriek=rubriek)
    return {row["line"]: (row["quantity"], row["points"]) for row in out.iter_rows(named=True)}


@pytest.mark.parametrize("scorer", n_scorers())
def test_gba_lines_of_the_law_example(scorer):
    """§7.3: 20/16 + 2 × 0.75/16 + 2/16 + (7 + 3)/16 + (3.75 + 1)/16 = 2.390625 -> 2.50."""
    got = _lines(scorer, EXAMPLES["voorbeeld_beleidsboek GBA (§7.3)"], "GBA")
    want = {
        "gba.kitchen[1]": (D("20.0000"), D("1.2500")),  # 20 m² vertrek / (4 × 4)
        "gba.toilet[1]": (D("2.0000"), D("0.0938")),  # 2 × 0.75 / 16 = 0.09375
        "gba.verwarmd.kitchen[1]": (D("1.0000"), D("0.1250")),  # 2 / 16
        "gba.kitchen[1].aanrecht": (D("2.9990"), D("0.4375")),  # 7 / 16
        "gba.kitchen[1].refrigerator": (D("1.0000"), D("0.0625")),
        "gba.kitchen[1].oven_electric": (D("1.0000"), D("0.0625")),
        "gba.kitchen[1].microwave": (D("1.0000"), D("0.0625")),
        "gba.toilet[1].wall_hung_toilet": (D("1.0000"), D("0.2344")),  # 3.75 / 16 = 0.234375
        "gba.toilet[1].washbasin": (D("1.0000"), D("0.0625")),
    }
    rest = D("2.50") - sum(p for _, p in want.values())
    want["gba.afronding"] = (None, rest)
    assert got == want
    assert rest == D("0.1093")  # 2.50 - 2.3907 (the nine lines, each to 4 decimals)


@pytest.mark.parametrize("scorer", n_scorers())
def test_bui_lines_of_the_law_example(scorer):
    """§7.4: private 1 m² 0.35 + 2; 4.5 / 4 × 0.75 = 0.84375; 52 / 20 × 0.75 = 1.95; -> 5.25."""
    got = _lines(scorer, EXAMPLES["beleidsboekvoorbeeld buitenruimten (§7.4)"], "BUI")
    assert got == {
        "bui.outdoor[1]": (D("1.0000"), D("0.3500")),
        "bui.outdoor[2]": (D("4.5000"), D("0.8438")),
        "bui.outdoor[3]": (D("52.0000"), D("1.9500")),
        "bui.prive_aanwezig": (None, D("2.0000")),
        "bui.afronding": (None, D("0.1062")),  # 5.25 - 5.1438
    }


@pytest.mark.parametrize("scorer", n_scorers())
def test_full_case_lines(scorer):
    """§7.1: OVZ 20.04 + 7.50/2 + 1.70/2 = 24.64 -> 25; ENE 24.64 × 0.35 = 8.624 -> 8.50."""
    body = EXAMPLES["15004000185 (§7.1, full case)"]
    assert _lines(scorer, body, "OVZ") == {
        "ovz.rooms[1]": (D("20.0400"), D("20.0400")),
        "ovz.kitchen[1]": (D("7.5000"), D("3.7500")),
        "ovz.sanitary[1]": (D("1.7000"), D("0.8500")),
        "ovz.afronding_m2": (None, D("0.3600")),
    }
    assert _lines(scorer, body, "ENE") == {
        "ene.bouwjaar_per_m2": (D("24.6400"), D("8.6240")),
        "ene.afronding": (None, D("-0.1240")),
    }
    assert _lines(scorer, body, "WOZ") == {
        # 205 000 / 58 = 3 534.4828 € per m² vs Groot-Rijnmond 3 537 (wpd 2024)
        "woz.rond_gemiddelde": (D("3534.4828"), D("12.0000")),
    }


def _documented_patterns(section: str) -> list[re.Pattern]:
    """Line-id patterns of the catalogue: ``REF`` is any space, ``<...>`` any item, and a
    token starting with ``.`` continues the previous id's prefix (``san.REF.toilet`` /
    ``.wall_hung_toilet``)."""
    patterns, previous = [], ""
    for token in re.findall(r"`([^`]+)`", section):
        if token.startswith("."):
            token = previous.rpartition(".")[0] + token
        if not re.match(r"^[a-z]{3}\.", token):
            continue
        previous = token
        rx = re.escape(token).replace("REF", r"[a-z]+\[[^\]]*\]")
        rx = re.sub(r"<[^>]*>", r"[a-z_]+", rx)
        patterns.append(re.compile(f"^{rx}$"))
    return patterns


def test_line_catalogue_documents_every_non_independent_line_id():
    """Every line id the reference emits on the golden cases is in docs/lines.md."""
    doc = (Path(__file__).parents[1] / "docs/lines.md").read_text(encoding="utf-8")
    patterns = _documented_patterns(doc.split("## Non-independent dwellings", 1)[1])
    golden = yaml.safe_load(
        (Path(__file__).parent / "golden/onzelfstandig/rubrieken.yaml").read_text("utf-8")
    )
    seen = set()
    for case in golden["cases"]:
        d = Dwelling.model_validate({**golden["base"], **case["dwelling"]})
        seen |= {ln.line for ln in score_dwelling(d, dt.date(2026, 7, 1)).lines}
    missing = [
        line
        for line in sorted(seen)
        if not line.endswith(".afronding") and not any(p.match(line) for p in patterns)
    ]
    assert missing == []
    assert len(seen) > 60
