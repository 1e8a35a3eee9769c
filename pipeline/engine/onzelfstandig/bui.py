"""Rubriek 8, BUI (onzelfstandig.md §2.8, O6): private 0.35 × a (exact area) and +2 once
when a private space has area > 0; shared 0.75 × a / (m·n) when meeting the shared minimum
dimensions; ``Q(min(15, Σ))``. Every outdoor row has a line."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pipeline.engine._num import E4, e4, round_div
from pipeline.engine.registry import RubriekResult, concat_lines, line_frame

CODE = "BUI"


def compute(ctx, deps: Mapping[str, RubriekResult]) -> RubriekResult:
    r = ctx.rules
    private = (pl.col("m") == 1) & (pl.col("n") == 1)
    rate_p, rate_s = int(r.outdoor_private_rate * 100), int(r.outdoor_shared_rate * 100)
    # a (micro m²) × rate (hundredths) = points × 10**8
    o = ctx.outdoor.with_columns(
        pl.when(private)
        .then(ctx.fine_from_e8(pl.col("raw_u") * rate_p))
        .when(pl.col("meets"))
        .then(ctx.fine_from_e8(pl.col("raw_u") * rate_s, pl.col("mn")))
        .otherwise(pl.lit(0, dtype=pl.Int128))
        .alias("pts_f"),
        (private & (pl.col("raw_u") > 0)).alias("bonus"),
    )
    per_space = line_frame(
        o,
        CODE,
        pl.lit("bui.") + pl.col("ref"),
        ctx.e4(pl.col("pts_f")),
        round_div(pl.col("raw_u"), 1_000_000 // E4),
        keep_zero=True,
    )
    bonus_f = ctx.fine_from_e4(pl.lit(e4(r.outdoor_private_bonus)))
    cap_f = ctx.fine_from_e4(pl.lit(e4(r.outdoor_cap)))
    sums = (
        o.group_by("dwelling_id")
        .agg(pl.col("pts_f").sum(), pl.col("bonus").any(), pl.col("L").first())
        .with_columns(
            (pl.col("pts_f") + pl.when(pl.col("bonus")).then(bonus_f).otherwise(0)).alias("v_f")
        )
    )
    lines = [
        per_space,
        line_frame(
            sums.filter(pl.col("bonus")),
            CODE,
            pl.lit("bui.prive_aanwezig"),
            pl.lit(e4(r.outdoor_private_bonus)),
        ),
        line_frame(
            sums.filter(pl.col("v_f") > cap_f),
            CODE,
            pl.lit("bui.maximum"),
            ctx.e4(cap_f - pl.col("v_f")),
        ),
    ]
    total = sums.select(
        "dwelling_id", ctx.quarters(pl.min_horizontal(pl.col("v_f"), cap_f)).alias("q")
    )
    return RubriekResult(concat_lines(lines), total)
