"""The request ledger: the WOZ API limits, enforced across runs and processes.

Every request (every page, every retry) first *reserves* a slot: one row in
``woz_requests``, inserted and committed before a byte is sent. A request is counted
whether or not its answer ever arrives, so a crash cannot hide spent quota, and a
restart (a new client on the same DuckDB file) sees everything spent before it.

- per-minute: at most ``per_minute`` reservations in any window of ``window_seconds``
  (60 s plus a safety margin), optionally spread evenly;
- per-day: at most ``per_day`` reservations per calendar day in Europe/Amsterdam.

Serialisation: a reservation's transaction first updates the single row of
``woz_quota_state``; two concurrent transactions (two cursors of one database) then
conflict and one retries, so neither can overspend. Two *processes* cannot have one
DuckDB file open for writing at the same time (DuckDB's file lock), so a second
nightly run on the same file fails to open it instead of overspending.

A server-side signal (a 429, or ``Kadaster-RateLimit-DayLimit-Remaining: 0``) is
stored as a block (``blocked_until``) that every later reservation honours.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import duckdb

from pipeline.woz.errors import WozQuotaExhausted, WozRateLimited

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
UTC = dt.UTC

Clock = Callable[[], dt.datetime]
Sleep = Callable[[float], None]

DDL = """
CREATE TABLE IF NOT EXISTS woz_requests (
    request_id BIGINT PRIMARY KEY,
    reserved_at TIMESTAMP NOT NULL,     -- UTC
    day DATE NOT NULL,                  -- calendar day in Europe/Amsterdam
    operation VARCHAR,
    pid INTEGER,
    status INTEGER,                     -- HTTP status; NULL: no answer (crash, timeout, drop)
    finished_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS woz_quota_state (
    id INTEGER PRIMARY KEY,
    version BIGINT NOT NULL,
    blocked_until TIMESTAMP,            -- UTC; NULL when not blocked
    blocked_reason VARCHAR              -- 'day' | 'rate'
);
INSERT INTO woz_quota_state
    SELECT 1, 0, NULL, NULL WHERE NOT EXISTS (SELECT 1 FROM woz_quota_state);
"""


def utc_now() -> dt.datetime:
    return dt.datetime.now(UTC)


def _naive_utc(t: dt.datetime) -> dt.datetime:
    if t.tzinfo is None:
        raise ValueError("the clock must return aware datetimes")
    return t.astimezone(UTC).replace(tzinfo=None)


def _aware(t: dt.datetime) -> dt.datetime:
    return t.replace(tzinfo=UTC)


def amsterdam_day(t: dt.datetime) -> dt.date:
    return t.astimezone(AMSTERDAM).date()


def next_amsterdam_midnight(t: dt.datetime) -> dt.datetime:
    day = amsterdam_day(t) + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(0), AMSTERDAM).astimezone(UTC)


@dataclass(frozen=True)
class Usage:
    day: dt.date
    used_today: int
    remaining_today: int
    in_window: int
    blocked_until: dt.datetime | None
    blocked_reason: str | None


class Ledger:
    """Reserve request slots in the DuckDB file ``con`` is connected to."""

    _MAX_CONFLICT_RETRIES = 50

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        *,
        per_minute: int,
        per_day: int,
        window_seconds: float = 61.0,
        spread: bool = True,
        clock: Clock = utc_now,
        sleep: Sleep = time.sleep,
    ) -> None:
        self.con = con
        self.per_minute = per_minute
        self.per_day = per_day
        self.window = dt.timedelta(seconds=window_seconds)
        self.spread = spread
        self.clock = clock
        self.sleep = sleep
        self._lock = threading.Lock()
        ensure_tables(con)

    # -- reservations ---------------------------------------------------------------

    def reserve(self, operation: str) -> int:
        """Wait (with the injected sleep) until a slot is free, record it, return its id.

        Raises :class:`WozQuotaExhausted` when today's quota is spent and
        :class:`WozRateLimited` while a server-side rate block holds.
        """
        with self._lock:
            conflicts = 0
            while True:
                try:
                    outcome = self._try_reserve(operation)
                except duckdb.TransactionException:
                    # another process or cursor reserved at the same moment: back off in
                    # real time (the injected ``sleep`` is for quota waits and may be a
                    # no-op in tests, which made busy retries run out under load)
                    conflicts += 1
                    if conflicts > self._MAX_CONFLICT_RETRIES:
                        raise
                    time.sleep(min(0.05, 0.002 * conflicts))
                    continue
                if isinstance(outcome, int):
                    return outcome
                self.sleep(outcome)

    def _try_reserve(self, operation: str) -> int | float:
        now = self.clock()
        now_n = _naive_utc(now)
        day = amsterdam_day(now)
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            version, blocked_until, reason = con.execute(
                "UPDATE woz_quota_state SET version = version + 1 WHERE id = 1 "
                "RETURNING version, blocked_until, blocked_reason"
            ).fetchall()[0]
            if blocked_until is not None and blocked_until > now_n:
                resume = _aware(blocked_until)
                con.execute("ROLLBACK")
                if reason == "day":
                    raise WozQuotaExhausted(
                        f"the WOZ API day quota is exhausted (signalled by the server); "
                        f"resume after {resume.astimezone(AMSTERDAM):%Y-%m-%d %H:%M %Z}",
                        resume,
                    )
                raise WozRateLimited(
                    f"the WOZ API rate limit was hit (429); resume after "
                    f"{resume.astimezone(AMSTERDAM):%Y-%m-%d %H:%M:%S %Z}",
                    resume,
                )
            (used,) = con.execute(
                "SELECT count(*) FROM woz_requests WHERE day = ?", [day]
            ).fetchall()[0]
            if used >= self.per_day:
                con.execute("ROLLBACK")
                resume = next_amsterdam_midnight(now)
                raise WozQuotaExhausted(
                    f"the WOZ API day quota of {self.per_day} requests for {day} is used up "
                    f"({used} requests counted in the ledger); resume after "
                    f"{resume.astimezone(AMSTERDAM):%Y-%m-%d %H:%M %Z}",
                    resume,
                )
            recent = [
                r[0]
                for r in con.execute(
                    "SELECT reserved_at FROM woz_requests WHERE reserved_at > ? "
                    "ORDER BY reserved_at",
                    [now_n - self.window],
                ).fetchall()
            ]
            wait = 0.0
            if len(recent) >= self.per_minute:
                oldest_that_must_leave = recent[len(recent) - self.per_minute]
                wait = (oldest_that_must_leave + self.window - now_n).total_seconds()
            if self.spread and recent:
                gap = self.window / self.per_minute
                wait = max(wait, (recent[-1] + gap - now_n).total_seconds())
            if wait > 0:
                con.execute("ROLLBACK")
                return wait
            con.execute(
                "INSERT INTO woz_requests (request_id, reserved_at, day, operation, pid) "
                "VALUES (?, ?, ?, ?, ?)",
                [version, now_n, day, operation, os.getpid()],
            )
            con.execute("COMMIT")
            return int(version)
        except BaseException:
            try:
                con.execute("ROLLBACK")
            except duckdb.Error:
                pass
            raise

    def finish(self, request_id: int, status: int | None) -> None:
        """Record the answer's status (audit only: the slot stays counted either way)."""
        with self._lock:
            self.con.execute(
                "UPDATE woz_requests SET status = ?, finished_at = ? WHERE request_id = ?",
                [status, _naive_utc(self.clock()), request_id],
            )

    def block(self, until: dt.datetime, reason: str) -> None:
        """Store a server-side block (``reason`` 'day' or 'rate') for every later run."""
        with self._lock:
            self.con.execute(
                "UPDATE woz_quota_state SET blocked_until = greatest(coalesce(blocked_until, "
                "?::TIMESTAMP), ?::TIMESTAMP), blocked_reason = ? WHERE id = 1",
                [_naive_utc(until), _naive_utc(until), reason],
            )

    # -- reporting ------------------------------------------------------------------

    def usage(self) -> Usage:
        return usage(self.con, per_day=self.per_day, window=self.window, now=self.clock())


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DDL)


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND schema_name = "
        "current_schema() AND database_name = current_database()",
        [name],
    ).fetchall()[0]
    return bool(row and row[0])


def usage(
    con: duckdb.DuckDBPyConnection,
    *,
    per_day: int,
    window: dt.timedelta = dt.timedelta(seconds=61),
    now: dt.datetime | None = None,
) -> Usage:
    """Quota used today (Europe/Amsterdam) and requests in the current window."""
    now = now or utc_now()
    day = amsterdam_day(now)
    if not table_exists(con, "woz_requests"):
        return Usage(day, 0, per_day, 0, None, None)
    (used,) = con.execute("SELECT count(*) FROM woz_requests WHERE day = ?", [day]).fetchall()[0]
    (in_window,) = con.execute(
        "SELECT count(*) FROM woz_requests WHERE reserved_at > ?", [_naive_utc(now) - window]
    ).fetchall()[0]
    blocked_until, reason = con.execute(
        "SELECT blocked_until, blocked_reason FROM woz_quota_state WHERE id = 1"
    ).fetchall()[0]
    if blocked_until is not None and blocked_until <= _naive_utc(now):
        blocked_until, reason = None, None
    return Usage(
        day=day,
        used_today=int(used),
        remaining_today=max(0, per_day - int(used)),
        in_window=int(in_window),
        blocked_until=_aware(blocked_until) if blocked_until is not None else None,
        blocked_reason=reason,
    )
