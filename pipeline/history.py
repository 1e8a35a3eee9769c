"""Run history: what changed between two succeeded runs, and why (issue 7).

The logic lives in SQL (``schemas.output.changes_sql``: the ``run_changes`` table macro
and the ``changes`` view); this module picks the runs and returns the rows.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipeline import store
from pipeline.run import ExitError


def changes(db: str | Path, from_run: str | None = None, to_run: str | None = None) -> pl.DataFrame:
    if not Path(db).exists():
        raise ExitError(2, f"database {db} does not exist")
    con = store.connect(db, read_only=True)
    try:
        runs = [
            r[0] for r in con.execute("SELECT run_id FROM succeeded_runs ORDER BY age").fetchall()
        ]
        to_run = to_run or (runs[0] if runs else None)
        if to_run is None or to_run not in runs:
            raise ExitError(2, f"run {to_run} is not a succeeded run in {db}")
        if from_run is None:
            older = runs[runs.index(to_run) + 1 :]
            if not older:
                raise ExitError(2, f"run {to_run} has no earlier succeeded run to compare with")
            from_run = older[0]
        elif from_run not in runs:
            raise ExitError(2, f"run {from_run} is not a succeeded run in {db}")
        return store.frame(
            con,
            "SELECT * FROM run_changes(?, ?) ORDER BY change, abs(points_change) DESC NULLS LAST, "
            "dwelling_id",
            [from_run, to_run],
        )
    finally:
        con.close()
