"""The DuckDB store: one file keeps every run (``output-contract.md``, "DuckDB tables").

A run is written in one transaction: either all of its rows land, or none do, and the
earlier runs stay as they were. The store knows tables, not rules; the DDL lives in
:mod:`schemas.output`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl

from schemas import output as O
from schemas.numbers import E4


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


def exec_sql(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    """Execute and fetch (DuckDB 2 refuses other work on a connection while the result of
    an ``execute`` is pending, even for a statement without rows)."""
    return (
        con.execute(sql, params).fetchall() if params is not None else con.execute(sql).fetchall()
    )


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


#: a DuckDB memory size: a number and a unit (``1GB``, ``512MiB``)
MEMORY_SIZE = re.compile(r"^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)\s*$", re.IGNORECASE)


def connect(
    path: str | Path,
    *,
    read_only: bool = False,
    wait_seconds: float = 0.0,
    memory_limit: str | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open the database, waiting up to ``wait_seconds`` for another process's lock.

    DuckDB allows one writing process per file (readers in other processes block it too);
    a second nightly run, or an analyst's open session, makes this wait a bounded time and
    then fail with a message that names the process holding the file.

    ``memory_limit`` (e.g. ``1GB``): DuckDB's memory limit for this process. Without one
    DuckDB may use 80 % of RAM, and it keeps the blocks a long run writes cached up to
    that: 0.5 GiB more per million dwellings scored with lines (docs/bench.md, item 14).
    """
    if memory_limit is not None and not MEMORY_SIZE.match(memory_limit):
        raise ValueError(f"memory limit {memory_limit!r}: expected a size such as 1GB or 512MB")
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
    if memory_limit is not None:
        con.execute(f"SET memory_limit = '{memory_limit.strip()}'")
    if not read_only:
        ensure_schema(con)
    return con


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    exec_sql(con, O.DDL)
    exec_sql(con, O.inputs_ddl())
    exec_sql(con, O.changes_sql())


#: rows DuckDB writes per Arrow record batch it scans (its row-group size; see _arrow)
ARROW_BATCH_ROWS = 122_880


def _arrow(frame: pl.DataFrame, rows_per_input_row: int = 1):
    """The frame as Arrow without copying: polars' string views are exported as Arrow
    ``string_view`` (which DuckDB reads) instead of being copied into ``large_string``.

    Sliced (zero-copy) into record batches of about one DuckDB row group of output:
    DuckDB scans an Arrow table one record batch per thread, so a frame in one piece was
    inserted by one thread (measured, 1M dwellings' ``breakdown``: 5.0 s in one piece,
    2.5 s in batches of 9,452 rows, both cores busy)."""
    import pyarrow as pa

    table = frame.to_arrow(compat_level=pl.CompatLevel.newest())
    rows = max(ARROW_BATCH_ROWS // rows_per_input_row, 1024)
    return pa.Table.from_batches(table.to_batches(max_chunksize=rows), table.schema)


def _insert(con: duckdb.DuckDBPyConnection, table: str, run_id: str, frame: pl.DataFrame) -> None:
    if frame is None or frame.height == 0:
        return
    # A replacement scan of a local variable, not ``con.register``: a view registered and
    # unregistered inside the open transaction stays in DuckDB's catalog (MVCC) until COMMIT
    # and pins its Arrow data, so a run of many batches held every batch in memory
    # (measured: 1M dwellings with lines 6.9 GiB instead of 1.8 GiB; docs/bench.md).
    # run_id is a query parameter, not a column of millions of equal strings to convert
    _wws_frame = _arrow(frame)  # noqa: F841
    cols = ", ".join(f'"{c}"' for c in frame.columns)
    # executed here, not via exec_sql: the replacement scan looks in the calling frame
    con.execute(
        f"INSERT INTO {table} (run_id, {cols}) SELECT ?, {cols} FROM _wws_frame", [run_id]
    ).fetchall()


def _insert_inputs(con: duckdb.DuckDBPyConnection, rows: pl.DataFrame | None) -> None:
    if rows is None or rows.height == 0:
        return
    _wws_inputs = _arrow(rows)  # noqa: F841 - read by DuckDB's replacement scan
    cols = ", ".join(f'"{c}"' for c in rows.columns)
    con.execute(
        f"INSERT INTO dwelling_inputs ({cols}) SELECT {cols} FROM _wws_inputs "
        "WHERE input_hash NOT IN (SELECT input_hash FROM dwelling_inputs)"
    ).fetchall()


def _insert_breakdown(con: duckdb.DuckDBPyConnection, run_id: str, scored: O.ScoredFrames) -> None:
    """``breakdown`` rows: from the engine's wide form with one ``UNPIVOT`` (13-14 rows per
    dwelling made inside DuckDB), else from the long frame (the reference)."""
    if scored.breakdown_wide is None:
        _insert(con, "breakdown", run_id, scored.breakdown)
        return
    from schemas.lines import RUBRIEKEN

    for kind, wide in scored.breakdown_wide:
        if wide.height == 0:
            continue
        names = RUBRIEKEN[kind]
        codes = ", ".join(f'"{c}"' for c in names)
        name_of = " ".join(
            f"WHEN '{c}' THEN '{n.replace(chr(39), chr(39) * 2)}'" for c, n in names.items()
        )
        _wws_wide = _arrow(wide, len(names))  # noqa: F841 - read by DuckDB's replacement scan
        # q is in quarter points
        con.execute(
            "INSERT INTO breakdown (run_id, dwelling_id, rubriek, rubriek_name, points) "
            f"SELECT ?, dwelling_id, rubriek, CASE rubriek {name_of} END, "
            f"{_decimal_sql('q', 4, O.POINTS)} "
            f"FROM (UNPIVOT _wws_wide ON {codes} INTO NAME rubriek VALUE q)",
            [run_id],
        ).fetchall()


def _decimal_sql(column: str, units: int, dtype: pl.Decimal) -> str:
    """SQL for ``column`` (integers in 1/``units``) as the DECIMAL of ``dtype``: the
    product with the exact decimal 1/``units`` (``0.25``, ``0.0001``), never a double."""
    step = Decimal(1) / units
    return (
        f"CAST(CAST({column} AS DECIMAL(18, 0)) * {step} "
        f"AS DECIMAL({dtype.precision}, {dtype.scale}))"
    )


def _insert_lines(con: duckdb.DuckDBPyConnection, run_id: str, lines: pl.DataFrame | None) -> None:
    """``breakdown_lines`` rows, from :data:`schemas.output.LINES` or ``LINES_E4`` (integer
    line units, made decimal here, exactly, by DuckDB at no measurable cost where polars
    spent 0.3 CPU-s per 200,000 dwellings)."""
    if lines is None or "points_e4" not in lines.columns:
        _insert(con, "breakdown_lines", run_id, lines)
        return
    if lines.height == 0:
        return
    _wws_lines = _arrow(lines)  # noqa: F841 - read by DuckDB's replacement scan
    quantity = _decimal_sql("quantity_e4", E4, O.QUANTITY)
    points = _decimal_sql("points_e4", E4, O.LINE_POINTS)
    con.execute(
        "INSERT INTO breakdown_lines "
        "(run_id, dwelling_id, rubriek, line, label, quantity, unit, points) "
        f"SELECT ?, dwelling_id, rubriek, line, label, {quantity}, unit, {points} "
        "FROM _wws_lines",
        [run_id],
    ).fetchall()


class RunWriter:
    """Writes one run, possibly in many batches, inside a single transaction.

    ``append`` adds a batch's rows; ``commit`` adds the ``runs`` row and commits; any
    exception before that rolls everything back (``with`` form), so a run is all or
    nothing however many batches it has.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, run: RunRecord) -> None:
        self.con = con
        self.run = run
        self.open = False

    def __enter__(self) -> RunWriter:
        exec_sql(self.con, "BEGIN TRANSACTION")
        self.open = True
        return self

    def append(
        self,
        scored: O.ScoredFrames | None,
        rejects: pl.DataFrame | None,
        *,
        inputs: pl.DataFrame | None = None,
        label_fallback: pl.DataFrame | None = None,
    ) -> None:
        run_id = self.run.run_id
        if scored is not None and self.run.status != "failed":
            _insert(self.con, "scores", run_id, scored.scores)
            _insert_breakdown(self.con, run_id, scored)
            _insert_lines(self.con, run_id, scored.lines_for_store)
            _insert_inputs(self.con, inputs)
            _insert(self.con, "label_fallback", run_id, label_fallback)
        _insert(self.con, "rejects", run_id, rejects)

    def discard_scores(self) -> None:
        """A run that turns out ``failed`` (reject rate) keeps its rejects, not its scores."""
        for table in ("scores", "breakdown", "breakdown_lines", "label_fallback"):
            exec_sql(self.con, f"DELETE FROM {table} WHERE run_id = ?", [self.run.run_id])

    def commit(self) -> None:
        run = self.run
        self.con.execute(
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
        ).fetchall()
        exec_sql(self.con, "COMMIT")
        self.open = False

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.open:
            exec_sql(self.con, "ROLLBACK")
            self.open = False


def write_run(
    con: duckdb.DuckDBPyConnection,
    run: RunRecord,
    scored: O.ScoredFrames | None,
    rejects: pl.DataFrame,
    *,
    inputs: pl.DataFrame | None = None,
    label_fallback: pl.DataFrame | None = None,
) -> None:
    """Write one run of one batch in a single transaction (all or nothing).

    ``inputs`` are ``dwelling_inputs`` rows (``pipeline.inputs.input_rows``); rows whose
    hash is already stored are skipped. ``label_fallback`` feeds the ``label_expiry`` view.
    """
    with RunWriter(con, run) as w:
        w.append(scored, rejects, inputs=inputs, label_fallback=label_fallback)
        w.commit()


def prune(con: duckdb.DuckDBPyConnection, keep_runs: int) -> dict[str, int]:
    """Keep the newest ``keep_runs`` succeeded runs (and failed runs newer than the oldest
    kept one); delete every other run with its rows, and inputs no kept run refers to."""
    if keep_runs < 1:
        raise ValueError("--keep-runs must be at least 1")
    exec_sql(con, "BEGIN TRANSACTION")
    try:
        con.execute(
            """CREATE OR REPLACE TEMP TABLE _drop AS
               SELECT run_id FROM runs WHERE run_id NOT IN (
                   SELECT run_id FROM succeeded_runs WHERE age <= ?)
               AND (status = 'succeeded' OR finished_at < (
                   SELECT coalesce(min(finished_at), TIMESTAMP '9999-12-31')
                   FROM succeeded_runs WHERE age <= ?))""",
            [keep_runs, keep_runs],
        ).fetchall()
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
            exec_sql(con, "DELETE FROM scenarios WHERE run_id IN (SELECT run_id FROM _drop)")
        n = con.execute(
            "DELETE FROM dwelling_inputs WHERE input_hash NOT IN "
            "(SELECT input_hash FROM scores WHERE input_hash IS NOT NULL)"
        ).fetchall()
        counts["dwelling_inputs"] = n[0][0] if n else 0
        exec_sql(con, "DROP TABLE _drop")
        exec_sql(con, "COMMIT")
    except BaseException:
        exec_sql(con, "ROLLBACK")
        raise
    exec_sql(con, "CHECKPOINT")
    return counts


def latest_run_id(con: duckdb.DuckDBPyConnection) -> str | None:
    rows = con.execute("SELECT run_id FROM latest_run").fetchall()
    return rows[0][0] if rows else None


def frame(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pl.DataFrame:
    """A query result as a polars frame (DuckDB 2: relations, not cursors, give frames)."""
    return con.sql(sql, params=params).pl()
