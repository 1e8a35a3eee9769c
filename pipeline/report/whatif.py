"""``wws whatif``: score a modified copy of a portfolio next to its baseline.

The portfolio is loaded and validated as ``wws score`` does; every ``--set FIELD=VALUE``
is applied with polars to the rows of the table that has the field where ``--where``
holds (a SQL expression, :func:`polars.sql_expr`; on a block table the dwelling's own
columns may be used too). Baseline and scenario are both scored and both stored, as runs
that the ``latest_*`` views never pick:

- the baseline run: ``runs.status = 'baseline'`` (the portfolio as it is);
- the scenario run: ``runs.status = 'scenario'``;
- ``scenarios``: one row per scenario run (``run_id``, ``baseline_run_id``, ``name``,
  ``set_clause``, ``where_clause``, ``dwellings_modified``, ``rows_modified``,
  ``created_at``).

The comparison (points, maximum rent, sector per dwelling) is the report's SQL on the
two runs' ``scores`` (:data:`pipeline.report.data.CHANGES_SQL`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipeline import __version__, store
from pipeline.report import data as D
from pipeline.run import ExitError
from schemas import frames as F
from schemas import output as O

BASELINE_STATUS = "baseline"
SCENARIO_STATUS = "scenario"

SCENARIOS_DDL = """
CREATE TABLE IF NOT EXISTS scenarios (
    run_id VARCHAR PRIMARY KEY,
    baseline_run_id VARCHAR,
    name VARCHAR,
    set_clause VARCHAR,
    where_clause VARCHAR,
    dwellings_modified BIGINT,
    rows_modified BIGINT,
    created_at TIMESTAMP
);
"""

#: columns that identify rows; never targets of --set
_KEYS = {"dwelling_id", "space_ref", "position", "kind"}

_TRUE = {"true", "1", "yes", "ja", "waar", "y", "j"}
_FALSE = {"false", "0", "no", "nee", "onwaar", "n"}


@dataclass
class Assignment:
    table: str
    field: str
    value: object
    text: str


@dataclass
class WhatIfResult:
    baseline_run_id: str
    scenario_run_id: str
    name: str
    dwellings_modified: int
    rows_modified: int
    comparison: pl.DataFrame  # one row per dwelling of the portfolio that changed
    totals: dict
    sector_moves: pl.DataFrame


# --- parsing --------------------------------------------------------------------------


def tables_with(field: str) -> list[str]:
    return [t for t, schema in F.TABLES.items() if field in schema and field not in _KEYS]


def parse_assignment(text: str) -> Assignment:
    """``FIELD=VALUE`` or ``TABLE.FIELD=VALUE``; the value is typed by the field's column."""
    name, sep, raw = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise ExitError(2, f"--set {text!r}: write FIELD=VALUE, e.g. energy_label=C")
    table, dot, field = name.rpartition(".")
    if dot:
        if table not in F.TABLES or field not in F.TABLES[table] or field in _KEYS:
            raise ExitError(2, f"--set {text!r}: table {table!r} has no field {field!r}")
    else:
        field = name
        found = tables_with(field)
        if not found:
            raise ExitError(2, f"--set {text!r}: no table has a field {field!r} "
                               "(see schemas/frames.py for the normalised fields)")  # fmt: skip
        if len(found) > 1:
            options = ", ".join(f"{t}.{field}" for t in found)
            raise ExitError(2, f"--set {text!r}: {field!r} is a field of several tables; "
                               f"write one of {options}")  # fmt: skip
        table = found[0]
    return Assignment(table, field, _typed(raw.strip(), F.TABLES[table][field], text), text)


def _typed(raw: str, dtype: pl.DataType, text: str) -> object:
    if raw.lower() in ("null", "none"):
        return None
    try:
        if dtype == pl.Boolean:
            low = raw.lower()
            if low in _TRUE:
                return True
            if low in _FALSE:
                return False
            raise ValueError("not a boolean (true/false)")
        if dtype == pl.Int64:
            return int(raw)
        if dtype == pl.Float64:
            return float(raw.replace(",", "."))
        if dtype == pl.Date:
            return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise ExitError(2, f"--set {text!r}: {raw!r} is not a valid {dtype}: {exc}") from exc
    return raw


# --- modifying ------------------------------------------------------------------------


def _condition(where: str) -> pl.Expr:
    try:
        return pl.sql_expr(where)
    except Exception as exc:  # noqa: BLE001 - polars raises several kinds for bad SQL
        raise ExitError(2, f"--where {where!r} is not a SQL condition: {exc}") from exc


def _mask(frames: dict[str, pl.DataFrame], table: str, cond: pl.Expr, where: str) -> pl.Series:
    """Which rows of ``table`` the condition selects (block tables see the dwelling's
    columns too, unless the block has a column of the same name)."""
    df = frames[table]
    if table != "dwellings":
        extra = [c for c in frames["dwellings"].columns if c not in df.columns]
        df = df.join(frames["dwellings"].select("dwelling_id", *extra), on="dwelling_id",
                     how="left", maintain_order="left")  # fmt: skip
    try:
        mask = df.with_columns(cond.fill_null(False).alias("__mask"))["__mask"]
    except Exception as exc:  # noqa: BLE001
        reason = str(exc).split("; valid columns")[0][:300]
        msg = f"--where {where!r} cannot be evaluated on table {table}: {reason}"
        raise ExitError(2, msg) from exc
    if mask.dtype != pl.Boolean:
        raise ExitError(2, f"--where {where!r} is not a condition (it gives {mask.dtype})")
    return mask


def apply_scenario(
    frames: dict[str, pl.DataFrame], assignments: list[Assignment], where: str
) -> tuple[dict[str, pl.DataFrame], set[str], int]:
    """The modified frames, the ids of the dwellings whose input changed, and the number of
    table rows modified. Rows are selected on the baseline values (before any --set)."""
    cond = _condition(where)
    out = dict(frames)
    touched: set[str] = set()
    rows = 0
    by_table: dict[str, list[Assignment]] = {}
    for a in assignments:
        by_table.setdefault(a.table, []).append(a)
    for table, items in by_table.items():
        mask = _mask(frames, table, cond, where)
        df = frames[table]
        new = df.with_columns(mask.alias("__mask")).with_columns(
            pl.when(pl.col("__mask")).then(pl.lit(a.value, dtype=df.schema[a.field]))
            .otherwise(pl.col(a.field)).alias(a.field)
            for a in items
        ).drop("__mask")  # fmt: skip
        before = df.select(pl.struct([a.field for a in items]).alias("s"))["s"]
        after = new.select(pl.struct([a.field for a in items]).alias("s"))["s"]
        changed = mask & (before.ne_missing(after))
        rows += int(changed.sum())
        touched |= set(df.filter(changed)["dwelling_id"].to_list())
        out[table] = new
    return out, touched, rows


def _normalise(frames: dict[str, pl.DataFrame], ids: set[str]) -> dict[str, pl.DataFrame]:
    """Validate the modified dwellings as ingest would (pydantic) and re-normalise them
    (``energy_label=c`` becomes ``C``, a bad value stops the command with exit 2)."""
    if not ids:
        return frames
    from pydantic import ValidationError

    from pipeline.reshape import from_frames, to_frames

    idx = pl.Series(sorted(ids)).implode()
    subset = {t: df.filter(pl.col("dwelling_id").is_in(idx)) for t, df in frames.items()}
    try:
        dwellings = from_frames(subset)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:3]
        )
        raise ExitError(2, f"the scenario makes dwellings invalid: {problems}") from exc
    fresh = to_frames(dwellings)
    out = {}
    for t, df in frames.items():
        keep = df.filter(~pl.col("dwelling_id").is_in(idx))
        add = fresh[t].select(df.columns).cast(df.schema)
        out[t] = pl.concat([keep, add], how="vertical")
    order = frames["dwellings"].select("dwelling_id").with_row_index("_o")
    out["dwellings"] = (
        out["dwellings"].join(order, on="dwelling_id", how="left").sort("_o").drop("_o")
    )
    return out


# --- loading, scoring, storing --------------------------------------------------------


def load_portfolio(path: str | Path, peildatum: dt.date):
    """Read and validate a portfolio exactly as ``wws score`` does (``pipeline.run.load``:
    an unreadable input is exit 2)."""
    from pipeline import run as R

    return R.load(path, peildatum)


def ensure_scenarios_table(con) -> None:
    con.execute(SCENARIOS_DDL)


def run_whatif(
    portfolio: str | Path,
    sets: list[str],
    where: str,
    *,
    db: str | Path = "wws.duckdb",
    peildatum: dt.date,
    engine: str = "vectorised",
    name: str | None = None,
) -> WhatIfResult:
    from pipeline import run as R
    from pipeline.ingest import input_sha256
    from pipeline.rules import rules_label

    if not sets:
        raise ExitError(2, "whatif needs at least one --set FIELD=VALUE")
    assignments = [parse_assignment(s) for s in sets]
    R.check_peildatum(peildatum)
    started = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    p = load_portfolio(portfolio, peildatum)
    frames, unsupported = R._unsupported(p.frames, R.supported_kinds(engine))
    rejects = pl.concat([p.rejects.select(list(O.REJECTS)), unsupported], how="vertical_relaxed")
    modified, touched, rows = apply_scenario(frames, assignments, where)
    modified = _normalise(modified, touched)
    set_clause = ", ".join(a.text for a in assignments)
    name = name or f"{set_clause} where {where}"
    con = store.connect(db)
    try:
        ensure_scenarios_table(con)
        base_frames = dict(frames)
        base_frames["dwellings"] = R.resolve_woz(con, frames["dwellings"], peildatum)
        scen_frames = dict(modified)
        scen_frames["dwellings"] = R.resolve_woz(con, modified["dwellings"], peildatum)
        base = R.score_frames(base_frames, peildatum, engine)
        scen = R.score_frames(scen_frames, peildatum, engine)
        read = p.dwellings_read
        rejected = rejects["dwelling_id"].n_unique() if rejects.height else 0
        common = {
            "peildatum": peildatum, "rules": rules_label(peildatum), "engine_version": __version__,
            "engine": engine, "input_path": str(Path(portfolio).resolve()),
            "input_sha256": input_sha256(Path(portfolio)), "dwellings_read": read,
            "dwellings_rejected": rejected,
        }  # fmt: skip
        base_run = store.RunRecord(
            run_id=store.new_run_id(started), started_at=started, status=BASELINE_STATUS,
            dwellings_scored=base.scores.height, message=f"what-if baseline: {name}", **common,
        )  # fmt: skip
        scen_run = store.RunRecord(
            run_id=store.new_run_id(started), started_at=started, status=SCENARIO_STATUS,
            dwellings_scored=scen.scores.height, message=f"what-if scenario: {name}", **common,
        )  # fmt: skip
        write_scenario(
            con, [(base_run, base), (scen_run, scen)], rejects,
            [scen_run.run_id, base_run.run_id, name, set_clause, where, len(touched), rows,
             dt.datetime.now(dt.UTC).replace(tzinfo=None)],
        )  # fmt: skip
        comparison = compare(con, base_run.run_id, scen_run.run_id)
    finally:
        con.close()
    return WhatIfResult(
        baseline_run_id=base_run.run_id,
        scenario_run_id=scen_run.run_id,
        name=name,
        dwellings_modified=len(touched),
        rows_modified=rows,
        comparison=comparison,
        totals=totals(comparison, len(touched)),
        sector_moves=D.sector_moves(comparison),
    )


_RUN_COLUMNS = ("run_id", "started_at", "finished_at", "status", "peildatum", "rules",
                "engine_version", "engine", "input_path", "input_sha256", "dwellings_read",
                "dwellings_scored", "dwellings_rejected", "message")  # fmt: skip


def write_scenario(con, runs: list[tuple[store.RunRecord, object]], rejects: pl.DataFrame,
                   scenario_row: list) -> None:
    """Baseline run, scenario run and the ``scenarios`` row in ONE transaction.

    ``store.write_run`` cannot do this yet: it writes scores only for ``succeeded`` runs
    and opens its own transaction. Until it can (see docs/reports.md), the rows go in
    here through the store's own insert helper, with the same columns."""
    con.execute("BEGIN TRANSACTION")
    try:
        for run, scored in runs:
            store._insert(con, "scores", run.run_id, scored.scores)
            store._insert(con, "breakdown", run.run_id, scored.breakdown)
            if scored.lines is not None:
                store._insert(con, "breakdown_lines", run.run_id, scored.lines)
            store._insert(con, "rejects", run.run_id, rejects)
            run.finished_at = run.finished_at or dt.datetime.now(dt.UTC).replace(tzinfo=None)
            cols = ", ".join(_RUN_COLUMNS)
            marks = ", ".join("?" for _ in _RUN_COLUMNS)
            con.execute(f"INSERT INTO runs ({cols}) VALUES ({marks})",
                        [getattr(run, c) for c in _RUN_COLUMNS])  # fmt: skip
        con.execute("INSERT INTO scenarios VALUES (?, ?, ?, ?, ?, ?, ?, ?)", scenario_row)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def compare(con, baseline_run_id: str, scenario_run_id: str) -> pl.DataFrame:
    """Per dwelling: points, maximum rent (with surcharge) and sector, baseline -> scenario,
    for the dwellings whose result changed."""
    df = D.frame(con, D.CHANGES_SQL, {"cur": scenario_run_id, "prev": baseline_run_id})
    return df.filter(pl.col("change") == "changed")


def totals(cmp: pl.DataFrame, modified: int) -> dict:
    moved = cmp.filter(pl.col("sector_before") != pl.col("sector_after"))
    return {
        "dwellings_modified": modified,
        "dwellings_changed": cmp.height,
        "points_gain": int(cmp["points_delta"].sum() or 0),
        "max_rent_gain": cmp["max_rent_delta"].sum() if cmp.height else 0,
        "sector_moves": moved.height,
    }
