"""The WOZ cache in DuckDB: ``woz_values`` (one row per value) and ``woz_lookups``
(the latest lookup outcome per dwelling). The ledger tables live in :mod:`ledger`.
"""

from __future__ import annotations

from typing import Any

import duckdb
import polars as pl

from pipeline.woz.ledger import ensure_tables as ensure_ledger_tables
from pipeline.woz.ledger import table_exists

VALUES_DDL = """
CREATE TABLE IF NOT EXISTS woz_values (
    dwelling_id VARCHAR,                -- NULL for imported rows keyed by object number only
    woz_object_number VARCHAR,          -- 12 digits
    nummeraanduiding_id VARCHAR,        -- BAG id of the object's address (api)
    adresseerbaar_object_ids VARCHAR,   -- BAG ids linked to the object, comma-separated (api)
    waardepeildatum DATE NOT NULL,      -- always 1 January
    valuation_year INTEGER NOT NULL,    -- year(waardepeildatum)
    woz_value BIGINT NOT NULL,          -- euros (vastgesteldeWaarde)
    ingangsdatum DATE,
    in_objection BOOLEAN,               -- objection or appeal pending (api)
    fetched_at TIMESTAMP NOT NULL,      -- UTC; for imports: the import time
    source VARCHAR NOT NULL,            -- 'api' | 'import'
    origin VARCHAR                      -- api: the lookup key used; import: the file name
);
CREATE TABLE IF NOT EXISTS woz_lookups (
    dwelling_id VARCHAR PRIMARY KEY,
    looked_up_at TIMESTAMP NOT NULL,    -- UTC
    outcome VARCHAR NOT NULL,           -- found | not_found | ambiguous | no_key | invalid
    lookup_key VARCHAR,
    woz_object_number VARCHAR,
    candidates VARCHAR,
    values_found INTEGER,
    requests INTEGER,
    message VARCHAR
);
"""

SOURCES = ("api", "import")


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the WOZ tables (cache, lookups, ledger) if they do not exist."""
    con.execute(VALUES_DDL)
    ensure_ledger_tables(con)


def query_frame(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: list[Any],
    schema: dict[str, pl.DataType],
) -> pl.DataFrame:
    """A query result as a polars frame with a fixed schema (same on duckdb 1.x and 2.x)."""
    rows = con.execute(sql, params).fetchall()
    return pl.DataFrame(rows, schema=schema, orient="row")


__all__ = ["ensure_tables", "query_frame", "table_exists", "SOURCES"]
