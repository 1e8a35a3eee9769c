"""``make bench``: generate a synthetic portfolio, score it end to end with both engines.

    python -m bench [--n 100000] [--sample 1000] [--peildatum 2026-07-01] [--seed S]
                    [--workdir DIR] [--keep]

1. writes N independent dwellings as a Parquet folder (``bench.generate``);
2. runs ``wws score``'s orchestrator (``pipeline.run.score_portfolio``: read, validate,
   reshape, score, write DuckDB in one transaction) with the vectorised engine on all N,
   in a fresh process (interpreter start-up excluded from the clock);
3. runs the same with the reference engine on the first ``--sample`` dwellings;
4. prints dwellings/second, the stage split, peak RSS, and the engine/reference ratios
   (end to end, and for the scoring stage alone).

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

from bench.generate import generate, write


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
        f"polars {pl.__version__}"
    )


def _e2e(folder: Path, db: Path, peildatum: str, engine: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.e2e", str(folder), str(db), peildatum, engine],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _sample(tables: dict[str, pl.DataFrame], k: int) -> dict[str, pl.DataFrame]:
    ids = tables["dwellings"]["dwelling_id"].head(k)
    return {
        name: df.filter(pl.col("dwelling_id").is_in(ids.implode())) for name, df in tables.items()
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--sample", type=int, default=1_000, help="dwellings for the reference")
    ap.add_argument("--peildatum", default="2026-07-01")
    ap.add_argument("--seed", type=int, default=20260701)
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--keep", action="store_true", help="keep the generated files and databases")
    args = ap.parse_args(argv)

    work = Path(args.workdir or tempfile.mkdtemp(prefix="wws-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"machine: {_machine()}")
    t = time.perf_counter()
    tables = generate(args.n, seed=args.seed)
    full = write(tables, work / "portfolio")
    sample = write(_sample(tables, args.sample), work / "sample")
    rows = sum(df.height for name, df in tables.items() if name != "dwellings")
    print(
        f"generated {args.n:,} dwellings, {rows:,} space rows "
        f"({rows / args.n:.1f} per dwelling) in {time.perf_counter() - t:.1f} s -> {full}"
    )

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
        fn(frames, pd)
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
        f"targets: >= 50,000 dwellings/s end to end -> {eng['dw_per_s']:,.0f}; "
        f">= 300x the reference -> {e2e_ratio:,.0f}x"
    )
    if not args.keep and args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
