"""Correctness does not depend on the batch size (issue 6): the same portfolio scored in
batches of 1, 7, 1000 and all dwellings gives identical tables, for Parquet (scanned per
batch) and CSV (split in memory)."""

from __future__ import annotations

import datetime as dt

import duckdb
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


@pytest.mark.parametrize("shape", ["parquet", "csv"])
def test_batch_size_does_not_change_results(tmp_path, parquet_sample, shape):
    src = parquet_sample if shape == "parquet" else REPO / "data/sample"
    results = {}
    sizes = (None, 1000, 7, 1) if shape == "parquet" else (None, 7)
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
