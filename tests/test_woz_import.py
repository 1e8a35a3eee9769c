"""import_file: WOZ values from CSV or Parquet into the cache with source 'import'."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl
import pytest
from woz_helpers import dwellings_frame

from pipeline.woz import WozImportError, import_file, resolve_woz


def rows(con):
    return con.execute(
        "SELECT dwelling_id, woz_object_number, waardepeildatum, valuation_year, woz_value, "
        "source, origin FROM woz_values ORDER BY dwelling_id NULLS LAST, woz_object_number"
    ).fetchall()


def test_dutch_excel_csv_with_bom_semicolons_and_thousand_separators(tmp_path):
    f = tmp_path / "woz 2025.csv"
    f.write_bytes(
        "\ufeffDwelling_ID ; WOZ_Object_Number;Waardepeildatum;WOZ_Value\n"
        "A1;;2025-01-01;€ 250.000\n"
        ";41700002562;2024-01-01;312000\n"
        "A3;000500055044;;250000,00\n".encode()
    )
    # row 3 gives no year at all: the whole file is rejected
    with pytest.raises(WozImportError) as ei:
        import_file(duckdb.connect(), f)
    assert "row 4: no valuation_year or waardepeildatum" in str(ei.value)
    f.write_bytes(
        "\ufeffDwelling_ID ; WOZ_Object_Number;Waardepeildatum;WOZ_Value\n"
        "A1;;2025-01-01;€ 250.000\n"
        ";41700002562;2024-01-01;312000\n"
        "A3;000500055044;2025-01-01;250000,00\n".encode()
    )
    con = duckdb.connect()
    rep = import_file(con, f)
    assert (rep.rows, rep.dwellings, rep.objects, rep.replaced) == (3, 2, 2, 0)
    assert rows(con) == [
        ("A1", None, dt.date(2025, 1, 1), 2025, 250000, "import", "woz 2025.csv"),
        ("A3", "000500055044", dt.date(2025, 1, 1), 2025, 250000, "import", "woz 2025.csv"),
        (None, "041700002562", dt.date(2024, 1, 1), 2024, 312000, "import", "woz 2025.csv"),
    ]


def test_parquet_with_year_column_and_reimport_replaces(tmp_path):
    f = tmp_path / "woz.parquet"
    pl.DataFrame(
        {"dwelling_id": ["A1", "A2"], "valuation_year": [2024, 2025], "value": [200000, 210000]}
    ).write_parquet(f)
    con = duckdb.connect()
    import_file(con, f)
    pl.DataFrame(
        {"dwelling_id": ["A1"], "valuation_year": [2024], "value": [205000]}
    ).write_parquet(f)
    rep = import_file(con, f)
    assert rep.replaced == 1
    assert [(r[0], r[4]) for r in rows(con)] == [("A1", 205000), ("A2", 210000)]
    frame = dwellings_frame([{"dwelling_id": "A1"}, {"dwelling_id": "A2"}])
    out = resolve_woz(con, frame, dt.date(2026, 1, 1))
    assert out.select("woz_value", "woz_valuation_year", "woz_source").rows() == [
        (205000.0, 2024, "import"),
        (210000.0, 2025, "import"),
    ]


def test_every_problem_is_reported_and_nothing_is_imported(tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text(
        "dwelling_id,woz_object_number,valuation_year,waardepeildatum,value\n"
        "A1,,2025,2025-03-01,100000\n"  # not 1 January
        "A2,,2024,2025-01-01,100000\n"  # year and date disagree
        ",,2025,,100000\n"  # no key
        "A4,12AB,2025,,100000\n"  # bad object number
        "A5,,25,,100000\n"  # bad year
        "A6,,2025,,-5\n"  # bad value
        "A7,,2025,,100000.5\n"  # not whole euros
        "A8,,2025,,100000\n"
        "A8,,2025,,120000\n",  # conflicting duplicate
        encoding="utf-8",
    )
    con = duckdb.connect()
    with pytest.raises(WozImportError) as ei:
        import_file(con, f)
    problems = ei.value.problems
    assert [p.split(":")[0].split(",")[0] for p in problems] == [
        "row 2", "row 3", "row 4", "row 5", "row 6", "row 7", "row 8", "row 10",
    ]
    assert "always 1 January" in problems[0]
    assert con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'woz_values'"
    ).fetchone()[0] == 0


def test_missing_columns_and_unreadable_files(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("id,waarde\n1,2\n")
    with pytest.raises(WozImportError, match="missing column: dwelling_id and/or"):
        import_file(duckdb.connect(), f)
    g = tmp_path / "x.xlsx"
    g.write_bytes(b"PK\x03\x04")
    with pytest.raises(WozImportError, match="unsupported file type"):
        import_file(duckdb.connect(), g)
    with pytest.raises(WozImportError, match="file not found"):
        import_file(duckdb.connect(), tmp_path / "nope.csv")
