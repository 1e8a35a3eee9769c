"""One measured end-to-end run in its own process (so peak RSS and start-up are its own).

``python -m bench.e2e FOLDER DB PEILDATUM ENGINE`` prints one JSON object: wall seconds
from reading the input to the committed DuckDB transaction (interpreter start-up and
imports excluded), the stage split (load/validate, score, the rest = WOZ cache, store,
summary) and the peak RSS of this process.
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import sys
import time


def main(folder: str, db: str, peildatum: str, engine: str) -> dict:
    import pipeline.run as run  # imports before the clock starts

    pd = dt.date.fromisoformat(peildatum)
    stages: dict[str, float] = {}
    real_load, real_score = run.load, run.score_frames

    def load(*a, **k):
        t = time.perf_counter()
        out = real_load(*a, **k)
        stages["read+validate"] = time.perf_counter() - t
        return out

    def score(*a, **k):
        t = time.perf_counter()
        out = real_score(*a, **k)
        # the engine builds its lines when first read (in a run: on the writer thread);
        # built here, the stage holds all the scoring work, as the reference's does
        out.lines_for_store  # noqa: B018
        stages["score"] = stages.get("score", 0.0) + time.perf_counter() - t
        return out

    run.load, run.score_frames = load, score
    t0, c0 = time.perf_counter(), time.process_time()
    summary = run.score_portfolio(folder, db, pd, engine=engine)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    from pipeline.engine import score as engine_score

    return {
        "engine": engine,
        "dwellings": summary.dwellings_scored,
        "rejected": summary.dwellings_rejected,
        "status": summary.status,
        "wall_s": wall,
        # CPU seconds of this process (all threads): robust to other load on the machine
        "cpu_s": cpu,
        "stages_s": {**stages, "rest (woz cache, store, summary)": wall - sum(stages.values())},
        "engine_stages_s": dict(engine_score.TIMINGS) if engine == "vectorised" else {},
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:5])))
