"""``wws statement``: the Dutch puntentelling of one dwelling, from a real database with
real runs, checked in its text against the spec's worked example C and opened in
headless Chromium; batch mode and the PDF."""

from __future__ import annotations

import re

import pytest
from test_report_support import (
    ARTIFACTS,
    B,
    C,
    D,
    E,
    open_in_chromium,
    require_chromium,
    two_runs,
    wws,
)

from pipeline.report.statement import line_order, safe_name


@pytest.fixture(scope="session")
def chromium():
    return require_chromium()


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return two_runs(tmp_path_factory.mktemp("statement"))


def _text(path) -> str:
    html = path.read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_statement_of_example_c_first_run(runs, tmp_path):
    out = tmp_path / "C.html"
    assert wws("statement", C, "--db", str(runs.db), "--run", runs.run1, "--out", str(out)) == 0
    t = _text(out)
    # zelfstandig.md example C (2026): R1 45, R3 12, R5 4 (1,500 mm), R6 11, R8 3, R11 37.50,
    # +50 points rijksmonument (old lease), 162.50 -> 163 points, EUR 1,070.14, mid sector
    assert "Puntentelling woonruimte" in t and "Bijlage I onder A" in t
    assert "Peildatum 1 juli 2026" in t
    assert "zoals geldend vanaf 1 januari 2026" in t
    for title, points in [("Rubriek 1 · Oppervlakte van vertrekken", "45,00"),
                          ("Rubriek 3 · Verkoeling en verwarming", "12,00"),
                          ("Rubriek 5 · Keuken", "4,00"),
                          ("Rubriek 6 · Sanitair", "11,00"),
                          ("Rubriek 8 · Buitenruimten", "3,00"),
                          ("Rubriek 11 · Punten voor de WOZ-waarde", "37,50")]:  # fmt: skip
        assert f"{title} {points}" in t
    assert "Rubriek 12 · Bijzondere voorzieningen 0,00 geen punten" in t
    assert "Rijksmonument, huurovereenkomst vóór 1 juli 2024 50,00" in t
    assert "Aanrecht (keuken 1) 1,5 m 4,00" in t
    assert "Oppervlakte vertrek (ruimte 1) 10,79 m² 10,79" in t
    assert "Verwarmde verkeersruimten 2 st. 2,00" in t
    assert "Totaal van de rubrieken 162,50 punten" in t
    assert "Totaal, afgerond op hele punten 163 punten" in t
    assert "Maximale huurprijs bij 163 punten (kale huur per maand) € 1.070,14" in t
    assert "Middenhuur" in t and "144 tot en met 186 punten" in t
    assert "Opslag" not in t  # no percentage surcharge with the +50 points


def test_statement_shows_the_surcharge(runs, tmp_path):
    out = tmp_path / "C2.html"
    assert wws("statement", C, "--db", str(runs.db), "--out", str(out)) == 0  # latest: run 2
    t = _text(out)
    # example C without its lease date: +35 % instead of +50 points: 113 points,
    # EUR 726.95 + 254.43 = 981.38, social sector
    assert "Totaal, afgerond op hele punten 113 punten" in t
    assert "Maximale huurprijs bij 113 punten (kale huur per maand) € 726,95" in t
    assert "35 % € 254,43" in t
    assert "Maximale huurprijs inclusief opslag € 981,38" in t
    assert "Sociale huur" in t and "tot en met 143 punten" in t


def test_lines_in_statement_order():
    lines = ["ovz.afronding_m2", "ovz.sanitary[1]", "ovz.rooms[10]", "ovz.kitchen[1]",
             "ovz.rooms[2]", "bui.maximum"]  # fmt: skip
    assert sorted(lines, key=line_order) == [
        "ovz.rooms[2]", "ovz.rooms[10]", "ovz.kitchen[1]", "ovz.sanitary[1]", "bui.maximum",
        "ovz.afronding_m2",
    ]  # fmt: skip
    assert safe_name("VHE 12/3") == "VHE_12_3"


def test_rejected_or_unknown_dwelling(runs, tmp_path, capsys):
    out = str(tmp_path / "x.html")
    assert wws("statement", "BAD1", "--db", str(runs.db), "--run", runs.run1, "--out", out) == 2
    assert "BAD1 was rejected" in capsys.readouterr().out
    assert wws("statement", "NOPE", "--db", str(runs.db), "--out", out) == 2
    assert "NOPE is not in run" in capsys.readouterr().out
    assert wws("statement", "--db", str(runs.db), "--out-dir", str(tmp_path)) == 2


def test_batch_all_and_where(runs, tmp_path):
    folder = tmp_path / "all"
    assert wws("statement", "--all", "--db", str(runs.db), "--run", runs.run1,
               "--out-dir", str(folder)) == 0  # fmt: skip
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"{d}.html" for d in ("A_81065000089", "A2", B, C, D, E)
    )
    social = tmp_path / "social"
    assert wws("statement", "--where", "sector = 'social'", "--db", str(runs.db),
               "--out-dir", str(social)) == 0  # fmt: skip
    # run 2: C (113 after losing its lease date), D and F1 (both 113)
    assert sorted(p.name for p in social.iterdir()) == sorted([f"{C}.html", f"{D}.html", "F1.html"])
    assert wws("statement", "--where", "nonsense >", "--db", str(runs.db),
               "--out-dir", str(social)) == 2  # fmt: skip


def test_pdf(runs, tmp_path):
    out = tmp_path / "C.pdf"
    assert wws("statement", C, "--db", str(runs.db), "--pdf", "--out", str(out)) == 0
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type /Page\b", data)) >= 1


def test_statement_in_chromium(runs, chromium):
    out = runs.folder / "statement_C.html"
    assert wws("statement", C, "--db", str(runs.db), "--out", str(out)) == 0
    check = open_in_chromium(chromium, out, ARTIFACTS / "statement_C.png", width=1000)
    assert check.console_errors == [] and check.page_errors == []
    assert check.requests_outside == []
    ids = check.dom["ids"]
    assert ids["dwelling-id"] == C
    assert ids["total-points"] == "113 punten"
    assert ids["max-rent"] == "€ 726,95"
    assert ids["max-rent-surcharge"] == "€ 981,38"
    assert ids["sector"].startswith("Sociale huur")
    assert "Rubriek 11" in check.dom["bodyText"]
    assert check.screenshot.stat().st_size > 20_000


def test_non_independent_statement_uses_annex_b(tmp_path):
    from test_report_support import PEILDATUM, example, write_jsonl

    from pipeline.run import score_portfolio

    portfolio = write_jsonl(tmp_path / "n.jsonl", [example("seed_api_body_non_independent", "N1")])
    db = tmp_path / "n.duckdb"
    # the reference scorer covers non-independent dwellings (onzelfstandig.md)
    assert score_portfolio(portfolio, db, PEILDATUM, engine="reference").dwellings_scored == 1
    out = tmp_path / "N1.html"
    assert wws("statement", "N1", "--db", str(db), "--out", str(out)) == 0
    t = _text(out)
    # onzelfstandig.md seed body (rules 2026): 60.25 -> 60 points, EUR 611.28, social
    assert "Bijlage I onder B" in t and "Onzelfstandige woonruimte" in t
    assert "Rubriek 8 · Buitenruimten 9,50" in t
    assert "Rubriek 9 · Gemeenschappelijke binnenruimten gedeeld met meerdere adressen 0,00" in t
    assert "Rubriek 13 · Aftrekpunten 0,00" in t
    assert "Rubriek 14 · Prijsopslag monumenten 0,00" in t
    assert "Totaal van de rubrieken 60,25 punten" in t
    assert "Maximale huurprijs bij 60 punten (kale huur per maand) € 611,28" in t
    assert "altijd in het lage segment" in t
