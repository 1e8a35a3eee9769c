"""fetch_missing end to end against the double over TLS: throttling, the day quota
across restarts, crash and resume, stable order, progress."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
from woz_double import generated_number, generated_value
from woz_double.fixtures import (  # noqa: F401  (pytest fixtures)
    T0,
    FakeClock,
    client_config,
    clock,
    make_double,
    pki,
)
from woz_helpers import dwellings_frame, generated_dwellings

from pipeline.woz import WozClient, fetch_missing, resolve_woz
from pipeline.woz.ledger import AMSTERDAM

PEILDATUM = dt.date(2026, 1, 1)  # relevant valuation years: 2025 and 2024


def max_in_window(ts: list[dt.datetime], seconds: float) -> int:
    ts = sorted(ts)
    w = dt.timedelta(seconds=seconds)
    j = best = 0
    for i, t in enumerate(ts):
        while ts[j] <= t - w:
            j += 1
        best = max(best, i - j + 1)
    return best


def cached(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, int], int]:
    rows = con.execute(
        "SELECT dwelling_id, valuation_year, woz_value FROM woz_values WHERE source = 'api'"
    ).fetchall()
    return {(d, y): v for d, y, v in rows}


def test_throttling_holds_with_limits_scaled_down(make_double, pki, clock, tmp_path):  # noqa: F811
    # the double enforces 5 per 60 s on the same (fake) clock; the client is set to 5
    double = make_double(generated=30, clock=clock.now, per_minute=5, per_day=1000)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    client = WozClient(client_config(double, pki, per_minute=5), con, clock=clock.now,
                       sleep=clock.sleep)
    seen = []
    report = fetch_missing(con, generated_dwellings(30), PEILDATUM, client, progress=seen.append)
    assert report.complete and report.found == 30 and report.requests == 30
    answered = double.answered()
    assert [r.status for r in answered] == [200] * 30  # never a 429
    assert max_in_window([r.at for r in answered], 60) <= 5
    # and the ledger agrees with what the server counted
    assert con.execute("SELECT count(*) FROM woz_requests").fetchone()[0] == 30
    # 30 requests at 5 per 61 s, spread: about 29 * 12.2 s of (fake) waiting
    assert clock.now() - T0 >= dt.timedelta(seconds=29 * 61 / 5)
    # progress: done / left / ETA at the allowed rate
    assert [(p.done, p.left) for p in seen][:2] == [(1, 29), (2, 28)]
    assert seen[-1].left == 0
    # after the first of 30: 29 left at 5 per 61 s = 353.8 s after that first request
    assert seen[0].eta - T0 >= dt.timedelta(seconds=29 * 61 / 5)
    assert seen[0].eta - T0 < dt.timedelta(seconds=30 * 61 / 5)
    c = cached(con)
    assert c[("d007", 2025)] == generated_value(7, 2025)
    assert c[("d007", 2023)] == generated_value(7, 2023)


def test_day_quota_survives_a_restart_and_resumes_after_midnight(make_double, pki, tmp_path):  # noqa: F811
    fake = FakeClock(dt.datetime(2026, 1, 13, 21, 0, tzinfo=dt.UTC))  # 22:00 Amsterdam
    double = make_double(generated=10, clock=fake.now)
    db = tmp_path / "w.duckdb"
    frame = generated_dwellings(10)

    def run() -> object:
        con = duckdb.connect(str(db))
        try:
            with WozClient(client_config(double, pki, per_day=4), con, clock=fake.now,
                           sleep=fake.sleep) as client:
                return fetch_missing(con, frame, PEILDATUM, client)
        finally:
            con.close()

    first = run()
    assert first.stopped == "quota" and first.looked_up == 4 and first.left == 6
    assert first.resume_at == dt.datetime(2026, 1, 13, 23, 0, tzinfo=dt.UTC)
    assert len(double.answered()) == 4
    second = run()  # a new process the same evening: nothing is sent
    assert second.stopped == "quota" and second.looked_up == 0 and second.planned == 6
    assert len(double.answered()) == 4
    fake.set(dt.datetime(2026, 1, 13, 23, 0, 5, tzinfo=dt.UTC))  # 00:00:05 the next day
    third = run()
    assert third.looked_up == 4 and third.stopped == "quota"
    fake.set(dt.datetime(2026, 1, 14, 23, 0, 5, tzinfo=dt.UTC))
    fourth = run()
    assert fourth.complete and fourth.looked_up == 2
    # every object was asked for exactly once over the four runs
    paths = [r.path.rsplit("/", 1)[1] for r in double.answered()]
    assert sorted(paths) == [generated_number(i) for i in range(10)]
    con = duckdb.connect(str(db))
    per_day = dict(con.execute("SELECT day, count(*) FROM woz_requests GROUP BY day").fetchall())
    assert per_day == {dt.date(2026, 1, 13): 4, dt.date(2026, 1, 14): 4, dt.date(2026, 1, 15): 2}
    assert len(cached(con)) == 30


CRASH_SCRIPT = textwrap.dedent(
    """
    import datetime as dt, json, os, sys
    import duckdb
    sys.path[:0] = json.loads(sys.argv[1])
    from pipeline.woz import WozClient, fetch_missing, load_config
    from woz_helpers import generated_dwellings
    cfg = load_config(env={}, **json.loads(sys.argv[2]))
    con = duckdb.connect(sys.argv[3])
    client = WozClient(cfg, con)

    def progress(p):
        if p.done == 3:
            os._exit(9)  # a hard crash: no cleanup, no commit of anything pending

    fetch_missing(con, generated_dwellings(8), dt.date(2026, 1, 1), client, progress=progress)
    """
)


def test_a_crash_mid_fetch_loses_nothing_and_resume_does_not_refetch(
    make_double, pki, tmp_path  # noqa: F811
):
    double = make_double(generated=8)  # real clock: the subprocess runs in real time
    db = tmp_path / "w.duckdb"
    cfg = client_config(double, pki)
    cfg_json = {
        "base_url": cfg.base_url, "api_key": "test-key", "client_cert": str(cfg.client_cert),
        "client_key": str(cfg.client_key), "ca_bundle": str(cfg.ca_bundle),
        "spread": False,
    }
    here = Path(__file__).parent
    paths = [str(here.parent), str(here)]
    proc = subprocess.run(
        [sys.executable, "-c", CRASH_SCRIPT, json.dumps(paths), json.dumps(cfg_json), str(db)],
        capture_output=True, text=True, timeout=60, env={**os.environ},
    )
    assert proc.returncode == 9, proc.stderr
    con = duckdb.connect(str(db))
    done = {r[0] for r in con.execute("SELECT dwelling_id FROM woz_lookups").fetchall()}
    assert done == {"d000", "d001", "d002"}
    assert cached(con)[("d002", 2024)] == generated_value(2, 2024)
    assert con.execute("SELECT count(*) FROM woz_requests").fetchone()[0] == 3
    # resume in this process with a new client on the same file
    client = WozClient(client_config(double, pki, spread=False), con)
    report = fetch_missing(con, generated_dwellings(8), PEILDATUM, client)
    assert report.complete and report.planned == 5 and report.found == 5
    paths_asked = [r.path.rsplit("/", 1)[1] for r in double.answered()]
    assert sorted(paths_asked) == [generated_number(i) for i in range(8)]  # none twice
    assert len({d for d, _ in cached(con)}) == 8


def test_an_exception_mid_run_keeps_what_was_committed(make_double, pki, clock, tmp_path):  # noqa: F811
    double = make_double(generated=6, clock=clock.now)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    client = WozClient(client_config(double, pki), con, clock=clock.now, sleep=clock.sleep)

    def boom(p):
        if p.done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fetch_missing(con, generated_dwellings(6), PEILDATUM, client, progress=boom)
    assert {d for d, _ in cached(con)} == {"d000", "d001"}
    report = fetch_missing(con, generated_dwellings(6), PEILDATUM, client)
    assert report.planned == 4 and report.complete
    assert len(double.answered()) == 6


def test_only_missing_or_stale_dwellings_are_fetched_in_priority_order(
    make_double, pki, clock, tmp_path  # noqa: F811
):
    double = make_double(generated=10, clock=clock.now, tls=False)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    client = WozClient(client_config(double, pki), con, clock=clock.now, sleep=clock.sleep)
    frame = dwellings_frame(
        [
            # relevant portfolio value (2024 for peildatum 2026): not fetched
            {"dwelling_id": "a", "woz_object_number": generated_number(0), "woz_value": 1e5,
             "woz_valuation_year": 2024},
            # outdated portfolio value: fetched, after the dwellings with none
            {"dwelling_id": "b", "woz_object_number": generated_number(1), "woz_value": 1e5,
             "woz_valuation_year": 2022},
            # no value, address only: fetched after cheaper keys of the same tier
            {"dwelling_id": "c", "postcode": "1000AB", "house_number": 3},
            {"dwelling_id": "d", "woz_object_number": generated_number(3)},
            # no key at all: recorded, nothing sent
            {"dwelling_id": "e"},
            {"dwelling_id": "f", "nummeraanduiding_id": "0363200000000005"},
        ]
    )
    seen = []
    report = fetch_missing(con, frame, PEILDATUM, client, progress=seen.append)
    assert [p.dwelling_id for p in seen] == ["d", "f", "c", "e", "b"]
    assert (report.found, report.no_key, report.requests) == (4, 1, 4)
    asked = [r.path.rsplit("/", 1)[-1] if r.query.get("page") is None else "search"
             for r in double.answered()]
    assert asked == [generated_number(3), "search", "search", generated_number(1)]
    # a second run has nothing left to do (found, or looked up less than 30 days ago)
    again = fetch_missing(con, frame, PEILDATUM, client)
    assert again.planned == 0 and len(double.answered()) == 4
    # after 30 days the dwelling without a key is tried again, the others stay done
    clock.advance(days=31)
    later = fetch_missing(con, frame, PEILDATUM, client)
    assert later.planned == 1 and later.no_key == 1
    # and scoring sees the fetched values
    out = resolve_woz(con, frame, PEILDATUM)
    got = dict(zip(out["dwelling_id"], out["woz_source"], strict=True))
    assert got == {"a": "portfolio", "b": "api", "c": "api", "d": "api", "e": None, "f": "api"}
    b = out.filter(dwelling_id="b")
    assert b["woz_value"][0] == generated_value(1, 2025) and b["woz_valuation_year"][0] == 2025


def test_limit_stops_after_n_dwellings(make_double, pki, clock, tmp_path):  # noqa: F811
    double = make_double(generated=5, clock=clock.now, tls=False)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    client = WozClient(client_config(double, pki), con, clock=clock.now, sleep=clock.sleep)
    report = fetch_missing(con, generated_dwellings(5), PEILDATUM, client, limit=2)
    assert (report.stopped, report.looked_up, report.left) == ("limit", 2, 3)


def test_server_429_stops_the_run_cleanly_with_resume_time(make_double, pki, clock, tmp_path):  # noqa: F811
    double = make_double(generated=5, clock=clock.now, tls=False)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    client = WozClient(client_config(double, pki), con, clock=clock.now, sleep=clock.sleep)
    fetch_missing(con, generated_dwellings(2), PEILDATUM, client)
    double.inject("429day")
    report = fetch_missing(con, generated_dwellings(5), PEILDATUM, client)
    assert report.stopped == "quota" and report.looked_up == 0
    local = report.resume_at.astimezone(AMSTERDAM)
    assert (local.date(), local.hour) == (dt.date(2026, 1, 14), 0)
    assert "resume after 2026-01-14 00:00" in report.message


def test_unavailable_server_stops_the_run(make_double, pki, clock, tmp_path):  # noqa: F811
    double = make_double(generated=3, clock=clock.now, tls=False)
    double.inject(*["503"] * 3)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    client = WozClient(client_config(double, pki, max_retries=2), con, clock=clock.now,
                       sleep=clock.sleep)
    report = fetch_missing(con, generated_dwellings(3), PEILDATUM, client)
    assert report.stopped == "unavailable" and report.looked_up == 0 and report.requests == 3
    again = fetch_missing(con, generated_dwellings(3), PEILDATUM, client)
    assert again.complete and again.found == 3
