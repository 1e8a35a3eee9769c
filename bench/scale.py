"""Scale benchmark (issue 6): per portfolio size, ``wws score`` as a fresh process against
the DuckDB floor on the same Parquet files, on the same machine, in the same run.

Every measured program runs as its own subprocess; its wall time is taken from outside
(interpreter start-up and imports included), its CPU seconds and peak RSS from
``os.wait4`` (the kernel's ``ru_maxrss`` of that child). A watchdog kills a run that passes
``timeout`` seconds or ``rss_cap`` bytes of resident memory and reports it as not finished.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

GIB = 1024**3


@dataclass
class Measured:
    wall_s: float
    cpu_s: float
    peak_rss: int  # bytes
    rc: int | None
    killed: str = ""  # "", "timeout", "rss"
    stdout: str = ""
    stderr: str = ""

    @property
    def ok(self) -> bool:
        return self.rc == 0 and not self.killed


def measure(cmd: list[str], timeout: float, rss_cap: int) -> Measured:
    """Run ``cmd``; wall from outside, CPU and peak RSS of the child from ``wait4``."""
    out_path = Path(f"/tmp/wws-bench-{os.getpid()}-out.txt")
    err_path = Path(f"/tmp/wws-bench-{os.getpid()}-err.txt")
    with out_path.open("w") as out, err_path.open("w") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        killed, peak_seen = "", 0
        while True:
            pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            elapsed = time.perf_counter() - t0
            try:
                for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        peak_seen = max(peak_seen, int(line.split()[1]) * 1024)
            except OSError:
                pass
            if not killed and (elapsed > timeout or peak_seen > rss_cap):
                killed = "timeout" if elapsed > timeout else "rss"
                os.kill(proc.pid, signal.SIGKILL)
            time.sleep(0.05)
        wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    m = Measured(
        wall_s=wall,
        cpu_s=ru.ru_utime + ru.ru_stime,
        peak_rss=max(ru.ru_maxrss * 1024, peak_seen),
        rc=proc.returncode,
        killed=killed,
        stdout=out_path.read_text(),
        stderr=err_path.read_text()[-4000:],
    )
    out_path.unlink(missing_ok=True)
    err_path.unlink(missing_ok=True)
    return m


def score_batch_size() -> str | None:
    """None when ``wws score`` has no ``--batch-size``; else its default as printed."""
    out = subprocess.run(
        [sys.executable, "-m", "pipeline", "score", "--help"], capture_output=True, text=True
    ).stdout
    if "--batch-size" not in out:
        return None
    option = out.split("--batch-size N", 2)[-1].split("\n  -")[0]  # its own help paragraph
    m = re.search(r"\(default (\d+)\)", option)
    return m.group(1) if m else "default"


def progress_done(stderr: str) -> int | None:
    """Dwellings done by the last ``wws progress`` log line (a run that was killed)."""
    done = re.findall(r"progress done=(\d+)", stderr)
    return int(done[-1]) if done else None


def _rm_db(db: Path) -> None:
    for p in (db, db.with_name(db.name + ".wal")):
        p.unlink(missing_ok=True)


def _db_counts(db: Path) -> dict:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        run = con.execute(
            "SELECT status, dwellings_read, dwellings_scored, dwellings_rejected FROM runs "
            "ORDER BY started_at DESC LIMIT 1"
        ).fetchone()
        counts = {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("scores", "breakdown", "breakdown_lines")
        }
        kinds = dict(con.execute("SELECT kind, count(*) FROM scores GROUP BY kind").fetchall())
    finally:
        con.close()
    return {
        "status": run[0],
        "read": run[1],
        "scored": run[2],
        "rejected": run[3],
        **counts,
        "non_independent": kinds.get("non_independent", 0),
    }


@dataclass
class Row:
    size: int
    mix: float
    lines: bool
    batch_size: str
    score: Measured | None = None
    floor: Measured | None = None
    counts: dict = field(default_factory=dict)
    note: str = ""

    @property
    def dw_per_s(self) -> float | None:
        if self.score and self.score.ok:
            return self.counts.get("scored", self.size) / self.score.wall_s
        return None

    @property
    def floor_s(self) -> float | None:
        return self.floor.wall_s if self.floor and self.floor.ok else None


def run_size(
    work: Path,
    size: int,
    mix: float,
    seed: int,
    peildatum: str,
    lines_modes: list[bool],
    batch_size: int | None,
    batching: str | None,
    timeout: float,
    rss_cap: int,
    log=print,
) -> tuple[dict, list[Row]]:
    """Generate one portfolio, then per lines mode: score it, then the floor."""
    folder = work / f"portfolio-{size}"
    shutil.rmtree(folder, ignore_errors=True)
    gen = measure(
        [sys.executable, "-m", "bench.generate", str(folder), str(size), str(mix), str(seed)],
        timeout,
        rss_cap,
    )
    if not gen.ok:
        raise RuntimeError(f"generator failed ({gen.killed or gen.rc}): {gen.stderr}")
    info = json.loads(gen.stdout.strip().splitlines()[-1])
    disk = sum(p.stat().st_size for p in folder.glob("*.parquet"))
    spaces = sum(v for k, v in info["rows"].items() if k != "dwellings")
    gen_info = {
        "size": size,
        "wall_s": gen.wall_s,
        "peak_rss": gen.peak_rss,
        "spaces": spaces,
        "parquet_bytes": disk,
    }
    log(
        f"  generated {size:,} dwellings ({mix:.0%} non-independent), {spaces:,} space rows "
        f"({spaces / size:.1f} per dwelling), {disk / 1e6:,.0f} MB Parquet in "
        f"{gen.wall_s:.1f} s, generator peak RSS {gen.peak_rss / GIB:.2f} GiB"
    )
    rows = []
    bs = "-" if not batching else str(batch_size or batching)
    bs = f"{int(bs):,}" if bs.isdigit() else bs
    for lines in lines_modes:
        row = Row(size, mix, lines, bs)
        db = work / f"score-{size}-{'lines' if lines else 'nolines'}.duckdb"
        _rm_db(db)
        cmd = [sys.executable, "-m", "pipeline", "score", str(folder), "--db", str(db)]
        cmd += ["--peildatum", peildatum, "--quiet"]
        if not lines:
            cmd.append("--no-lines")
        if batching and batch_size:
            cmd += ["--batch-size", str(batch_size)]
        log(f"  {' '.join(cmd[1:])}")
        row.score = measure(cmd, timeout, rss_cap)
        if row.score.ok:
            row.counts = _db_counts(db)
            log(
                f"    {row.score.wall_s:.1f} s, cpu {row.score.cpu_s:.1f} s, peak RSS "
                f"{row.score.peak_rss / GIB:.2f} GiB; db: {row.counts}"
            )
        else:
            why = {"rss": f"killed at RSS > {rss_cap / GIB:.0f} GiB", "timeout": "timeout"}.get(
                row.score.killed, f"exit {row.score.rc}"
            )
            done = progress_done(row.score.stderr)
            if done:
                why += f", {done:,} of {size:,} dwellings done"
            row.note = f"not finished: {why} after {row.score.wall_s:.0f} s"
            log(
                f"    NOT FINISHED ({why}) after {row.score.wall_s:.1f} s: "
                f"{row.score.stderr[-600:]}"
            )
        _rm_db(db)
        n_lines = row.counts.get("breakdown_lines", 0) if lines else 0
        if lines and not n_lines:
            row.note += "; floor with lines not run (no line count)"
        else:
            fdb = work / f"floor-{size}.duckdb"
            _rm_db(fdb)
            row.floor = measure(
                [sys.executable, "-m", "bench.floor", str(folder), str(fdb), str(n_lines)],
                timeout,
                rss_cap,
            )
            _rm_db(fdb)
            if row.floor.ok:
                log(
                    f"    floor {row.floor.wall_s:.1f} s, peak RSS "
                    f"{row.floor.peak_rss / GIB:.2f} GiB ({row.floor.stdout.strip()})"
                )
            else:
                row.note += f"; floor not finished: {row.floor.killed or row.floor.rc}"
                log(f"    floor NOT FINISHED: {row.floor.stderr[-600:]}")
        rows.append(row)
    return gen_info, rows


def _n(size: int) -> str:
    for unit, div in (("M", 1_000_000), ("k", 1_000)):
        if size >= div and size % (div // 10) == 0:
            v = size / div
            return f"{v:g}{unit}"
    return f"{size:,}"


def markdown(rows: list[Row], startup_s: float | None) -> str:
    head = (
        "| dwellings | non-indep. | lines | batch size | wall s | dwellings/s | CPU s "
        "| peak RSS GiB | floor s | floor RSS GiB | wall / floor |\n"
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    body = []
    for r in rows:
        s = r.score
        if s is None:
            body.append(
                f"| {_n(r.size)} | {r.mix:.0%} | {'on' if r.lines else 'off'} | {r.batch_size} "
                f"| {r.note} | | | | | | |"
            )
            continue
        if s.ok:
            wall, dps = f"{s.wall_s:.1f}", f"{r.dw_per_s:,.0f}"
        else:
            wall, dps = r.note, ""
        floor = f"{r.floor_s:.1f}" if r.floor_s else "-"
        frss = f"{r.floor.peak_rss / GIB:.2f}" if r.floor_s else "-"
        ratio = f"{s.wall_s / r.floor_s:.1f}x" if (r.floor_s and s.ok) else "-"
        body.append(
            f"| {_n(r.size)} | {r.mix:.0%} | {'on' if r.lines else 'off'} | {r.batch_size} "
            f"| {wall} | {dps} | {s.cpu_s:.1f} | {s.peak_rss / GIB:.2f} | {floor} | {frss} "
            f"| {ratio} |"
        )
    foot = ""
    if startup_s is not None:
        foot = (
            f"\nWall s is the whole `python -m pipeline score` process (start-up and imports "
            f"included: {startup_s:.1f} s for `wws score --help` on this machine).\n"
        )
    return head + "\n".join(body) + "\n" + foot


def targets(rows: list[Row]) -> list[str]:
    """The issue's targets, checked against the rows measured (None when not measured)."""
    by = {(r.size, r.lines): r for r in rows}
    out = []

    def ok(b: bool) -> str:
        return "met" if b else "NOT met"

    one = by.get((1_000_000, False))
    if one and one.score and one.score.ok:
        s = one.score
        out.append(
            f"1M, --no-lines: {s.wall_s:.1f} s (<= 20 s: {ok(s.wall_s <= 20)}), peak RSS "
            f"{s.peak_rss / GIB:.2f} GiB (<= 4 GiB: {ok(s.peak_rss <= 4 * GIB)})"
        )
        lines = by.get((1_000_000, True))
        if lines and lines.score and lines.score.ok:
            q = lines.score.wall_s / s.wall_s
            out.append(f"1M with lines / without: {q:.2f}x (<= 2x: {ok(q <= 2)})")
    else:
        out.append("1M, --no-lines: not measured")
    big = by.get((8_200_000, False))
    if big and big.score and big.score.ok:
        s = big.score
        out.append(
            f"8.2M, --no-lines: {s.wall_s:.1f} s (<= 180 s: {ok(s.wall_s <= 180)}), peak RSS "
            f"{s.peak_rss / GIB:.2f} GiB (<= 6 GiB: {ok(s.peak_rss <= 6 * GIB)})"
        )
    else:
        out.append("8.2M, --no-lines: not measured" + (f" ({big.note})" if big else ""))
    for r in rows:
        if r.score and r.score.ok and r.floor_s:
            q = r.score.wall_s / r.floor_s
            out.append(
                f"{_n(r.size)} lines {'on' if r.lines else 'off'}: {q:.1f}x the DuckDB floor "
                f"(<= 3x: {ok(q <= 3)})"
            )
    return out
