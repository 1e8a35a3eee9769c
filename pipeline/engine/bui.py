"""Rubriek 8, BUI: buitenruimten (§3.8).

Private (n = 1): ``2 + 0.35 × rint(Σ r2(a))`` when any private outdoor space is present.
Shared, per n: ``0.75 × rint(Σ r2(a)) / n`` over the spaces meeting the minimum dimensions
(one that fails still counts as present). None present: -5. ``R8 = q(min(15, total))``.
Exact sums in fine units (``_num``: divisible by every n up to 10 and beyond via lcm).
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pipeline.engine._num import DEN, E4, I128, e4, e4_from_fine, quarters_from_fine, round_div
from pipeline.engine.registry import RubriekResult, concat_lines, line_frame

CODE = "BUI"


def compute(ctx, deps: Mapping[str, RubriekResult]) -> RubriekResult:
    r = ctx.rules
    presence = e4(r.c("private outdoor presence"))
    rate_p = e4(r.c("private outdoor per m2"))
    rate_s = e4(r.c("shared outdoor per m2"))
    none = e4(r.c("no outdoor space at all"))
    maximum = e4(r.c("maximum"))
    o = ctx.outdoor.filter(pl.col("raw_u") > 0)
    private = pl.col("n") == 1
    valued = private | pl.col("meets")
    # a shared space failing the minimum dimensions is present but not valued: no line
    per_space = line_frame(
        o.filter(valued),
        CODE,
        pl.concat_str([pl.lit("bui."), pl.col("ref")]),
        pl.when(private)
        .then(pl.col("a_h") * rate_p // 100)
        .otherwise(round_div(pl.col("a_h") * rate_s // 100, pl.col("n"))),
        pl.col("a_h") * (E4 // 100),
        keep_zero=True,
    )
    groups = (
        o.filter(valued)
        .group_by("dwelling_id", "n")
        .agg(pl.col("a_h").sum().alias("sum_h"))
        .with_columns(round_div(pl.col("sum_h"), 100).alias("m2"))
        .with_columns(
            pl.when(pl.col("n") == 1).then(pl.lit(rate_p)).otherwise(pl.lit(rate_s)).alias("rate")
        )
        .with_columns(
            round_div(pl.col("m2").cast(I128) * pl.col("rate") * DEN, pl.col("n")).alias("pts_f"),
            round_div(
                (pl.col("m2") * 100 - pl.col("sum_h")).cast(I128) * pl.col("rate") // 100 * DEN,
                pl.col("n"),
            ).alias("corr_f"),
        )
    )
    per_dw = groups.group_by("dwelling_id").agg(pl.col("pts_f").sum(), pl.col("corr_f").sum())
    present = o.group_by("dwelling_id").agg(
        private.any().alias("has_private"), pl.len().alias("present")
    )
    d = (
        ctx.dwellings.select("dwelling_id")
        .join(present, on="dwelling_id", how="left")
        .join(per_dw, on="dwelling_id", how="left")
        .with_columns(
            pl.col("has_private").fill_null(False),
            pl.col("present").fill_null(0),
            pl.col("pts_f").fill_null(0),
            pl.col("corr_f").fill_null(0),
        )
        .with_columns(
            (
                pl.col("pts_f") + pl.when(pl.col("has_private")).then(presence * DEN).otherwise(0)
            ).alias("x_f")
        )
        .with_columns(
            pl.when(pl.col("present") == 0)
            .then(pl.lit(none * DEN))
            .otherwise(pl.min_horizontal("x_f", pl.lit(maximum * DEN)))
            .alias("r_f")
        )
    )
    lines = [
        per_space,
        line_frame(
            d.filter(pl.col("has_private")), CODE, pl.lit("bui.prive_aanwezig"), pl.lit(presence)
        ),
        line_frame(d, CODE, pl.lit("bui.afronding_m2"), e4_from_fine(pl.col("corr_f"))),
        line_frame(
            d.filter(pl.col("present") == 0), CODE, pl.lit("bui.geen_buitenruimte"), pl.lit(none)
        ),
        line_frame(
            d.filter(pl.col("x_f") > maximum * DEN),
            CODE,
            pl.lit("bui.maximum"),
            e4_from_fine(maximum * DEN - pl.col("x_f")),
        ),
    ]
    total = d.select("dwelling_id", quarters_from_fine(pl.col("r_f")).cast(pl.Int64).alias("q"))
    return RubriekResult(concat_lines(lines), total)
