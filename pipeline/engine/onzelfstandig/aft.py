"""Rubriek 13, AFT (onzelfstandig.md §2.13, O7): −4 for each of: effective vertrek area
E1 = round2(Σ round2(A / n)) below 8 m²; landlord access; living-room glass below 0.75 m²
(or the caller's flag); lowest window frame above 1.60 m (or the caller's flag)."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pipeline.engine._num import Q_E4, e4, micro_int, round_div
from pipeline.engine.registry import RubriekResult, concat_lines, line_frame

CODE = "AFT"


def compute(ctx, deps: Mapping[str, RubriekResult]) -> RubriekResult:
    r = ctx.rules
    minus = e4(r.deduction_points)
    e1 = (
        ctx.spaces.filter(pl.col("same") & (pl.col("cls") == "V"))
        .group_by("dwelling_id")
        .agg(round_div(pl.col("a_h"), pl.col("n")).sum().alias("e1_h"))
    )
    d = ctx.dwellings.join(e1, on="dwelling_id", how="left").with_columns(
        pl.col("e1_h").fill_null(0),
    )
    small = pl.col("e1_h") * 100 < micro_int(r.min_effective_vertrek_m2) // 100
    glass = pl.col("glass_flag") | (
        pl.col("glass_u").is_not_null() & (pl.col("glass_u") < micro_int(r.min_glass_m2))
    )
    frame = pl.col("frame_flag") | (
        pl.col("frame_u").is_not_null() & (pl.col("frame_u") > micro_int(r.max_window_frame_m))
    )
    landlord = pl.col("accessibility_via_landlord")
    lines = [
        line_frame(
            d.filter(small),
            CODE,
            pl.lit("aft.oppervlakte_vertrekken"),
            pl.lit(minus),
            pl.col("e1_h") * 100,
        ),
        line_frame(d.filter(landlord), CODE, pl.lit("aft.toegang_via_verhuurder"), pl.lit(minus)),
        line_frame(
            d.filter(glass),
            CODE,
            pl.lit("aft.glasoppervlak"),
            pl.lit(minus),
            pl.when(pl.col("glass_flag")).then(None).otherwise(round_div(pl.col("glass_u"), 100)),
        ),
        line_frame(
            d.filter(frame),
            CODE,
            pl.lit("aft.raamkozijn"),
            pl.lit(minus),
            pl.when(pl.col("frame_flag")).then(None).otherwise(round_div(pl.col("frame_u"), 100)),
        ),
    ]
    count = pl.sum_horizontal(small.cast(pl.Int64), landlord.cast(pl.Int64), glass.cast(pl.Int64),
                              frame.cast(pl.Int64))  # fmt: skip
    total = d.select("dwelling_id", (count * (minus // Q_E4)).alias("q"))
    return RubriekResult(concat_lines(lines), total)
