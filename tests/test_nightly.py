"""Nightly runs you can trust (issue 7): changes and why, all-or-nothing under SIGKILL,
bounded waits on a held database, --if-changed, prune, label expiry, JSON logs.

Real subprocesses, real DuckDB files, real signals.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from pipeline.reshape import from_frames
from pipeline.validate import load_portfolio
from tests.test_cli_e2e import SAMPLE, rows, wws

TABLES = ("runs", "scores", "breakdown", "breakdown_lines", "rejects", "dwelling_inputs")


def counts(db: Path) -> dict[str, int]:
    return {t: rows(db, f"SELECT count(*) FROM {t}")[0][0] for t in TABLES}


def edit_csv(folder: Path, dwelling_id: str, column: str, value: str) -> None:
    """Change one cell of dwellings.csv (``;``-separated, with BOM) as an analyst would."""
    path = folder / "dwellings.csv"
    text = path.read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    header = lines[0].split(";")
    i = header.index(column)
    for n, line in enumerate(lines):
        cells = line.split(";")
        if cells[0] == dwelling_id:
            cells[i] = value
            lines[n] = ";".join(cells)
    path.write_text("\ufeff" + "\r\n".join(lines) + "\r\n", encoding="utf-8")


def test_changes_name_fields_rubrieken_and_reasons(tmp_path):
    folder = tmp_path / "p"
    shutil.copytree(SAMPLE, folder)
    db = tmp_path / "n.duckdb"
    assert wws("score", str(folder), "--db", str(db), "--peildatum", "2026-07-01").returncode == 0
    edit_csv(folder, "EX-D-20002000126", "energy_label", "A")  # F -> A: -9 -> 37 (MGW)
    edit_csv(folder, "EX-A-81065000089", "woz_value", "300000")
    assert wws("score", str(folder), "--db", str(db), "--peildatum", "2026-07-01").returncode == 0
    r = wws("changes", "--db", str(db))
    assert r.returncode == 0, r.stderr
    got = {
        d: (change, pf, pt, rub, reasons)
        for d, change, pf, pt, rub, reasons in rows(
            db,
            "SELECT dwelling_id, change, points_from, points_to, rubrieken, reasons FROM changes",
        )
    }
    assert set(got) == {"EX-D-20002000126", "EX-A-81065000089"}  # unchanged ones cost nothing
    d = got["EX-D-20002000126"]
    assert d[1:3] == (113, 159) and d[3] == "ENE -9.00 -> 37.00"
    assert "input field edited: energy_label" in d[4] and "energy label or index replaced" in d[4]
    assert "sector boundary crossed (social -> mid)" in d[4]
    a = got["EX-A-81065000089"]
    assert a[3].startswith("WOZ 30.25 -> ") and "woz_value" in a[4]
    assert "WOZ value or valuation year changed" in a[4]
    assert "EX-D-20002000126" in r.stdout and "2 changed" in r.stdout


def test_new_year_and_rejected_dwelling_reasons(tmp_path):
    folder = tmp_path / "p"
    shutil.copytree(SAMPLE, folder)
    db = tmp_path / "n.duckdb"
    assert wws("score", str(folder), "--db", str(db), "--peildatum", "2025-12-31").returncode == 0
    edit_csv(folder, "VHE-1001", "build_year", "3000")
    assert wws("score", str(folder), "--db", str(db), "--peildatum", "2026-01-01").returncode == 0
    got = dict(rows(db, "SELECT dwelling_id, change || ': ' || reasons FROM changes"))
    assert got["VHE-1001"].startswith("rejected: rejected in the new run: build_year")
    moved = [v for k, v in got.items() if k.startswith("EX-")]
    assert moved and all("new rule set or rent table" in v for v in moved)


def test_if_changed_skips_unchanged_input(tmp_path):
    db = tmp_path / "i.duckdb"
    args = ("score", str(SAMPLE), "--db", str(db), "--peildatum", "2026-07-01", "--if-changed")
    assert wws(*args).returncode == 0
    before = counts(db)
    r = wws(*args)
    assert r.returncode == 0 and "nothing changed" in r.stdout
    assert counts(db) == before
    # another peildatum is another result: it runs
    assert wws(*args[:-2], "2026-07-02", "--if-changed").returncode == 0
    assert counts(db)["runs"] == before["runs"] + 1


def test_reruns_are_reproducible(tmp_path):
    db = tmp_path / "r.duckdb"
    for _ in range(2):
        assert (
            wws("score", str(SAMPLE), "--db", str(db), "--peildatum", "2026-07-01").returncode == 0
        )
    runs = [r[0] for r in rows(db, "SELECT run_id FROM runs ORDER BY started_at")]
    q = "SELECT * EXCLUDE (run_id) FROM {t} WHERE run_id = ? ORDER BY ALL"
    for t in ("scores", "breakdown", "breakdown_lines"):
        assert rows(db, q.format(t=t), [runs[0]]) == rows(db, q.format(t=t), [runs[1]])
    fp = rows(db, "SELECT DISTINCT input_sha256, rules, engine_version, fingerprint FROM runs")
    assert len(fp) == 1
    assert rows(db, "SELECT count(*) FROM changes") == [(0,)]


def test_prune_keeps_newest_runs(tmp_path):
    db = tmp_path / "p.duckdb"
    for day in ("2026-07-01", "2026-07-02", "2026-07-03"):
        assert (
            wws("score", str(SAMPLE), "--db", str(db), "--peildatum", day, "--quiet").returncode
            == 0
        )
    newest = rows(db, "SELECT run_id FROM latest_run")
    r = wws("prune", "--db", str(db), "--keep-runs", "1")
    assert r.returncode == 0, r.stderr
    assert rows(db, "SELECT run_id FROM runs") == newest
    assert rows(db, "SELECT DISTINCT run_id FROM breakdown_lines") == newest
    assert rows(db, "SELECT count(*) FROM dwelling_inputs")[0][0] > 0
    assert wws("prune", "--db", str(db), "--keep-runs", "0").returncode == 2


def test_label_expiry_view(tmp_path):
    db = tmp_path / "l.duckdb"
    assert wws("score", str(SAMPLE), "--db", str(db), "--peildatum", "2026-07-01").returncode == 0
    # EX-D: label F (MGW -9) on a 1993 build; the build-year table gives 1992-1999 MGW 15
    (d,) = rows(
        db,
        "SELECT energy_basis, points_now, points_after, points_change FROM label_expiry "
        "WHERE dwelling_id = 'EX-D-20002000126'",
    )
    assert d == ("label", 113, 137, 24)
    # a dwelling on build-year points has no label to lose
    assert rows(db, "SELECT count(*) FROM label_expiry WHERE dwelling_id = 'EX-C-23109000031'") == [
        (0,)
    ]


def test_json_logs(tmp_path):
    r = wws("score", str(SAMPLE), "--db", str(tmp_path / "j.duckdb"), "--peildatum",
            "2026-07-01", "--log-format", "json", "--quiet")  # fmt: skip
    assert r.returncode == 0
    events = [json.loads(line) for line in r.stderr.splitlines() if line.startswith("{")]
    assert [e["event"] for e in events] == ["run_started", "run_finished"]
    assert events[1]["status"] == "succeeded" and events[1]["dwellings_scored"] > 40


def test_held_database_waits_bounded_and_names_holder(tmp_path):
    db = tmp_path / "h.duckdb"
    assert wws("score", str(SAMPLE), "--db", str(db), "--peildatum", "2026-07-01").returncode == 0
    before = counts(db)
    script = (
        f"import duckdb, time; c = duckdb.connect({str(db)!r}); "
        "print('open', flush=True); time.sleep(60)"
    )
    holder = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        t0 = time.monotonic()
        r = wws("score", str(SAMPLE), "--db", str(db), "--peildatum", "2026-07-02",
                "--lock-timeout", "2")  # fmt: skip
        waited = time.monotonic() - t0
        assert r.returncode == 2
        assert f"pid {holder.pid}" in r.stderr and "--lock-timeout" in r.stderr
        assert waited >= 2  # it did wait (bounded: the subprocess timeout is the upper bound)
    finally:
        holder.kill()
        holder.wait()
    assert counts(db) == before
    assert wws("score", str(SAMPLE), "--db", str(db), "--peildatum", "2026-07-02").returncode == 0


@pytest.fixture(scope="module")
def big_portfolio(tmp_path_factory) -> Path:
    """The sample's valid dwellings, 150 times over (about 7,000 dwellings), as JSON Lines."""
    import datetime as dt

    p = load_portfolio(SAMPLE, dt.date(2026, 7, 1))
    out = tmp_path_factory.mktemp("big") / "big.jsonl"
    base = [d.to_api_json() for d in from_frames(p.frames)]
    with out.open("w") as fh:
        for i in range(150):
            for body in base:
                fh.write(json.dumps({**body, "dwelling_id": f"{body['dwelling_id']}-{i}"}) + "\n")
    return out


def _drop_run(db: Path, run_id: str) -> None:
    con = duckdb.connect(str(db))
    for t in ("breakdown_lines", "breakdown", "label_fallback", "rejects", "scores", "runs"):
        con.execute(f"DELETE FROM {t} WHERE run_id = ?", [run_id])
    con.close()


def test_sigkill_at_any_moment_leaves_database_as_before(tmp_path, big_portfolio):
    """Kill real runs with SIGKILL at spread-out moments: the database is always either
    exactly as before or holds the complete new run (killed after its commit)."""
    db = tmp_path / "k.duckdb"
    assert wws("score", str(SAMPLE), "--db", str(db), "--peildatum", "2026-07-01").returncode == 0
    keep = ("runs", "scores", "breakdown", "breakdown_lines", "rejects")
    base = {t: n for t, n in counts(db).items() if t in keep}
    cmd = [sys.executable, "-m", "pipeline", "score", str(big_portfolio), "--db", str(db),
           "--peildatum", "2026-07-02", "--quiet"]  # fmt: skip
    t0 = time.monotonic()
    assert subprocess.run(cmd, capture_output=True, timeout=600).returncode == 0
    duration = time.monotonic() - t0
    complete = {t: n for t, n in counts(db).items() if t in keep}
    assert complete["scores"] > base["scores"] + 5000
    _drop_run(db, rows(db, "SELECT run_id FROM latest_run")[0][0])
    outcomes = []
    for fraction in (0.2, 0.5, 0.7, 0.85, 0.95):
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(duration * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = {t: n for t, n in counts(db).items() if t in keep}
        assert now in (base, complete), (fraction, now)
        outcomes.append("none" if now == base else "complete")
        if now == complete:
            _drop_run(db, rows(db, "SELECT run_id FROM latest_run")[0][0])
    assert "none" in outcomes  # at least one kill really landed mid-run
    # the next run succeeds without manual repair
    assert subprocess.run(cmd, capture_output=True, timeout=600).returncode == 0
    assert {t: n for t, n in counts(db).items() if t in keep} == complete
