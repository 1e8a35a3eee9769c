"""Rubriek 2, OOZ (onzelfstandig.md §2.2, profile H): per sharing group n of the
same-address overige ruimten ``G_n = Q(round0(S_n) × 0.75 / n)``; attic corrections
``c = −min(5, (round0(S_n) − round0(S_n − A)) × 0.75)``, ``round2(c / n)`` when n ≥ 2;
``P2 = Q(Σ G_n + Σ c)``. :func:`area_groups` is shared with rubriek 9."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pipeline.engine._num import e4, r2_e4, round_div
from pipeline.engine.registry import RubriekResult, concat_lines, line_frame

CODE = "OOZ"


def area_groups(
    lf: pl.LazyFrame, keys: list[str], rate_e4: int, attic_e4: int
) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """(groups, attics) of O/OA spaces grouped by ``keys``: ``sum_h``, ``m2`` (round0),
    ``base_e4`` (m2 × rate); attics with their undivided correction ``c_e4``."""
    groups = lf.group_by(keys).agg(pl.col("a_h").sum().alias("sum_h"))
    groups = groups.with_columns(round_div(pl.col("sum_h"), 100).alias("m2"))
    groups = groups.with_columns((pl.col("m2") * rate_e4).alias("base_e4"))
    attics = (
        lf.filter(pl.col("cls") == "OA")
        .join(groups.select(*keys, "sum_h", "m2"), on=keys, how="inner")
        .with_columns(
            (
                -pl.min_horizontal(
                    pl.lit(attic_e4),
                    (pl.col("m2") - round_div(pl.col("sum_h") - pl.col("a_h"), 100)) * rate_e4,
                )
            ).alias("c_e4")
        )
    )
    return groups, attics


def compute(ctx, deps: Mapping[str, RubriekResult]) -> RubriekResult:
    r = ctx.rules
    rate = e4(r.overige_rate)
    o = ctx.spaces.filter(pl.col("same") & pl.col("cls").is_in(["O", "OA"]))
    groups, attics = area_groups(o, ["dwelling_id", "L", "n"], rate, e4(r.attic_max_deduction))
    per_space = line_frame(
        o,
        CODE,
        pl.lit("ooz.") + pl.col("ref"),
        round_div(pl.col("a_h") * (rate // 100), pl.col("n")),
        pl.col("a_h") * 100,
        keep_zero=True,
    )
    groups = groups.with_columns(
        ctx.fine_from_e4((pl.col("m2") * 100 - pl.col("sum_h")) * (rate // 100), pl.col("n")).alias(
            "round_f"
        ),
        ctx.fine_from_e4(pl.col("base_e4"), pl.col("n")).alias("g_f"),
    ).with_columns(
        (ctx.quarters(pl.col("g_f")).cast(pl.Int128) * ctx.fine_points(1) // 4).alias("gq_f")
    )
    attics = attics.with_columns(
        pl.when(pl.col("n") == 1)
        .then(pl.col("c_e4"))
        .otherwise(r2_e4(pl.col("c_e4"), pl.col("n")))
        .alias("cn_e4")
    )
    sums = groups.group_by("dwelling_id").agg(
        pl.col("round_f").sum(),
        (pl.col("gq_f") - pl.col("g_f")).sum().alias("grp_f"),
        pl.col("gq_f").sum(),
        pl.col("L").first(),
    )
    corr = attics.group_by("dwelling_id").agg(pl.col("cn_e4").sum().alias("corr_e4"))
    sums = sums.join(corr, on="dwelling_id", how="left").with_columns(
        pl.col("corr_e4").fill_null(0)
    )
    lines = [
        per_space,
        line_frame(sums, CODE, pl.lit("ooz.afronding_m2"), ctx.e4(pl.col("round_f"))),
        line_frame(sums, CODE, pl.lit("ooz.afronding_groep"), ctx.e4(pl.col("grp_f"))),
        line_frame(attics, CODE, pl.lit("ooz.zolder.") + pl.col("ref"), pl.col("cn_e4")),
    ]
    total = sums.select(
        "dwelling_id",
        ctx.quarters(pl.col("gq_f") + ctx.fine_from_e4(pl.col("corr_e4"))).alias("q"),
    )
    return RubriekResult(concat_lines(lines), total)
