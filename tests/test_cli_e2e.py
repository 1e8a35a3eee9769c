"""End to end through the real command line: data/sample into a real DuckDB file.

Runs ``python -m pipeline`` in a subprocess, as a user or a scheduled job would.
"""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.paths import SPEC_EXAMPLES

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data/sample"
EXAMPLES = SPEC_EXAMPLES


def wws(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=300,
    )


def rows(db: Path, sql: str, params=()) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def assert_same_results(db: Path, other: Path) -> None:
    """``scores``, ``breakdown`` and ``breakdown_lines`` of the two databases are equal."""
    for q in (
        "SELECT * EXCLUDE (run_id) FROM scores ORDER BY dwelling_id",
        "SELECT * EXCLUDE (run_id) FROM breakdown ORDER BY dwelling_id, rubriek",
        "SELECT * EXCLUDE (run_id) FROM breakdown_lines ORDER BY dwelling_id, rubriek, line",
    ):
        assert rows(db, q) == rows(other, q), q


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("e2e") / "wws.duckdb"
    r = wws("score", str(SAMPLE), "--db", str(db), "--peildatum", "2026-07-01")
    assert r.returncode == 0, r.stderr
    assert "dwellings scored" in r.stdout and "social" in r.stdout
    return db


def test_sample_scores_and_contract_invariants(sample_db):
    (run,) = rows(sample_db, "SELECT run_id, status, dwellings_read, dwellings_scored, "
                  "dwellings_rejected, rules FROM runs")  # fmt: skip
    _, status, read, scored, rejected, rules = run
    assert status == "succeeded" and read == scored + rejected and rejected >= 5
    assert rules.startswith("independent=2026-01-01")
    # the worked examples inside the sample keep the spec's totals and rents (§6)
    got = dict(
        (d, (p, r))
        for d, p, r in rows(
            sample_db,
            "SELECT dwelling_id, points, max_rent FROM latest_scores WHERE dwelling_id LIKE 'EX-%'",
        )  # fmt: skip
    )
    assert got["EX-A-81065000089"] == (144, Decimal("939.73"))
    assert got["EX-B-37101000032"] == (284, Decimal("1900.64"))
    assert got["EX-C-23109000031"] == (163, Decimal("1070.14"))
    assert got["EX-D-20002000126"] == (113, Decimal("726.95"))
    assert got["EX-E-max-33-procent"] == (202, Decimal("1337.89"))
    # every dwelling: breakdown sums to points_exact, which rounds half up to points
    bad = rows(
        sample_db,
        """
        SELECT s.dwelling_id FROM latest_scores s JOIN latest_breakdown b USING (dwelling_id)
        GROUP BY s.dwelling_id, s.kind, s.points_exact, s.points
        HAVING sum(b.points) <> s.points_exact OR floor(s.points_exact + 0.5) <> s.points
            OR count(*) <> CASE s.kind WHEN 'independent' THEN 13 ELSE 14 END""",
    )
    assert bad == []
    # breakdown points are quarter multiples; lines add up to their rubriek
    assert rows(
        sample_db, "SELECT count(*) FROM breakdown WHERE points * 4 <> floor(points * 4)"
    ) == [(0,)]
    bad = rows(
        sample_db,
        """
        SELECT b.dwelling_id, b.rubriek FROM breakdown b LEFT JOIN (
            SELECT run_id, dwelling_id, rubriek, sum(points) p FROM breakdown_lines GROUP BY ALL
        ) l USING (run_id, dwelling_id, rubriek) WHERE coalesce(l.p, 0) <> b.points""",
    )
    assert bad == []
    # sector follows the points (§3.14)
    assert rows(
        sample_db,
        """SELECT count(*) FROM scores WHERE sector <> CASE
        WHEN points <= 143 THEN 'social' WHEN points <= 186 THEN 'mid' ELSE 'free' END""",
    ) == [(0,)]


def test_sample_rejects_name_file_row_field(sample_db):
    rej = rows(sample_db, 'SELECT source, row_number, dwelling_id, "column", "check", value '
               "FROM rejects")  # fmt: skip
    by_id = {r[2]: r for r in rej}
    assert ("rooms.csv", "dwelling_id", "VHE-9999") in {(r[0], r[3], r[5]) for r in rej}
    assert by_id["INV-06"][3] == "build_year" and by_id["INV-06"][5] == "3000"
    assert by_id["INV-05"][3] == "doorbell" and by_id["INV-05"][5] == "misschien"
    assert all(r[1] is not None and r[1] >= 1 for r in rej)
    scored = {r[0] for r in rows(sample_db, "SELECT dwelling_id FROM scores")}
    assert not scored & {r[2] for r in rej}


def test_explain_stored_and_body(sample_db):
    r = wws("explain", "EX-D-20002000126", "--db", str(sample_db))
    assert r.returncode == 0, r.stderr
    assert "113 punten" in r.stdout and "726.95" in r.stdout and "Keuken" in r.stdout
    r = wws(
        "explain", "--json", str(EXAMPLES / "E_max_33_procent.json"), "--peildatum", "2026-07-01"
    )
    assert r.returncode == 0, r.stderr
    assert "202 punten" in r.stdout and "1337.89" in r.stdout and "Maximering WOZ" in r.stdout
    r = wws("explain", "--json", str(EXAMPLES / "seed_api_body_independent.json"),
            "--peildatum", "2026-07-01")  # fmt: skip
    assert r.returncode == 0, r.stderr


def test_csv_and_jsonl_score_identically(sample_db, tmp_path):
    out = tmp_path / "sample.jsonl"
    r = wws("reshape", str(SAMPLE), "--out", str(out), "--peildatum", "2026-07-01")
    assert r.returncode == 0, r.stderr
    lines = out.read_text().splitlines()
    assert len(lines) == rows(sample_db, "SELECT dwellings_scored FROM runs")[0][0]
    assert json.loads(lines[0])["dwelling_id"]
    db = tmp_path / "jsonl.duckdb"
    r = wws("score", str(out), "--db", str(db), "--peildatum", "2026-07-01")
    assert r.returncode == 0, r.stderr
    q = ("SELECT dwelling_id, points, points_exact, max_rent, surcharge_pct, sector FROM scores "
         "ORDER BY 1")  # fmt: skip
    assert rows(db, q) == rows(sample_db, q)
    q = "SELECT dwelling_id, rubriek, line, quantity, points FROM breakdown_lines ORDER BY 1, 2, 3"
    assert rows(db, q) == rows(sample_db, q)


def test_reference_engine_gives_the_same_tables(sample_db, tmp_path):
    db = tmp_path / "ref.duckdb"
    r = wws("score", str(SAMPLE), "--db", str(db), "--peildatum", "2026-07-01",
            "--engine", "reference")  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert_same_results(db, sample_db)


def test_peildatum_rules(tmp_path):
    db = tmp_path / "p.duckdb"
    for day, code in (("2024-12-31", 3), ("2027-01-01", 3), ("2025-01-01", 0)):
        r = wws("score", str(SAMPLE), "--db", str(db), "--peildatum", day, "--quiet")
        assert r.returncode == code, (day, r.stderr)
    assert (
        "covers 2025-01-01 to 2026-12-31"
        in wws("score", str(SAMPLE), "--db", str(db), "--peildatum", "2027-01-01").stderr
    )
    # the same dwelling on both sides of 1 January: 2025 vs 2026 rent table (§6 A)
    for day, rent in (("2025-12-31", "906.63"), ("2026-01-01", "939.73")):
        r = wws("score", str(SAMPLE), "--db", str(db), "--peildatum", day, "--quiet")
        assert r.returncode == 0
        (got,) = rows(
            db, "SELECT max_rent FROM latest_scores WHERE dwelling_id = 'EX-A-81065000089'"
        )
        assert got == (Decimal(rent),)


def test_unreadable_input_exit_2_writes_nothing(tmp_path):
    db = tmp_path / "u.duckdb"
    assert wws("score", str(tmp_path / "missing"), "--db", str(db)).returncode == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "rooms.csv").write_text("dwelling_id,type_of_room,surface_area\nX,room,10\n")
    r = wws("score", str(empty), "--db", str(db))
    assert r.returncode == 2 and "dwellings" in r.stderr
    garbage = tmp_path / "garbage"
    garbage.mkdir()
    (garbage / "dwellings.csv").write_bytes(bytes(range(256)) * 40)
    assert wws("score", str(garbage), "--db", str(db)).returncode == 2
    assert not db.exists()


def test_max_reject_rate_fails_run_and_keeps_previous_latest(tmp_path):
    db = tmp_path / "r.duckdb"
    assert wws("score", str(SAMPLE), "--db", str(db), "--peildatum", "2026-07-01").returncode == 0
    (first,) = rows(db, "SELECT run_id FROM latest_run")
    r = wws("score", str(SAMPLE), "--db", str(db), "--peildatum", "2026-07-01",
            "--max-reject-rate", "0.05")  # fmt: skip
    assert r.returncode == 1 and "max-reject-rate" in r.stderr
    assert rows(db, "SELECT status, count(*) FROM runs GROUP BY 1 ORDER BY 1") == [
        ("failed", 1), ("succeeded", 1)]  # fmt: skip
    assert rows(db, "SELECT run_id FROM latest_run") == [first]


def test_validate_exit_codes(tmp_path):
    r = wws("validate", str(SAMPLE), "--peildatum", "2026-07-01")
    assert r.returncode == 1 and "INV-06" in r.stdout and "rejected" in r.stdout
    good = tmp_path / "good.jsonl"
    body = json.loads((EXAMPLES / "A_81065000089.json").read_text())
    good.write_text(json.dumps({**body, "dwelling_id": "A", "kind": "zelfstandig"}) + "\n")
    assert wws("validate", str(good), "--peildatum", "2026-07-01").returncode == 0


def test_duckdb_memory_limit(sample_db, tmp_path):
    """``--duckdb-memory``: a small limit gives the same tables (DuckDB spills or drops its
    cache instead); a malformed size is a usage error that writes nothing."""
    db = tmp_path / "small.duckdb"
    r = wws("score", str(SAMPLE), "--db", str(db), "--peildatum", "2026-07-01",
            "--duckdb-memory", "64MB")  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "duckdb_memory=64MB" in r.stderr  # the run was given the limit
    assert_same_results(db, sample_db)
    bad = tmp_path / "bad.duckdb"
    r = wws("score", str(SAMPLE), "--db", str(bad), "--duckdb-memory", "lots")
    assert r.returncode == 2
    assert "--duckdb-memory" in r.stderr and "1GB" in r.stderr
    assert not bad.exists()
