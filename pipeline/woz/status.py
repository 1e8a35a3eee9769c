"""``status``: what ``wws woz status`` prints: quota used today and what the cache holds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from pipeline.woz.config import TERMS_PER_DAY
from pipeline.woz.ledger import Usage, table_exists, usage, utc_now


@dataclass(frozen=True)
class WozStatus:
    usage: Usage
    per_day: int
    values_by_source: dict[str, int]  # cached value rows per source
    dwellings_with_values: int
    objects_with_values: int
    lookups_by_outcome: dict[str, int]
    last_fetch: dt.datetime | None

    def lines(self) -> list[str]:
        u = self.usage
        out = [
            f"quota today ({u.day}, Europe/Amsterdam): {u.used_today} of {self.per_day} "
            f"requests used, {u.remaining_today} left",
            f"requests in the current window: {u.in_window}",
        ]
        if u.blocked_until is not None:
            out.append(
                f"blocked by the server ({u.blocked_reason}) until "
                f"{u.blocked_until:%Y-%m-%d %H:%M:%S} UTC"
            )
        src = ", ".join(f"{k} {v}" for k, v in sorted(self.values_by_source.items())) or "none"
        out.append(
            f"cached WOZ values: {sum(self.values_by_source.values())} ({src}); "
            f"{self.dwellings_with_values} dwellings, {self.objects_with_values} WOZ objects"
        )
        if self.lookups_by_outcome:
            outcomes = ", ".join(f"{k} {v}" for k, v in sorted(self.lookups_by_outcome.items()))
            out.append(f"lookups: {outcomes}")
        if self.last_fetch is not None:
            out.append(f"last fetch: {self.last_fetch:%Y-%m-%d %H:%M:%S} UTC")
        return out


def status(
    con: duckdb.DuckDBPyConnection,
    *,
    per_day: int = TERMS_PER_DAY,
    now: dt.datetime | None = None,
) -> WozStatus:
    now = now or utc_now()
    u = usage(con, per_day=per_day, now=now)
    by_source: dict[str, int] = {}
    dwellings = objects = 0
    last: dt.datetime | None = None
    if table_exists(con, "woz_values"):
        by_source = dict(
            con.execute("SELECT source, count(*) FROM woz_values GROUP BY source").fetchall()
        )
        dwellings, objects = con.execute(
            "SELECT count(DISTINCT dwelling_id), count(DISTINCT woz_object_number) FROM woz_values"
        ).fetchall()[0]
        (last,) = con.execute(
            "SELECT max(fetched_at) FROM woz_values WHERE source = 'api'"
        ).fetchall()[0]
    outcomes: dict[str, int] = {}
    if table_exists(con, "woz_lookups"):
        outcomes = dict(
            con.execute("SELECT outcome, count(*) FROM woz_lookups GROUP BY outcome").fetchall()
        )
    return WozStatus(u, per_day, by_source, int(dwellings), int(objects), outcomes, last)
