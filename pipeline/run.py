"""Orchestration: one function per command, calling the stages in order.

ingest/validate -> (WOZ cache) -> score (engine or reference) -> store, and the run
summary. The command line (``pipeline.cli``) only parses arguments and prints.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import importlib.util
import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipeline import __version__, store
from pipeline.inputs import fingerprints, input_rows
from pipeline.rules import legal_date_for, rules_label
from schemas import output as O
from schemas.frames import without_energy_basis

ENGINES = ("vectorised", "reference")


class ExitError(Exception):
    """An error that ends a command with a contract exit code and a message."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class RunSummary:
    """What a run did. ``scores``: ``points`` and ``sector`` of every dwelling scored (for
    the summary's distribution; the results themselves are in the database)."""

    run_id: str | None
    db: str | None
    peildatum: dt.date
    dwellings_read: int
    dwellings_scored: int
    dwellings_rejected: int
    status: str
    scores: pl.DataFrame
    rejects: pl.DataFrame
    warnings: list[str] = field(default_factory=list)
    reject_rate: float = 0.0
    message: str | None = None


def check_peildatum(peildatum: dt.date) -> None:
    """Exit 3 when no rule set covers the peildatum (independent rules are the minimum)."""
    from pipeline.rules import PeildatumNotCovered

    try:
        legal_date_for("independent", peildatum)
    except PeildatumNotCovered as exc:
        raise ExitError(3, str(exc)) from exc


def load(path: str | Path, peildatum: dt.date):
    from pipeline.ingest import UnreadableInput
    from pipeline.validate import load_portfolio

    try:
        return load_portfolio(Path(path), peildatum)
    except UnreadableInput as exc:
        raise ExitError(2, str(exc)) from exc


def supported_kinds(engine: str) -> set[str]:
    if engine == "reference":
        kinds = {"independent"}
        if importlib.util.find_spec("pipeline.reference.onzelfstandig"):
            kinds.add("non_independent")
        return kinds
    mod = importlib.import_module("pipeline.engine")
    return set(getattr(mod, "SUPPORTED_KINDS", {"independent"}))


def score_frames(
    frames, peildatum: dt.date, engine: str, *, lines: bool = True, energy_fallback: bool = False
) -> O.ScoredFrames:
    """Score with the chosen engine. ``energy_fallback`` asks the vectorised engine for the
    label-expiry scores in the same pass (the reference leaves it to ``_label_fallback``)."""
    if engine == "reference":
        from pipeline.reference import score_frames as reference

        return reference(frames, peildatum, lines=lines)
    from pipeline.engine import score_frames as vectorised

    return vectorised(frames, peildatum, lines=lines, energy_fallback=energy_fallback)


def _drop_dwellings(frames: dict[str, pl.DataFrame], ids: pl.Series) -> dict[str, pl.DataFrame]:
    return {
        name: df.filter(~pl.col("dwelling_id").is_in(ids.implode())) for name, df in frames.items()
    }


def _unsupported(frames, kinds: set[str]) -> tuple[dict[str, pl.DataFrame], pl.DataFrame]:
    d = frames["dwellings"]
    bad = d.filter(~pl.col("kind").is_in(sorted(kinds)))
    if bad.height == 0:
        return frames, O.empty(O.REJECTS)
    rejects = bad.select(
        pl.lit("dwellings").alias("source"),
        pl.lit(None, pl.Int64).alias("row_number"),
        pl.col("dwelling_id"),
        pl.lit("kind").alias("column"),
        pl.lit("kind_supported").alias("check"),
        pl.col("kind").alias("value"),
        pl.format(
            "{} dwellings are not supported yet by this version; the dwelling was not "
            "scored. Score it separately once support lands.",
            pl.col("kind"),
        ).alias("message"),
    )
    return _drop_dwellings(frames, bad["dwelling_id"]), rejects


def resolve_woz(con, dwellings: pl.DataFrame, peildatum: dt.date) -> pl.DataFrame:
    """Fill WOZ values from the cache (``wws woz fetch`` / ``wws woz import``) when the
    WOZ module is present; else the portfolio values are used as they are."""
    if importlib.util.find_spec("pipeline.woz") is None:
        return dwellings
    woz = importlib.import_module("pipeline.woz")
    if not hasattr(woz, "resolve_woz"):
        return dwellings
    return woz.resolve_woz(con, dwellings, peildatum)


def _label_fallback(
    frames, peildatum: dt.date, engine: str, fallback: pl.DataFrame | None = None
) -> pl.DataFrame:
    """For each dwelling whose energy points come from a label or index: the points and
    maximum rent after falling back to the build-year table (``label_expiry`` view).

    ``fallback``: those scores for every dwelling, when the engine computed them in its
    own pass (``ScoredFrames.energy_fallback``); otherwise the labelled dwellings are
    scored a second time with label and index emptied."""
    d = frames["dwellings"]
    using = ((pl.col("energy_label") != "") | pl.col("energy_index_existence")) & ~pl.col(
        "energy_performance_compensation"
    ).fill_null(False)
    subset = d.filter(using)
    if subset.height == 0:
        return O.empty(LABEL_FALLBACK)
    if fallback is not None:
        after = fallback
    else:
        ids = subset["dwelling_id"].implode()
        alt = {name: df.filter(pl.col("dwelling_id").is_in(ids)) for name, df in frames.items()}
        alt["dwellings"] = without_energy_basis(alt["dwellings"])
        after = score_frames(alt, peildatum, engine, lines=False).scores
    return subset.select(
        "dwelling_id",
        pl.when(pl.col("energy_label") != "")
        .then(pl.lit("label"))
        .otherwise(pl.lit("energie_index"))
        .alias("energy_basis"),
        pl.col("energy_label_valid_until").alias("valid_until"),
    ).join(
        after.select(
            "dwelling_id",
            pl.col("points").alias("points_after"),
            pl.col("max_rent").alias("max_rent_after"),
            pl.col("sector").alias("sector_after"),
        ),
        on="dwelling_id",
    )


LABEL_FALLBACK = {
    "dwelling_id": pl.String,
    "energy_basis": pl.String,
    "valid_until": pl.Date,
    "points_after": pl.Int32,
    "max_rent_after": O.MONEY,
    "sector_after": pl.String,
}


def run_fingerprint(input_sha: str, peildatum: dt.date, rules: str, engine: str, woz: str) -> str:
    """What a run's result depends on: input, peildatum, rule sets, engine and WOZ cache."""
    text = f"{input_sha}|{peildatum.isoformat()}|{rules}|{__version__}|{engine}|{woz}"
    return hashlib.sha256(text.encode()).hexdigest()


def _woz_cache_state(con) -> str:
    """A cheap fingerprint of the WOZ cache (``wws woz fetch`` / ``import`` change it)."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'woz_values'"
    ).fetchall()[0][0]
    if not exists:
        return "none"
    row = con.execute("SELECT count(*), coalesce(sum(hash(COLUMNS(*))), 0) FROM woz_values")
    return ":".join(str(v) for v in row.fetchall()[0])


DEFAULT_BATCH_SIZE = 200_000


class _Overlap:
    """Runs each batch's DuckDB append on one background thread while the main thread
    reads, validates and scores the next batch (DuckDB and polars release the GIL), so
    both cores work. At most one append is in flight: ``submit`` first waits for the
    previous one, so memory holds two batches' results at most, and an append's error is
    raised in the main thread at the next ``submit``/``wait`` (then the run fails and its
    transaction is rolled back as before)."""

    def __init__(self) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wws-writer")
        self._pending = None

    def submit(self, fn, *args, **kwargs) -> None:
        self.wait()
        self._pending = self._pool.submit(fn, *args, **kwargs)

    def wait(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def __enter__(self) -> _Overlap:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        # on an error elsewhere, let an append in flight finish before the rollback
        try:
            if exc_type is not None and self._pending is not None:
                self._pending.exception()
        finally:
            self._pool.shutdown(wait=True)


#: DuckDB's memory limit during ``wws score`` (docs/bench.md, item 14): enough for its
#: inserts and the ``dwelling_inputs`` check of 8.2M dwellings, spilling to disk beyond
DEFAULT_DUCKDB_MEMORY = "1GB"


def score_portfolio(
    path: str | Path,
    db: str | Path,
    peildatum: dt.date,
    *,
    engine: str = "vectorised",
    max_reject_rate: float | None = None,
    lines: bool = True,
    if_changed: bool = False,
    lock_timeout: float = 0.0,
    batch_size: int | None = DEFAULT_BATCH_SIZE,
    log=None,
    progress=None,
    duckdb_memory: str | None = DEFAULT_DUCKDB_MEMORY,
) -> RunSummary:
    """``wws score``: validate, score and write one run (all or nothing).

    Large Parquet portfolios are processed in batches of about ``batch_size`` dwellings
    (all rows of a dwelling in one batch; see ``pipeline.validate.iter_portfolio``), all
    appended inside the run's one transaction, so memory holds one batch and the result
    does not depend on the batch size. A failure after the database was opened leaves
    earlier runs as they were plus one ``failed`` run record saying what went wrong.
    ``progress(done, total)`` is called after every batch. ``duckdb_memory``: DuckDB's
    memory limit for the run (its cache of written blocks otherwise grows with the
    portfolio; ``None``: DuckDB's default of 80 % of RAM).
    """
    from pipeline.ingest import UnreadableInput, input_sha256
    from pipeline.validate import iter_portfolio

    log = log or (lambda event, **kw: None)
    check_peildatum(peildatum)
    started = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    log(
        "run_started", input=str(path), db=str(db), peildatum=peildatum.isoformat(),
        engine=engine, duckdb_memory=duckdb_memory or "default",
    )  # fmt: skip
    try:
        sha = input_sha256(Path(path))
    except (UnreadableInput, OSError) as exc:
        raise ExitError(2, getattr(exc, "message", str(exc))) from exc
    rules = rules_label(peildatum)
    # a large Parquet portfolio not in dwelling order is split once into per-batch files
    # next to the database (the operator chose that disk for data; about 2x the input,
    # removed afterwards)
    db_dir = Path(db).resolve().parent
    batches = iter_portfolio(
        Path(path), peildatum, batch_size, workdir=db_dir if db_dir.is_dir() else None
    )
    try:
        first = next(batches)  # reads (and validates) the first batch: unreadable -> exit 2
    except UnreadableInput as exc:
        raise ExitError(2, str(exc)) from exc
    con = store.connect(db, wait_seconds=lock_timeout, memory_limit=duckdb_memory)
    run = store.RunRecord(
        run_id=store.new_run_id(started),
        started_at=started,
        peildatum=peildatum,
        rules=rules,
        engine_version=__version__,
        engine=engine,
        input_path=str(Path(path).resolve()),
        input_sha256=sha,
    )
    # the WOZ cache is read on a second connection: the writer thread owns ``con``
    woz_con = con.cursor()
    kinds = supported_kinds(engine)
    summaries: list[pl.DataFrame] = []
    all_rejects: list[pl.DataFrame] = []
    warnings: list[str] = []
    read = rejected = 0
    try:
        run.fingerprint = run_fingerprint(sha, peildatum, rules, engine, _woz_cache_state(con))
        if if_changed:
            same = con.execute(
                "SELECT run_id FROM runs WHERE status = 'succeeded' AND fingerprint = ? "
                "AND run_id = (SELECT run_id FROM latest_run)",
                [run.fingerprint],
            ).fetchall()
            if same:
                log("run_skipped", same_as=same[0][0])
                return RunSummary(
                    run_id=same[0][0], db=str(db), peildatum=peildatum,
                    dwellings_read=first.dwellings_read, dwellings_scored=0,
                    dwellings_rejected=0, status="unchanged", scores=O.empty(O.SCORES),
                    rejects=O.empty(O.REJECTS),
                    message=f"nothing changed since run {same[0][0]}: skipped (--if-changed)",
                )  # fmt: skip
        with store.RunWriter(con, run) as writer, _Overlap() as overlap:
            for portfolio in itertools.chain([first], batches):
                frames, unsupported = _unsupported(portfolio.frames, kinds)
                rejects = pl.concat(
                    [portfolio.rejects.select(list(O.REJECTS)), unsupported],
                    how="vertical_relaxed",
                )
                read += portfolio.dwellings_read
                rejected += portfolio.dwellings_rejected + unsupported.height
                warnings += portfolio.warnings
                frames = dict(frames)
                frames["dwellings"] = resolve_woz(woz_con, frames["dwellings"], peildatum)
                scored = score_frames(frames, peildatum, engine, lines=lines, energy_fallback=True)
                prints = fingerprints(frames)
                scored.scores = scored.scores.join(
                    prints.select("dwelling_id", "input_hash"), on="dwelling_id", how="left"
                ).join(
                    frames["dwellings"].select("dwelling_id", *O.ADDRESS),
                    on="dwelling_id",
                    how="left",
                )
                overlap.submit(
                    writer.append,
                    scored,
                    rejects,
                    inputs=input_rows(frames, prints),
                    label_fallback=_label_fallback(
                        frames, peildatum, engine, scored.energy_fallback
                    ),
                )
                run.dwellings_scored += scored.scores.height
                # what the summary needs, 8 bytes per dwelling (8.2M: 66 MB, not 0.5 GB)
                summaries.append(
                    scored.scores.select("points", pl.col("sector").cast(pl.Categorical))
                )
                all_rejects.append(rejects)
                if progress is not None:
                    progress(read, portfolio.input_dwellings or read)
            overlap.wait()
            rate = rejected / read if read else 0.0
            run.dwellings_read, run.dwellings_rejected = read, rejected
            if max_reject_rate is not None and rate > max_reject_rate:
                run.status = "failed"
                run.dwellings_scored = 0
                run.message = (
                    f"reject rate {rate:.1%} exceeds --max-reject-rate {max_reject_rate:.1%}"
                )
                writer.discard_scores()
            run.finished_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            writer.commit()
    except BaseException as exc:
        if isinstance(exc, UnreadableInput):
            exc = ExitError(2, str(exc))
        run.status, run.message = "failed", f"{type(exc).__name__}: {exc}"[:2000]
        run.dwellings_read, run.dwellings_rejected, run.dwellings_scored = read, rejected, 0
        run.finished_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        try:
            store.write_run(con, run, None, O.empty(O.REJECTS))
        except Exception:  # pragma: no cover - the database itself is failing
            pass
        log("run_failed", run_id=run.run_id, error=run.message)
        if isinstance(exc, ExitError):
            raise exc from None
        raise
    finally:
        batches.close()  # removes the per-batch split files, also after an early return
        woz_con.close()
        con.close()
    log(
        "run_finished", run_id=run.run_id, status=run.status, dwellings_read=read,
        dwellings_scored=run.dwellings_scored, dwellings_rejected=rejected,
    )  # fmt: skip
    return RunSummary(
        run_id=run.run_id,
        db=str(db),
        peildatum=peildatum,
        dwellings_read=read,
        dwellings_scored=run.dwellings_scored,
        dwellings_rejected=rejected,
        status=run.status,
        scores=pl.concat(summaries) if summaries else O.empty(O.SCORES),
        rejects=pl.concat(all_rejects) if all_rejects else O.empty(O.REJECTS),
        warnings=warnings,
        reject_rate=rate,
        message=run.message,
    )


def validate_portfolio(path: str | Path, peildatum: dt.date) -> RunSummary:
    """``wws validate``: validation only, nothing written."""
    portfolio = load(path, peildatum)
    rejects = portfolio.rejects.select(list(O.REJECTS))
    rejected = portfolio.dwellings_rejected
    return RunSummary(
        run_id=None,
        db=None,
        peildatum=peildatum,
        dwellings_read=portfolio.dwellings_read,
        dwellings_scored=0,
        dwellings_rejected=rejected,
        status="validated",
        scores=O.empty(O.SCORES),
        rejects=rejects,
        warnings=list(portfolio.warnings),
    )


def reshape_portfolio(path: str | Path, out: str | Path, peildatum: dt.date) -> RunSummary:
    """``wws reshape``: write the per-dwelling JSON Lines of the valid dwellings."""
    from pipeline.reshape import from_frames

    portfolio = load(path, peildatum)
    dwellings = from_frames(portfolio.frames)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for d in dwellings:
            fh.write(json.dumps(d.to_api_json(), ensure_ascii=False, separators=(",", ":")) + "\n")
    tmp.replace(out)
    rejects = portfolio.rejects.select(list(O.REJECTS))
    return RunSummary(
        run_id=None,
        db=None,
        peildatum=peildatum,
        dwellings_read=portfolio.dwellings_read,
        dwellings_scored=len(dwellings),
        dwellings_rejected=portfolio.dwellings_rejected,
        status="reshaped",
        scores=O.empty(O.SCORES),
        rejects=rejects,
        warnings=list(portfolio.warnings),
    )


# --- explain -------------------------------------------------------------------------


def explain_stored(db: str | Path, dwelling_id: str, run_id: str | None = None) -> dict:
    """The stored result of one dwelling (latest succeeded run unless ``run_id``)."""
    if not Path(db).exists():
        raise ExitError(2, f"database {db} does not exist; run `wws score` first")
    con = store.connect(db, read_only=True)
    try:
        run_id = run_id or store.latest_run_id(con)
        if run_id is None:
            raise ExitError(2, f"{db} has no succeeded run")
        score = store.frame(
            con, "SELECT * FROM scores WHERE run_id = ? AND dwelling_id = ?", [run_id, dwelling_id]
        )
        if score.height == 0:
            rej = store.frame(
                con,
                "SELECT * FROM rejects WHERE run_id = ? AND dwelling_id = ?",
                [run_id, dwelling_id],
            )
            if rej.height:
                msgs = "; ".join(rej["message"].to_list())
                raise ExitError(2, f"dwelling {dwelling_id} was rejected in run {run_id}: {msgs}")
            raise ExitError(2, f"dwelling {dwelling_id} is not in run {run_id}")
        breakdown = store.frame(
            con,
            "SELECT rubriek, rubriek_name, points FROM breakdown "
            "WHERE run_id = ? AND dwelling_id = ?",
            [run_id, dwelling_id],
        )
        lines = store.frame(
            con,
            "SELECT rubriek, line, label, quantity, unit, points FROM breakdown_lines "
            "WHERE run_id = ? AND dwelling_id = ? "
            "ORDER BY rubriek, line LIKE '%.afronding%', line",
            [run_id, dwelling_id],
        )
        rows = con.execute("SELECT rules FROM runs WHERE run_id = ?", [run_id]).fetchall()
        run = rows[0] if rows else None
    finally:
        con.close()
    return {
        "run_id": run_id,
        "rules": run[0] if run else None,
        "score": score.row(0, named=True),
        "breakdown": breakdown,
        "lines": lines,
    }


def explain_body(path: str | Path, peildatum: dt.date) -> dict:
    """Score one API request body with the reference scorer."""
    from pydantic import ValidationError

    from pipeline.reference import results_to_frames, score_dwelling
    from pipeline.rules import PeildatumNotCovered
    from schemas.dwelling import Dwelling

    try:
        body = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise ExitError(2, f"cannot read {path}: {exc}") from exc
    try:
        dwelling = Dwelling.model_validate(body)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise ExitError(2, f"{path}: {problems}") from exc
    check_peildatum(peildatum)
    try:
        result = score_dwelling(dwelling, peildatum)
    except PeildatumNotCovered as exc:
        raise ExitError(3, str(exc)) from exc
    frames = results_to_frames([result], {dwelling.dwelling_id: dwelling.current_rent})
    return {
        "run_id": None,
        "rules": rules_label(peildatum, (dwelling.kind.value,)),
        "score": frames.scores.row(0, named=True),
        "breakdown": frames.breakdown.drop("dwelling_id"),
        "lines": frames.lines.drop("dwelling_id").sort("rubriek", "line"),
    }
