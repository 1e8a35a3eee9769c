"""httpx client of the Kadaster WOZ API (Huidige Bevragingen), rate-limited by the ledger.

Both operations: ``GET /wozobjecten/{identificatie}`` (:meth:`WozClient.get_object`)
and the search ``GET /wozobjecten`` (:meth:`WozClient.search`), plus the per-dwelling
:meth:`WozClient.lookup` that tries the dwelling's keys in the contract's order.

- Every HTTP request, every page and every retry, first reserves a slot in the ledger.
- 5xx, timeouts and dropped connections are retried with bounded, jittered
  exponential backoff; 4xx other than 429 never are; a 429 stops with
  :class:`WozRateLimited` or :class:`WozQuotaExhausted` (resume time included).
- Only the properties the scorer needs are requested (``fields``): no owner or user
  data (BSN, names) ever leaves the API.
- The API key goes only to the configured base URL: paging re-issues the query with
  ``page=N`` instead of following ``next`` hrefs to wherever they point.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import duckdb
import httpx

from pipeline.woz.config import WozConfig
from pipeline.woz.errors import (
    InvalidParam,
    WozApiError,
    WozAuthError,
    WozBadRequest,
    WozError,
    WozProtocolError,
    WozQuotaExhausted,
    WozRateLimited,
    WozTlsError,
    WozUnavailable,
)
from pipeline.woz.ledger import AMSTERDAM, Clock, Ledger, Sleep, next_amsterdam_midnight, utc_now
from pipeline.woz.models import WozObject, parse_collection, parse_object

log = logging.getLogger(__name__)

#: what the cache needs; keeps personal data (belanghebbenden) out of every response
DEFAULT_FIELDS = (
    "identificatie",
    "aanduiding",
    "adresseerbaarObjectIdentificaties",
    "waarden",
)

_RE_OBJECT = re.compile(r"^[0-9]{12}$")
_RE_BAG = re.compile(r"^[0-9]{16}$")
_RE_POSTCODE = re.compile(r"^[1-9][0-9]{3}[A-Z]{2}$")
_RE_LETTER = re.compile(r"^[a-zA-Z]$")
_RE_ADDITION = re.compile(r"^[0-9a-zA-Z]{1,4}$")

_TLS_CLIENT_CERT_MARKERS = (
    "CERTIFICATE_REQUIRED",
    "BAD_CERTIFICATE",
    "UNKNOWN_CA",
    "CERTIFICATE_UNKNOWN",
    "HANDSHAKE_FAILURE",
)


# -- lookup keys -------------------------------------------------------------------


def normalise_object_number(v: Any) -> str | None:
    """12 digits, zero-padded (wozwaardeloket drops the leading zero); else None."""
    if v is None:
        return None
    s = str(v).strip()
    if not s.isdigit() or len(s) > 12:
        return None
    s = s.zfill(12)
    return s if _RE_OBJECT.match(s) else None


def normalise_bag_id(v: Any) -> str | None:
    if v is None:
        return None
    s = str(v).strip()
    if s.isdigit() and len(s) < 16:
        s = s.zfill(16)  # spreadsheets drop the leading zero of e.g. 0518...
    return s if _RE_BAG.match(s) else None


def normalise_address(
    postcode: Any, house_number: Any, letter: Any = None, addition: Any = None
) -> dict[str, str] | None:
    """Search parameters for an address, or None if it cannot match the API's patterns."""
    if postcode is None or house_number is None:
        return None
    pc = re.sub(r"\s+", "", str(postcode)).upper()
    if not _RE_POSTCODE.match(pc):
        return None
    try:
        number = int(house_number)
    except (TypeError, ValueError):
        return None
    if not 1 <= number <= 99999:
        return None
    params = {"postcode": pc, "huisnummer": str(number)}
    if letter is not None and str(letter).strip() != "":
        lt = str(letter).strip()
        if not _RE_LETTER.match(lt):
            return None
        params["huisletter"] = lt
    if addition is not None and str(addition).strip() != "":
        ad = re.sub(r"[\s\-_/]+", "", str(addition))
        if not _RE_ADDITION.match(ad):
            return None
        params["huisnummertoevoeging"] = ad
    return params


def _same_address(obj: WozObject, params: Mapping[str, str]) -> bool:
    a = obj.aanduiding
    if a is None:
        return False

    def norm(v: Any) -> str:
        return str(v or "").strip().lower()

    return norm(a.huisletter) == norm(params.get("huisletter")) and norm(
        a.huisnummertoevoeging
    ) == norm(params.get("huisnummertoevoeging"))


@dataclass(frozen=True)
class LookupResult:
    """The outcome of looking up one dwelling.

    ``outcome``: ``found`` (exactly one object), ``not_found``, ``ambiguous`` (several
    objects and no way to tell which is the dwelling's) or ``no_key`` (no usable key).
    """

    outcome: str
    key: str | None = None
    obj: WozObject | None = None
    candidates: tuple[str, ...] = ()
    requests: int = 0


@dataclass
class _Counter:
    n: int = 0


@dataclass
class RateHeaders:
    limit: int | None = None
    remaining: int | None = None
    reset_s: float | None = None
    day_limit: int | None = None
    day_remaining: int | None = None
    day_reset_s: float | None = None
    retry_after_s: float | None = None
    raw: dict[str, str] = field(default_factory=dict)


def _num(v: str | None) -> float | None:
    if v is None:
        return None
    try:
        return float(v.strip())
    except ValueError:
        return None


def parse_rate_headers(headers: Mapping[str, str], now: dt.datetime) -> RateHeaders:
    """Both spellings (``X-Rate-Limit-*`` and ``RateLimit-*``) and the day-quota headers.

    Reset values are read leniently: seconds, or an epoch timestamp (then converted to
    seconds from ``now``). ``Retry-After`` may be seconds or an HTTP date.
    """

    def get(*names: str) -> str | None:
        for n in names:
            if n in headers:
                return headers[n]
        return None

    def seconds(v: str | None) -> float | None:
        x = _num(v)
        if x is None:
            return None
        if x > 10 * 365 * 86400:  # an epoch timestamp, not a duration
            return max(0.0, x - now.timestamp())
        return max(0.0, x)

    retry_after: float | None = None
    ra = get("retry-after")
    if ra is not None:
        retry_after = seconds(ra)
        if retry_after is None:
            try:
                from email.utils import parsedate_to_datetime

                retry_after = max(0.0, (parsedate_to_datetime(ra) - now).total_seconds())
            except (TypeError, ValueError):
                retry_after = None
    limit = _num(get("x-rate-limit-limit", "ratelimit-limit"))
    rem = _num(get("x-rate-limit-remaining", "ratelimit-remaining"))
    dlim = _num(get("kadaster-ratelimit-daylimit"))
    drem = _num(get("kadaster-ratelimit-daylimit-remaining"))
    return RateHeaders(
        limit=int(limit) if limit is not None else None,
        remaining=int(rem) if rem is not None else None,
        reset_s=seconds(get("x-rate-limit-reset", "ratelimit-reset")),
        day_limit=int(dlim) if dlim is not None else None,
        day_remaining=int(drem) if drem is not None else None,
        day_reset_s=seconds(get("kadaster-ratelimit-daylimit-reset")),
        retry_after_s=retry_after,
    )


def _problem(resp: httpx.Response) -> dict[str, Any]:
    try:
        body = resp.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
        return {}
    return body if isinstance(body, dict) else {}


def _api_error(resp: httpx.Response) -> WozApiError:
    body = _problem(resp)
    params = [
        InvalidParam(p.get("name"), p.get("code"), p.get("reason"))
        for p in body.get("invalidParams") or []
        if isinstance(p, dict)
    ]
    cls: type[WozApiError] = WozApiError
    if resp.status_code in (401, 403):
        cls = WozAuthError
    elif resp.status_code == 400:
        cls = WozBadRequest
    return cls(
        status=resp.status_code,
        code=body.get("code"),
        title=body.get("title"),
        detail=body.get("detail"),
        invalid_params=params,
    )


def _tls_error(exc: BaseException, cfg: WozConfig) -> WozTlsError | None:
    """Classify a transport error as a TLS configuration problem (not retryable)."""
    text = " ".join(str(e) for e in _chain(exc))
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return WozTlsError(
            "the WOZ API server certificate is not trusted: set WWS_WOZ_CA_BUNDLE "
            f"(ca_bundle) to the CA that issued it ({text.strip()[:200]})"
        )
    if any(m in text for m in _TLS_CLIENT_CERT_MARKERS):
        if not cfg.mutual_tls:
            return WozTlsError(
                "the WOZ API requires a client certificate (mutual TLS) and none is "
                "configured: set WWS_WOZ_CLIENT_CERT and WWS_WOZ_CLIENT_KEY "
                "(your PKIoverheid certificate with the OIN)"
            )
        return WozTlsError(
            f"the WOZ API refused the client certificate {cfg.client_cert}: check that it "
            "is your organisation's valid PKIoverheid certificate registered with Kadaster"
        )
    return None


def _parse(resp: httpx.Response, parser: Any) -> Any:
    try:
        return parser(resp.json())
    except (ValueError, UnicodeDecodeError) as exc:  # JSON or pydantic validation errors
        raise WozProtocolError(
            f"the WOZ API answered 200 with a body that does not match the contract: "
            f"{str(exc)[:300]}"
        ) from None


def _chain(exc: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and cur not in out:
        out.append(cur)
        cur = cur.__cause__ or cur.__context__
    return out


class WozClient:
    """Client of one WOZ API configuration, limited by a ledger in a DuckDB file.

    ``con`` is the DuckDB connection whose file keeps the ledger (``woz_requests``);
    without one an in-memory ledger is used (limits then hold within this object only).
    ``clock`` returns aware datetimes, ``sleep`` waits; tests inject both. ``transport``
    is passed to httpx (tests only).
    """

    def __init__(
        self,
        config: WozConfig,
        con: duckdb.DuckDBPyConnection | None = None,
        *,
        clock: Clock = utc_now,
        sleep: Sleep = time.sleep,
        rng: random.Random | None = None,
        fields: tuple[str, ...] | None = DEFAULT_FIELDS,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.config = config
        self.clock = clock
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.fields = fields
        self.ledger = Ledger(
            con if con is not None else duckdb.connect(":memory:"),
            per_minute=config.per_minute,
            per_day=config.per_day,
            window_seconds=config.window_seconds,
            spread=config.spread,
            clock=clock,
            sleep=sleep,
        )
        self.requests_sent = 0
        self.last_rate_headers: RateHeaders | None = None
        self._warned = False
        is_https = config.base_url.startswith("https://")
        self._http = httpx.Client(
            base_url=config.base_url + "/",
            verify=config.ssl_context() if is_https else True,
            timeout=httpx.Timeout(
                config.read_timeout, connect=config.connect_timeout, pool=config.connect_timeout
            ),
            headers={
                "Accept": "application/hal+json",
                "Accept-Encoding": "gzip",
                "User-Agent": "wws-batch-woz/1.0",
            },
            transport=transport,
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        return f"WozClient(base_url={self.config.base_url!r}, mutual_tls={self.config.mutual_tls})"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> WozClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- operations --------------------------------------------------------------------

    def get_object(self, identificatie: str) -> WozObject | None:
        """``raadpleegActueelWozobject``; None when the object does not exist (404)."""
        number = normalise_object_number(identificatie)
        if number is None:
            raise ValueError(f"not a 12-digit WOZ object number: {identificatie!r}")
        params = self._fields_param()
        resp = self._send(f"wozobjecten/{number}", params, "raadpleeg")
        if resp.status_code == 404:
            return None
        return _parse(resp, parse_object)

    def search(self, **criteria: str | int) -> list[WozObject]:
        """``zoekActueleWozobjecten`` with exactly one search entry, all pages followed.

        Criteria are the API's parameter names: ``nummeraanduidingIdentificatie``,
        ``adresseerbaarObjectIdentificatie``, ``postcode`` + ``huisnummer`` (+
        ``huisletter``, ``huisnummertoevoeging``), ``rsin`` or ``kvkNummer``. An empty
        ``_embedded`` (nothing found) gives [].
        """
        params = {k: str(v) for k, v in criteria.items() if v is not None}
        params.update(self._fields_param())
        params["pageSize"] = str(self.config.page_size)
        out: list[WozObject] = []
        page = 1
        while True:
            params["page"] = str(page)
            resp = self._send("wozobjecten", params, "zoek")
            coll = _parse(resp, parse_collection)
            objs = coll.objects
            out.extend(objs)
            has_next = coll.links is not None and coll.links.next is not None
            if not has_next or not objs:
                return out
            page += 1

    def lookup(self, dwelling: Mapping[str, Any]) -> LookupResult:
        """Find a dwelling's WOZ object with its keys, in this order: ``woz_object_number``,
        ``nummeraanduiding_id``, ``adresseerbaar_object_id``, postcode + house number
        (+ letter + addition). A key that finds nothing passes to the next one; a key
        that finds several objects is narrowed to the exact address (letter and
        addition equal, none meaning none), then with the dwelling's adresseerbaar
        object id when it has one; if that does not decide, the result is ``ambiguous``.
        """
        before = self.requests_sent
        aoid = normalise_bag_id(dwelling.get("adresseerbaar_object_id"))
        keys: list[tuple[str, Any]] = []
        number = normalise_object_number(dwelling.get("woz_object_number"))
        if number:
            keys.append(("woz_object_number", number))
        nad = normalise_bag_id(dwelling.get("nummeraanduiding_id"))
        if nad:
            keys.append(("nummeraanduiding_id", {"nummeraanduidingIdentificatie": nad}))
        if aoid:
            keys.append(("adresseerbaar_object_id", {"adresseerbaarObjectIdentificatie": aoid}))
        addr = normalise_address(
            dwelling.get("postcode"),
            dwelling.get("house_number"),
            dwelling.get("house_letter"),
            dwelling.get("house_number_addition"),
        )
        if addr:
            keys.append(("address", addr))
        if not keys:
            return LookupResult("no_key")
        ambiguous: LookupResult | None = None
        for name, value in keys:
            if name == "woz_object_number":
                obj = self.get_object(value)
                found = [obj] if obj is not None else []
            else:
                found = self.search(**value)
            if not found:
                continue
            unique = {o.identificatie: o for o in found}
            if len(unique) > 1 and name == "address":
                # the API also returns 1A and 1-2 for a search on 1: keep the exact address
                exact = [o for o in unique.values() if _same_address(o, value)]
                if exact:
                    unique = {o.identificatie: o for o in exact}
            if len(unique) > 1 and aoid:
                narrowed = [
                    o for o in unique.values() if aoid in o.adresseerbaar_object_identificaties
                ]
                if len(narrowed) == 1:
                    unique = {narrowed[0].identificatie: narrowed[0]}
            if len(unique) == 1:
                (obj,) = unique.values()
                return LookupResult(
                    "found", name, obj, (obj.identificatie,), self.requests_sent - before
                )
            if ambiguous is None:
                ambiguous = LookupResult(
                    "ambiguous", name, None, tuple(sorted(unique)), 0
                )
        if ambiguous is not None:
            return LookupResult(
                "ambiguous", ambiguous.key, None, ambiguous.candidates,
                self.requests_sent - before,
            )
        return LookupResult("not_found", keys[-1][0], requests=self.requests_sent - before)

    # -- transport ---------------------------------------------------------------------

    def _fields_param(self) -> dict[str, str]:
        return {"fields": ",".join(self.fields)} if self.fields else {}

    def _send(self, path: str, params: dict[str, str], operation: str) -> httpx.Response:
        """One logical request: reserve, send, classify; retries transient failures.

        Returns a 200 response, or a 404 for ``raadpleeg``; raises otherwise.
        """
        cfg = self.config
        attempt = 0
        last_problem = ""
        while True:
            request_id = self.ledger.reserve(operation)
            self.requests_sent += 1
            try:
                resp = self._http.get(path, params=params, headers={"X-Api-Key": self._key()})
            except httpx.TransportError as exc:
                self.ledger.finish(request_id, None)
                tls = _tls_error(exc, cfg)
                if tls is not None:
                    raise tls from None
                last_problem = f"{type(exc).__name__}: {exc}"
                retry_after = None
            else:
                self.ledger.finish(request_id, resp.status_code)
                rate = parse_rate_headers(resp.headers, self.clock())
                self.last_rate_headers = rate
                status = resp.status_code
                if status == 200 or (status == 404 and operation == "raadpleeg"):
                    warning = resp.headers.get("warning")
                    if warning and not self._warned:
                        self._warned = True  # RFC 7234 299: this API version is deprecated
                        log.warning("WOZ API warning header: %s", warning)
                    if status == 200 and rate.day_remaining == 0:
                        self._block_day(rate)
                    return resp
                if status == 429:
                    raise self._on_429(resp, rate)
                if status < 500:
                    raise _api_error(resp)
                body = _problem(resp)
                last_problem = f"HTTP {status} code={body.get('code')}"
                retry_after = rate.retry_after_s
            if attempt >= cfg.max_retries:
                raise WozUnavailable(
                    f"the WOZ API is unavailable after {attempt + 1} attempts "
                    f"({last_problem}); try again later",
                    attempt + 1,
                )
            delay = min(cfg.backoff_cap, cfg.backoff_base * (2**attempt))
            delay = delay / 2 + self.rng.uniform(0, delay / 2)  # equal jitter
            if retry_after is not None:
                delay = max(delay, min(retry_after, cfg.backoff_cap))
            log.warning(
                "WOZ API %s failed (%s); retry %d/%d in %.1f s",
                operation, last_problem, attempt + 1, cfg.max_retries, delay,
            )
            self.sleep(delay)
            attempt += 1

    def _key(self) -> str:
        return self.config.api_key.get_secret_value()

    def _block_day(self, rate: RateHeaders) -> dt.datetime:
        now = self.clock()
        # never before local midnight (the ledger's day), later if the server says so
        until = next_amsterdam_midnight(now)
        if rate.day_reset_s is not None:
            until = max(until, now + dt.timedelta(seconds=rate.day_reset_s))
        self.ledger.block(until, "day")
        return until

    def _on_429(self, resp: httpx.Response, rate: RateHeaders) -> WozError:
        now = self.clock()
        body = _problem(resp)
        detail = body.get("detail") or body.get("title") or "Too Many Requests"
        local_day_spent = self.ledger.usage().remaining_today == 0
        if rate.day_remaining == 0 or local_day_spent:
            until = self._block_day(rate)
            return WozQuotaExhausted(
                f"the WOZ API day quota is exhausted (429: {detail}); resume after "
                f"{until.astimezone(AMSTERDAM):%Y-%m-%d %H:%M %Z}",
                until,
            )
        wait = next(
            (w for w in (rate.retry_after_s, rate.reset_s) if w is not None),
            self.config.window_seconds,
        )
        until = now + dt.timedelta(seconds=wait)
        self.ledger.block(until, "rate")
        return WozRateLimited(
            f"the WOZ API rate limit was hit (429: {detail}); resume after "
            f"{until.astimezone(AMSTERDAM):%Y-%m-%d %H:%M:%S %Z}",
            until,
        )
