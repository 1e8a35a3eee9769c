"""Result frames (polars) and their DuckDB tables (``output-contract.md``).

Both scorers return these frames (without ``run_id``); the store adds ``run_id`` and
writes them. The DDL below is the single definition of the DuckDB edge.
"""

from __future__ import annotations

import polars as pl

from schemas.numbers import to_decimal

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

#: Address columns the orchestrator copies from the dwellings into ``scores`` (statements).
ADDRESS = (
    "postcode",
    "house_number",
    "house_letter",
    "house_number_addition",
    "nummeraanduiding_id",
)

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

#: the lines as the vectorised engine hands them to the store: quantity and points as
#: integers in 1/10 000 (``*_e4``), text columns possibly categorical
LINES_E4: dict[str, pl.DataType] = {
    "dwelling_id": pl.String,
    "rubriek": pl.String,
    "line": pl.String,
    "label": pl.String,
    "quantity_e4": pl.Int64,
    "unit": pl.String,
    "points_e4": pl.Int64,
}


def lines_from_e4(frame: pl.DataFrame) -> pl.DataFrame:
    """A :data:`LINES_E4` frame as :data:`LINES` (exact: integer to decimal, then divided)."""
    return frame.select(
        pl.col("dwelling_id", "rubriek", "line", "label").cast(pl.String),
        to_decimal(pl.col("quantity_e4"), QUANTITY).alias("quantity"),
        pl.col("unit").cast(pl.String),
        to_decimal(pl.col("points_e4"), LINE_POINTS).alias("points"),
    )


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
ALTER TABLE scores ADD COLUMN IF NOT EXISTS input_hash UBIGINT;
ALTER TABLE runs ADD COLUMN IF NOT EXISTS fingerprint VARCHAR;
ALTER TABLE scores ADD COLUMN IF NOT EXISTS postcode VARCHAR;
ALTER TABLE scores ADD COLUMN IF NOT EXISTS house_number BIGINT;
ALTER TABLE scores ADD COLUMN IF NOT EXISTS house_letter VARCHAR;
ALTER TABLE scores ADD COLUMN IF NOT EXISTS house_number_addition VARCHAR;
ALTER TABLE scores ADD COLUMN IF NOT EXISTS nummeraanduiding_id VARCHAR;
CREATE TABLE IF NOT EXISTS label_fallback (
    run_id VARCHAR,
    dwelling_id VARCHAR,
    energy_basis VARCHAR,
    valid_until DATE,
    points_after INTEGER,
    max_rent_after DECIMAL(10,2),
    sector_after VARCHAR
);
CREATE OR REPLACE VIEW latest_run AS
    SELECT run_id FROM runs WHERE status = 'succeeded'
    ORDER BY finished_at DESC, run_id DESC LIMIT 1;
CREATE OR REPLACE VIEW latest_scores AS
    SELECT s.* FROM scores s JOIN latest_run USING (run_id);
CREATE OR REPLACE VIEW latest_breakdown AS
    SELECT b.* FROM breakdown b JOIN latest_run USING (run_id);
CREATE OR REPLACE VIEW succeeded_runs AS
    SELECT run_id, finished_at, peildatum, rules,
           row_number() OVER (ORDER BY finished_at DESC, run_id DESC) AS age
    FROM runs WHERE status = 'succeeded';
CREATE OR REPLACE VIEW label_expiry AS
    SELECT s.dwelling_id, f.energy_basis, f.valid_until, s.points AS points_now,
           s.max_rent AS max_rent_now, f.points_after, f.max_rent_after, s.sector AS sector_now,
           f.sector_after, f.points_after - s.points AS points_change
    FROM label_fallback f JOIN latest_scores s USING (run_id, dwelling_id);
"""


def _duck_type(t: pl.DataType) -> str:
    return {
        pl.String: "VARCHAR",
        pl.Int64: "BIGINT",
        pl.Float64: "DOUBLE",
        pl.Boolean: "BOOLEAN",
        pl.Date: "DATE",
    }[t.base_type()]


def inputs_ddl() -> str:
    """``dwelling_inputs``: each distinct normalised dwelling row once, keyed by its
    ``input_hash``, with a hash per block list (the changes view names edited fields).

    The key is unique by construction, not by a ``PRIMARY KEY``: the store inserts only
    hashes not yet stored, and one process writes a file at a time. The index cost
    1.6-1.7 s per million new dwellings (insert and commit) and bought nothing; databases
    made before keep theirs."""
    from schemas.dwelling import BLOCKS
    from schemas.frames import DWELLINGS

    cols = [f'"{c}" {_duck_type(t)}' for c, t in DWELLINGS.items() if c != "dwelling_id"]
    cols += [f'"{b}_hash" UBIGINT' for b in BLOCKS]
    return (
        "CREATE TABLE IF NOT EXISTS dwelling_inputs (input_hash UBIGINT, " + ", ".join(cols) + ");"
    )


def changes_sql() -> str:
    """The ``changes`` table macro and view: what changed between two succeeded runs, and
    why (issue 7). ``run_changes(from_run, to_run)``; the view compares the latest two."""
    from schemas.dwelling import BLOCKS
    from schemas.frames import DWELLINGS

    fields = [c for c in DWELLINGS if c != "dwelling_id"] + [f"{b}_hash" for b in BLOCKS]
    edited = ", ".join(
        f"""CASE WHEN ia."{c}" IS DISTINCT FROM ib."{c}" THEN '{c.removesuffix("_hash")}' END"""
        for c in fields
    )
    return f"""
CREATE OR REPLACE MACRO run_changes(from_run, to_run) AS TABLE
WITH a AS (SELECT * FROM scores WHERE run_id = from_run),
     b AS (SELECT * FROM scores WHERE run_id = to_run),
     ra AS (SELECT * FROM runs WHERE run_id = from_run),
     rb AS (SELECT * FROM runs WHERE run_id = to_run),
     rej AS (SELECT dwelling_id, string_agg(DISTINCT "column", ', ') AS reject_columns
             FROM rejects WHERE run_id = to_run GROUP BY dwelling_id),
     pairs AS (
        SELECT coalesce(a.dwelling_id, b.dwelling_id) AS dwelling_id,
               CASE WHEN a.dwelling_id IS NULL THEN 'appeared'
                    WHEN b.dwelling_id IS NULL AND rej.dwelling_id IS NOT NULL THEN 'rejected'
                    WHEN b.dwelling_id IS NULL THEN 'disappeared'
                    ELSE 'changed' END AS change,
               a.points AS points_from, b.points AS points_to,
               a.max_rent_with_surcharge AS max_rent_from, b.max_rent_with_surcharge AS max_rent_to,
               a.sector AS sector_from, b.sector AS sector_to,
               a.input_hash AS hash_from, b.input_hash AS hash_to,
               a.dwelling_id IS NOT NULL AND b.dwelling_id IS NOT NULL AND (
                 a.woz_value_used IS DISTINCT FROM b.woz_value_used
                 OR a.woz_valuation_year_used IS DISTINCT FROM b.woz_valuation_year_used)
                 AS woz_changed,
               rej.reject_columns
        FROM a FULL JOIN b ON a.dwelling_id = b.dwelling_id
        LEFT JOIN rej ON rej.dwelling_id = coalesce(a.dwelling_id, b.dwelling_id)
        WHERE a.dwelling_id IS NULL OR b.dwelling_id IS NULL
           OR a.points <> b.points
           OR a.max_rent_with_surcharge <> b.max_rent_with_surcharge
           OR a.sector <> b.sector),
     moved AS (
        SELECT p.dwelling_id,
               string_agg(ba.rubriek || ' ' || CAST(ba.points AS VARCHAR) || ' -> '
                          || CAST(bb.points AS VARCHAR), '; ' ORDER BY ba.rubriek) AS rubrieken,
               bool_or(ba.rubriek = 'ENE') AS ene_moved
        FROM pairs p
        JOIN breakdown ba ON ba.run_id = from_run AND ba.dwelling_id = p.dwelling_id
        JOIN breakdown bb ON bb.run_id = to_run AND bb.dwelling_id = p.dwelling_id
                          AND bb.rubriek = ba.rubriek
        WHERE ba.points <> bb.points
        GROUP BY p.dwelling_id),
     edits AS (
        SELECT p.dwelling_id, concat_ws(', ', {edited}) AS fields,
               ia.energy_label IS DISTINCT FROM ib.energy_label
                 OR ia.energy_index IS DISTINCT FROM ib.energy_index
                 OR ia.energy_label_valid_until IS DISTINCT FROM ib.energy_label_valid_until
                 AS energy_edited
        FROM pairs p
        JOIN dwelling_inputs ia ON ia.input_hash = p.hash_from
        JOIN dwelling_inputs ib ON ib.input_hash = p.hash_to
        WHERE p.hash_from <> p.hash_to)
SELECT p.dwelling_id, p.change, p.points_from, p.points_to,
       p.points_to - p.points_from AS points_change,
       p.max_rent_from, p.max_rent_to, p.sector_from, p.sector_to, m.rubrieken,
       concat_ws('; ',
         CASE WHEN p.change = 'rejected' THEN 'rejected in the new run: ' || p.reject_columns END,
         CASE WHEN e.fields IS NOT NULL AND e.fields <> '' THEN 'input field edited: ' || e.fields END,
         CASE WHEN p.hash_from <> p.hash_to AND (e.fields IS NULL OR e.fields = '')
              THEN 'input edited' END,
         CASE WHEN m.ene_moved AND e.energy_edited THEN 'energy label or index replaced'
              WHEN m.ene_moved AND NOT coalesce(e.energy_edited, false)
              THEN 'energy label or index expired (or became valid)' END,
         CASE WHEN p.woz_changed THEN 'WOZ value or valuation year changed' END,
         CASE WHEN (SELECT any_value(rules) FROM ra) IS DISTINCT FROM (SELECT any_value(rules) FROM rb)
                OR year((SELECT any_value(peildatum) FROM ra))
                   <> year((SELECT any_value(peildatum) FROM rb))
              THEN 'new rule set or rent table (peildatum crossed 1 January)' END,
         CASE WHEN p.sector_from <> p.sector_to
              THEN 'sector boundary crossed (' || p.sector_from || ' -> ' || p.sector_to || ')'
              END) AS reasons
FROM pairs p
LEFT JOIN moved m USING (dwelling_id)
LEFT JOIN edits e USING (dwelling_id);
CREATE OR REPLACE VIEW changes AS
    SELECT * FROM run_changes((SELECT run_id FROM succeeded_runs WHERE age = 2),
                              (SELECT run_id FROM succeeded_runs WHERE age = 1));
"""


def empty(schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)


class ScoredFrames:
    """What a scorer returns for a batch of dwellings: three frames without ``run_id``.

    ``scores`` follows :data:`SCORES`, ``breakdown`` :data:`BREAKDOWN` and ``lines``
    :data:`LINES` (``lines`` may be ``None`` when the caller asked for no lines).
    ``energy_fallback`` (optional, the vectorised engine when asked): per dwelling the
    ``points``, ``max_rent`` and ``sector`` it would get with rubriek 4 from the build-year
    table instead of its label or index (the ``label_expiry`` view).

    ``breakdown`` and ``lines`` may be given as zero-argument functions that build the
    frame: it is then built on first access only (a run builds the lines in its writer
    thread, see ``pipeline.engine.score._assemble_lines``). ``breakdown_wide`` (the vectorised engine): the same
    points as one row per dwelling, ``(kind, frame)`` per kind with ``dwelling_id`` and one
    Int64 column of quarter points per rubriek code of the kind (law order); the store
    writes it with one ``UNPIVOT`` in DuckDB instead of moving 13-14 rows per dwelling
    through Arrow (``pipeline.store``).
    """

    __slots__ = ("scores", "_breakdown", "_lines", "energy_fallback", "breakdown_wide")

    def __init__(
        self,
        scores: pl.DataFrame,
        breakdown,
        lines: pl.DataFrame | None,
        energy_fallback: pl.DataFrame | None = None,
        *,
        breakdown_wide: list[tuple[str, pl.DataFrame]] | None = None,
    ) -> None:
        self.scores = scores
        self._breakdown = breakdown
        self._lines = lines
        self.energy_fallback = energy_fallback
        self.breakdown_wide = breakdown_wide

    @property
    def breakdown(self) -> pl.DataFrame:
        if callable(self._breakdown):
            self._breakdown = self._breakdown()
        return self._breakdown

    @property
    def lines(self) -> pl.DataFrame | None:
        """The lines with exactly the :data:`LINES` dtypes (a scorer may hand them over with
        categorical text columns or as :data:`LINES_E4`: :attr:`lines_for_store`)."""
        frame = self.lines_for_store
        if frame is not None and "points_e4" in frame.columns:
            self._lines = frame = lines_from_e4(frame)
        elif frame is not None and frame.schema != pl.Schema(LINES):
            self._lines = frame = frame.select(pl.col(c).cast(t) for c, t in LINES.items())
        return frame

    @lines.setter
    def lines(self, frame: pl.DataFrame | None) -> None:
        self._lines = frame

    @property
    def lines_for_store(self) -> pl.DataFrame | None:
        """The lines as the scorer made them: :data:`LINES`, or :data:`LINES_E4` (the
        vectorised engine), text columns possibly categorical (DuckDB reads them as
        dictionary-encoded VARCHAR without converting every row)."""
        if callable(self._lines):
            self._lines = self._lines()
        return self._lines

    @breakdown.setter
    def breakdown(self, frame: pl.DataFrame) -> None:
        self._breakdown = frame
        self.breakdown_wide = None
