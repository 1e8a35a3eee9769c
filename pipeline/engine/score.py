"""The orchestrator: run a kind's rubrieken level by level and assemble the output frames."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Mapping

import polars as pl

from pipeline.engine._num import Q_E4, to_decimal_fast
from pipeline.engine.registry import KindSpec, RubriekResult, dense, empty_lines, kind_spec
from schemas import output as O
from schemas.frames import without_energy_basis
from schemas.lines import RUBRIEKEN, attach_labels


def _rules_for(kind: str, peildatum: dt.date, rules):
    if rules is None:
        from pipeline.rules import rules_for

        return rules_for(kind, peildatum)
    if isinstance(rules, Mapping):
        return rules[kind]
    return rules


def _rubriek_name(kind: str, code: str) -> str:
    return RUBRIEKEN[kind][code]


#: wall-clock seconds per stage of the last :func:`score_kind` call (for ``bench``)
TIMINGS: dict[str, float] = {}
#: CPU seconds (all threads of the process) per stage of the last call
CPU: dict[str, float] = {}


class _Clock:
    def __init__(self) -> None:
        TIMINGS.clear()
        CPU.clear()
        self.t, self.c = time.perf_counter(), time.process_time()

    def lap(self, stage: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        TIMINGS[stage] = TIMINGS.get(stage, 0.0) + now - self.t
        CPU[stage] = CPU.get(stage, 0.0) + cpu - self.c
        self.t, self.c = now, cpu


def score_kind(
    spec: KindSpec,
    frames: Mapping[str, pl.DataFrame],
    peildatum: dt.date,
    rules,
    lines: bool,
    energy_fallback: bool = False,
) -> O.ScoredFrames:
    clock = _Clock()
    ctx = spec.prepare(frames, peildatum, rules)
    clock.lap("prepare")
    results: dict[str, RubriekResult] = {}
    collected_lines: list[tuple[str, pl.DataFrame]] = []  # (rubriek code, its lines)
    totals: dict[str, pl.DataFrame] = {}
    for level in spec.levels():
        pending = {r.code: r.compute(ctx, {c: results[c] for c in r.needs}) for r in level}
        # the level's totals together, then its lines together: a rubriek's total and lines
        # in one collect_all took polars 2.1 up to 7x longer (non-independent SAN and GBA,
        # whose total and lines share one large subplan; docs/bench.md, item 9)
        level_totals = pl.collect_all([res.total for res in pending.values()])
        bodies = pl.collect_all([res.lines for res in pending.values()]) if lines else None
        clock.lap("rubrieken")
        for i, (code, res) in enumerate(pending.items()):
            total = level_totals[i]
            totals[code] = total
            if bodies is not None:
                body = bodies[i]
                collected_lines.append((code, body))
                results[code] = RubriekResult(body.lazy(), total.lazy())
            else:
                results[code] = RubriekResult(res.lines, total.lazy())
        clock.lap("afronding")

    wide = _wide(_ids(ctx), spec.codes, totals)
    restore = _restore_ids(ctx.ids)
    scores = spec.finish(ctx, wide, totals)
    scores = restore(scores).select([pl.col(c).cast(t) for c, t in O.SCORES.items()])
    fallback = None
    if energy_fallback:
        fallback = restore(_energy_fallback(spec, ctx, wide, totals)).select(
            "dwelling_id", "points", "max_rent", "sector"
        )
    clock.lap("totals")

    codes = list(spec.codes)
    breakdown_wide = restore(wide.select("dwelling_id", *codes))

    def breakdown() -> pl.DataFrame:
        return breakdown_long(spec.kind, breakdown_wide)

    clock.lap("breakdown")
    lines_df = None
    if lines:

        def lines_df() -> pl.DataFrame:
            return _assemble_lines(collected_lines, wide, restore)

    return O.ScoredFrames(
        scores, breakdown, lines_df, fallback, breakdown_wide=[(spec.kind, breakdown_wide)]
    )


def breakdown_long(kind: str, wide: pl.DataFrame) -> pl.DataFrame:
    """The ``breakdown`` frame of one kind from its wide form (``dwelling_id`` and quarter
    points per rubriek code): one row per dwelling per rubriek, dwelling-major, in the
    order of ``wide`` and of the law's rubrieken."""
    codes = list(RUBRIEKEN[kind])
    k = len(codes)
    long = wide.select("dwelling_id", pl.concat_list(codes).alias("q")).explode("q")
    pos = pl.int_range(pl.len(), dtype=pl.UInt32) % k
    names = [_rubriek_name(kind, c) for c in codes]
    return long.select(
        "dwelling_id",
        pl.lit(pl.Series(codes, dtype=pl.String)).gather(pos).alias("rubriek"),
        pl.lit(pl.Series(names, dtype=pl.String)).gather(pos).alias("rubriek_name"),
        to_decimal_fast(long, "q", O.POINTS, 4).alias("points"),
    )


def _ids(ctx) -> pl.DataFrame:
    # sorted: a kind's ``prepare`` may return its dwellings in another order (a join)
    ids = ctx.dwellings.select("dwelling_id").collect().sort("dwelling_id")
    return ids.with_columns(pl.col("dwelling_id").alias("_idx"))


def _wide(wide: pl.DataFrame, codes, totals: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """``wide`` (one row per dwelling: ``dwelling_id``, ``_idx``, maybe rubriek columns)
    with the quarter points of each rubriek of ``codes`` added (0 where a rubriek has no
    row), in input order.

    The engine's ids are the row numbers 0..n-1 in input order (``prepare``), so each
    rubriek's column is its totals scattered into place: no join, no sort (13 joins and a
    sort took 0.2 s per 200,000 dwellings)."""
    ids = wide["dwelling_id"]
    n = wide.height
    if n and not (ids[0] == 0 and (ids.diff().drop_nulls() == 1).all()):
        raise ValueError("engine ids must be the row numbers 0..n-1 in order")
    return wide.with_columns(dense(n, totals[code]).alias(code) for code in codes)


#: the rubriek the energy fallback replaces (rubriek 4, Energieprestatie)
ENERGY = "ENE"


def dependants(spec: KindSpec, code: str) -> set[str]:
    """``code`` and every rubriek that needs it, directly or through another rubriek."""
    out = {code}
    grew = True
    while grew:
        grew = False
        for r in spec.rubrieken:
            if r.code not in out and out.intersection(r.needs):
                out.add(r.code)
                grew = True
    return out


def _energy_fallback(
    spec: KindSpec, ctx, wide: pl.DataFrame, totals: Mapping[str, pl.DataFrame]
) -> pl.DataFrame:
    """The scores with rubriek 4 valued as if the dwelling had neither label nor energy
    index (the build-year table; Bhw bijlage I, rubriek 4), for the ``label_expiry`` view.

    Only ENE and the rubrieken that depend on it (WOZ's cap and 11.2 minimum, BIJ's care
    base) are computed again, from the same prepared frames; every other rubriek keeps the
    total of the main pass. ENE is the only rubriek that reads the label and index fields,
    so this equals scoring the dwelling again with those fields emptied (the reference
    does exactly that; ``tests/test_energy_fallback.py`` compares the two).
    """
    alt = dataclasses.replace(ctx, dwellings=without_energy_basis(ctx.dwellings))
    redo = dependants(spec, ENERGY)
    totals2 = {c: t for c, t in totals.items() if c not in redo}
    for level in spec.levels():
        todo = [r for r in level if r.code in redo]
        if not todo:
            continue
        deps = {c: RubriekResult(empty_lines(), t.lazy()) for c, t in totals2.items()}
        plans = [r.compute(alt, {c: deps[c] for c in r.needs}).total for r in todo]
        totals2.update(zip([r.code for r in todo], pl.collect_all(plans), strict=True))
    redone = [c for c in spec.codes if c in redo]
    return spec.finish(alt, _wide(wide.drop(redone), redone, totals2), totals2)


def _restore_ids(ids: pl.Series):
    """Engine-internal ids (row numbers) back to the input's ``dwelling_id`` strings."""

    def restore(df: pl.DataFrame) -> pl.DataFrame:
        return df.with_columns(ids.gather(df["dwelling_id"]).alias("dwelling_id"))

    return restore


def _afronding(code: str, sums: pl.DataFrame, q: pl.Series) -> pl.DataFrame:
    """The ``<code>.afronding`` lines: rubriek points - Σ its other lines, where non-zero.

    ``sums``: the rubriek's lines summed per engine id (``dwelling_id``, ``points_e4``);
    ``q``: its quarter points per engine id (a column of :func:`_wide`, dense over the row
    numbers 0..n-1), so the sums are scattered into place (:func:`dense`) instead of joined
    (a full join per rubriek: 0.5 CPU-s per 200,000 dwellings, now 0.2 with the sums)."""
    diff = q.cast(pl.Int64) * Q_E4 - dense(q.len(), sums, "points_e4")
    at = (diff != 0).arg_true()
    n = at.len()
    return pl.DataFrame(
        {
            "dwelling_id": at.cast(sums.schema["dwelling_id"]),
            "rubriek": pl.repeat(code, n, dtype=pl.String, eager=True),
            "line": pl.repeat(code.lower() + ".afronding", n, dtype=pl.String, eager=True),
            "quantity_e4": pl.repeat(None, n, dtype=pl.Int64, eager=True),
            "points_e4": diff.gather(at),
        }
    )


def _assemble_lines(
    bodies: list[tuple[str, pl.DataFrame]], wide: pl.DataFrame, restore
) -> pl.DataFrame:
    """The ``breakdown_lines`` frame of one kind from the rubrieken's collected line bodies
    (``(code, lines)``) and their points per dwelling (``wide``, :func:`_wide`): rounding
    lines added, labels and units attached, input ids. Quantity and points stay integers
    in line units (``schemas.output.LINES_E4``), made decimal by DuckDB on insert or by
    ``ScoredFrames.lines`` (exactly, either way).

    Called when the lines are first read (``ScoredFrames`` takes it as a function): in a
    run that is the writer thread, so this work overlaps the scoring of the next batch
    instead of lengthening it (``pipeline.run._Overlap``)."""
    parts = [body for _, body in bodies]
    # lazy and together: an eager group_by per rubriek took twice the CPU
    sums = pl.collect_all(
        [b.lazy().group_by("dwelling_id").agg(pl.col("points_e4").sum()) for _, b in bodies]
    )
    parts += [_afronding(c, t, wide[c]) for (c, _), t in zip(bodies, sums, strict=True)]
    body = pl.concat(parts, how="vertical").with_columns(
        pl.col("line").cast(pl.Categorical)  # hash each id once: dedupe and join on codes
    )
    # labels are a function of the line id: compute them once per distinct id
    distinct = body.select(pl.col("line").unique())
    labels = attach_labels(
        distinct.select(
            pl.lit(None, dtype=pl.String).alias("rubriek"),
            pl.col("line").cast(pl.String),
            pl.lit(None, dtype=O.QUANTITY).alias("quantity"),
            pl.lit(None, dtype=O.LINE_POINTS).alias("points"),
        )
    ).select(pl.col(c).cast(pl.Categorical) for c in ("line", "label", "unit"))
    # line, label and unit stay categorical (dictionary-encoded for DuckDB); the
    # ``lines`` frame callers read has them as strings (``ScoredFrames.lines``)
    return restore(
        body.join(labels, on="line", how="left").select(
            "dwelling_id",
            "rubriek",
            "line",
            "label",
            "quantity_e4",
            "unit",
            "points_e4",
        )
    )


def score_frames(
    frames: Mapping[str, pl.DataFrame],
    peildatum: dt.date,
    rules=None,
    *,
    lines: bool = True,
    energy_fallback: bool = False,
) -> O.ScoredFrames:
    """Score every dwelling of ``frames`` (normalised, ``schemas.frames``) on ``peildatum``.

    ``rules``: the rule set to use (a ``ZelfstandigRules``, or a mapping kind -> rules);
    default: ``pipeline.rules.rules_for(kind, peildatum)``. Returns frames with exactly the
    columns and dtypes of ``schemas.output`` SCORES / BREAKDOWN / LINES (``lines`` is None
    when ``lines=False``). With ``energy_fallback`` also ``energy_fallback``: every
    dwelling's points, maximum rent and sector with rubriek 4 from the build-year table
    (see :func:`_energy_fallback`). Pure: no I/O, no clock.
    """
    dw = frames["dwellings"]
    if isinstance(dw, pl.LazyFrame):
        dw = dw.collect()
    kinds = [k for k in ("independent", "non_independent") if (dw["kind"] == k).any()]
    unknown = set(dw["kind"].drop_nulls().unique().to_list()) - {"independent", "non_independent"}
    if unknown:
        raise ValueError(f"unknown dwelling kinds {sorted(unknown)}")
    parts = []
    for kind in kinds or ["independent"]:
        spec = kind_spec(kind)
        parts.append(
            score_kind(
                spec, frames, peildatum, _rules_for(kind, peildatum, rules), lines, energy_fallback
            )
        )
    if len(parts) == 1:
        return parts[0]
    # several kinds: scores and breakdown back in input order (lines: order is irrelevant)
    order = dw.select("dwelling_id").with_row_index("_pos")

    def in_input_order(df: pl.DataFrame) -> pl.DataFrame:
        out = df.with_row_index("_row").join(order, on="dwelling_id", how="left")
        return out.sort("_pos", "_row").drop("_pos", "_row")

    return O.ScoredFrames(
        in_input_order(pl.concat([p.scores for p in parts])),
        lambda: in_input_order(pl.concat([p.breakdown for p in parts])),
        (lambda: pl.concat([p.lines_for_store for p in parts])) if lines else None,
        pl.concat([p.energy_fallback for p in parts]) if energy_fallback else None,
        breakdown_wide=[w for p in parts for w in p.breakdown_wide or []],
    )
