"""``wws woz``: fetch, import and status. ``register(subparsers)`` adds the command.

Exit codes: 0 done; 2 usage, configuration or unreadable input (nothing fetched or
imported); 4 fetching stopped early by a limit (day quota, 429) or an unavailable
server, resume later (the message says when); 5 credentials or TLS refused.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_STOPPED = 4
EXIT_AUTH = 5


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``woz`` (with ``fetch``, ``import``, ``status``) to an argparse subparsers object.

    Each leaf sets ``func``: call ``args.func(args)`` and exit with its return value.
    """
    woz = subparsers.add_parser(
        "woz", help="WOZ values: fetch from the Kadaster WOZ API, import, status",
        description="WOZ values for scoring (see docs/woz.md).",
    )
    sub = woz.add_subparsers(dest="woz_command", metavar="{fetch,import,status}")
    sub.required = True

    f = sub.add_parser("fetch", help="fetch missing WOZ values of a portfolio from the API")
    f.add_argument("portfolio", metavar="PORTFOLIO", help="folder of tables or JSON Lines file")
    f.add_argument("--db", default="wws.duckdb", help="DuckDB file (default wws.duckdb)")
    f.add_argument("--peildatum", type=_date, default=None, help="YYYY-MM-DD (default today)")
    f.add_argument("--config", type=Path, default=None, help="TOML file with a [woz] table")
    f.add_argument("--limit", type=_positive, default=None,
                   help="look up at most N dwellings in this run")
    f.add_argument("--recheck-days", type=_positive, default=30,
                   help="look up a dwelling not found earlier again after N days (default 30)")
    f.add_argument("--quiet", action="store_true", help="no progress lines")
    f.set_defaults(func=cmd_fetch)

    i = sub.add_parser("import", help="import WOZ values from a CSV or Parquet file")
    i.add_argument("file", metavar="FILE", type=Path)
    i.add_argument("--db", default="wws.duckdb", help="DuckDB file (default wws.duckdb)")
    i.set_defaults(func=cmd_import)

    s = sub.add_parser("status", help="quota used today and cached WOZ values")
    s.add_argument("--db", default="wws.duckdb", help="DuckDB file (default wws.duckdb)")
    s.add_argument("--config", type=Path, default=None,
                   help="TOML file (for the day quota; default: WWS_WOZ_PER_DAY or 10000)")
    s.set_defaults(func=cmd_status)
    return woz


def _date(s: str) -> dt.date:
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {s!r}") from None


def _positive(s: str) -> int:
    try:
        n = int(s)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1: {s!r}")
    return n


def _err(msg: str) -> None:
    print(f"wws woz: {msg}", file=sys.stderr)


def _connect(db: str) -> Any:
    import duckdb

    try:
        return duckdb.connect(db)
    except duckdb.IOException as exc:
        raise SystemExit(
            _fail(f"cannot open {db}: {exc} (is another wws run using it?)")
        ) from None


def _fail(msg: str) -> int:
    _err(msg)
    return EXIT_USAGE


def _portfolio_loader() -> Any:
    """``load_portfolio(path, peildatum)``: from ``pipeline.ingest``, or from
    ``pipeline.validate`` where it lives today."""
    import importlib

    for module in ("pipeline.ingest", "pipeline.validate"):
        try:
            fn = getattr(importlib.import_module(module), "load_portfolio", None)
        except ImportError:
            fn = None
        if fn is not None:
            return fn
    return None


def cmd_fetch(args: argparse.Namespace) -> int:
    from pipeline.woz.client import WozClient
    from pipeline.woz.config import load_config
    from pipeline.woz.errors import WozAuthError, WozConfigError, WozError, WozTlsError
    from pipeline.woz.fetch import FetchProgress, fetch_missing

    peildatum = args.peildatum or dt.date.today()
    try:
        cfg = load_config(args.config)
    except WozConfigError as exc:
        return _fail(str(exc))
    load_portfolio = _portfolio_loader()
    if load_portfolio is None:
        return _fail("portfolio loading (pipeline.ingest.load_portfolio) is not available")
    try:
        portfolio = load_portfolio(Path(args.portfolio), peildatum)
    except Exception as exc:  # UnreadableInput and friends: a message, never a traceback
        return _fail(f"cannot read {args.portfolio}: {exc}")
    dwellings = portfolio.frames["dwellings"]
    con = _connect(args.db)
    tty = sys.stderr.isatty() and not args.quiet

    def show(p: FetchProgress) -> None:
        if args.quiet:
            return
        end = "\r" if tty else "\n"
        print(p.line(), end=end, file=sys.stderr, flush=True)

    try:
        with WozClient(cfg, con) as client:
            report = fetch_missing(
                con, dwellings, peildatum, client, limit=args.limit, progress=show,
                recheck_after=dt.timedelta(days=args.recheck_days),
            )
    except (WozAuthError, WozTlsError) as exc:
        _err(str(exc))
        return EXIT_AUTH
    except KeyboardInterrupt:
        _err("interrupted; every dwelling looked up so far is saved, run again to resume")
        return 130
    except WozError as exc:
        _err(str(exc))
        return EXIT_USAGE
    finally:
        con.close()
    if tty:
        print(file=sys.stderr)
    print(
        f"WOZ fetch for peildatum {peildatum}: {report.looked_up} of {report.planned} dwellings "
        f"looked up ({report.found} found, {report.not_found} not found, "
        f"{report.ambiguous} ambiguous, {report.invalid} invalid, {report.no_key} without a "
        f"lookup key), {report.requests} requests, {report.left} left.",
        file=sys.stderr,
    )
    if report.stopped in ("quota", "rate", "unavailable"):
        _err(report.message)
        return EXIT_STOPPED
    if report.stopped == "limit":
        print(report.message, file=sys.stderr)
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from pipeline.woz.importer import WozImportError, import_file

    con = _connect(args.db)
    try:
        rep = import_file(con, args.file)
    except WozImportError as exc:
        _err(str(exc))
        return EXIT_USAGE
    finally:
        con.close()
    print(
        f"imported {rep.rows} WOZ values from {rep.path} ({rep.replaced} replaced earlier "
        f"imports; {rep.dwellings} dwellings, {rep.objects} WOZ objects) into {args.db}",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    import os
    import tomllib

    from pipeline.woz.config import ENV, TERMS_PER_DAY
    from pipeline.woz.status import status

    per_day = TERMS_PER_DAY
    try:
        if args.config is not None:
            with open(args.config, "rb") as fh:
                data = tomllib.load(fh)
            per_day = int(data.get("woz", data).get("per_day", per_day))
        if os.environ.get(ENV["per_day"], "").strip():
            per_day = int(os.environ[ENV["per_day"]])
    except (OSError, ValueError, tomllib.TOMLDecodeError) as exc:
        return _fail(f"cannot read the day quota: {exc}")
    if not Path(args.db).exists():
        return _fail(f"{args.db} does not exist")
    con = _connect(args.db)
    try:
        st = status(con, per_day=per_day)
    finally:
        con.close()
    print("\n".join(st.lines()))
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """``python -m pipeline.woz``: the ``woz`` command on its own."""
    parser = argparse.ArgumentParser(prog="wws")
    subparsers = parser.add_subparsers(dest="command", required=True)
    register(subparsers)
    args = parser.parse_args(argv)
    return int(args.func(args))
