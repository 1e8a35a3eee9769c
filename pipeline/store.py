"""The DuckDB store: one file keeps every run (``output-contract.md``, "DuckDB tables").

A run is written in one transaction: either all of its rows land, or none do, and the
earlier runs stay as they were. The store knows tables, not rules; the DDL lives in
:mod:`schemas.output`.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import time
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
    fingerprint: str | None = None


def new_run_id(now: dt.datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)


def lock_holders(path: str | Path) -> list[str]:
    """Processes holding a lock on ``path`` (Linux ``/proc/locks``), as "pid (command)"."""
    try:
        inode = os.stat(path).st_ino
        text = Path("/proc/locks").read_text()
    except OSError:
        return []
    out = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) < 6 or parts[1] == "->":
            continue
        pid, dev_inode = parts[4], parts[5]
        if dev_inode.rsplit(":", 1)[-1] == str(inode) and pid.isdigit() and int(pid) != os.getpid():
            try:
                cmd = (
                    Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
                )
            except OSError:
                cmd = "?"
            out.append(f"pid {pid} ({cmd[:120]})")
    return sorted(set(out))


def connect(
    path: str | Path, *, read_only: bool = False, wait_seconds: float = 0.0
) -> duckdb.DuckDBPyConnection:
    """Open the database, waiting up to ``wait_seconds`` for another process's lock.

    DuckDB allows one writing process per file (readers in other processes block it too);
    a second nightly run, or an analyst's open session, makes this wait a bounded time and
    then fail with a message that names the process holding the file.
    """
    deadline = time.monotonic() + wait_seconds
    delay = 0.2
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() >= deadline:
                holders = ", ".join(lock_holders(path)) or "another process"
                raise StoreBusy(
                    f"cannot open {path}: it is held by {holders}. Another wws run or an "
                    f"analyst's session has the file open; waited {wait_seconds:.0f} s. "
                    "Close that session or run again later (--lock-timeout to wait longer)."
                ) from exc
            time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
            delay = min(delay * 2, 5.0)
    if not read_only:
        ensure_schema(con)
    return con


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(O.DDL)
    con.execute(O.inputs_ddl())
    con.execute(O.changes_sql())


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


def _insert_inputs(con: duckdb.DuckDBPyConnection, rows: pl.DataFrame | None) -> None:
    if rows is None or rows.height == 0:
        return
    con.register("_wws_inputs", rows.to_arrow())
    try:
        cols = ", ".join(f'"{c}"' for c in rows.columns)
        con.execute(
            f"INSERT INTO dwelling_inputs ({cols}) SELECT {cols} FROM _wws_inputs "
            "WHERE input_hash NOT IN (SELECT input_hash FROM dwelling_inputs)"
        )
    finally:
        con.unregister("_wws_inputs")


def write_run(
    con: duckdb.DuckDBPyConnection,
    run: RunRecord,
    scored: O.ScoredFrames | None,
    rejects: pl.DataFrame,
    *,
    inputs: pl.DataFrame | None = None,
    label_fallback: pl.DataFrame | None = None,
) -> None:
    """Write one run in a single transaction (all or nothing).

    ``inputs`` are ``dwelling_inputs`` rows (``pipeline.inputs.input_rows``); rows whose
    hash is already stored are skipped. ``label_fallback`` feeds the ``label_expiry`` view.
    """
    con.execute("BEGIN TRANSACTION")
    try:
        if scored is not None and run.status != "failed":
            _insert(con, "scores", run.run_id, scored.scores)
            _insert(con, "breakdown", run.run_id, scored.breakdown)
            if scored.lines is not None:
                _insert(con, "breakdown_lines", run.run_id, scored.lines)
            _insert_inputs(con, inputs)
            _insert(con, "label_fallback", run.run_id, label_fallback)
        _insert(con, "rejects", run.run_id, rejects)
        con.execute(
            """INSERT INTO runs (run_id, started_at, finished_at, status, peildatum, rules,
                   engine_version, engine, input_path, input_sha256, dwellings_read,
                   dwellings_scored, dwellings_rejected, message, fingerprint)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
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
                run.fingerprint,
            ],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def prune(con: duckdb.DuckDBPyConnection, keep_runs: int) -> dict[str, int]:
    """Keep the newest ``keep_runs`` succeeded runs (and failed runs newer than the oldest
    kept one); delete every other run with its rows, and inputs no kept run refers to."""
    if keep_runs < 1:
        raise ValueError("--keep-runs must be at least 1")
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            """CREATE OR REPLACE TEMP TABLE _drop AS
               SELECT run_id FROM runs WHERE run_id NOT IN (
                   SELECT run_id FROM succeeded_runs WHERE age <= ?)
               AND (status = 'succeeded' OR finished_at < (
                   SELECT coalesce(min(finished_at), TIMESTAMP '9999-12-31')
                   FROM succeeded_runs WHERE age <= ?))""",
            [keep_runs, keep_runs],
        )
        counts = {}
        for table in (
            "breakdown_lines",
            "breakdown",
            "label_fallback",
            "rejects",
            "scores",
            "runs",
        ):
            n = con.execute(
                f"DELETE FROM {table} WHERE run_id IN (SELECT run_id FROM _drop)"
            ).fetchall()
            counts[table] = n[0][0] if n else 0
        if con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'scenarios'"
        ).fetchall()[0][0]:
            con.execute("DELETE FROM scenarios WHERE run_id IN (SELECT run_id FROM _drop)")
        n = con.execute(
            "DELETE FROM dwelling_inputs WHERE input_hash NOT IN "
            "(SELECT input_hash FROM scores WHERE input_hash IS NOT NULL)"
        ).fetchall()
        counts["dwelling_inputs"] = n[0][0] if n else 0
        con.execute("DROP TABLE _drop")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("CHECKPOINT")
    return counts


def latest_run_id(con: duckdb.DuckDBPyConnection) -> str | None:
    rows = con.execute("SELECT run_id FROM latest_run").fetchall()
    return rows[0][0] if rows else None


def frame(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pl.DataFrame:
    """A query result as a polars frame (DuckDB 2: relations, not cursors, give frames)."""
    return con.sql(sql, params=params).pl()
