"""``make bench``: generate synthetic Parquet portfolios and score them end to end.

    python -m bench [--n 100000] [--mix F] [--sizes 100000,1000000,8200000]
                    [--batch-size B] [--lines-up-to N] [--timeout S] [--rss-cap-gib G]
                    [--sample 1000] [--peildatum 2026-07-01] [--seed S] [--workdir DIR]
                    [--keep] [--markdown FILE]

(``make bench N=... MIX=0.3 SIZES=100000,1000000``: ``MIX`` and ``SIZES`` from the
environment are the defaults of ``--mix`` and ``--sizes``.)

Per size (``--sizes``, default ``--n``), ``bench.scale``:

1. writes the portfolio as a Parquet folder in chunks of 200,000 dwellings
   (``bench.generate.write_chunked``; a fraction ``--mix`` non-independent: rooms in
   shared houses), in its own process;
2. runs ``python -m pipeline score PORTFOLIO --db X --peildatum P --quiet --no-lines`` (and
   without ``--no-lines`` for sizes up to ``--lines-up-to``, default 1,000,000; with
   ``--batch-size`` when given and ``wws score`` has it) as a fresh process: wall time,
   dwellings/s, CPU seconds and peak RSS (``wait4``), under a watchdog (``--timeout``,
   ``--rss-cap-gib``);
3. runs the DuckDB floor (``bench.floor``) on the same files with the same row counts;
4. prints a table (also as Markdown) and the issue's targets, met or not.

A size whose run would, extrapolated linearly from the previous size, pass ``--timeout``
is reported as not run. With a single size and no ``--sizes`` it also compares the
engines as before (``--sample`` dwellings for the reference; ``--sample 0`` skips it):
the orchestrator in process (``bench.e2e``) with its stage split, and scoring alone.

A benchmark, not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

from bench import scale
from bench.generate import write


def _code_version() -> str:
    """The commit measured, and whether pipeline/ or schemas/ had uncommitted changes."""
    root = Path(__file__).resolve().parent.parent
    try:
        sha = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "pipeline", "schemas"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown (no git)"
    return sha + (" + uncommitted changes in pipeline/ or schemas/" if dirty else "")


def _duckdb_version() -> str:
    import duckdb

    return duckdb.__version__


def _machine() -> str:
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",)
    return (
        f"{platform.machine()} {os.cpu_count()} cores (nproc), RAM {mem}, "
        f"load average {', '.join(f'{x:.2f}' for x in load)}, python {platform.python_version()}, "
        f"polars {pl.__version__}, duckdb {_duckdb_version()}"
    )


def _e2e(folder: Path, db: Path, peildatum: str, engine: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.e2e", str(folder), str(db), peildatum, engine],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _sizes(text: str) -> list[int]:
    return [int(float(x.replace("_", ""))) for x in text.split(",") if x.strip()]


def _sample_folder(full: Path, k: int, out: Path) -> Path:
    """The first ``k`` dwellings of the Parquet portfolio ``full`` (every table)."""
    ids = pl.scan_parquet(full / "dwellings.parquet").head(k).collect()["dwelling_id"]
    tables = {
        p.stem: pl.scan_parquet(p).filter(pl.col("dwelling_id").is_in(ids.implode())).collect()
        for p in sorted(full.glob("*.parquet"))
    }
    return write(tables, out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument(
        "--mix",
        type=float,
        default=float(os.environ.get("MIX") or 0.0),
        help="fraction of non-independent dwellings (default 0.0, or $MIX)",
    )
    ap.add_argument(
        "--sizes",
        default=os.environ.get("SIZES") or None,
        help="comma-separated portfolio sizes, one row each (default --n, or $SIZES)",
    )
    ap.add_argument("--batch-size", type=int, default=None, help="passed to wws score if it has it")
    ap.add_argument(
        "--lines-up-to", type=int, default=1_000_000, help="largest size scored with lines too"
    )
    ap.add_argument("--timeout", type=float, default=540.0, help="seconds per measured process")
    ap.add_argument("--rss-cap-gib", type=float, default=12.0, help="kill a run past this RSS")
    ap.add_argument("--sample", type=int, default=1_000, help="dwellings for the reference")
    ap.add_argument("--peildatum", default="2026-07-01")
    ap.add_argument("--seed", type=int, default=20260701)
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--keep", action="store_true", help="keep the generated files and databases")
    ap.add_argument("--markdown", default=None, help="also write the Markdown table to this file")
    args = ap.parse_args(argv)

    sizes = _sizes(args.sizes) if args.sizes else [args.n]
    work = Path(args.workdir or tempfile.mkdtemp(prefix="wws-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    machine_before = _machine()
    print(f"machine: {machine_before}")
    print(f"code: {_code_version()}")
    batching = scale.score_batch_size()
    print(
        "wws score --batch-size: "
        + (f"{args.batch_size or batching} (default {batching})" if batching else "not available")
    )
    rss_cap = int(args.rss_cap_gib * scale.GIB)
    startup = scale.measure(
        [sys.executable, "-m", "pipeline", "score", "--help"], args.timeout, rss_cap
    ).wall_s
    rows: list[scale.Row] = []
    gens: list[dict] = []
    prev: scale.Row | None = None
    for size in sizes:
        print(f"size {size:,}:")
        if prev is not None:
            s = prev.score
            if s is None or not s.ok:
                why = "the previous size did not finish"
            else:
                est = s.wall_s * size / prev.size
                why = (
                    f"extrapolated {est:.0f} s from {prev.size:,} > timeout {args.timeout:.0f} s"
                    if est > args.timeout
                    else ""
                )
            if why:
                print(f"  not run: {why}")
                rows.append(scale.Row(size, args.mix, False, "-", note=f"not run: {why}"))
                continue
        modes = [False] + ([True] if size <= args.lines_up_to else [])
        gen, got = scale.run_size(
            work, size, args.mix, args.seed, args.peildatum, modes,
            args.batch_size, batching, args.timeout, rss_cap,
        )  # fmt: skip
        gens.append(gen)
        rows += got
        prev = got[0]
        if not args.keep and args.sizes:
            shutil.rmtree(work / f"portfolio-{size}", ignore_errors=True)

    machine_after = _machine()
    table = scale.markdown(rows, startup)
    print()
    print(f"machine: {machine_after}")
    for line in _plain(rows):
        print(line)
    print()
    print("Markdown:")
    print()
    print(f"Machine: {machine_before.split(', python')[0]} (before); load after: "
          f"{machine_after.split('load average ')[1].split(', python')[0]}.\n")  # fmt: skip
    print(table)
    print("Targets (issue 6):")
    for t in scale.targets(rows):
        print(f"- {t}")
    if args.markdown:
        Path(args.markdown).write_text(table)

    if not args.sizes and args.sample > 0:
        print()
        _compare_engines(work / f"portfolio-{sizes[0]}", work, args)
    if not args.keep and args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _plain(rows: list[scale.Row]) -> list[str]:
    out = [
        f"{'dwellings':>10} {'mix':>4} {'lines':5} {'batch':>8} {'wall s':>8} {'dw/s':>9} "
        f"{'cpu s':>7} {'RSS GiB':>7} {'floor s':>7} {'x floor':>7}"
    ]
    for r in rows:
        s = r.score
        if s is None or not s.ok:
            out.append(f"{r.size:>10,} {r.mix:>4.0%} {'on' if r.lines else 'off':5} {r.note}")
            continue
        f = f"{r.floor_s:7.1f}" if r.floor_s else f"{'-':>7}"
        x = f"{s.wall_s / r.floor_s:6.1f}x" if r.floor_s else f"{'-':>7}"
        out.append(
            f"{r.size:>10,} {r.mix:>4.0%} {'on' if r.lines else 'off':5} {r.batch_size:>8} "
            f"{s.wall_s:8.1f} {r.dw_per_s:9,.0f} {s.cpu_s:7.1f} {s.peak_rss / scale.GIB:7.2f} "
            f"{f} {x}"
        )
    return out


def _compare_engines(full: Path, work: Path, args: argparse.Namespace) -> None:
    """The engine/reference comparison of issue 3 (single size)."""
    sample = _sample_folder(full, args.sample, work / "sample")
    results = {
        "engine": _e2e(full, work / "engine.duckdb", args.peildatum, "vectorised"),
        "engine_sample": _e2e(sample, work / "engine_sample.duckdb", args.peildatum, "vectorised"),
        "reference_sample": _e2e(sample, work / "reference.duckdb", args.peildatum, "reference"),
    }
    for name, r in results.items():
        r["dw_per_s"] = r["dwellings"] / r["wall_s"]
        split = ", ".join(f"{k} {v:.2f}s" for k, v in r["stages_s"].items())
        print(
            f"{name:17s} {r['dwellings']:>8,} dwellings  {r['wall_s']:7.2f} s "
            f"(cpu {r['cpu_s']:.2f} s)  "
            f"{r['dw_per_s']:>9,.0f} dwellings/s  peak RSS {r['peak_rss_mb']:,.0f} MB  ({split})"
        )
        if r["engine_stages_s"]:
            inner = ", ".join(f"{k} {v:.2f}s" for k, v in r["engine_stages_s"].items())
            print(f"{'':17s} engine stages: {inner}")
    # the scoring stage alone, in this process, wall and CPU seconds (robust to other load)
    import datetime as dt

    from pipeline.engine import score_frames as engine_score
    from pipeline.reference import score_frames as reference_score
    from pipeline.validate import load_portfolio

    pd = dt.date.fromisoformat(args.peildatum)
    stage = {}
    for name, folder, fn in (
        ("engine", full, engine_score),
        ("reference", sample, reference_score),
    ):
        frames = load_portfolio(folder, pd).frames
        t, c = time.perf_counter(), time.process_time()
        fn(frames, pd).lines_for_store  # noqa: B018 - the engine builds its lines when read
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        n = frames["dwellings"].height
        stage[name] = (n, wall, cpu)
        print(
            f"scoring only      {name:9s} {n:>8,} dwellings  {wall:7.2f} s (cpu {cpu:.2f} s)  "
            f"{n / wall:>9,.0f} dwellings/s  {n / cpu:>9,.0f} dwellings per CPU-second"
        )
    (en, ew, ec), (rn, rw, rc) = stage["engine"], stage["reference"]
    print(
        f"engine/reference, scoring only: {(en / ew) / (rn / rw):,.0f}x wall-clock, "
        f"{(en / ec) / (rn / rc):,.0f}x per CPU-second"
    )
    eng, ref = results["engine"], results["reference_sample"]
    e2e_ratio = eng["dw_per_s"] / ref["dw_per_s"]
    score_ratio = (eng["dwellings"] / eng["stages_s"]["score"]) / (
        ref["dwellings"] / ref["stages_s"]["score"]
    )
    print(
        f"engine/reference throughput: end to end {e2e_ratio:,.0f}x, "
        f"scoring stage {score_ratio:,.0f}x (engine on {eng['dwellings']:,}, "
        f"reference on {ref['dwellings']:,})"
    )
    print(
        f"targets (issue 3): >= 50,000 dwellings/s end to end -> {eng['dw_per_s']:,.0f}; "
        f">= 300x the reference -> {e2e_ratio:,.0f}x"
    )


if __name__ == "__main__":
    raise SystemExit(main())
