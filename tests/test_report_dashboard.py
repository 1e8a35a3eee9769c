"""``wws report``: a real DuckDB with two real runs (``wws score`` on JSON Lines made from
the spec's worked examples), the report written by the command, checked in its numbers
and opened in headless Chromium.

Expected numbers come from ``shared/spec/wws/zelfstandig.md`` (worked examples A-E, the
2026 rent table) and from the portfolios written in ``test_report_support``, not from
this code.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from test_report_support import (
    ARTIFACTS,
    A,
    C,
    D,
    E,
    open_in_chromium,
    require_chromium,
    two_runs,
    wws,
)

from pipeline.report import data as R
from pipeline.report.dashboard import build_report


@pytest.fixture(scope="session")
def chromium():
    return require_chromium()


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return two_runs(tmp_path_factory.mktemp("report"))


def _report(runs, run_id=None):
    con = R.connect(runs.db)
    try:
        return build_report(con, run_id)
    finally:
        con.close()


def test_latest_run_summary_and_sections(runs):
    r = _report(runs)
    assert r["run"]["run_id"] == runs.run2  # latest succeeded run by default
    s = r["summary"]
    # run 2: A 144 mid, A2 144 mid, B 284 free, C without lease date 113 social,
    # D 113 social, F1 (= D) 113 social
    assert s["n"] == 6
    assert s["sectors"] == {"social": 3, "mid": 2, "free": 1}
    assert (s["p_min"], s["p_max"]) == (113, 284)
    hist = {(p, sec): n for p, sec, n in r["histogram"].iter_rows()}
    assert hist == {(113, "social"): 3, (144, "mid"): 2, (284, "free"): 1}
    assert (r["boundaries"].social_max, r["boundaries"].free_min) == (143, 187)

    near = {row["dwelling_id"]: row for row in r["near"].iter_rows(named=True)}
    assert set(near) == {A, "A2"}  # 144 points: one above 143/144; nothing within 182..191
    assert near[A]["boundary"] == "143/144"
    assert (near[A]["side"], near[A]["distance"]) == ("above", 1)

    over = {row["dwelling_id"]: row["excess"] for row in r["over_rent"].iter_rows(named=True)}
    # A2 pays 1000.00 at 144 points (max 939.73); D pays 800.00 at 113 (max 726.95);
    # A pays 900.00 < 939.73
    assert over == {"A2": Decimal("60.27"), D: Decimal("73.05")}


def test_rubriek_averages_follow_the_breakdown(runs):
    r = _report(runs, runs.run1)
    avg = {row["rubriek"]: row["avg_points"] for row in r["rubrieken"].iter_rows(named=True)}
    # zelfstandig.md, worked examples: R1 = A 58, B 141, C 45, D 57, E 60 (A twice in run 1)
    assert avg["OVZ"] == pytest.approx((58 + 58 + 141 + 45 + 57 + 60) / 6)
    # R11 = A 30.25, B 64.75, C 37.50, D 31.50, E 66.00
    assert avg["WOZ"] == pytest.approx((30.25 * 2 + 64.75 + 37.5 + 31.5 + 66) / 6)
    assert avg["PMN"] == pytest.approx(50 / 6)  # only C (rijksmonument, old lease): +50
    assert list(r["rubrieken"]["rubriek"])[:3] == ["OVZ", "OOZ", "VKV"]  # Bijlage I order


def test_rejects_grouped_by_problem(runs):
    r = _report(runs, runs.run1)
    rej = {(row["check"], row["column"]): row for row in r["rejects"].iter_rows(named=True)}
    cols = {c for _, c in rej}
    assert cols == {"build_year", "house_type"}  # BAD1 and BAD2 of portfolio_v1
    by_col = {c: row for (_, c), row in rej.items()}
    assert by_col["build_year"]["some_dwellings"] == ["BAD1"]
    assert by_col["house_type"]["some_dwellings"] == ["BAD2"]
    assert r["run"]["dwellings_rejected"] == 2
    assert r["previous"] is None  # the first run has nothing to compare with


def test_changes_since_previous_run(runs):
    r = _report(runs)
    assert r["previous"]["run_id"] == runs.run1
    ch = {row["dwelling_id"]: row for row in r["changes"].iter_rows(named=True)}
    assert set(ch) == {C, E, "F1"}
    assert ch[E]["change"] == "disappeared" and ch[E]["points_before"] == 202
    assert ch["F1"]["change"] == "appeared" and ch["F1"]["points_after"] == 113
    c = ch[C]
    # zelfstandig.md example C: 163 points, EUR 1070.14; without the lease date
    # 113 points, EUR 726.95 + 35 % = 981.38
    assert (c["points_before"], c["points_after"], c["points_delta"]) == (163, 113, -50)
    assert (c["max_rent_before"], c["max_rent_after"]) == (Decimal("1070.14"), Decimal("981.38"))
    assert (c["sector_before"], c["sector_after"]) == ("mid", "social")
    assert r["change_counts"] == {"appeared": 1, "disappeared": 1, "rejected": 0,
                                  "points_changed": 1, "rent_changed": 1,
                                  "sector_changed": 1}  # fmt: skip
    assert r["sector_moves"].rows() == [("mid", "social", 1)]
    con = R.connect(runs.db)
    try:
        history = R.has_macro(con, "run_changes")
    finally:
        con.close()
    if history:  # the run-history macro (issue 7) says why: the edited input field
        assert "lease_signed_date" in c["reasons"]
        assert c["rubrieken"] == "PMN 50.00 -> 0.00"


def test_unknown_run_and_missing_db(runs, tmp_path, capsys):
    out = str(tmp_path / "x.html")
    assert wws("report", "--db", str(runs.db), "--run", "nope", "--out", out) == 2
    assert "no run 'nope'" in capsys.readouterr().out
    assert wws("report", "--db", str(tmp_path / "none.duckdb"), "--out", out) == 2
    assert not (tmp_path / "x.html").exists()


def test_report_in_chromium(runs, chromium):
    out = runs.folder / "report.html"
    assert wws("report", "--db", str(runs.db), "--out", str(out)) == 0
    html = out.read_text(encoding="utf-8")
    assert "<script src=" not in html and "<link " not in html  # plotly.js is inlined
    check = open_in_chromium(chromium, out, ARTIFACTS / "report.png")
    assert check.console_errors == [] and check.page_errors == []
    assert check.requests_outside == []  # opens with no network
    plots = {p["id"]: p for p in check.dom["plots"]}
    assert set(plots) == {"chart-histogram", "chart-rubrieken", "chart-changes"}
    for p in plots.values():
        assert p["svgs"] >= 1 and p["width"] > 300 and p["height"] > 200
    hist = plots["chart-histogram"]
    assert hist["traces"] == 3  # social, mid, free
    assert hist["bars"] == 3  # bars at 113, 144 and 284 points
    assert hist["shapes"] == 2 and hist["annotations"] == ["143/144", "186/187"]
    assert plots["chart-rubrieken"]["bars"] >= 8  # rubrieken with points on average
    ids = check.dom["ids"]
    assert (ids["n-scored"], ids["n-social"], ids["n-mid"], ids["n-free"]) == ("6", "3", "2", "1")
    assert (ids["n-appeared"], ids["n-disappeared"], ids["n-sector-changed"]) == ("1", "1", "1")
    text = check.dom["bodyText"]
    for expected in ("A2", "EUR 60.27", "EUR 73.05", "EUR 981.38", "mid", "appeared"):
        assert expected in text
    assert check.screenshot.stat().st_size > 20_000


def test_first_run_report_in_chromium(runs, chromium):
    out = runs.folder / "report_run1.html"
    assert wws("report", "--db", str(runs.db), "--run", runs.run1, "--out", str(out)) == 0
    check = open_in_chromium(chromium, out, ARTIFACTS / "report_run1.png")
    assert check.console_errors == [] and check.page_errors == []
    assert {p["id"] for p in check.dom["plots"]} == {"chart-histogram", "chart-rubrieken"}
    text = check.dom["bodyText"]
    assert "No earlier succeeded run to compare with." in text
    assert "BAD1" in text and "BAD2" in text
    # run 1: bars at 113 (D), 144 (A, A2), 163 (C), 202 (E) and 284 (B)
    hist = next(p for p in check.dom["plots"] if p["id"] == "chart-histogram")
    assert hist["bars"] == 5


def test_report_of_a_failed_run(runs, tmp_path):
    from test_report_support import PEILDATUM

    from pipeline.run import score_portfolio

    # portfolio v1 has 2 rejected lines of 8: above a 10 % limit the run is stored as failed
    failed = score_portfolio(runs.v1, runs.db, PEILDATUM, max_reject_rate=0.1)
    assert failed.status == "failed"
    out = tmp_path / "failed.html"
    assert wws("report", "--db", str(runs.db), "--run", failed.run_id, "--out", str(out)) == 0
    html = out.read_text(encoding="utf-8")
    assert "This run has no scored dwellings" in html and "BAD1" in html
    assert 'id="chart-histogram"' not in html
    assert _report(runs)["run"]["run_id"] == runs.run2  # still the latest
