"""The ``wws`` command line (``output-contract.md``, "Command line").

Exit codes: 0 success; 1 rejects exceeded ``--max-reject-rate`` (``validate``: any
reject); 2 usage error or unreadable input (nothing written); 3 no rule set for the
peildatum. Messages go to stderr; summaries and breakdowns to stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import sys
from decimal import Decimal

import polars as pl

from pipeline import __version__
from pipeline.run import DEFAULT_DUCKDB_MEMORY, ENGINES, ExitError, RunSummary


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from exc


def _rate(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("--max-reject-rate is a fraction from 0 to 1, e.g. 0.05")
    return value


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be a whole number of at least 1")
    return value


def _memory_size(text: str) -> str:
    from pipeline.store import MEMORY_SIZE

    if not MEMORY_SIZE.match(text):
        raise argparse.ArgumentTypeError("expected a size such as 1GB, 2GB or 512MB")
    return text.strip()


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors exit 2, as the contract says
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="wws", description="Score housing portfolios with the WWS into DuckDB.")
    p.add_argument("--version", action="version", version=f"wws-batch {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    s = sub.add_parser("score", help="validate, score and write one run into DuckDB")
    s.add_argument("portfolio", help="folder of CSV/Parquet tables, or a .jsonl file")
    s.add_argument("--db", default="wws.duckdb", help="DuckDB file (default wws.duckdb)")
    s.add_argument("--peildatum", type=_date, default=None, help="YYYY-MM-DD (default today)")
    s.add_argument("--max-reject-rate", type=_rate, default=None, metavar="F")
    s.add_argument("--engine", choices=ENGINES, default="vectorised")
    s.add_argument("--no-lines", action="store_true", help="skip breakdown_lines")
    s.add_argument("--quiet", action="store_true", help="no summary on stdout")
    s.add_argument(
        "--if-changed",
        action="store_true",
        help="skip when input, peildatum, rules, engine and WOZ cache are unchanged",
    )
    s.add_argument(
        "--lock-timeout",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="wait this long for another process holding the database (default 60)",
    )
    s.add_argument(
        "--log-format",
        choices=("text", "json"),
        default="text",
        help="log lines on stderr: text, or one JSON object per line",
    )
    s.add_argument(
        "--batch-size",
        type=_positive,
        default=200_000,
        metavar="N",
        help="dwellings per batch for large table portfolios (default 200000)",
    )
    s.add_argument(
        "--duckdb-memory",
        type=_memory_size,
        default=DEFAULT_DUCKDB_MEMORY,
        metavar="SIZE",
        help=f"DuckDB's memory limit for the run, e.g. 2GB (default {DEFAULT_DUCKDB_MEMORY}; "
        "beyond it DuckDB drops cached blocks and spills to disk)",
    )

    c = sub.add_parser("changes", help="what changed between two succeeded runs, and why")
    c.add_argument("--db", default="wws.duckdb")
    c.add_argument("--from", dest="from_run", default=None, help="run id (default: previous)")
    c.add_argument("--to", dest="to_run", default=None, help="run id (default: latest)")
    c.add_argument("--csv", default=None, metavar="FILE", help="also write all rows to a CSV")
    c.add_argument("--limit", type=int, default=50, help="rows to print (default 50)")

    pr = sub.add_parser("prune", help="delete old runs, keep the newest N succeeded ones")
    pr.add_argument("--db", default="wws.duckdb")
    pr.add_argument("--keep-runs", type=int, required=True, metavar="N")

    v = sub.add_parser("validate", help="validate only; exit 1 when any dwelling is rejected")
    v.add_argument("portfolio")
    v.add_argument("--peildatum", type=_date, default=None)

    r = sub.add_parser("reshape", help="write the per-dwelling JSON Lines")
    r.add_argument("portfolio")
    r.add_argument("--out", required=True, help="output .jsonl file")
    r.add_argument("--peildatum", type=_date, default=None)

    e = sub.add_parser("explain", help="readable breakdown of one dwelling")
    e.add_argument("dwelling_id", nargs="?", help="a scored dwelling in the database")
    e.add_argument("--db", default="wws.duckdb")
    e.add_argument("--run", default=None, help="run id (default: the latest succeeded run)")
    e.add_argument("--json", dest="json_file", default=None, metavar="FILE",
                   help="score one API request body instead")  # fmt: skip
    e.add_argument("--peildatum", type=_date, default=None)

    if importlib.util.find_spec("pipeline.woz.cli") is not None:
        from pipeline.woz.cli import register

        register(sub)
    if importlib.util.find_spec("pipeline.report.cli") is not None:
        from pipeline.report.cli import register as register_reports

        register_reports(sub)
    return p


# --- printing --------------------------------------------------------------------------


def _pct(n: int, total: int) -> str:
    return f"{n / total:.0%}" if total else "-"


def print_summary(s: RunSummary, out=sys.stdout) -> None:
    w = out.write
    w(f"wws {s.status}: peildatum {s.peildatum.isoformat()}\n")
    w(f"  dwellings read      {s.dwellings_read:>9,}\n")
    w(f"  dwellings scored    {s.dwellings_scored:>9,}\n")
    w(f"  dwellings rejected  {s.dwellings_rejected:>9,}  ({s.reject_rate:.1%})\n")
    if s.scores.height:
        pts = s.scores["points"]
        q = [int(pts.quantile(x, "nearest")) for x in (0.0, 0.25, 0.5, 0.75, 1.0)]
        w(f"  points  min {q[0]}  p25 {q[1]}  median {q[2]}  p75 {q[3]}  max {q[4]}\n")
        counts = dict(s.scores.group_by("sector").len().iter_rows())
        n = s.scores.height
        parts = [
            f"{name} {counts.get(name, 0):,} ({_pct(counts.get(name, 0), n)})"
            for name in ("social", "mid", "free")
        ]
        w("  sector  " + "  ".join(parts) + "\n")
    if s.rejects.height:
        top = s.rejects.group_by("check").len().sort("len", descending=True).head(5)
        w("  rejects by check   " + ", ".join(f"{c} {k}" for c, k in top.iter_rows()) + "\n")
    for warning in s.warnings:
        w(f"  note: {warning}\n")
    if s.run_id:
        w(f"  results: run {s.run_id} in {s.db} (tables scores, breakdown, breakdown_lines,"
          " rejects; views latest_scores, latest_breakdown)\n")  # fmt: skip
    if s.message:
        w(f"  {s.message}\n")


def print_rejects(rejects: pl.DataFrame, out=sys.stderr) -> None:
    for r in rejects.sort("source", "row_number", nulls_last=True).iter_rows(named=True):
        where = f"{r['source']}"
        if r["row_number"] is not None:
            where += f" row {r['row_number']}"
        out.write(
            f"{where}: dwelling {r['dwelling_id']}, field {r['column']} = {r['value']!r} "
            f"[{r['check']}]: {r['message']}\n"
        )


def _fmt(v) -> str:
    if v is None:
        return ""
    if isinstance(v, Decimal):
        return f"{v.normalize():f}" if v == v.to_integral() else f"{v:f}".rstrip("0").rstrip(".")
    return str(v)


def print_explain(x: dict, dwelling_id: str, out=sys.stdout) -> None:
    s = x["score"]
    w = out.write
    w(f"Puntentelling {dwelling_id} ({s['kind']}), peildatum {s['peildatum']}")
    w(f", rules {x['rules']}" + (f", run {x['run_id']}" if x["run_id"] else "") + "\n")
    from schemas.lines import RUBRIEKEN

    order = {code: i for i, code in enumerate(RUBRIEKEN[s["kind"]])}
    lines = x["lines"].sort(
        pl.col("rubriek"), pl.col("line").str.contains(r"\.afronding"), pl.col("line")
    )
    breakdown = x["breakdown"].sort(pl.col("rubriek").replace_strict(order, default=99))
    for code, name, points in breakdown.select("rubriek", "rubriek_name", "points").iter_rows():
        w(f"\n{code}  {name:<64} {_fmt(points):>9}\n")
        for ln in lines.filter(pl.col("rubriek") == code).iter_rows(named=True):
            qty = f"{_fmt(ln['quantity'])} {ln['unit'] or ''}".strip()
            w(f"      {ln['label']:<52} {qty:>14} {_fmt(ln['points']):>9}\n")
    w(f"\nTotaal (exact) {_fmt(s['points_exact'])} -> {s['points']} punten, sector {s['sector']}\n")
    w(f"Maximale huurprijs EUR {s['max_rent']}")
    if s["surcharge_pct"]:
        w(f" + {_fmt(s['surcharge_pct'])} % opslag = EUR {s['max_rent_with_surcharge']}")
    w("\n")
    if s.get("woz_source"):
        w(f"WOZ-waarde gebruikt: EUR {s['woz_value_used']} (bron: {s['woz_source']})\n")


def print_changes(table: pl.DataFrame, limit: int, out=sys.stdout) -> None:
    if table.height == 0:
        out.write("no dwelling changed\n")
        return
    counts = dict(table.group_by("change").len().iter_rows())
    out.write(", ".join(f"{n:,} {k}" for k, n in sorted(counts.items())) + "\n")
    for r in table.head(limit).iter_rows(named=True):
        pts = f"{r['points_from']} -> {r['points_to']}"
        out.write(f"{r['dwelling_id']:<24} {r['change']:<11} {pts:<12} {r['reasons'] or ''}\n")
        if r["rubrieken"]:
            out.write(f"{'':<37}rubrieken: {r['rubrieken']}\n")
    if table.height > limit:
        out.write(f"... {table.height - limit:,} more (use --limit or --csv)\n")


def make_progress(log, *, quiet: bool, stream=None, every_seconds: float = 30.0):
    """Progress of a long run: a bar with dwellings done, rate and ETA on a terminal;
    a ``progress`` log line at most every ``every_seconds`` otherwise (and never quiet
    for logs). Returns ``(callback(done, total), close())``."""
    import time

    stream = stream or sys.stderr
    start = time.monotonic()
    state = {"last": start, "bar": None, "task": None}
    tty = hasattr(stream, "isatty") and stream.isatty() and not quiet

    def callback(done: int, total: int) -> None:
        elapsed = time.monotonic() - start
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = (total - done) / rate if rate and total > done else 0.0
        if tty:
            if state["bar"] is None:
                from rich.console import Console
                from rich.progress import (
                    BarColumn,
                    MofNCompleteColumn,
                    Progress,
                    TextColumn,
                    TimeRemainingColumn,
                )  # fmt: skip

                state["bar"] = Progress(
                    TextColumn("scoring"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.fields[rate]:,.0f} dwellings/s"), TimeRemainingColumn(),
                    console=Console(file=stream), transient=True,
                )  # fmt: skip
                state["bar"].start()
                state["task"] = state["bar"].add_task("score", total=total, rate=0.0)
            state["bar"].update(state["task"], completed=done, total=total, rate=rate)
        elif time.monotonic() - state["last"] >= every_seconds:  # short runs: no lines
            state["last"] = time.monotonic()
            log("progress", done=done, total=total, rate=round(rate), eta_seconds=round(eta))

    def close() -> None:
        if state["bar"] is not None:
            state["bar"].stop()

    return callback, close


def make_logger(fmt: str, stream=None):
    """Log lines for scheduled jobs: ``event key=value`` text, or one JSON object a line."""
    import json

    stream = stream or sys.stderr

    def log(event: str, **fields) -> None:
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        if fmt == "json":
            stream.write(json.dumps({"ts": now, "event": event, **fields}, default=str) + "\n")
        else:
            kv = " ".join(f"{k}={v}" for k, v in fields.items())
            stream.write(f"{now} wws {event} {kv}\n")
        stream.flush()

    return log


# --- main ------------------------------------------------------------------------------


def _today() -> dt.date:
    return dt.date.today()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _dispatch(args)
    except ExitError as exc:
        sys.stderr.write(f"wws: {exc.message}\n")
        return exc.code
    except BrokenPipeError:  # e.g. `wws explain X | head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        sys.stderr.write("wws: interrupted; nothing of this run was written\n")
        return 130


def _dispatch(args) -> int:
    from pipeline import run

    peildatum = getattr(args, "peildatum", None) or _today()
    if args.command == "score":
        from pipeline.store import StoreBusy

        log = make_logger(args.log_format)
        progress, progress_done = make_progress(log, quiet=args.quiet)
        try:
            summary = run.score_portfolio(
                args.portfolio,
                args.db,
                peildatum,
                engine=args.engine,
                max_reject_rate=args.max_reject_rate,
                lines=not args.no_lines,
                if_changed=args.if_changed,
                lock_timeout=args.lock_timeout,
                batch_size=args.batch_size,
                duckdb_memory=args.duckdb_memory,
                log=log,
                progress=progress,
            )
        except StoreBusy as exc:
            log("run_refused", error=str(exc))
            raise ExitError(2, str(exc)) from exc
        except ExitError as exc:
            log("run_refused", exit_code=exc.code, error=exc.message)
            raise
        except Exception as exc:
            raise ExitError(
                4, f"internal error, run stored as failed, earlier runs untouched: {exc}"
            ) from exc
        finally:
            progress_done()
        if summary.status == "unchanged":
            if not args.quiet:
                print(summary.message)
            return 0
        if summary.rejects.height:
            print_rejects(summary.rejects)
        if not args.quiet:
            print_summary(summary)
        if summary.status == "failed":
            sys.stderr.write(f"wws: run stored as failed: {summary.message}\n")
            return 1
        return 0
    if args.command == "validate":
        summary = run.validate_portfolio(args.portfolio, peildatum)
        print_rejects(summary.rejects, sys.stdout)
        n_ok = summary.dwellings_read - summary.dwellings_rejected
        print(
            f"{summary.dwellings_read} dwellings read, {n_ok} valid, "
            f"{summary.dwellings_rejected} rejected ({summary.rejects.height} problems)"
        )
        for warning in summary.warnings:
            print(f"note: {warning}")
        return 1 if summary.dwellings_rejected else 0
    if args.command == "reshape":
        summary = run.reshape_portfolio(args.portfolio, args.out, peildatum)
        print_rejects(summary.rejects)
        print(f"wrote {summary.dwellings_scored} dwellings to {args.out}"
              f" ({summary.dwellings_rejected} rejected)")  # fmt: skip
        return 0
    if args.command == "explain":
        if args.json_file:
            x = run.explain_body(args.json_file, peildatum)
            print_explain(x, x["score"]["dwelling_id"])
            return 0
        if not args.dwelling_id:
            raise ExitError(2, "explain needs a DWELLING_ID or --json FILE")
        x = run.explain_stored(args.db, args.dwelling_id, args.run)
        print_explain(x, args.dwelling_id)
        return 0
    if args.command == "changes":
        from pipeline import history

        table = history.changes(args.db, args.from_run, args.to_run)
        if args.csv:
            table.write_csv(args.csv)
        print_changes(table, args.limit)
        return 0
    if args.command == "prune":
        from pipeline import store

        con = store.connect(args.db)
        try:
            counts = store.prune(con, args.keep_runs)
        except ValueError as exc:
            raise ExitError(2, str(exc)) from exc
        finally:
            con.close()
        print("deleted " + ", ".join(f"{n:,} {t}" for t, n in counts.items()))
        return 0
    if args.command in ("woz", "report", "statement", "whatif"):
        return int(args.func(args) or 0)
    raise ExitError(2, f"unknown command {args.command}")  # pragma: no cover


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
