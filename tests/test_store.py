"""The DuckDB store: the output contract's tables, one transaction per run, and a failing
run that leaves earlier runs untouched. Real DuckDB files on disk."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import duckdb
import polars as pl
import pytest

from pipeline import store
from pipeline.reference import score_frames
from pipeline.reshape import to_frames
from schemas.dwelling import Dwelling
from tests.paths import SPEC_EXAMPLES

EXAMPLES = SPEC_EXAMPLES
PEILDATUM = dt.date(2026, 7, 1)


def _scored():
    ds = []
    for name in ("A_81065000089", "D_20002000126"):
        body = json.loads((EXAMPLES / f"{name}.json").read_text())
        ds.append(Dwelling.model_validate({**body, "dwelling_id": name}))
    return score_frames(to_frames(ds), PEILDATUM)


def _run(run_id: str, status: str = "succeeded") -> store.RunRecord:
    now = dt.datetime(2026, 7, 1, 2, 0, 0)
    return store.RunRecord(
        run_id=run_id, started_at=now, peildatum=PEILDATUM, rules="independent=2026-01-01",
        engine_version="test", engine="reference", input_path="x", input_sha256="0" * 64,
        dwellings_read=2, dwellings_scored=2, status=status, finished_at=now,
    )  # fmt: skip


def _rejects() -> pl.DataFrame:
    from schemas.output import REJECTS

    return pl.DataFrame(
        [("dwellings.csv", 7, "X1", "build_year", "in_range", "3000", "build_year too late")],
        schema=REJECTS,
        orient="row",
    )


def test_contract_tables_and_views(tmp_path):
    db = tmp_path / "wws.duckdb"
    con = store.connect(db)
    store.write_run(con, _run("r1"), _scored(), _rejects())
    con.close()
    con = duckdb.connect(str(db), read_only=True)
    cols = {
        t: [r[0] for r in con.execute(f"DESCRIBE {t}").fetchall()]
        for t in ("runs", "scores", "breakdown", "breakdown_lines", "rejects")
    }
    for c in ("run_id", "started_at", "finished_at", "status", "peildatum", "rules",
              "engine_version", "input_path", "input_sha256", "dwellings_read",
              "dwellings_scored", "dwellings_rejected"):  # fmt: skip
        assert c in cols["runs"]
    assert cols["scores"][:11] == ["run_id", "dwelling_id", "kind", "peildatum", "points",
        "points_exact", "max_rent", "surcharge_pct", "max_rent_with_surcharge", "sector",
        "woz_source"]  # fmt: skip
    types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                             "WHERE table_name = 'scores'").fetchall())  # fmt: skip
    assert types["points"] == "INTEGER" and types["points_exact"] == "DECIMAL(9,2)"
    assert types["max_rent"] == "DECIMAL(10,2)" and types["surcharge_pct"] == "DECIMAL(5,2)"
    assert cols["rejects"] == ["run_id", "source", "row_number", "dwelling_id", "column",
                               "check", "value", "message"]  # fmt: skip
    # one breakdown row per dwelling per rubriek, zeros included (13 independent rubrieken)
    assert con.execute("SELECT count(*) FROM breakdown").fetchall()[0][0] == 2 * 13
    # breakdown sums to points_exact, which rounds to points
    bad = con.execute("""
        SELECT s.dwelling_id FROM scores s JOIN breakdown b USING (run_id, dwelling_id)
        GROUP BY s.dwelling_id, s.points_exact, s.points
        HAVING sum(b.points) <> s.points_exact OR round(s.points_exact) <> s.points""").fetchall()
    assert bad == []
    # lines sum to their rubriek
    bad = con.execute("""
        SELECT b.dwelling_id, b.rubriek FROM breakdown b
        LEFT JOIN (SELECT run_id, dwelling_id, rubriek, sum(points) AS p FROM breakdown_lines
                   GROUP BY ALL) l USING (run_id, dwelling_id, rubriek)
        WHERE coalesce(l.p, 0) <> b.points""").fetchall()
    assert bad == []
    assert con.execute("SELECT points, max_rent FROM latest_scores WHERE dwelling_id = "
                       "'D_20002000126'").fetchall()[0] == (113, Decimal("726.95"))  # fmt: skip


def test_failing_run_leaves_earlier_runs_intact(tmp_path, monkeypatch):
    db = tmp_path / "wws.duckdb"
    con = store.connect(db)
    store.write_run(con, _run("r1"), _scored(), _rejects())
    before = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
              for t in ("runs", "scores", "breakdown", "breakdown_lines", "rejects")}  # fmt: skip

    real_insert = store._insert

    def failing_insert(con_, table, run_id, frame):
        real_insert(con_, table, run_id, frame)
        if table == "breakdown":  # scores are in, then the run dies
            raise OSError("disk full")

    monkeypatch.setattr(store, "_insert", failing_insert)
    with pytest.raises(OSError):
        store.write_run(con, _run("r2"), _scored(), _rejects())
    after = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in before}
    assert after == before
    assert store.latest_run_id(con) == "r1"
    con.close()


def test_failed_status_run_is_not_latest(tmp_path):
    con = store.connect(tmp_path / "wws.duckdb")
    store.write_run(con, _run("r1"), _scored(), _rejects())
    store.write_run(con, _run("r2", status="failed"), _scored(), _rejects())
    assert store.latest_run_id(con) == "r1"
    # a failed run keeps its rejects (to see why) but writes no scores
    assert con.execute("SELECT count(*) FROM scores WHERE run_id = 'r2'").fetchall()[0][0] == 0
    assert con.execute("SELECT count(*) FROM rejects WHERE run_id = 'r2'").fetchall()[0][0] == 1
    con.close()


def test_breakdown_from_the_wide_form_equals_the_long_frame(tmp_path):
    """The engine hands the store one row per dwelling (``breakdown_wide``) and DuckDB
    unpivots it; the rows must be exactly those of the long ``breakdown`` frame, for both
    kinds of dwelling (a mixed batch of the sample)."""
    from pipeline.engine import score_frames as engine
    from pipeline.validate import load_portfolio
    from tests.paths import REPO

    frames = load_portfolio(REPO / "data/sample", PEILDATUM).frames
    wide = engine(frames, PEILDATUM, lines=False)
    assert {k for k, _ in wide.breakdown_wide} == {"independent", "non_independent"}
    long = engine(frames, PEILDATUM, lines=False)
    long.breakdown = long.breakdown  # materialised: the setter drops the wide form
    assert long.breakdown_wide is None
    tables = []
    for name, scored in (("wide", wide), ("long", long)):
        con = store.connect(tmp_path / f"{name}.duckdb")
        store.write_run(con, _run("r1"), scored, _rejects())
        tables.append(
            con.execute("SELECT * FROM breakdown ORDER BY dwelling_id, rubriek").fetchall()
        )
        con.close()
    assert len(tables[0]) == frames["dwellings"].height * 13 + 22  # 22 non-independent: 14
    assert tables[0] == tables[1]


def test_lines_in_line_units_stored_exactly(tmp_path):
    """The engine hands its lines over in integer line units (``LINES_E4``): DuckDB makes
    them decimal on insert, ``ScoredFrames.lines`` in polars. Both must give the same exact
    decimals, for the sample's two kinds and for values beyond a double's exact range."""
    from pipeline.engine import score_frames as engine
    from pipeline.validate import load_portfolio
    from schemas import output as O
    from tests.paths import REPO

    frames = load_portfolio(REPO / "data/sample", PEILDATUM).frames
    scored = engine(frames, PEILDATUM)
    assert "points_e4" in scored.lines_for_store.columns
    odd = pl.DataFrame(
        {
            "dwelling_id": ["X", "X", "Y"],
            "rubriek": ["WOZ", "OVZ", "OVZ"],
            "line": ["woz.waarde", "ovz.afronding", "ovz.rooms[1]"],
            "label": ["a", "b", "c"],
            "quantity_e4": [999_999_999_999_9999, None, 1],
            "unit": ["EUR", None, "m2"],
            "points_e4": [-1, -99_999_999_999_999, 2_500],
        },
        schema=O.LINES_E4,
    )
    want = {
        ("X", "woz.waarde"): (Decimal("999999999999.9999"), Decimal("-0.0001")),
        ("X", "ovz.afronding"): (None, Decimal("-9999999999.9999")),
        ("Y", "ovz.rooms[1]"): (Decimal("0.0001"), Decimal("0.25")),
    }
    both = O.ScoredFrames(O.empty(O.SCORES), O.empty(O.BREAKDOWN), lambda: odd)
    got = {(r[0], r[2]): (r[4], r[6]) for r in both.lines.iter_rows()}
    assert got == want
    assert both.lines.schema == pl.Schema(O.LINES)

    con = store.connect(tmp_path / "e4.duckdb")
    store.write_run(con, _run("r1"), scored, _rejects())
    store.write_run(con, _run("r2"), both, _rejects())
    cols = "dwelling_id, rubriek, line, label, quantity, unit, points"
    stored = con.execute(
        f"SELECT {cols} FROM breakdown_lines WHERE run_id = 'r1' ORDER BY ALL"
    ).fetchall()
    odd_stored = con.execute(
        "SELECT dwelling_id, line, quantity, points FROM breakdown_lines WHERE run_id = 'r2'"
    ).fetchall()
    con.close()
    assert stored == sorted(scored.lines.iter_rows(), key=lambda r: tuple(str(v) for v in r))
    assert len(stored) > 1000
    assert {(r[0], r[1]): (r[2], r[3]) for r in odd_stored} == want


def test_connect_sets_the_memory_limit(tmp_path):
    con = store.connect(tmp_path / "m.duckdb", memory_limit="300MB")
    value, unit = con.execute("SELECT current_setting('memory_limit')").fetchone()[0].split()
    con.close()
    factor = {"MiB": 2**20, "MB": 10**6, "GiB": 2**30, "GB": 10**9}[unit]
    assert float(value) * factor == pytest.approx(300e6, rel=0.01)
    with pytest.raises(ValueError, match="expected a size"):
        store.connect(tmp_path / "n.duckdb", memory_limit="300MB; DROP TABLE runs")
    assert not (tmp_path / "n.duckdb").exists()
