"""Rubriek 12, BIJ: bijzondere voorzieningen (§3.12).

``R12 = q(Z + doorbell + chargers)``: care home ``Z = 0.35 × (Σ q(R1..R10) + R11 without
the 11.2 uplift)``; a video/audio doorbell 0.25; a private charging station 2 per station
(private parking items with a charger, and ``private_charging_stations``).
:func:`fixed_parts` and :func:`r12_e4` are also used by rubriek 11 (the 11.2 threshold
counts R12).
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pipeline.engine._num import E4, Q_E4, e4, quarters_from_e4, whole
from pipeline.engine.registry import RubriekResult, concat_lines, line_frame, summed_q
from pipeline.engine.zelfstandig_deps import R1_R10

CODE = "BIJ"


def _lines_without_care(ctx) -> pl.LazyFrame:
    r = ctx.rules
    bell = e4(r.c("video/audio doorbell with remote door opener"))
    charger = e4(r.c("charging station (exclusive for residents)"))
    d = ctx.dwellings
    parking = ctx.parking.filter((pl.col("n") == 1) & pl.col("charging_station"))
    return concat_lines(
        [
            line_frame(
                d.filter(pl.col("doorbell")), CODE, pl.lit("bij.deurbel"), pl.lit(bell), pl.lit(E4)
            ),
            line_frame(
                parking,
                CODE,
                pl.concat_str([pl.lit("bij.laadpaal."), pl.col("ref")]),
                pl.col("count") * charger,
                pl.col("count") * E4,
            ),
            line_frame(
                d,
                CODE,
                pl.lit("bij.laadpalen"),
                pl.col("private_charging_stations") * charger,
                pl.col("private_charging_stations") * E4,
            ),
        ]
    )


def fixed_parts(ctx) -> pl.LazyFrame:
    """Per dwelling: ``care_home`` and ``fixed_e4`` (doorbell + chargers, line units)."""
    sums = (
        _lines_without_care(ctx)
        .group_by("dwelling_id")
        .agg(pl.col("points_e4").sum().alias("fixed_e4"))
    )
    return (
        ctx.dwellings.select("dwelling_id", "care_home")
        .join(sums, on="dwelling_id", how="left")
        .with_columns(pl.col("fixed_e4").fill_null(0))
    )


def care_e4(ctx, base_q: pl.Expr) -> pl.Expr:
    """The care-home uplift in line units (exact: quarter points × a whole percentage)."""
    pct = whole(ctx.rules.c("care home uplift"))
    return pl.when(pl.col("care_home")).then(base_q * (Q_E4 * pct // 100)).otherwise(0)


def r12_q(ctx, base_q: pl.Expr) -> pl.Expr:
    """R12 in quarter points, given the care-home base (quarter points) and ``fixed_parts``."""
    return quarters_from_e4(care_e4(ctx, base_q) + pl.col("fixed_e4"))


def compute(ctx, deps: Mapping[str, RubriekResult]) -> RubriekResult:
    # the care base: R1..R10 and WOZ without its 11.2 uplift
    base_q = summed_q(
        ctx,
        [deps[c].total for c in (*R1_R10, "WOZ")],
        ["q"] * len(R1_R10) + ["q_excl"],
    )
    base = fixed_parts(ctx).with_columns(base_q.alias("base_q"))
    care = line_frame(
        base.filter(pl.col("care_home")),
        CODE,
        pl.lit("bij.zorgwoning"),
        care_e4(ctx, pl.col("base_q")),
        pl.col("base_q") * Q_E4,
    )
    lines = concat_lines([care, _lines_without_care(ctx)])
    total = base.select("dwelling_id", r12_q(ctx, pl.col("base_q")).alias("q"))
    return RubriekResult(lines, total)
