"""The DuckDB store: one file keeps every run (``output-contract.md``, "DuckDB tables").

A run is written in one transaction: either all of its rows land, or none do, and the
earlier runs stay as they were. The store knows tables, not rules; the DDL lives in
:mod:`schemas.output`.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from schemas import output as O


class StoreBusy(RuntimeError):
    """The database file is locked by another process."""


@dataclass
class RunRecord:
    run_id: str
    started_at: dt.datetime
    peildatum: dt.date
    rules: str
    engine_version: str
    engine: str
    input_path: str
    input_sha256: str
    dwellings_read: int = 0
    dwellings_scored: int = 0
    dwellings_rejected: int = 0
    status: str = "succeeded"
    finished_at: dt.datetime | None = None
    message: str | None = None


def new_run_id(now: dt.datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)


def connect(path: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:  # another process holds the write lock
        raise StoreBusy(
            f"cannot open {path}: {exc}. Another process (a running score, or an analyst's "
            "session holding the file open for writing) has it; close it or retry later."
        ) from exc
    if not read_only:
        ensure_schema(con)
    return con


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(O.DDL)


def _insert(con: duckdb.DuckDBPyConnection, table: str, run_id: str, frame: pl.DataFrame) -> None:
    if frame is None or frame.height == 0:
        return
    data = frame.with_columns(pl.lit(run_id).alias("run_id")).to_arrow()
    con.register("_wws_frame", data)
    try:
        cols = ", ".join(f'"{c}"' for c in ["run_id", *frame.columns])
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _wws_frame")
    finally:
        con.unregister("_wws_frame")


def write_run(
    con: duckdb.DuckDBPyConnection,
    run: RunRecord,
    scored: O.ScoredFrames | None,
    rejects: pl.DataFrame,
) -> None:
    """Write one run in a single transaction (all or nothing)."""
    con.execute("BEGIN TRANSACTION")
    try:
        if scored is not None and run.status == "succeeded":
            _insert(con, "scores", run.run_id, scored.scores)
            _insert(con, "breakdown", run.run_id, scored.breakdown)
            if scored.lines is not None:
                _insert(con, "breakdown_lines", run.run_id, scored.lines)
        _insert(con, "rejects", run.run_id, rejects)
        con.execute(
            """INSERT INTO runs (run_id, started_at, finished_at, status, peildatum, rules,
                   engine_version, engine, input_path, input_sha256, dwellings_read,
                   dwellings_scored, dwellings_rejected, message)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                run.run_id,
                run.started_at,
                run.finished_at or dt.datetime.now(dt.UTC).replace(tzinfo=None),
                run.status,
                run.peildatum,
                run.rules,
                run.engine_version,
                run.engine,
                run.input_path,
                run.input_sha256,
                run.dwellings_read,
                run.dwellings_scored,
                run.dwellings_rejected,
                run.message,
            ],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def latest_run_id(con: duckdb.DuckDBPyConnection) -> str | None:
    rows = con.execute("SELECT run_id FROM latest_run").fetchall()
    return rows[0][0] if rows else None


def frame(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pl.DataFrame:
    """A query result as a polars frame (DuckDB 2: relations, not cursors, give frames)."""
    return con.sql(sql, params=params).pl()
