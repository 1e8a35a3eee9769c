"""The numbers behind the reports: SQL on the contract's tables, one query per section.

Every function takes an open DuckDB connection and a ``run_id``; nothing here writes.
Amounts stay ``Decimal`` (as stored); the renderers format them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from pipeline.run import ExitError
from schemas.lines import RUBRIEK_NUMBER

#: boundaries when no rule set can be read for the run's peildatum (2025 and 2026 values)
DEFAULT_SOCIAL_MAX = 143
DEFAULT_FREE_MIN = 187
#: "near a boundary" = at most this many points below or above it
NEAR = 5

SECTOR_ORDER = ("social", "mid", "free")


@dataclass(frozen=True)
class Boundaries:
    """Sector limits in points: social <= social_max < mid < free_min <= free."""

    social_max: int = DEFAULT_SOCIAL_MAX
    free_min: int = DEFAULT_FREE_MIN

    @property
    def mid_min(self) -> int:
        return self.social_max + 1

    @property
    def mid_max(self) -> int:
        return self.free_min - 1


def boundaries_for(peildatum: dt.date | None) -> Boundaries:
    """The sector limits of the independent rule set of ``peildatum`` (the defaults when
    the peildatum is not covered)."""
    if peildatum is None:
        return Boundaries()
    try:
        from pipeline.rules import rules_for

        r = rules_for("independent", peildatum)
        return Boundaries(int(r.social_max_points), int(r.free_min_points))
    except Exception:  # noqa: BLE001 - a report must not fail on a missing rule set
        return Boundaries()


def connect(db: str | Path) -> duckdb.DuckDBPyConnection:
    """Open the database read-only (exit 2 when it does not exist or is locked)."""
    if not Path(db).exists():
        raise ExitError(2, f"database {db} does not exist; run `wws score` first")
    try:
        return duckdb.connect(str(db), read_only=True)
    except duckdb.IOException as exc:
        raise ExitError(2, f"cannot open {db}: {exc}") from exc


def frame(con: duckdb.DuckDBPyConnection, sql: str, params=None) -> pl.DataFrame:
    """A query result as a polars frame (DuckDB 2: relations give frames, cursors rows)."""
    return con.sql(sql, params=params).pl()


def first(con: duckdb.DuckDBPyConnection, sql: str, params=None) -> tuple | None:
    """The first row of a query (all rows are fetched: DuckDB 2 refuses new work on a
    connection that still has an unfinished result)."""
    rows = con.execute(sql, params).fetchall()
    return rows[0] if rows else None


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = first(con, "SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                [name])  # fmt: skip
    return bool(row and row[0])


def columns_of(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]


def resolve_run(con: duckdb.DuckDBPyConnection, run_id: str | None) -> dict:
    """The ``runs`` row of ``run_id``, or of the latest succeeded run when it is None."""
    if run_id is None:
        row = first(
            con,
            "SELECT run_id FROM runs WHERE status = 'succeeded' "
            "ORDER BY finished_at DESC, run_id DESC LIMIT 1",
        )
        if row is None:
            raise ExitError(2, "the database has no succeeded run; run `wws score` first")
        run_id = row[0]
    df = frame(con, "SELECT * FROM runs WHERE run_id = ?", [run_id])
    if df.height == 0:
        known = [r[0] for r in con.execute(
            "SELECT run_id FROM runs ORDER BY finished_at DESC LIMIT 5").fetchall()]  # fmt: skip
        raise ExitError(2, f"no run {run_id!r} in the database (latest runs: {', '.join(known)})")
    run = df.row(0, named=True)
    run["scenario"] = scenario_of(con, run_id)
    return run


def scenario_of(con: duckdb.DuckDBPyConnection, run_id: str) -> dict | None:
    if not has_table(con, "scenarios"):
        return None
    df = frame(con, "SELECT * FROM scenarios WHERE run_id = ?", [run_id])
    return df.row(0, named=True) if df.height else None


def previous_run(con: duckdb.DuckDBPyConnection, run: dict) -> dict | None:
    """What a run is compared with: a scenario's baseline; else the latest succeeded run
    that finished before it."""
    if run.get("scenario") and run["scenario"].get("baseline_run_id"):
        return resolve_run(con, run["scenario"]["baseline_run_id"])
    row = first(
        con,
        """SELECT run_id FROM runs
           WHERE status = 'succeeded' AND run_id <> $run
             AND (finished_at < $fin OR (finished_at = $fin AND run_id < $run))
           ORDER BY finished_at DESC, run_id DESC LIMIT 1""",
        {"run": run["run_id"], "fin": run["finished_at"]},
    )
    return resolve_run(con, row[0]) if row else None


# --- sections ------------------------------------------------------------------------


def summary(con: duckdb.DuckDBPyConnection, run_id: str) -> dict:
    row = first(
        con,
        """SELECT count(*) AS n,
                  min(points) AS p_min, quantile_disc(points, 0.25) AS p25,
                  quantile_disc(points, 0.5) AS p50, quantile_disc(points, 0.75) AS p75,
                  max(points) AS p_max, avg(points) AS p_avg,
                  avg(max_rent_with_surcharge) AS rent_avg,
                  sum(max_rent_with_surcharge) AS rent_sum,
                  count(current_rent) AS with_rent,
                  sum(current_rent) AS current_rent_sum
           FROM scores WHERE run_id = ?""",
        [run_id],
    )
    keys = ["n", "p_min", "p25", "p50", "p75", "p_max", "p_avg", "rent_avg", "rent_sum",
            "with_rent", "current_rent_sum"]  # fmt: skip
    out = dict(zip(keys, row, strict=True))
    sectors = dict(
        con.execute(
            "SELECT sector, count(*) FROM scores WHERE run_id = ? GROUP BY sector", [run_id]
        ).fetchall()
    )
    out["sectors"] = {s: sectors.get(s, 0) for s in SECTOR_ORDER}
    out["kinds"] = dict(
        con.execute(
            "SELECT kind, count(*) FROM scores WHERE run_id = ? GROUP BY kind ORDER BY kind",
            [run_id],
        ).fetchall()
    )
    out["woz_sources"] = dict(
        con.execute(
            "SELECT coalesce(woz_source, 'unknown'), count(*) FROM scores WHERE run_id = ? "
            "GROUP BY ALL ORDER BY 2 DESC",
            [run_id],
        ).fetchall()
    )
    return out


def points_histogram(con: duckdb.DuckDBPyConnection, run_id: str) -> pl.DataFrame:
    """Dwellings per whole point and sector (aggregated in SQL: a million dwellings make a
    few hundred bars, not a million numbers in the HTML)."""
    return frame(con, 
        "SELECT points, sector, count(*)::BIGINT AS dwellings FROM scores WHERE run_id = ? "
        "GROUP BY ALL ORDER BY points, sector",
        [run_id],
    )


def rubriek_averages(con: duckdb.DuckDBPyConnection, run_id: str) -> pl.DataFrame:
    """Average points per rubriek and kind, in the order of Bijlage I."""
    df = frame(con, 
        """SELECT s.kind, b.rubriek, any_value(b.rubriek_name) AS rubriek_name,
                  avg(b.points)::DOUBLE AS avg_points, count(*)::BIGINT AS dwellings
           FROM breakdown b JOIN scores s USING (run_id, dwelling_id)
           WHERE b.run_id = ? GROUP BY ALL""",
        [run_id],
    )
    order = {code: i for i, code in enumerate(RUBRIEK_NUMBER)}
    return (
        df.with_columns(
            pl.col("rubriek").replace_strict(order, default=99, return_dtype=pl.Int32).alias("_o")
        )
        .sort("kind", "_o")
        .drop("_o")
    )


def near_boundaries_sql(b: Boundaries, near: int = NEAR) -> str:
    """The query of the near-boundary table, parameter ``$run`` (shown in the report so
    that an analyst can get the full list)."""
    lo1, hi1 = b.social_max - near + 1, b.social_max + near
    lo2, hi2 = b.mid_max - near + 1, b.mid_max + near
    return f"""SELECT dwelling_id, kind, points, sector,
       CASE WHEN points <= {hi1} THEN '{b.social_max}/{b.mid_min}'
            ELSE '{b.mid_max}/{b.free_min}' END AS boundary,
       CASE WHEN points <= {b.social_max} THEN {b.mid_min} - points
            WHEN points <= {hi1} THEN points - {b.social_max}
            WHEN points <= {b.mid_max} THEN {b.free_min} - points
            ELSE points - {b.mid_max} END AS distance,
       CASE WHEN points <= {b.social_max} OR points BETWEEN {b.mid_min + near} AND {b.mid_max}
            THEN 'below' ELSE 'above' END AS side,
       max_rent_with_surcharge, current_rent
FROM scores
WHERE run_id = $run AND kind <> 'non_independent'
  AND (points BETWEEN {lo1} AND {hi1} OR points BETWEEN {lo2} AND {hi2})
ORDER BY boundary, points, dwelling_id"""


def near_boundaries(con: duckdb.DuckDBPyConnection, run_id: str, b: Boundaries) -> pl.DataFrame:
    """Independent dwellings at most :data:`NEAR` points from a sector boundary
    (non-independent dwellings are always social: the boundaries do not apply).

    ``distance``: below a boundary, the points still needed to reach the next sector
    (1 = one point more moves it); above, how many points it may lose before it drops
    (1 = it sits on the lowest point of its sector)."""
    return frame(con, near_boundaries_sql(b), {"run": run_id})


OVER_RENT_SQL = """SELECT dwelling_id, kind, points, sector, current_rent, max_rent_with_surcharge,
       current_rent - max_rent_with_surcharge AS excess
FROM scores
WHERE run_id = $run AND current_rent IS NOT NULL AND current_rent > max_rent_with_surcharge
ORDER BY excess DESC, dwelling_id"""


def over_rent(con: duckdb.DuckDBPyConnection, run_id: str) -> pl.DataFrame:
    """Dwellings whose current rent is above ``max_rent_with_surcharge``."""
    return frame(con, OVER_RENT_SQL, {"run": run_id})


def rejects_grouped(con: duckdb.DuckDBPyConnection, run_id: str) -> pl.DataFrame:
    """Rejects per problem (check, column, source), with an example message and dwellings."""
    return frame(con, 
        """SELECT "check", "column", source, count(*)::BIGINT AS problems,
                  count(DISTINCT dwelling_id)::BIGINT AS dwellings,
                  min(message) AS example,
                  list(DISTINCT dwelling_id ORDER BY dwelling_id)[1:5] AS some_dwellings
           FROM rejects WHERE run_id = ?
           GROUP BY ALL ORDER BY problems DESC, "check", "column" """,
        [run_id],
    )


CHANGES_SQL = """WITH cur AS (SELECT * FROM scores WHERE run_id = $cur),
     prev AS (SELECT * FROM scores WHERE run_id = $prev)
SELECT coalesce(c.dwelling_id, p.dwelling_id) AS dwelling_id,
       CASE WHEN p.dwelling_id IS NULL THEN 'appeared'
            WHEN c.dwelling_id IS NULL AND p.dwelling_id IN (
                SELECT dwelling_id FROM rejects WHERE run_id = $cur) THEN 'rejected'
            WHEN c.dwelling_id IS NULL THEN 'disappeared'
            ELSE 'changed' END AS change,
       p.points AS points_before, c.points AS points_after,
       c.points - p.points AS points_delta,
       p.max_rent_with_surcharge AS max_rent_before,
       c.max_rent_with_surcharge AS max_rent_after,
       c.max_rent_with_surcharge - p.max_rent_with_surcharge AS max_rent_delta,
       p.sector AS sector_before, c.sector AS sector_after
FROM cur c FULL OUTER JOIN prev p ON c.dwelling_id = p.dwelling_id
WHERE p.dwelling_id IS NULL OR c.dwelling_id IS NULL
   OR c.points IS DISTINCT FROM p.points
   OR c.max_rent_with_surcharge IS DISTINCT FROM p.max_rent_with_surcharge
   OR c.sector IS DISTINCT FROM p.sector
ORDER BY change, abs(coalesce(c.points - p.points, 0)) DESC, dwelling_id"""


def changes(con: duckdb.DuckDBPyConnection, cur: str, prev: str) -> pl.DataFrame:
    """Dwellings that differ between two runs: appeared, disappeared (``rejected`` when the
    current run rejected it), or changed in points, maximum rent (with surcharge) or sector.

    When the database has the ``run_changes`` macro (run history, issue 7), its
    ``rubrieken`` (which rubrieken moved) and ``reasons`` columns are added."""
    df = frame(con, CHANGES_SQL, {"cur": cur, "prev": prev})
    if has_macro(con, "run_changes"):
        try:
            why = frame(con, "SELECT dwelling_id, rubrieken, reasons FROM run_changes(?, ?)",
                        [prev, cur])  # fmt: skip
        except duckdb.Error:
            why = None
        if why is not None:  # reasons only where both runs have the dwelling
            out = df.join(why, on="dwelling_id", how="left", maintain_order="left")
            both = pl.col("change") == "changed"
            return out.with_columns(
                pl.when(both).then(pl.col("rubrieken")).alias("rubrieken"),
                pl.when(both).then(pl.col("reasons")).alias("reasons"),
            )
    return df.with_columns(
        pl.lit(None, pl.String).alias("rubrieken"), pl.lit(None, pl.String).alias("reasons")
    )


def has_macro(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = first(con, "SELECT count(*) FROM duckdb_functions() WHERE function_name = ?", [name])
    return bool(row and row[0])


def change_counts(ch: pl.DataFrame) -> dict:
    changed = ch.filter(pl.col("change") == "changed")
    return {
        "appeared": ch.filter(pl.col("change") == "appeared").height,
        "disappeared": ch.filter(pl.col("change").is_in(["disappeared", "rejected"])).height,
        "rejected": ch.filter(pl.col("change") == "rejected").height,
        "points_changed": changed.filter(pl.col("points_delta") != 0).height,
        "rent_changed": changed.filter(pl.col("max_rent_delta") != 0).height,
        "sector_changed": changed.filter(pl.col("sector_before") != pl.col("sector_after")).height,
    }


def sector_moves(ch: pl.DataFrame) -> pl.DataFrame:
    """Counts per (sector before, sector after) among dwellings in both runs that moved."""
    return (
        ch.filter(
            (pl.col("change") == "changed") & (pl.col("sector_before") != pl.col("sector_after"))
        )
        .group_by("sector_before", "sector_after")
        .len("dwellings")
        .sort("dwellings", descending=True)
    )
