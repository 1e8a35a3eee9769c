"""``wws report``, ``wws statement``, ``wws whatif``: ``register(subparsers)`` adds them.

Each subparser sets ``func``; the dispatcher calls ``args.func(args)`` and exits with its
return value. Errors are :class:`pipeline.run.ExitError` (exit 2 for usage and input
problems, 3 for a peildatum without rules), printed by ``pipeline.cli.main``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from exc


def register(subparsers: Any) -> None:
    """Add ``report``, ``statement`` and ``whatif`` to an argparse subparsers object."""
    r = subparsers.add_parser(
        "report", help="one self-contained HTML report of a run (charts, near-boundary, rents, "
        "rejects, changes)", description="Write the portfolio report of one run as a single "
        "HTML file that opens without a network (docs/reports.md).",
    )  # fmt: skip
    r.add_argument("--db", default="wws.duckdb", help="DuckDB file (default wws.duckdb)")
    r.add_argument("--run", default=None, help="run id (default: the latest succeeded run)")
    r.add_argument("--out", required=True, help="output .html file")
    r.set_defaults(func=cmd_report)

    s = subparsers.add_parser(
        "statement", help="printable puntentelling (Dutch) of one dwelling, or one per dwelling",
        description="Write the puntentelling of a scored dwelling in Dutch (HTML, or PDF with "
        "--pdf). Batch: --all or --where CONDITION with --out-dir DIR (docs/reports.md).",
    )  # fmt: skip
    s.add_argument("dwelling_id", nargs="?", metavar="DWELLING_ID")
    s.add_argument("--db", default="wws.duckdb", help="DuckDB file (default wws.duckdb)")
    s.add_argument("--run", default=None, help="run id (default: the latest succeeded run)")
    s.add_argument("--out", default=None, help="output file for one dwelling")
    s.add_argument("--all", dest="all_", action="store_true", help="every dwelling of the run")
    s.add_argument("--where", default=None, metavar="CONDITION",
                   help="SQL condition on scores, e.g. \"sector = 'social' AND points > 140\"")
    s.add_argument("--out-dir", default=None, help="folder for --all / --where (one file each)")
    s.add_argument("--pdf", action="store_true", help="write PDF instead of HTML (fpdf2)")
    s.set_defaults(func=cmd_statement)

    w = subparsers.add_parser(
        "whatif", help="score a modified portfolio next to its baseline and compare",
        description="Apply --set FIELD=VALUE to the rows where --where holds, score baseline "
        "and scenario, store both (status 'baseline' / 'scenario', table scenarios) and "
        "print the gain per dwelling and in total (docs/reports.md).",
    )  # fmt: skip
    w.add_argument("portfolio", metavar="PORTFOLIO", help="folder of tables, or a .jsonl file")
    w.add_argument("--set", dest="sets", action="append", default=[], metavar="FIELD=VALUE",
                   required=True,
                   help="repeatable; TABLE.FIELD=VALUE when several tables have FIELD")
    w.add_argument("--where", required=True, metavar="CONDITION",
                   help="SQL condition on the table that has the field, e.g. "
                        "\"energy_label in ('E','F','G')\"")  # fmt: skip
    w.add_argument("--db", default="wws.duckdb", help="DuckDB file (default wws.duckdb)")
    w.add_argument("--peildatum", type=_date, default=None, help="YYYY-MM-DD (default today)")
    w.add_argument("--engine", choices=("vectorised", "reference"), default="vectorised")
    w.add_argument("--name", default=None, help="scenario name (default: the --set and --where)")
    w.add_argument("--out", default=None, help="CSV with one row per changed dwelling")
    w.add_argument("--limit", type=int, default=40, help="rows printed (default 40; CSV has all)")
    w.set_defaults(func=cmd_whatif)


# --- commands --------------------------------------------------------------------------


def cmd_report(args) -> int:
    from pipeline.report.dashboard import write_report

    r = write_report(args.db, args.out, args.run)
    s = r["summary"]
    prev = r["previous"]["run_id"] if r["previous"] else "none"
    print(f"wrote {args.out}: run {r['run']['run_id']}, {s['n']:,} dwellings scored, "
          f"{r['near'].height:,} near a boundary, {r['over_rent'].height:,} above the maximum "
          f"rent, compared with {prev}")  # fmt: skip
    return 0


def cmd_statement(args) -> int:
    from pipeline.report.statement import write_statements
    from pipeline.run import ExitError

    batch = args.all_ or args.where
    if args.dwelling_id and batch:
        raise ExitError(2, "give either a DWELLING_ID or --all / --where, not both")
    files = write_statements(
        args.db, dwelling_id=args.dwelling_id, run_id=args.run, out=args.out,
        out_dir=args.out_dir, where=args.where, all_=args.all_, pdf=args.pdf,
    )  # fmt: skip
    if args.dwelling_id:
        print(f"wrote {files[0]}")
    else:
        print(f"wrote {len(files):,} statements to {args.out_dir}")
    return 0


def cmd_whatif(args) -> int:
    from pipeline.report.whatif import run_whatif

    res = run_whatif(
        args.portfolio, args.sets, args.where, db=args.db,
        peildatum=args.peildatum or dt.date.today(), engine=args.engine, name=args.name,
    )  # fmt: skip
    print_whatif(res, limit=args.limit)
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        res.comparison.drop("change").write_csv(out)
        print(f"  per dwelling: {out}")
    return 0


def print_whatif(res, out=None, limit: int = 40) -> None:
    w = (out or sys.stdout).write
    t = res.totals
    w(f"wws whatif: {res.name}\n")
    w(f"  dwellings modified   {t['dwellings_modified']:>9,}  ({res.rows_modified:,} table rows)\n")
    w(f"  dwellings changed    {t['dwellings_changed']:>9,}  (points, maximum rent or sector)\n")
    w(f"  points gained        {t['points_gain']:>+9,}\n")
    w(f"  max rent gained      EUR {t['max_rent_gain']:>+12,.2f} per month  "
      f"(EUR {t['max_rent_gain'] * 12:+,.2f} per year)\n")  # fmt: skip
    if res.sector_moves.height:
        moves = ", ".join(f"{a} -> {b} {n:,}" for a, b, n in res.sector_moves.iter_rows())
        w(f"  sector moves         {moves}\n")
    else:
        w("  sector moves         none\n")
    cmp = res.comparison.sort("points_delta", "dwelling_id", descending=[True, False])
    if cmp.height:
        w("\n  dwelling                points          max rent (EUR)              sector\n")
        for r in cmp.head(limit).iter_rows(named=True):
            sector = r["sector_before"] if r["sector_before"] == r["sector_after"] else (
                f"{r['sector_before']} -> {r['sector_after']}")  # fmt: skip
            w(f"  {r['dwelling_id']:<20} {r['points_before']:>4} -> {r['points_after']:<4}"
              f" {r['points_delta']:>+4}   {r['max_rent_before']:>8} -> {r['max_rent_after']:<8}"
              f" {r['max_rent_delta']:>+8}   {sector}\n")  # fmt: skip
        if cmp.height > limit:
            w(f"  ... {cmp.height - limit:,} more (--out FILE.csv writes all)\n")
    w(f"\n  runs: baseline {res.baseline_run_id}, scenario {res.scenario_run_id} "
      "(status 'baseline'/'scenario'; table scenarios; `wws report --run "
      f"{res.scenario_run_id}` compares them)\n")  # fmt: skip
