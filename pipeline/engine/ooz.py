"""Rubriek 2, OOZ: oppervlakte van overige ruimten, incl. attics without a fixed staircase (§3.2).

``R2 = q(rint(T) × 0.75 + Σ c_i)`` over private O/OA spaces, ``T = Σ r2(area)``;
attic correction ``c_i = -min(5, 0.75 × (rint(T) - rint(T - a_i)))`` per private OA space.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pipeline.engine._num import E4, e4, quarters_from_e4, round_div
from pipeline.engine.registry import RubriekResult, concat_lines, line_frame

CODE = "OOZ"


def area_group(
    lf: pl.LazyFrame, keys: list[str], rate: int, attic: int
) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """Area points of O/OA spaces grouped by ``keys`` (shared with rubriek 9).

    Returns (groups, attics): ``groups`` keys + ``sum_h``, ``m2`` (rint), ``base_e4``,
    ``corr_e4`` (Σ c_i); ``attics``: one row per OA space with ``c_e4``. Points in line
    units, exact (the rates have at most 2 decimals).
    """
    groups = lf.group_by(keys).agg(pl.col("a_h").sum().alias("sum_h"))
    groups = groups.with_columns(round_div(pl.col("sum_h"), 100).alias("m2"))
    attics = (
        lf.filter(pl.col("cls") == "OA")
        .join(groups, on=keys, how="inner")
        .with_columns(
            (
                -pl.min_horizontal(
                    pl.lit(attic),
                    (pl.col("m2") - round_div(pl.col("sum_h") - pl.col("a_h"), 100)) * rate,
                )
            ).alias("c_e4")
        )
    )
    corr = attics.group_by(keys).agg(pl.col("c_e4").sum().alias("corr_e4"))
    groups = groups.join(corr, on=keys, how="left").with_columns(
        pl.col("corr_e4").fill_null(0), (pl.col("m2") * rate).alias("base_e4")
    )
    return groups, attics


def compute(ctx, deps: Mapping[str, RubriekResult]) -> RubriekResult:
    rate = e4(ctx.rules.c("points per m2 overige ruimte"))
    attic = e4(ctx.rules.c("attic without fixed staircase deduction"))
    o = ctx.spaces.filter((pl.col("n") == 1) & pl.col("cls").is_in(["O", "OA"]))
    groups, attics = area_group(o, ["dwelling_id"], rate, attic)
    per_space = line_frame(
        o,
        CODE,
        pl.concat_str([pl.lit("ooz."), pl.col("ref")]),
        pl.col("a_h") * rate // 100,
        pl.col("a_h") * (E4 // 100),
        keep_zero=True,
    )
    rounding = line_frame(
        groups,
        CODE,
        pl.lit("ooz.afronding_m2"),
        (pl.col("m2") * 100 - pl.col("sum_h")) * rate // 100,
    )
    attic_lines = line_frame(
        attics, CODE, pl.concat_str([pl.lit("ooz.zolder."), pl.col("ref")]), pl.col("c_e4")
    )
    total = groups.select(
        "dwelling_id", quarters_from_e4(pl.col("base_e4") + pl.col("corr_e4")).alias("q")
    )
    return RubriekResult(concat_lines([per_space, rounding, attic_lines]), total)
