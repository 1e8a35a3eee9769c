"""Rubriek 7, GEH (onzelfstandig.md §2.7, O8): ``Q(disability_costs / 332 /
max(1, disabled_people))``, pro rata."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pipeline.engine._num import E4, MICRO, Q_E4, micro_int, round_div
from pipeline.engine.registry import RubriekResult, concat_lines, line_frame

CODE = "GEH"


def compute(ctx, deps: Mapping[str, RubriekResult]) -> RubriekResult:
    per_point_u = micro_int(ctx.rules.disability_eur_per_point)
    d = ctx.dwellings.filter(pl.col("disability_costs_u") != 0).with_columns(
        (pl.max_horizontal(pl.col("disabled_people"), pl.lit(1)) * per_point_u).alias("den")
    )
    costs = pl.col("disability_costs_u")
    line = line_frame(
        d,
        CODE,
        pl.lit("geh.kosten"),
        round_div(costs * E4, pl.col("den")),
        round_div(costs, MICRO // E4),
    )
    total = d.select("dwelling_id", round_div(costs * E4, pl.col("den") * Q_E4).alias("q"))
    return RubriekResult(concat_lines([line]), total)
