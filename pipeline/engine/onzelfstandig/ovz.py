"""Rubriek 1, OVZ (onzelfstandig.md §2.1): ``P1 = round0(Σ A / n)`` over the same-address
vertrekken. Lines ``ovz.REF`` (A / n, only A > 0) and ``ovz.afronding_m2``."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pipeline.engine.registry import RubriekResult, concat_lines, line_frame

CODE = "OVZ"


def vertrekken(ctx) -> pl.LazyFrame:
    """Same-address vertrekken with ``share_f`` = A / n in fine units (also rubriek 4, 13)."""
    return ctx.spaces.filter(pl.col("same") & (pl.col("cls") == "V")).with_columns(
        ctx.fine_from_e4(pl.col("a_h") * 100, pl.col("n")).alias("share_f")
    )


def compute(ctx, deps: Mapping[str, RubriekResult]) -> RubriekResult:
    v = vertrekken(ctx)
    per_space = line_frame(
        v.filter(pl.col("a_h") > 0),
        CODE,
        pl.lit("ovz.") + pl.col("ref"),
        ctx.e4(pl.col("share_f")),
        pl.col("a_h") * 100,
        keep_zero=True,
    )
    sums = v.group_by("dwelling_id").agg(
        pl.col("share_f").sum().alias("sum_f"), pl.col("L").first()
    )
    sums = sums.with_columns(ctx.whole(pl.col("sum_f")).alias("m2"))
    rounding = line_frame(
        sums,
        CODE,
        pl.lit("ovz.afronding_m2"),
        ctx.e4(pl.col("m2").cast(pl.Int128) * ctx.fine_points(1) - pl.col("sum_f")),
    )
    total = sums.select("dwelling_id", (pl.col("m2") * 4).alias("q"))
    return RubriekResult(concat_lines([per_space, rounding]), total)
