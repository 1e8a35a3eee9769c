"""The request ledger: limits hold in every window, per Amsterdam day, across restarts
and between concurrent cursors of one database."""

from __future__ import annotations

import datetime as dt
import threading

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from woz_double.fixtures import FakeClock

from pipeline.woz import WozQuotaExhausted
from pipeline.woz.ledger import AMSTERDAM, Ledger, next_amsterdam_midnight


def times(con: duckdb.DuckDBPyConnection) -> list[dt.datetime]:
    return [r[0] for r in con.execute("SELECT reserved_at FROM woz_requests ORDER BY 1").fetchall()]


def max_in_window(ts: list[dt.datetime], seconds: float) -> int:
    w = dt.timedelta(seconds=seconds)
    best = 0
    j = 0
    for i, t in enumerate(ts):
        while ts[j] <= t - w:
            j += 1
        best = max(best, i - j + 1)
    return best


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    per_minute=st.integers(1, 6),
    gaps=st.lists(st.floats(0, 40), min_size=1, max_size=25),
    spread=st.booleans(),
)
def test_never_more_than_per_minute_in_any_window(per_minute, gaps, spread):
    con = duckdb.connect()
    clock = FakeClock()
    ledger = Ledger(con, per_minute=per_minute, per_day=10_000, window_seconds=60,
                    spread=spread, clock=clock.now, sleep=clock.sleep)
    for g in gaps:
        clock.advance(seconds=g)
        ledger.reserve("test")
    ts = times(con)
    assert len(ts) == len(gaps)
    assert max_in_window(ts, 60) <= per_minute
    if spread:
        gaps_s = [(b - a).total_seconds() for a, b in zip(ts, ts[1:], strict=False)]
        assert all(g >= 60 / per_minute - 1e-6 for g in gaps_s)


def test_a_full_window_waits_exactly_until_the_oldest_leaves():
    con = duckdb.connect()
    clock = FakeClock()
    ledger = Ledger(con, per_minute=3, per_day=100, window_seconds=61, spread=False,
                    clock=clock.now, sleep=clock.sleep)
    start = clock.now()
    for _ in range(3):
        ledger.reserve("x")
    ledger.reserve("x")
    assert clock.now() - start == dt.timedelta(seconds=61)


def test_day_quota_counts_per_amsterdam_day_and_survives_a_new_connection(tmp_path):
    db = tmp_path / "w.duckdb"
    # 23:59:30 Amsterdam (CET) = 22:59:30 UTC
    clock = FakeClock(dt.datetime(2026, 1, 13, 22, 59, 30, tzinfo=dt.UTC))
    con = duckdb.connect(str(db))
    ledger = Ledger(con, per_minute=35, per_day=3, clock=clock.now, sleep=clock.sleep)
    for _ in range(3):
        ledger.reserve("x")
    with pytest.raises(WozQuotaExhausted) as ei:
        ledger.reserve("x")
    assert ei.value.resume_at == dt.datetime(2026, 1, 13, 23, 0, tzinfo=dt.UTC)
    con.close()
    con = duckdb.connect(str(db))  # a restart
    ledger = Ledger(con, per_minute=35, per_day=3, clock=clock.now, sleep=clock.sleep)
    with pytest.raises(WozQuotaExhausted):
        ledger.reserve("x")
    clock.set(dt.datetime(2026, 1, 13, 23, 0, 1, tzinfo=dt.UTC))  # 00:00:01 in Amsterdam
    ledger.reserve("x")
    assert ledger.usage().used_today == 1
    rows = con.execute("SELECT day FROM woz_requests ORDER BY request_id").fetchall()
    days = [r[0] for r in rows]
    assert days == [dt.date(2026, 1, 13)] * 3 + [dt.date(2026, 1, 14)]


def test_next_midnight_across_daylight_saving_changes():
    # the night of 29 March 2026 lasts 23 hours in Amsterdam, of 25 October 25 hours
    spring = dt.datetime(2026, 3, 28, 12, tzinfo=dt.UTC)
    autumn = dt.datetime(2026, 10, 24, 12, tzinfo=dt.UTC)
    assert next_amsterdam_midnight(spring) == dt.datetime(2026, 3, 28, 23, tzinfo=dt.UTC)
    assert next_amsterdam_midnight(autumn) == dt.datetime(2026, 10, 24, 22, tzinfo=dt.UTC)
    after = next_amsterdam_midnight(dt.datetime(2026, 3, 29, 12, tzinfo=dt.UTC))
    assert after.astimezone(AMSTERDAM).isoformat() == "2026-03-30T00:00:00+02:00"


def test_concurrent_cursors_cannot_overspend(tmp_path):
    """Two threads with their own cursor (own transactions) on one database file."""
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    Ledger(con, per_minute=1000, per_day=40)  # creates the tables
    granted: list[int] = []
    refused: list[int] = []
    lock = threading.Lock()
    clock = FakeClock()

    def worker() -> None:
        cur = con.cursor()
        ledger = Ledger(cur, per_minute=1000, per_day=40, spread=False, clock=clock.now,
                        sleep=lambda s: None)
        for _ in range(30):
            try:
                rid = ledger.reserve("x")
            except WozQuotaExhausted:
                with lock:
                    refused.append(1)
            else:
                with lock:
                    granted.append(rid)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(granted) == 40
    assert len(set(granted)) == 40
    assert len(refused) == 50
    assert con.execute("SELECT count(*) FROM woz_requests").fetchone()[0] == 40


def test_a_second_process_cannot_open_the_ledger_while_a_run_holds_it(tmp_path):
    """DuckDB's file lock: a concurrent second run fails to open instead of overspending."""
    import subprocess
    import sys

    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    Ledger(con, per_minute=35, per_day=10)
    code = f"import duckdb; duckdb.connect({str(db)!r})"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode != 0
    assert "lock" in proc.stderr.lower()
