"""Rubriek 7, GEH: woonvoorzieningen voor gehandicapten (§3.7).

``R7 = q(disability_costs / 332)`` when ``disabled_people >= 1`` (plain quotient, §7.2 #9).
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pipeline.engine._num import E4, MICRO, Q_E4, micro_int, round_div
from pipeline.engine.registry import RubriekResult, concat_lines, line_frame

CODE = "GEH"


def compute(ctx, deps: Mapping[str, RubriekResult]) -> RubriekResult:
    per_point_u = micro_int(ctx.rules.c("disability adaptation"))  # euro per point, micro
    d = ctx.dwellings.filter((pl.col("disabled_people") >= 1) & (pl.col("disability_costs_u") > 0))
    costs = pl.col("disability_costs_u").cast(pl.Int128)  # no overflow for any amount
    line = line_frame(
        d,
        CODE,
        pl.lit("geh.kosten"),
        round_div(costs * E4, per_point_u),
        round_div(costs, MICRO // E4),
    )
    total = d.select(
        "dwelling_id", round_div(costs * E4, per_point_u * Q_E4).cast(pl.Int64).alias("q")
    )
    return RubriekResult(concat_lines([line]), total)
