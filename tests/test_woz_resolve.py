"""resolve_woz: which WOZ value a dwelling is scored with (zelfstandig.md §3.11.1)."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl
from woz_helpers import dwellings_frame

from pipeline.woz import ensure_tables, resolve_woz

PEIL_2026 = dt.date(2026, 7, 1)  # relevant years 2025 and 2024


def add(con, dwelling_id, obj, year, value, source="api", fetched="2026-01-10 10:00:00"):
    con.execute(
        "INSERT INTO woz_values (dwelling_id, woz_object_number, waardepeildatum, valuation_year,"
        " woz_value, fetched_at, source) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [dwelling_id, obj, dt.date(year, 1, 1), year, value, fetched, source],
    )


def by_id(df: pl.DataFrame) -> dict[str, tuple]:
    return {
        r["dwelling_id"]: (r["woz_value"], r["woz_valuation_year"], r["woz_source"])
        for r in df.iter_rows(named=True)
    }


FRAME = dwellings_frame(
    [
        {"dwelling_id": "p1", "woz_value": 250000, "woz_valuation_year": 2025},
        {"dwelling_id": "p2", "woz_value": 250000, "woz_valuation_year": 2024},
        {"dwelling_id": "old", "woz_value": 180000, "woz_valuation_year": 2023},
        {"dwelling_id": "zero", "woz_value": 0, "woz_valuation_year": 2025},
        {"dwelling_id": "none"},
        {"dwelling_id": "obj", "woz_object_number": "12345678901"},  # 11 digits: zero-padded
    ]
)


def test_without_database_only_the_portfolio_counts():
    out = resolve_woz(None, FRAME, PEIL_2026)
    assert by_id(out) == {
        "p1": (250000.0, 2025, "portfolio"),
        "p2": (250000.0, 2024, "portfolio"),
        "old": (180000.0, 2023, None),  # outdated: kept as is, no source
        "zero": (0.0, 2025, None),  # a value of 0 is no value
        "none": (None, None, None),
        "obj": (None, None, None),
    }
    assert out.columns == [*FRAME.columns, "woz_source"]
    assert out.schema["woz_value"] == FRAME.schema["woz_value"]
    assert out.schema["woz_valuation_year"] == FRAME.schema["woz_valuation_year"]


def test_database_without_cache_table_is_portfolio_only():
    con = duckdb.connect()
    assert by_id(resolve_woz(con, FRAME, PEIL_2026)) == by_id(resolve_woz(None, FRAME, PEIL_2026))


def test_cache_fills_gaps_and_the_most_recent_relevant_value_wins():
    con = duckdb.connect()
    ensure_tables(con)
    add(con, "p1", None, 2024, 999000)  # older than the portfolio's 2025: portfolio stays
    add(con, "p2", None, 2025, 260000)  # newer than the portfolio's 2024: the cache wins
    add(con, "old", None, 2025, 190000, source="import")
    add(con, "old", None, 2023, 170000)  # not relevant for 2026
    add(con, "none", None, 2022, 100000)  # not relevant: stays without a value
    add(con, None, "012345678901", 2024, 150000, source="import")  # matched by object number
    add(con, "zero", None, 2025, 300000, source="api", fetched="2026-01-01 00:00:00")
    add(con, "zero", None, 2025, 310000, source="import", fetched="2026-02-01 00:00:00")
    out = resolve_woz(con, FRAME, PEIL_2026)
    assert by_id(out) == {
        "p1": (250000.0, 2025, "portfolio"),
        "p2": (260000.0, 2025, "api"),
        "old": (190000.0, 2025, "import"),
        "zero": (310000.0, 2025, "import"),  # equal years: the latest fetched or imported
        "none": (None, None, None),
        "obj": (150000.0, 2024, "import"),
    }


def test_portfolio_wins_a_tie_and_row_order_is_kept():
    con = duckdb.connect()
    ensure_tables(con)
    add(con, "p1", None, 2025, 999000)
    shuffled = FRAME.sample(fraction=1.0, shuffle=True, seed=7)
    out = resolve_woz(con, shuffled, PEIL_2026)
    assert out["dwelling_id"].to_list() == shuffled["dwelling_id"].to_list()
    assert by_id(out)["p1"] == (250000.0, 2025, "portfolio")


def test_peildatum_decides_relevance():
    con = duckdb.connect()
    ensure_tables(con)
    add(con, "none", None, 2023, 123000)
    assert by_id(resolve_woz(con, FRAME, dt.date(2025, 1, 1)))["none"] == (123000.0, 2023, "api")
    assert by_id(resolve_woz(con, FRAME, dt.date(2026, 1, 1)))["none"] == (None, None, None)


def test_is_a_join_not_a_loop_on_a_large_frame():
    n = 20_000
    frame = dwellings_frame([{"dwelling_id": "x"}]).clear()
    frame = pl.concat(
        [frame, pl.DataFrame({"dwelling_id": [f"d{i}" for i in range(n)]})],
        how="diagonal_relaxed",
    ).select(frame.columns)
    con = duckdb.connect()
    ensure_tables(con)
    con.execute(
        "INSERT INTO woz_values (dwelling_id, waardepeildatum, valuation_year, woz_value, "
        "fetched_at, source) SELECT 'd' || i, DATE '2025-01-01', 2025, 100000 + i, "
        "TIMESTAMP '2026-01-01', 'api' FROM range(0, ?) t(i) WHERE i % 2 = 0",
        [n],
    )
    out = resolve_woz(con, frame, PEIL_2026)
    assert out.height == n
    assert out["woz_source"].value_counts().sort("woz_source", nulls_last=True).rows() == [
        ("api", n // 2),
        (None, n // 2),
    ]
    assert out.filter(dwelling_id="d4242")["woz_value"][0] == 104242.0


def test_a_minimal_frame_without_lookup_columns_works():
    con = duckdb.connect()
    ensure_tables(con)
    add(con, "b", None, 2024, 123000)
    frame = pl.DataFrame({"dwelling_id": ["a", "b"], "woz_value": [90000.0, None],
                          "woz_valuation_year": [2025, None]})
    out = resolve_woz(con, frame, PEIL_2026)
    assert out.rows() == [("a", 90000.0, 2025, "portfolio"), ("b", 123000.0, 2024, "api")]
