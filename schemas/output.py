"""Result frames (polars) and their DuckDB tables (``output-contract.md``).

Both scorers return these frames (without ``run_id``); the store adds ``run_id`` and
writes them. The DDL below is the single definition of the DuckDB edge.
"""

from __future__ import annotations

import polars as pl

POINTS = pl.Decimal(9, 2)
MONEY = pl.Decimal(10, 2)
PCT = pl.Decimal(5, 2)
LINE_POINTS = pl.Decimal(14, 4)
QUANTITY = pl.Decimal(16, 4)

SCORES: dict[str, pl.DataType] = {
    "dwelling_id": pl.String,
    "kind": pl.String,
    "peildatum": pl.Date,
    "points": pl.Int32,
    "points_exact": POINTS,
    "max_rent": MONEY,
    "surcharge_pct": PCT,
    "max_rent_with_surcharge": MONEY,
    "sector": pl.String,
    "woz_source": pl.String,  # portfolio | api | import | appraisal | fallback
    "woz_value_used": pl.Decimal(12, 2),
    "woz_valuation_year_used": pl.Int32,
    "current_rent": MONEY,
}

BREAKDOWN: dict[str, pl.DataType] = {
    "dwelling_id": pl.String,
    "rubriek": pl.String,
    "rubriek_name": pl.String,
    "points": POINTS,
}

LINES: dict[str, pl.DataType] = {
    "dwelling_id": pl.String,
    "rubriek": pl.String,
    "line": pl.String,
    "label": pl.String,
    "quantity": QUANTITY,
    "unit": pl.String,
    "points": LINE_POINTS,
}

REJECTS: dict[str, pl.DataType] = {
    "source": pl.String,
    "row_number": pl.Int64,
    "dwelling_id": pl.String,
    "column": pl.String,
    "check": pl.String,
    "value": pl.String,
    "message": pl.String,
}

DDL = """
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    status VARCHAR,
    peildatum DATE,
    rules VARCHAR,
    engine_version VARCHAR,
    engine VARCHAR,
    input_path VARCHAR,
    input_sha256 VARCHAR,
    dwellings_read BIGINT,
    dwellings_scored BIGINT,
    dwellings_rejected BIGINT,
    message VARCHAR
);
CREATE TABLE IF NOT EXISTS scores (
    run_id VARCHAR,
    dwelling_id VARCHAR,
    kind VARCHAR,
    peildatum DATE,
    points INTEGER,
    points_exact DECIMAL(9,2),
    max_rent DECIMAL(10,2),
    surcharge_pct DECIMAL(5,2),
    max_rent_with_surcharge DECIMAL(10,2),
    sector VARCHAR,
    woz_source VARCHAR,
    woz_value_used DECIMAL(12,2),
    woz_valuation_year_used INTEGER,
    current_rent DECIMAL(10,2)
);
CREATE TABLE IF NOT EXISTS breakdown (
    run_id VARCHAR,
    dwelling_id VARCHAR,
    rubriek VARCHAR,
    rubriek_name VARCHAR,
    points DECIMAL(9,2)
);
CREATE TABLE IF NOT EXISTS breakdown_lines (
    run_id VARCHAR,
    dwelling_id VARCHAR,
    rubriek VARCHAR,
    line VARCHAR,
    label VARCHAR,
    quantity DECIMAL(16,4),
    unit VARCHAR,
    points DECIMAL(14,4)
);
CREATE TABLE IF NOT EXISTS rejects (
    run_id VARCHAR,
    source VARCHAR,
    row_number BIGINT,
    dwelling_id VARCHAR,
    "column" VARCHAR,
    "check" VARCHAR,
    value VARCHAR,
    message VARCHAR
);
CREATE OR REPLACE VIEW latest_run AS
    SELECT run_id FROM runs WHERE status = 'succeeded'
    ORDER BY finished_at DESC, run_id DESC LIMIT 1;
CREATE OR REPLACE VIEW latest_scores AS
    SELECT s.* FROM scores s JOIN latest_run USING (run_id);
CREATE OR REPLACE VIEW latest_breakdown AS
    SELECT b.* FROM breakdown b JOIN latest_run USING (run_id);
"""


def empty(schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)


class ScoredFrames:
    """What a scorer returns for a batch of dwellings: three frames without ``run_id``.

    ``scores`` follows :data:`SCORES`, ``breakdown`` :data:`BREAKDOWN` and ``lines``
    :data:`LINES` (``lines`` may be ``None`` when the caller asked for no lines).
    """

    __slots__ = ("scores", "breakdown", "lines")

    def __init__(
        self, scores: pl.DataFrame, breakdown: pl.DataFrame, lines: pl.DataFrame | None
    ) -> None:
        self.scores = scores
        self.breakdown = breakdown
        self.lines = lines
