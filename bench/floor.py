"""The DuckDB floor: DuckDB alone reading the portfolio's Parquet files and writing as
many result rows as a scoring run, into a fresh DuckDB file, in one transaction.

``python -m bench.floor FOLDER DB DWELLINGS_NON_INDEPENDENT LINES`` prints one JSON object
(wall seconds from connecting to the closed file, peak RSS of this process).

What it does, so that it is the least any scorer of this input and output must do:

- reads **every column of every table** (a hash of each whole row, so no column is
  pruned) and groups the space rows per dwelling;
- writes, with the store's own DDL (``schemas.output.DDL``, same column types), one
  ``runs`` row, one ``scores`` row per dwelling (kind, address, a points value and
  decimals derived from the row hashes), 13 ``breakdown`` rows per independent and 14 per
  non-independent dwelling, and ``LINES`` ``breakdown_lines`` rows (the space rows
  repeated; line ids and labels of realistic length), all in one transaction;
- commits and closes (checkpoint), as ``wws score`` does.

No scoring, no validation, no polars: the time of this is a floor, not a competitor.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

RUBRIEKEN = ["OVZ", "OOZ", "VKV", "ENE", "KEU", "SAN", "GEH", "BUI", "GVR", "GPA", "WOZ", "BIJ"]


def main(folder: str, db: str, lines: int) -> dict:
    import duckdb

    from schemas.output import DDL

    t0 = time.perf_counter()
    path = Path(folder)
    blocks = sorted(p for p in path.glob("*.parquet") if p.stem != "dwellings")
    dwellings = path / "dwellings.parquet"
    con = duckdb.connect(db)
    con.execute(DDL)
    con.execute("BEGIN")
    con.execute(
        "INSERT INTO runs (run_id, started_at, status, peildatum) "
        "VALUES ('floor', now(), 'succeeded', DATE '2026-07-01')"
    )
    union = " UNION ALL ".join(
        f"SELECT dwelling_id, hash(t) AS h, '{p.stem}' AS block FROM read_parquet('{p}') t"
        for p in blocks
    )
    pos = "row_number() OVER (PARTITION BY dwelling_id, block)" if lines else "0"
    con.execute(f"CREATE TEMP TABLE sp AS SELECT *, {pos} AS pos FROM ({union})")
    con.execute(
        "CREATE TEMP TABLE agg AS SELECT dwelling_id, count(*) AS n, bit_xor(h) AS h "
        "FROM sp GROUP BY dwelling_id"
    )
    con.execute(
        f"""
        INSERT INTO scores (run_id, dwelling_id, kind, peildatum, points, points_exact,
            max_rent, surcharge_pct, max_rent_with_surcharge, sector, woz_source,
            woz_value_used, woz_valuation_year_used, current_rent, input_hash, postcode,
            house_number, house_letter, house_number_addition, nummeraanduiding_id)
        SELECT 'floor', d.dwelling_id, d.kind, DATE '2026-07-01',
            (x % 300)::INTEGER, ((x % 30000) / 100)::DECIMAL(9,2),
            ((x % 200000) / 100)::DECIMAL(10,2), 0::DECIMAL(5,2),
            ((x % 200000) / 100)::DECIMAL(10,2),
            CASE WHEN x % 3 = 0 THEN 'social' WHEN x % 3 = 1 THEN 'mid' ELSE 'free' END,
            'portfolio', d.woz_value::DECIMAL(12,2), d.woz_valuation_year::INTEGER,
            d.current_rent::DECIMAL(10,2), x, d.postcode, d.house_number,
            NULL, NULL, NULL
        FROM (SELECT d.*, xor(hash(d), coalesce(a.h, 0::UBIGINT)) AS x
              FROM read_parquet('{dwellings}') d LEFT JOIN agg a USING (dwelling_id)) d
        """
    )
    rub = ", ".join(f"({i}, '{r}', 'rubriek {r.lower()}')" for i, r in enumerate(RUBRIEKEN))
    con.execute(
        f"""
        INSERT INTO breakdown
        SELECT 'floor', s.dwelling_id,
            CASE WHEN r.i = 12 THEN 'AFT' WHEN r.i = 13 THEN 'PMN' ELSE r.code END,
            coalesce(r.name, 'rubriek'), ((s.input_hash >> r.i) % 4000 / 100)::DECIMAL(9,2)
        FROM scores s
        JOIN (SELECT * FROM (VALUES {rub}) v(i, code, name)
              UNION ALL SELECT 12, NULL, NULL UNION ALL SELECT 13, NULL, NULL) r
          ON r.i < 13 OR s.kind = 'non_independent'
        """
    )
    if lines:
        rows = con.execute("SELECT count(*) FROM sp").fetchone()[0]
        k = -(-lines // max(rows, 1))
        con.execute(
            f"""
            INSERT INTO breakdown_lines
            SELECT 'floor', dwelling_id, 'R' || (i % 12)::VARCHAR,
                lower(block) || '.' || block || '[' || pos::VARCHAR || '].' || i::VARCHAR,
                block || ' ' || pos::VARCHAR || ': ' || (h % 4000 / 100)::VARCHAR || ' m²',
                (h % 400000 / 100)::DECIMAL(16,4), 'm2',
                (h % 40000 / 1000)::DECIMAL(14,4)
            FROM sp, range({k}) r(i)
            LIMIT {lines}
            """
        )
    con.execute("COMMIT")
    counts = {
        t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("scores", "breakdown", "breakdown_lines")
    }
    con.close()
    return {
        "wall_s": time.perf_counter() - t0,
        "rows": counts,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], int(sys.argv[3]))))
