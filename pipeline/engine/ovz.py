"""Rubriek 1, OVZ: oppervlakte van vertrekken (zelfstandig.md §3.1).

``R1 = rint(Σ r2(area)) × 1.00`` over the private vertrekken (class V).
Lines: ``ovz.REF`` per vertrek (its r2 area), ``ovz.afronding_m2`` for the whole-m² rounding.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pipeline.engine._num import E4, e4, quarters_from_e4
from pipeline.engine.registry import RubriekResult, concat_lines, line_frame

CODE = "OVZ"


def compute(ctx, deps: Mapping[str, RubriekResult]) -> RubriekResult:
    rate = e4(ctx.rules.c("points per m2 vertrek"))  # line units per m²
    v = ctx.spaces.filter((pl.col("n") == 1) & (pl.col("cls") == "V"))
    per_space = line_frame(
        v,
        CODE,
        pl.concat_str([pl.lit("ovz."), pl.col("ref")]),
        pl.col("a_h") * rate // 100,
        pl.col("a_h") * (E4 // 100),
        keep_zero=True,
    )
    sums = v.group_by("dwelling_id").agg(pl.col("a_h").sum().alias("sum_h"))
    sums = sums.with_columns(((pl.col("sum_h") + 50) // 100).alias("m2"))
    rounding = line_frame(
        sums,
        CODE,
        pl.lit("ovz.afronding_m2"),
        (pl.col("m2") * 100 - pl.col("sum_h")) * rate // 100,
    )
    total = sums.select("dwelling_id", quarters_from_e4(pl.col("m2") * rate).alias("q"))
    return RubriekResult(concat_lines([per_space, rounding]), total)
