"""PMN: the +50 points of a rijksmonument let on a lease signed before 2024-07-01 (§3.13).

The percentage surcharges are not points; they are applied to the rent in ``totals``.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pipeline.engine._num import e4, quarters_from_e4
from pipeline.engine.registry import RubriekResult, concat_lines, line_frame
from pipeline.engine.totals import MONUMENT_LEASE_SWITCH

CODE = "PMN"


def compute(ctx, deps: Mapping[str, RubriekResult]) -> RubriekResult:
    plus = e4(ctx.rules.c("rijksmonument (lease signed < 2024-07-01)"))
    d = ctx.dwellings.filter(
        (pl.col("monument") == "national")
        & pl.col("lease_signed_date").is_not_null()
        & (pl.col("lease_signed_date") < MONUMENT_LEASE_SWITCH)
    )
    lines = line_frame(d, CODE, pl.lit("pmn.rijksmonument"), pl.lit(plus))
    total = d.select("dwelling_id", quarters_from_e4(pl.lit(plus)).alias("q"))
    return RubriekResult(concat_lines([lines]), total)
