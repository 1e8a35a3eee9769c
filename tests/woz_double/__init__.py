"""A local test double of the Kadaster WOZ API (Huidige Bevragingen, ``openapi.yaml`` 1.0.0).

Runs on 127.0.0.1 on an ephemeral port in a thread, over plain HTTP or TLS (with an
optional client-certificate requirement). Implements both operations, paging,
``fields``, problem+json errors and the ``api-version`` header; serves the sample
objects of ``data/test-data.json`` plus generated ones; requires the API key;
enforces a configurable per-minute window and day quota on an injectable clock
(429 problem+json with the Kadaster gateway's rate-limit headers); and injects
faults on demand (429, 500, 503, slow responses, dropped connections).
"""

from __future__ import annotations

import copy
import datetime as dt
import gzip
import json
import re
import socket
import ssl
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit
from zoneinfo import ZoneInfo

DATA = Path(__file__).parent / "data"
PREFIX = "/lvwoz-eto/huidigebevragingen"
API_VERSION = "1.0.0"
AMS = ZoneInfo("Europe/Amsterdam")

# The property tree of WozObjectHal, for ``fields`` (None = leaf).
_BELANGHEBBENDE = dict.fromkeys(
    ["burgerservicenummer", "geheimhoudingPersoonsgegevens", "kvkNummer", "naam", "rsin",
     "type", "vestigingsnummer"]
)
FIELDS_TREE: dict[str, Any] = {
    "aanduiding": dict.fromkeys(
        ["straat", "huisnummer", "huisletter", "huisnummertoevoeging", "postcode", "woonplaats",
         "locatieomschrijving", "nummeraanduidingIdentificatie"]
    ),
    "adresseerbaarObjectIdentificaties": None,
    "belanghebbendeEigenaar": _BELANGHEBBENDE,
    "belanghebbendeGebruiker": _BELANGHEBBENDE,
    "grondoppervlakte": None,
    "identificatie": None,
    "kadastraalOnroerendeZaken": {
        "identificatie": None,
        "aanduiding": dict.fromkeys(
            ["gemeentecode", "sectie", "perceelnummer", "deelperceelnummer", "appartementsindex"]
        ),
        "aanduidingMetGemeentenaam": None,
    },
    "pandIdentificaties": None,
    "verantwoordelijkeGemeente": dict.fromkeys(["code", "omschrijving"]),
    "waarden": dict.fromkeys(
        ["vastgesteldeWaarde", "waardepeildatum", "ingangsdatum", "beschikkingsStatussen",
         "indicatieBezwaarBeroep"]
    ),
    "_links": dict.fromkeys(
        ["self", "adres", "adresseerbareObjecten", "belanghebbendeEigenaar",
         "belanghebbendeGebruiker", "panden", "kadastraalOnroerendeZaken"]
    ),
}

PATTERNS = {
    "rsin": r"^[0-9]{9}$",
    "kvkNummer": r"^[0-9]{8}$",
    "adresseerbaarObjectIdentificatie": r"^[0-9]{16}$",
    "nummeraanduidingIdentificatie": r"^[0-9]{16}$",
    "postcode": r"^[1-9][0-9]{3}[A-Z]{2}$",
    "huisletter": r"^[a-zA-Z]$",
    "huisnummertoevoeging": r"^[0-9a-zA-Z]{1,4}$",
}


# -- data ----------------------------------------------------------------------------


def seed_objects() -> list[dict[str, Any]]:
    """The sample objects, de-duplicated, ``perceelnummer`` made an integer."""
    raw = json.loads((DATA / "test-data.json").read_text(encoding="utf-8"))
    out: dict[str, dict[str, Any]] = {}
    for obj in raw:
        obj = copy.deepcopy(obj)
        for koz in obj.get("kadastraalOnroerendeZaken", []):
            a = koz.get("aanduiding", {})
            if isinstance(a.get("perceelnummer"), str):
                a["perceelnummer"] = int(a["perceelnummer"])
        out.setdefault(obj["identificatie"], obj)
    return list(out.values())


def generated_number(i: int) -> str:
    return f"{700000000000 + i:012d}"


def generated_value(i: int, year: int) -> int:
    """The established value of generated object ``i`` for waardepeildatum 1-1-``year``."""
    return 200_000 + 1_000 * i + 10_000 * (year - 2023)


GENERATED_YEARS = (2025, 2024, 2023)


def generated_object(i: int) -> dict[str, Any]:
    """A deterministic WOZ object: address ``{1000 + i // 100}AB``, number ``i % 100 + 1``."""
    number = generated_number(i)
    nad = f"0363200000{i:06d}"
    aoid = f"0363010000{i:06d}"
    return {
        "identificatie": number,
        "aanduiding": {
            "straat": "Dubbelstraat",
            "huisnummer": i % 100 + 1,
            "postcode": f"{1000 + i // 100}AB",
            "woonplaats": "Teststad",
            "nummeraanduidingIdentificatie": nad,
        },
        "adresseerbaarObjectIdentificaties": [aoid],
        "belanghebbendeEigenaar": {
            "naam": "Woningcorporatie Test",
            "rsin": "123456782",
            "type": "niet_natuurlijk_persoon",
        },
        "grondoppervlakte": 120,
        "verantwoordelijkeGemeente": {"code": "0363", "omschrijving": "Amsterdam"},
        "waarden": [
            {
                "vastgesteldeWaarde": generated_value(i, y),
                "waardepeildatum": f"{y}-01-01",
                "ingangsdatum": f"{y + 1}-01-01",
                "beschikkingsStatussen": ["beschikking_genomen"],
            }
            for y in GENERATED_YEARS
        ],
        "_links": {"self": {"href": f"https://api.kadaster.nl{PREFIX}/wozobjecten/{number}"}},
    }


def _sort_key(o: dict[str, Any]) -> tuple[Any, ...]:
    a = o.get("aanduiding", {})
    letter = a.get("huisletter")
    add = a.get("huisnummertoevoeging")
    return (
        a.get("postcode") or "",
        a.get("huisnummer") or 0,
        letter is not None,
        (letter or "").lower(),
        add is not None,
        add or "",
        o["identificatie"],
    )


# -- fields ----------------------------------------------------------------------------


def _valid_field(path: str) -> bool:
    node: Any = FIELDS_TREE
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def _tree(paths: Iterable[str]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for p in paths:
        node = tree
        parts = p.split(".")
        for i, part in enumerate(parts):
            if i == len(parts) - 1:
                node[part] = True
            else:
                nxt = node.get(part)
                if nxt is True:
                    break
                node = node.setdefault(part, {})
    return tree


def _apply(value: Any, tree: dict[str, Any] | bool) -> Any:
    if tree is True:
        return value
    if isinstance(value, list):
        items = [_apply(v, tree) for v in value]
        return [i for i in items if i not in ({}, None)]
    if isinstance(value, dict):
        out = {}
        for k, sub in tree.items():  # type: ignore[union-attr]
            if k in value:
                v = _apply(value[k], sub)
                if v not in ({}, None, []):
                    out[k] = v
        return out
    return value


def apply_fields(obj: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    tree = _tree([*fields, "identificatie", "_links.self"])
    return _apply(obj, tree)


# -- the server ------------------------------------------------------------------------


@dataclass
class RequestRecord:
    at: dt.datetime  # the double's clock
    path: str
    query: dict[str, str]
    status: int | None  # None: connection dropped
    api_key: str | None
    client_cert: bool


@dataclass
class Fault:
    kind: str  # '429' | '429day' | '500' | '503' | 'drop' | 'slow' | 'garbage'
    seconds: float = 0.0


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class DoubleConfig:
    api_keys: set[str] = field(default_factory=lambda: {"test-key"})
    forbidden_keys: set[str] = field(default_factory=set)
    per_minute: int | None = None  # None: no window limit
    per_day: int | None = None
    window_seconds: float = 60.0
    header_style: str = "x"  # 'x' -> X-Rate-Limit-*, 'ratelimit' -> RateLimit-*
    retry_after: bool = False
    no_params_code: str = "paramsRequired"  # production quirk: 'unsupportedCombi'
    gzip: bool = False


class WozDouble:
    def __init__(
        self,
        *,
        objects: Iterable[dict[str, Any]] | None = None,
        generated: int = 0,
        config: DoubleConfig | None = None,
        clock: Callable[[], dt.datetime] = _utc_now,
        server_ssl: ssl.SSLContext | None = None,
        host: str = "127.0.0.1",
    ) -> None:
        objs = list(objects) if objects is not None else seed_objects()
        objs += [generated_object(i) for i in range(generated)]
        self.objects: dict[str, dict[str, Any]] = {o["identificatie"]: o for o in objs}
        self.config = config or DoubleConfig()
        self.clock = clock
        self.server_ssl = server_ssl
        self.host = host
        self.faults: deque[Fault] = deque()
        self.log: list[RequestRecord] = []
        self._counted: list[dt.datetime] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle
    def start(self) -> WozDouble:
        double = self

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            allow_reuse_address = True

            def finish_request(self, request: Any, client_address: Any) -> None:
                if double.server_ssl is not None:
                    try:
                        request.settimeout(10)
                        request = double.server_ssl.wrap_socket(request, server_side=True)
                    except (ssl.SSLError, OSError):
                        return  # handshake refused (e.g. no client certificate)
                self.RequestHandlerClass(request, client_address, self)

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # client went away, TLS alerts: not the double's business

        self._server = Server((self.host, 0), _handler(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> WozDouble:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        scheme = "https" if self.server_ssl is not None else "http"
        host = "localhost" if self.server_ssl is not None else self.host
        return f"{scheme}://{host}:{self.port}{PREFIX}"

    # helpers for tests
    def inject(self, *faults: str | Fault) -> None:
        for f in faults:
            self.faults.append(f if isinstance(f, Fault) else Fault(f))

    def answered(self) -> list[RequestRecord]:
        with self._lock:
            return list(self.log)

    def counted_times(self) -> list[dt.datetime]:
        with self._lock:
            return list(self._counted)

    # limits
    def _limit(self, now: dt.datetime) -> tuple[str | None, dict[str, str]]:
        """Count the request; return ('rate'|'day'|None, rate-limit headers)."""
        c = self.config
        with self._lock:
            window_start = now - dt.timedelta(seconds=c.window_seconds)
            in_window = [t for t in self._counted if t > window_start]
            today = now.astimezone(AMS).date()
            used_today = sum(1 for t in self._counted if t.astimezone(AMS).date() == today)
            verdict = None
            if c.per_day is not None and used_today >= c.per_day:
                verdict = "day"
            elif c.per_minute is not None and len(in_window) >= c.per_minute:
                verdict = "rate"
            else:
                self._counted.append(now)
                in_window.append(now)
                used_today += 1
        headers: dict[str, str] = {}
        pre = "X-Rate-Limit" if c.header_style == "x" else "RateLimit"
        if c.per_minute is not None:
            reset = (
                (in_window[0] + dt.timedelta(seconds=c.window_seconds) - now).total_seconds()
                if in_window
                else 0
            )
            headers[f"{pre}-Limit"] = str(c.per_minute)
            headers[f"{pre}-Remaining"] = str(max(0, c.per_minute - len(in_window)))
            headers[f"{pre}-Reset"] = str(max(0, int(reset + 0.999)))
        if c.per_day is not None:
            midnight = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(0), AMS)
            headers["Kadaster-RateLimit-DayLimit"] = str(c.per_day)
            headers["Kadaster-RateLimit-DayLimit-Remaining"] = str(max(0, c.per_day - used_today))
            headers["Kadaster-RateLimit-DayLimit-Reset"] = str(
                int((midnight - now).total_seconds())
            )
        if verdict is not None and c.retry_after:
            headers["Retry-After"] = headers.get(f"{pre}-Reset", "60")
        return verdict, headers


def problem(status: int, code: str, title: str, detail: str, instance: str,
            invalid: list[dict[str, str]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.{status}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
        "code": code,
    }
    if invalid:
        body["invalidParams"] = invalid
    return body


def _invalid(name: str, code: str, reason: str) -> dict[str, str]:
    return {
        "type": f"https://www.vng.nl/realisatie/api/validaties/{code}",
        "name": name,
        "code": code,
        "reason": reason,
    }


class _Reply(Exception):
    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.body = body
        self.headers = headers or {}


def _handler(double: WozDouble) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "WozDouble/1.0"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            url = urlsplit(self.path)
            query = dict(parse_qsl(url.query, keep_blank_values=True))
            key = self.headers.get("X-Api-Key")
            has_cert = isinstance(self.connection, ssl.SSLSocket) and bool(
                self.connection.getpeercert()
            )
            now = double.clock()
            instance = f"{double.base_url}{url.path[len(PREFIX):]}" + (
                f"?{url.query}" if url.query else ""
            )
            record = RequestRecord(now, url.path, query, None, key, has_cert)
            with double._lock:
                double.log.append(record)
            extra: dict[str, str] = {}
            try:
                if key is None or (
                    key not in double.config.api_keys and key not in double.config.forbidden_keys
                ):
                    raise _Reply(401, problem(401, "authentication",
                                              "Niet correct geauthenticeerd.",
                                              "Geen geldige API-key opgegeven.", instance))
                if key in double.config.forbidden_keys:
                    raise _Reply(403, problem(403, "autorisation",
                                              "U bent niet geautoriseerd voor deze operatie.",
                                              "De API-key heeft geen toegang tot deze operatie.",
                                              instance))
                verdict, extra = double._limit(now)
                fault = None
                with double._lock:
                    if double.faults:
                        fault = double.faults.popleft()
                if fault is not None and fault.kind in ("429", "429day"):
                    verdict = "rate" if fault.kind == "429" else "day"
                    if verdict == "day":
                        extra["Kadaster-RateLimit-DayLimit-Remaining"] = "0"
                    else:
                        extra.setdefault("X-Rate-Limit-Reset", "30")
                if verdict is not None:
                    raise _Reply(429, {"type": "https://tools.ietf.org/html/rfc6585#section-4",
                                       "title": "Too Many Requests", "status": 429,
                                       "detail": "You have exceeded your quota",
                                       "instance": instance, "code": "tooManyRequests"}, extra)
                if fault is not None:
                    if fault.kind == "drop":
                        self.close_connection = True
                        try:
                            self.connection.shutdown(socket.SHUT_RDWR)
                        except OSError:
                            pass
                        return
                    if fault.kind == "slow":
                        time.sleep(fault.seconds)
                    if fault.kind == "500":
                        raise _Reply(500, problem(500, "serverError", "Interne server fout.",
                                                  "Injected fault.", instance), extra)
                    if fault.kind == "503":
                        raise _Reply(503, problem(503, "sourceUnavailable",
                                                  "Bronservice LV-WOZ is niet beschikbaar.",
                                                  "Injected fault.", instance), extra)
                    if fault.kind == "garbage":
                        raise _Reply(200, {"_embedded": {"wozObjecten": [{"waarden": 5}]}}, extra)
                accept = self.headers.get("Accept", "*/*")
                if not any(
                    a.split(";")[0].strip() in ("application/hal+json", "*/*", "application/*")
                    for a in accept.split(",")
                ):
                    raise _Reply(406, problem(406, "notAcceptable",
                                              "Gevraagde contenttype wordt niet ondersteund.",
                                              f"Accept {accept!r} wordt niet ondersteund.",
                                              instance), extra)
                status, body, headers = self._route(url.path, query, instance)
                raise _Reply(status, body, {**extra, **headers})
            except _Reply as reply:
                record.status = reply.status
                self._send(reply.status, reply.body, reply.headers)

        def _route(self, path: str, q: dict[str, str], instance: str
                   ) -> tuple[int, Any, dict[str, str]]:
            if not path.startswith(PREFIX + "/wozobjecten"):
                return 404, problem(404, "notFound", "Opgevraagde resource bestaat niet.",
                                    f"Onbekend pad {path}", instance), {}
            rest = path[len(PREFIX + "/wozobjecten"):]
            if rest in ("", "/"):
                return self._search(q, instance)
            ident = rest.lstrip("/")
            return self._raadpleeg(ident, q, instance)

        def _fields(self, q: dict[str, str]) -> tuple[list[str] | None, list[dict[str, str]]]:
            if "fields" not in q:
                return None, []
            raw = q["fields"]
            if raw.strip() == "":
                return None, [_invalid("fields", "fields", "geen waarde opgegeven")]
            names = [n.strip() for n in raw.split(",")]
            bad = [n for n in names if not _valid_field(n)]
            if bad:
                word = "waarde" if len(bad) == 1 else "waarden"
                listed = ", ".join(f"'{b}'" for b in bad)
                return None, [_invalid("fields", "fields", f"ongeldige {word}: {listed} opgegeven")]
            return names, []

        def _render(self, obj: dict[str, Any], fields: list[str] | None) -> dict[str, Any]:
            out = copy.deepcopy(obj)
            out.setdefault("_links", {})["self"] = {
                "href": f"{double.base_url}/wozobjecten/{obj['identificatie']}"
            }
            return apply_fields(out, fields) if fields is not None else out

        def _raadpleeg(self, ident: str, q: dict[str, str], instance: str
                       ) -> tuple[int, Any, dict[str, str]]:
            fields, invalid = self._fields(q)
            if not re.match(r"^[0-9]{12}$", ident):
                invalid.insert(0, _invalid("identificatie", "pattern",
                                           f"waarde '{ident}' is geen 12 cijferig getal"))
            if invalid:
                return 400, problem(400, "paramsValidation",
                                    "Een of meerdere parameters zijn niet correct.",
                                    "De foutieve parameter(s) zijn: "
                                    + ", ".join(i["name"] for i in invalid) + ".",
                                    instance, invalid), {}
            obj = double.objects.get(ident)
            if obj is None:
                return 404, problem(404, "notFound", "Opgevraagde resource bestaat niet.",
                                    f"Er bestaat geen wozobject met identificatie '{ident}'",
                                    instance), {}
            return 200, self._render(obj, fields), {}

        def _search(self, q: dict[str, str], instance: str) -> tuple[int, Any, dict[str, str]]:
            entries = [k for k in ("rsin", "kvkNummer", "adresseerbaarObjectIdentificatie",
                                   "nummeraanduidingIdentificatie") if k in q]
            if "postcode" in q or "huisnummer" in q:
                entries.append("adres")
            if not entries:
                code = double.config.no_params_code
                return 400, problem(400, code, "Tenminste één parameter moet worden opgegeven.",
                                    "Er moet minimaal één van de parameters 'rsin', 'kvkNummer', "
                                    "'adresseerbaarObjectIdentificatie', "
                                    "'nummeraanduidingIdentificatie' of 'postcode' met "
                                    "'huisnummer' worden opgegeven", instance), {}
            if len(entries) > 1:
                return 400, problem(400, "unsupportedCombi",
                                    "De combinatie van opgegeven parameters is niet toegestaan.",
                                    "Er zijn meerdere zoekingangen opgegeven. Graag 1 zoekingang "
                                    "gebruiken.", instance), {}
            if ("postcode" in q) != ("huisnummer" in q):
                missing = "huisnummer" if "postcode" in q else "postcode"
                return 400, problem(400, "paramsCombination",
                                    "Minimale combinatie van parameters moet worden opgegeven.",
                                    f"De parameter '{missing}' is verplicht.", instance,
                                    [_invalid(missing, "required", "parameter is verplicht")]), {}
            invalid: list[dict[str, str]] = []
            for name, pattern in PATTERNS.items():
                if name in q:
                    v = q[name]
                    if v == "":
                        invalid.append(_invalid(name, "required", "geen waarde opgegeven"))
                    elif not re.match(pattern, v):
                        invalid.append(_invalid(name, "pattern",
                                                f"Waarde voldoet niet aan patroon {pattern}."))
            ints = {"huisnummer": (1, 99999), "page": (1, None), "pageSize": (1, 100)}
            parsed: dict[str, int] = {"page": 1, "pageSize": 20}
            for name, (lo, hi) in ints.items():
                if name not in q:
                    continue
                v = q[name]
                if not re.fullmatch(r"-?[0-9]+", v):
                    invalid.append(_invalid(name, "integer", f"waarde '{v}' is geen getal"
                                            + (" tussen 1 en 99999" if name == "huisnummer"
                                               else "")))
                    continue
                n = int(v)
                if n < lo:
                    invalid.append(_invalid(name, "minimum", f"waarde '{v}' is kleiner dan de "
                                            f"toegestane minimum waarde ({lo})"))
                elif hi is not None and n > hi:
                    invalid.append(_invalid(name, "maximum", f"waarde '{v}' is groter dan de "
                                            f"toegestane maximum waarde ({hi})"))
                else:
                    parsed[name] = n
            fields, finv = self._fields(q)
            invalid += finv
            if invalid:
                return 400, problem(400, "paramsValidation",
                                    "Een of meerdere parameters zijn niet correct.",
                                    "De foutieve parameter(s) zijn: "
                                    + ", ".join(i["name"] for i in invalid) + ".",
                                    instance, invalid), {}
            found = [o for o in double.objects.values() if self._matches(o, q)]
            found.sort(key=_sort_key)
            page, size = parsed["page"], parsed["pageSize"]
            chunk = found[(page - 1) * size: page * size]
            if page > 1 and not chunk:
                return 400, problem(400, "paramsValidation",
                                    "Een of meerdere parameters zijn niet correct.",
                                    "De foutieve parameter(s) zijn: page.", instance,
                                    [_invalid("page", "page", "De opgegeven pagina bestaat niet.")]
                                    ), {}
            base_q = {k: v for k, v in q.items() if k != "page"}

            def link(p: int) -> dict[str, str]:
                return {"href": f"{double.base_url}/wozobjecten?{urlencode({**base_q, 'page': p})}"}

            links: dict[str, Any] = {"self": link(page)}
            if page > 1:
                links["first"] = link(1)
                links["previous"] = link(page - 1)
            if page * size < len(found):
                links["next"] = link(page + 1)
            embedded: dict[str, Any] = (
                {"wozObjecten": [self._render(o, fields) for o in chunk]} if chunk else {}
            )
            headers = {"X-Pagination-Page": str(page), "X-Pagination-Limit": str(size)}
            return 200, {"_links": links, "_embedded": embedded}, headers

        @staticmethod
        def _matches(o: dict[str, Any], q: dict[str, str]) -> bool:
            a = o.get("aanduiding", {})
            if "nummeraanduidingIdentificatie" in q:
                return a.get("nummeraanduidingIdentificatie") == q["nummeraanduidingIdentificatie"]
            if "adresseerbaarObjectIdentificatie" in q:
                return q["adresseerbaarObjectIdentificatie"] in o.get(
                    "adresseerbaarObjectIdentificaties", [])
            if "rsin" in q:
                return o.get("belanghebbendeEigenaar", {}).get("rsin") == q["rsin"]
            if "kvkNummer" in q:
                return o.get("belanghebbendeEigenaar", {}).get("kvkNummer") == q["kvkNummer"]
            if a.get("postcode") != q["postcode"] or str(a.get("huisnummer")) != str(
                    int(q["huisnummer"])):
                return False
            for p, f in (("huisletter", "huisletter"),
                         ("huisnummertoevoeging", "huisnummertoevoeging")):
                if p in q and (a.get(f) or "").lower() != q[p].lower():
                    return False
            return True

        def _send(self, status: int, body: Any, headers: dict[str, str]) -> None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            ctype = "application/hal+json" if status == 200 else "application/problem+json"
            use_gzip = double.config.gzip and "gzip" in self.headers.get("Accept-Encoding", "")
            if use_gzip:
                data = gzip.compress(data)
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("api-version", API_VERSION)
            if use_gzip:
                self.send_header("Content-Encoding", "gzip")
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                self.wfile.write(data)
            except OSError:
                pass

    return Handler
