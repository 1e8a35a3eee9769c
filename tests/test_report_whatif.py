"""``wws whatif``: baseline and scenario scored from a real portfolio file, stored as
runs the ``latest_*`` views never pick, compared per dwelling and in total.

Expected gains come from ``zelfstandig.md``: energy label F -> C is -9 -> +15 points for a
meergezinswoning (table 4.1), example D then has 112.5 + 24 = 136.5 -> 137 points and
EUR 891.67 (2026 rent table); a 1.5 m countertop gives 4 points and a 2 m one 7, so
example C goes from 162.5 to 165.5 -> 166 points, EUR 1,090.76.
"""

from __future__ import annotations

import csv
from decimal import Decimal

import duckdb
import pytest
from test_report_support import (
    ARTIFACTS,
    PEILDATUM,
    A,
    C,
    D,
    open_in_chromium,
    require_chromium,
    two_runs,
    wws,
)

from pipeline.report.whatif import parse_assignment, run_whatif
from pipeline.run import ExitError


@pytest.fixture(scope="session")
def chromium():
    return require_chromium()


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return two_runs(tmp_path_factory.mktemp("whatif"))


def _rows(db, sql, params=None):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def test_energy_label_scenario(runs, tmp_path, capsys):
    csv_out = tmp_path / "gain.csv"
    code = wws("whatif", str(runs.v2), "--set", "energy_label=c",
               "--where", "energy_label in ('E','F','G')", "--db", str(runs.db),
               "--peildatum", PEILDATUM.isoformat(), "--out", str(csv_out))  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out
    # portfolio v2: D and F1 have label F; A/A2 have B, B and C none
    assert "dwellings modified           2" in printed
    assert "points gained              +48" in printed
    assert "+329.44 per month" in printed  # 2 x (891.67 - 726.95)
    assert "sector moves         none" in printed
    with csv_out.open() as fh:
        rows = {r["dwelling_id"]: r for r in csv.DictReader(fh)}
    assert set(rows) == {D, "F1"}
    for r in rows.values():
        assert (r["points_before"], r["points_after"], r["points_delta"]) == ("113", "137", "24")
        assert (r["max_rent_before"], r["max_rent_after"]) == ("726.95", "891.67")
        assert r["sector_before"] == r["sector_after"] == "social"

    # stored: a baseline and a scenario run, tagged; the latest views still show run 2
    (scen,) = _rows(
        runs.db,
        "SELECT run_id, baseline_run_id, set_clause, where_clause, dwellings_modified "
        "FROM scenarios WHERE set_clause = 'energy_label=c'",
    )
    status = dict(_rows(runs.db, "SELECT run_id, status FROM runs"))
    assert status[scen[0]] == "scenario" and status[scen[1]] == "baseline"
    assert scen[3] == "energy_label in ('E','F','G')" and scen[4] == 2
    assert _rows(runs.db, "SELECT run_id FROM latest_run") == [(runs.run2,)]
    assert _rows(runs.db, "SELECT points FROM latest_scores WHERE dwelling_id = ?", [D]) == [(113,)]
    assert _rows(runs.db, "SELECT points, max_rent FROM scores WHERE run_id = ? AND "
                 "dwelling_id = ?", [scen[0], D]) == [(137, Decimal("891.67"))]  # fmt: skip
    # the baseline is the portfolio as it is: same points as run 2 for every dwelling
    base = dict(
        _rows(runs.db, "SELECT dwelling_id, points FROM scores WHERE run_id = ?", [scen[1]])
    )
    latest = dict(_rows(runs.db, "SELECT dwelling_id, points FROM latest_scores"))
    assert base == latest


def test_kitchen_scenario_on_a_block_table(runs):
    res = run_whatif(runs.v1, ["countertop_length=2.0"],
                     "countertop_length < 2 AND countertop_length >= 1", db=runs.db,
                     peildatum=PEILDATUM)  # fmt: skip
    # v1 countertops: A 2.507, B 2.7, C 1.5, D 2.1, E 0.0 -> only C's kitchen qualifies
    assert (res.dwellings_modified, res.rows_modified) == (1, 1)
    (row,) = res.comparison.iter_rows(named=True)
    assert row["dwelling_id"] == C
    assert (row["points_before"], row["points_after"]) == (163, 166)
    assert (row["max_rent_before"], row["max_rent_after"]) == (Decimal("1070.14"),
                                                               Decimal("1090.76"))  # fmt: skip
    assert res.totals["points_gain"] == 3
    assert res.totals["max_rent_gain"] == Decimal("20.62")


def test_condition_on_dwelling_columns_for_a_block_field(runs):
    # A kitchen field chosen by a dwellings column: every kitchen of A (label B)
    res = run_whatif(runs.v1, ["kitchen.countertop_length=0.5"], "energy_label = 'B'",
                     db=runs.db, peildatum=PEILDATUM)  # fmt: skip
    assert res.dwellings_modified == 2  # A and A2
    assert set(res.comparison["dwelling_id"]) == {A, "A2"}
    # a counter under 1 m earns nothing in R5 (A loses its 7 points for 2,507 mm), but its
    # sink counts as a washbasin in R6 (zelfstandig.md: "0 < L < 1 m ... 1 point"): -6
    assert set(res.comparison["points_delta"]) == {-6}
    # 144 -> 138: both drop below the 143/144 boundary, mid -> social
    assert res.sector_moves.rows() == [("mid", "social", 2)]


def test_report_of_a_scenario_compares_with_its_baseline(runs, tmp_path, chromium):
    res = run_whatif(runs.v2, ["energy_label=C"], "dwelling_id = 'F1'", db=runs.db,
                     peildatum=PEILDATUM, name="F1 label C")  # fmt: skip
    out = tmp_path / "scenario.html"
    assert wws("report", "--db", str(runs.db), "--run", res.scenario_run_id, "--out", str(out)) == 0
    html = out.read_text(encoding="utf-8")
    assert "scenario <b>F1 label C</b>" in html
    assert f"Compared with run <b>{res.baseline_run_id}</b>" in html
    check = open_in_chromium(chromium, out, ARTIFACTS / "report_scenario.png")
    assert check.console_errors == [] and check.page_errors == []
    # F1: label F -> C, 113 -> 137 points, the only dwelling that changed
    assert check.dom["ids"]["n-points-changed"] == "1"
    assert "+24" in check.dom["bodyText"]


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("washbasin=1", "a field of several tables"),
        ("nosuchfield=1", "no table has a field"),
        ("countertop_length=long", "is not a valid Float64"),
        ("doorbell=maybe", "not a boolean"),
        ("dwelling_id=X", "no table has a field"),
        ("energy_label", "write FIELD=VALUE"),
    ],
)
def test_bad_assignments(assignment, message):
    with pytest.raises(ExitError) as exc:
        parse_assignment(assignment)
    assert exc.value.code == 2 and message in exc.value.message


def test_bad_condition_and_invalid_value_write_nothing(runs, capsys):
    before = _rows(runs.db, "SELECT count(*) FROM runs")
    assert wws("whatif", str(runs.v2), "--set", "energy_label=C", "--where", "nosuch > 1",
               "--db", str(runs.db), "--peildatum", PEILDATUM.isoformat()) == 2  # fmt: skip
    assert "cannot be evaluated" in capsys.readouterr().out
    assert wws("whatif", str(runs.v2), "--set", "energy_label=Q", "--where", "true",
               "--db", str(runs.db), "--peildatum", PEILDATUM.isoformat()) == 2  # fmt: skip
    assert "makes dwellings invalid" in capsys.readouterr().out
    assert _rows(runs.db, "SELECT count(*) FROM runs") == before
