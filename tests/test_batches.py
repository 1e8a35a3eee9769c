"""Correctness does not depend on the batch size (issue 6): the same portfolio scored in
batches of 1, 7, 1000 and all dwellings gives identical tables, for Parquet (however it is
read per batch) and CSV (split in memory)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipeline.run import score_portfolio
from tests.paths import REPO
from tests.test_ingest import _polars_copy_as_parquet

PEILDATUM = dt.date(2026, 7, 1)
TABLES = {
    "scores": "SELECT * EXCLUDE (run_id) FROM scores ORDER BY dwelling_id",
    "breakdown": "SELECT * EXCLUDE (run_id) FROM breakdown ORDER BY dwelling_id, rubriek",
    "lines": "SELECT * EXCLUDE (run_id) FROM breakdown_lines ORDER BY ALL",
    "rejects": "SELECT * EXCLUDE (run_id) FROM rejects ORDER BY ALL",
    "label_fallback": "SELECT * EXCLUDE (run_id) FROM label_fallback ORDER BY ALL",
    "runs": "SELECT dwellings_read, dwellings_scored, dwellings_rejected, status FROM runs",
}


def _tables(db) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {name: con.execute(q).fetchall() for name, q in TABLES.items()}
    finally:
        con.close()


@pytest.fixture(scope="module")
def parquet_sample(tmp_path_factory):
    dst = tmp_path_factory.mktemp("pq") / "sample"
    _polars_copy_as_parquet(REPO / "data/sample", dst)
    return dst


@pytest.mark.parametrize(
    "shape", ["parquet", "parquet-memory", "parquet-files", "parquet-scans", "csv"]
)
def test_batch_size_does_not_change_results(tmp_path, parquet_sample, shape, monkeypatch):
    """Parquet read in row ranges (the default: the files list the dwellings in one
    order), or as when they do not: read into memory once (up to a million or so
    dwellings), split into per-batch files, or scanned per batch; CSV read whole and split
    in memory."""
    import pipeline.validate as validate

    if shape != "parquet":
        monkeypatch.setattr(validate, "ROW_RANGES", False)
    if shape in ("parquet-files", "parquet-scans"):
        monkeypatch.setattr(validate, "IN_MEMORY_MAX_DWELLINGS", 0)
    if shape == "parquet-scans":
        monkeypatch.setattr(validate, "PRESPLIT_MIN_BATCHES", 10**9)
    src = REPO / "data/sample" if shape == "csv" else parquet_sample
    results = {}
    sizes = (None, 1000, 7, 1) if shape in ("parquet", "parquet-memory") else (None, 7)
    for size in sizes:
        db = tmp_path / f"b{size}.duckdb"
        summary = score_portfolio(src, db, PEILDATUM, batch_size=size)
        assert summary.status == "succeeded"
        results[size] = _tables(db)
    reference = results[None]
    assert len(reference["scores"]) == 71 and reference["runs"] == [(77, 71, 6, "succeeded")]
    for size, tables in results.items():
        for name in TABLES:
            assert tables[name] == reference[name], (size, name)


def test_progress_reports_batches_against_the_whole_input(tmp_path, parquet_sample):
    calls: list[tuple[int, int]] = []
    score_portfolio(
        parquet_sample, tmp_path / "p.duckdb", PEILDATUM, batch_size=30,
        progress=lambda done, total: calls.append((done, total)),
    )  # fmt: skip
    assert len(calls) == 3  # 77 dwellings in batches of about 30
    assert [t for _, t in calls] == [77, 77, 77]
    assert [d for d, _ in calls] == sorted(d for d, _ in calls) and calls[-1][0] == 77


def test_progress_log_lines_when_not_on_a_terminal():
    import io

    from pipeline.cli import make_progress

    events = []
    callback, close = make_progress(
        lambda event, **kw: events.append((event, kw)), quiet=True, stream=io.StringIO(),
        every_seconds=0.0,
    )  # fmt: skip
    callback(50, 200)
    callback(200, 200)
    close()
    assert [e for e, _ in events] == ["progress", "progress"]
    assert events[0][1]["done"] == 50 and events[0][1]["total"] == 200
    assert events[1][1]["eta_seconds"] == 0


def test_a_failing_append_on_the_writer_thread_fails_the_whole_run(
    tmp_path, parquet_sample, monkeypatch
):
    """Batches are appended on a background thread (``pipeline.run._Overlap``); an error
    there (here: the disk fills while the third batch is written) must fail the run in the
    main thread, roll back every batch already appended, record a failed run and leave
    the earlier run as the latest."""
    from pipeline import store

    db = tmp_path / "w.duckdb"
    first = score_portfolio(parquet_sample, db, PEILDATUM, batch_size=20)
    assert first.status == "succeeded"
    before = _tables(db)

    real_insert, calls = store._insert, []

    def failing_insert(con, table, run_id, frame):
        if table == "scores":
            calls.append(run_id)
            if len(calls) == 3:
                raise OSError("No space left on device")
        real_insert(con, table, run_id, frame)

    monkeypatch.setattr(store, "_insert", failing_insert)
    with pytest.raises(OSError, match="No space left"):
        score_portfolio(parquet_sample, db, PEILDATUM, batch_size=20)
    assert len(calls) == 3
    after = _tables(db)
    assert {k: v for k, v in after.items() if k != "runs"} == {
        k: v for k, v in before.items() if k != "runs"
    }
    assert after["runs"][0] == before["runs"][0]
    assert [r[3] for r in after["runs"]] == ["succeeded", "failed"]
    con = duckdb.connect(str(db), read_only=True)
    latest = con.execute("SELECT run_id FROM latest_run").fetchall()[0][0]
    con.close()
    assert latest == first.run_id


def test_split_files_live_next_to_the_database_and_are_removed(
    tmp_path, parquet_sample, monkeypatch
):
    """With many batches the Parquet tables are split once into per-batch files in the
    database's folder (``iter_portfolio(workdir=...)``); the run gives the same tables as
    an unsplit run and leaves no split folder behind."""
    import pipeline.validate as validate

    seen = []
    real = validate.iter_portfolio

    def spy(*args, **kwargs):
        seen.append(kwargs.get("workdir"))
        return real(*args, **kwargs)

    splits = []
    real_split = validate.split_parquet

    def split_spy(folder, parts, out):
        splits.append(Path(out).parent)
        return real_split(folder, parts, out)

    monkeypatch.setattr(validate, "iter_portfolio", spy)
    monkeypatch.setattr(validate, "split_parquet", split_spy)
    monkeypatch.setattr(validate, "IN_MEMORY_MAX_DWELLINGS", 0)
    monkeypatch.setattr(validate, "ROW_RANGES", False)
    monkeypatch.setattr(validate, "PRESPLIT_MIN_BATCHES", 10**9)
    score_portfolio(parquet_sample, tmp_path / "plain.duckdb", PEILDATUM, batch_size=20)
    monkeypatch.setattr(validate, "PRESPLIT_MIN_BATCHES", 2)
    out = tmp_path / "out"
    out.mkdir()
    score_portfolio(parquet_sample, out / "split.duckdb", PEILDATUM, batch_size=20)
    assert seen[-1] == out and splits == [out]  # split once, in the database's folder
    assert sorted(p.name for p in out.iterdir()) == ["split.duckdb"]
    plain, split = _tables(tmp_path / "plain.duckdb"), _tables(out / "split.duckdb")
    assert plain == split


def test_dwelling_inputs_hold_each_input_once(tmp_path, parquet_sample):
    """``dwelling_inputs`` has no primary key: the store keeps it unique. Across batches,
    reruns and an edited input every scored dwelling's ``input_hash`` is stored exactly
    once, and a rerun of an unchanged portfolio adds no row."""
    db = tmp_path / "i.duckdb"
    score_portfolio(parquet_sample, db, PEILDATUM, batch_size=7)
    first = _inputs(db)
    assert first["rows"] == first["distinct"] > 0
    assert first["scored_without_input"] == 0
    score_portfolio(parquet_sample, db, PEILDATUM, batch_size=1000)
    assert _inputs(db) == first
    edited = tmp_path / "edited"
    edited.mkdir()
    for f in parquet_sample.glob("*.parquet"):
        df = pl.read_parquet(f)
        if f.stem == "dwellings":
            df = df.with_columns(
                pl.when(pl.int_range(pl.len()) < 3)
                .then(pl.col("woz_value") + 1000)
                .otherwise(pl.col("woz_value"))
                .alias("woz_value")
            )
        df.write_parquet(edited / f.name)
    score_portfolio(edited, db, PEILDATUM, batch_size=7)
    after = _inputs(db)
    assert after["rows"] == after["distinct"] == first["rows"] + 3
    assert after["scored_without_input"] == 0


def _inputs(db) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows, distinct = con.execute(
            "SELECT count(*), count(DISTINCT input_hash) FROM dwelling_inputs"
        ).fetchall()[0]
        missing = con.execute(
            "SELECT count(*) FROM scores s ANTI JOIN dwelling_inputs i USING (input_hash)"
        ).fetchall()[0][0]
    finally:
        con.close()
    return {"rows": rows, "distinct": distinct, "scored_without_input": missing}
