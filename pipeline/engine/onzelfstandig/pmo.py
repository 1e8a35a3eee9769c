"""Rubriek 14, PMO (onzelfstandig.md §2.14): +10 points for a rijksmonument let on a lease
signed before 2024-07-01. The percentage surcharges are applied to the rent in ``totals``."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pipeline.engine._num import e4, quarters_from_e4
from pipeline.engine.registry import RubriekResult, concat_lines, line_frame

CODE = "PMO"


def old_national(rules) -> pl.Expr:
    return (
        (pl.col("monument") == "national")
        & pl.col("lease_signed_date").is_not_null()
        & (pl.col("lease_signed_date") < rules.wbh_lease_date)
    )


def compute(ctx, deps: Mapping[str, RubriekResult]) -> RubriekResult:
    plus = e4(ctx.rules.national_monument_points)
    d = ctx.dwellings.filter(old_national(ctx.rules))
    lines = line_frame(d, CODE, pl.lit("pmo.rijksmonument"), pl.lit(plus))
    total = d.select("dwelling_id", quarters_from_e4(pl.lit(plus)).alias("q"))
    return RubriekResult(concat_lines([lines]), total)
