"""``fetch_missing``: fetch what the cache lacks for a peildatum, resumable across nights.

Each dwelling's result is committed on its own right after its lookup, so a crash or
a stop loses nothing already fetched, and the next run starts where this one ended.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import polars as pl

from pipeline.woz.client import LookupResult, WozClient
from pipeline.woz.errors import (
    WozBadRequest,
    WozLimitError,
    WozQuotaExhausted,
    WozUnavailable,
)
from pipeline.woz.ledger import AMSTERDAM, UTC, next_amsterdam_midnight
from pipeline.woz.resolve import relevant_candidates
from pipeline.woz.store import ensure_tables, query_frame

log = logging.getLogger(__name__)

_KEY_COLUMNS = [
    "dwelling_id",
    "woz_value",
    "woz_valuation_year",
    "woz_object_number",
    "nummeraanduiding_id",
    "adresseerbaar_object_id",
    "postcode",
    "house_number",
    "house_letter",
    "house_number_addition",
]


@dataclass(frozen=True)
class FetchProgress:
    done: int  # dwellings looked up in this run
    left: int  # dwellings still to look up in this run
    found: int
    requests: int  # HTTP requests sent in this run (pages and retries included)
    eta: dt.datetime | None  # earliest finish at the allowed rate (aware, UTC)
    dwelling_id: str | None = None
    outcome: str | None = None

    def line(self) -> str:
        eta = (
            self.eta.astimezone(AMSTERDAM).strftime("%Y-%m-%d %H:%M %Z") if self.eta else "-"
        )
        return (
            f"WOZ fetch: {self.done} done, {self.left} left, {self.found} found, "
            f"{self.requests} requests, ETA {eta}"
        )


@dataclass(frozen=True)
class FetchReport:
    planned: int  # dwellings that needed a lookup when the run started
    looked_up: int
    found: int
    not_found: int
    ambiguous: int
    invalid: int
    no_key: int  # dwellings without any usable lookup key (recorded, never sent)
    requests: int
    left: int
    stopped: str | None  # None (all done) | 'limit' | 'quota' | 'rate' | 'unavailable'
    resume_at: dt.datetime | None
    message: str

    @property
    def complete(self) -> bool:
        return self.stopped is None


def estimate_finish(
    requests_left: float,
    now: dt.datetime,
    *,
    remaining_today: int,
    per_minute: int,
    per_day: int,
    window_seconds: float,
) -> dt.datetime:
    """Earliest finish at the allowed rate: ``per_minute`` per window, ``per_day`` per
    Amsterdam day (later days counted from local midnight)."""
    rate = per_minute / window_seconds  # requests per second
    if requests_left <= remaining_today:
        return now + dt.timedelta(seconds=requests_left / rate)
    left = requests_left - remaining_today
    t = next_amsterdam_midnight(now)
    while left > per_day:
        left -= per_day
        t = next_amsterdam_midnight(t + dt.timedelta(hours=1))
    return t + dt.timedelta(seconds=left / rate)


def worklist(
    con: duckdb.DuckDBPyConnection,
    dwellings: pl.DataFrame,
    peildatum: dt.date,
    *,
    now: dt.datetime,
    recheck_after: dt.timedelta,
) -> pl.DataFrame:
    """Dwellings without a relevant value (portfolio or cache) for ``peildatum`` and not
    looked up since ``now - recheck_after``, in a stable priority order:

    1. dwellings with no portfolio WOZ value at all, then those whose portfolio value
       is outdated (not relevant for the peildatum);
    2. within that, the cheapest key first (object number: 1 request; BAG ids;
       address), then ``dwelling_id``.
    """
    ensure_tables(con)
    cols = [c for c in _KEY_COLUMNS if c in dwellings.columns]
    d = dwellings.select(cols).with_row_index("__row")
    chosen = relevant_candidates(con, dwellings, peildatum).select("__row")
    cutoff = (now - recheck_after).astimezone(UTC).replace(tzinfo=None)
    recent = query_frame(
        con,
        "SELECT dwelling_id FROM woz_lookups WHERE looked_up_at > ?",
        [cutoff],
        {"dwelling_id": pl.String},
    )
    has = pl.col

    def nonblank(c: str) -> pl.Expr:
        if c not in d.columns:
            return pl.lit(False)
        return has(c).cast(pl.String).str.strip_chars().fill_null("") != ""

    key_rank = (
        pl.when(nonblank("woz_object_number"))
        .then(0)
        .when(nonblank("nummeraanduiding_id"))
        .then(1)
        .when(nonblank("adresseerbaar_object_id"))
        .then(2)
        .when(nonblank("postcode") & has("house_number").is_not_null())
        .then(3)
        .otherwise(9)
    )
    tier = pl.when(has("woz_value").is_null() | (has("woz_value") <= 0)).then(0).otherwise(1)
    return (
        d.join(chosen, on="__row", how="anti")
        .join(recent, on="dwelling_id", how="anti")
        .with_columns(tier.alias("__tier"), key_rank.alias("__key"))
        .sort(["__tier", "__key", "dwelling_id"])
        .drop("__row")
    )


def _record(
    con: duckdb.DuckDBPyConnection,
    dwelling_id: str,
    res: LookupResult,
    now: dt.datetime,
    message: str | None = None,
) -> int:
    """Commit one dwelling's outcome (and its values) in one transaction."""
    now_n = now.astimezone(UTC).replace(tzinfo=None)
    values = res.obj.established_values() if res.obj is not None else []
    con.execute("BEGIN TRANSACTION")
    try:
        if res.outcome == "found":
            con.execute(
                "DELETE FROM woz_values WHERE dwelling_id = ? AND source = 'api'", [dwelling_id]
            )
            obj = res.obj
            assert obj is not None
            nad = obj.aanduiding.nummeraanduiding_identificatie if obj.aanduiding else None
            aoids = ",".join(obj.adresseerbaar_object_identificaties) or None
            if values:
                con.executemany(
                    "INSERT INTO woz_values VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'api', ?)",
                    [
                        [
                            dwelling_id, obj.identificatie, nad, aoids, v.waardepeildatum,
                            v.valuation_year, v.value, v.ingangsdatum, v.in_objection, now_n,
                            res.key,
                        ]
                        for v in values
                    ],
                )
        con.execute("DELETE FROM woz_lookups WHERE dwelling_id = ?", [dwelling_id])
        con.execute(
            "INSERT INTO woz_lookups VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                dwelling_id, now_n, res.outcome, res.key,
                res.obj.identificatie if res.obj is not None else None,
                ",".join(res.candidates) or None, len(values), res.requests, message,
            ],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return len(values)


def fetch_missing(
    con: duckdb.DuckDBPyConnection,
    dwellings: pl.DataFrame,
    peildatum: dt.date,
    client: WozClient,
    *,
    limit: int | None = None,
    progress: Callable[[FetchProgress], None] | None = None,
    recheck_after: dt.timedelta = dt.timedelta(days=30),
) -> FetchReport:
    """Look up, one by one, the dwellings that have no relevant WOZ value for
    ``peildatum`` (see :func:`worklist`), committing each result immediately.

    Stops cleanly, returning a report with ``stopped`` and ``resume_at``, when the day
    quota is spent, the server answers 429, or it stays unavailable through the
    retries; ``limit`` caps the number of dwellings looked up in this run. Credential,
    TLS and contract errors are raised (nothing more can be fetched until fixed).
    ``client`` should keep its ledger in the same file (``WozClient(cfg, con)``).
    """
    ensure_tables(con)
    now = client.clock()
    todo = worklist(con, dwellings, peildatum, now=now, recheck_after=recheck_after)
    planned = todo.height
    counts = {"found": 0, "not_found": 0, "ambiguous": 0, "invalid": 0, "no_key": 0}
    requests = 0
    done = 0
    stopped: str | None = None
    resume_at: dt.datetime | None = None
    message = ""
    rows = todo.iter_rows(named=True)
    cfg = client.config
    sent_before = client.requests_sent
    for row in rows:
        if limit is not None and done >= limit:
            stopped = "limit"
            message = f"stopped after --limit {limit} dwellings"
            break
        did = row["dwelling_id"]
        note = None
        try:
            res = client.lookup(row)
        except WozBadRequest as exc:
            res = LookupResult("invalid", None)
            note = str(exc)
        except WozLimitError as exc:
            stopped = "quota" if isinstance(exc, WozQuotaExhausted) else "rate"
            resume_at = exc.resume_at
            message = str(exc)
            break
        except WozUnavailable as exc:
            stopped = "unavailable"
            message = str(exc)
            break
        finally:
            requests = client.requests_sent - sent_before  # includes requests of a failed lookup
        _record(con, did, res, client.clock(), note)
        counts[res.outcome] += 1
        done += 1
        if progress is not None:
            left = planned - done
            per_dwelling = max(1.0, requests / done)
            usage = client.ledger.usage()
            eta = estimate_finish(
                left * per_dwelling,
                client.clock(),
                remaining_today=usage.remaining_today,
                per_minute=cfg.per_minute,
                per_day=cfg.per_day,
                window_seconds=cfg.window_seconds,
            )
            progress(FetchProgress(done, left, counts["found"], requests, eta, did, res.outcome))
    left = planned - done
    if stopped is None:
        message = f"all {planned} dwellings that needed a WOZ lookup were looked up"
    log.info("WOZ fetch: %s", message)
    return FetchReport(
        planned=planned,
        looked_up=done,
        found=counts["found"],
        not_found=counts["not_found"],
        ambiguous=counts["ambiguous"],
        invalid=counts["invalid"],
        no_key=counts["no_key"],
        requests=requests,
        left=left,
        stopped=stopped,
        resume_at=resume_at,
        message=message,
    )
