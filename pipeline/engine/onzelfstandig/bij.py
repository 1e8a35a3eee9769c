"""Rubriek 12, BIJ (onzelfstandig.md §2.12, O2): care home ``Q(0.35 × Σ Q(P1..P11))``;
doorbell 0.25; chargers that did not score in rubriek 10: ``2 × count / (m·n)`` per
parking row, 2 per ``private_charging_stations``. ``P12 = Q(Σ)``."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pipeline.engine._num import E4, Q_E4, e4, round_div, whole
from pipeline.engine.onzelfstandig.gpa import in_gpa
from pipeline.engine.registry import RubriekResult, concat_lines, line_frame, summed_q

CODE = "BIJ"
#: the rubrieken whose quarter-rounded points form the care-home base (§2.12: 1-11)
BASE = ("OVZ", "OOZ", "VKV", "ENE", "KEU", "SAN", "GEH", "BUI", "GBA", "GPA", "WOZ")


def compute(ctx, deps: Mapping[str, RubriekResult]) -> RubriekResult:
    r = ctx.rules
    pct = whole(r.care_home_uplift * 100)
    charger = e4(r.charging_station_points)
    base = ctx.dwellings.select(
        "dwelling_id", "L", "care_home", "doorbell", "private_charging_stations"
    )
    base = base.with_columns(
        summed_q(ctx, [deps[c].total for c in BASE]).alias("base_q")
    ).with_columns(
        # Q(0.35 × base), in quarter points: round(35 × base_q / 100)
        pl.when(pl.col("care_home"))
        .then(round_div(pl.col("base_q") * pct, 100))
        .otherwise(0)
        .alias("care_q")
    )
    parking = ctx.parking.filter(pl.col("charging_station") & (pl.col("count") > 0) & ~in_gpa(ctx))
    parking = parking.with_columns(
        ctx.fine_from_e4(pl.col("count") * charger, pl.col("mn")).alias("x_f")
    )
    bell = e4(r.doorbell_points)
    lines = [
        line_frame(
            base.filter(pl.col("care_home")),
            CODE,
            pl.lit("bij.zorgwoning"),
            pl.col("care_q") * Q_E4,
            pl.col("base_q") * Q_E4,
        ),
        line_frame(
            base.filter(pl.col("doorbell")), CODE, pl.lit("bij.deurbel"), pl.lit(bell), pl.lit(E4)
        ),
        line_frame(
            parking,
            CODE,
            pl.lit("bij.laadpaal.") + pl.col("ref"),
            ctx.e4(pl.col("x_f")),
            pl.col("count") * E4,
        ),
        line_frame(
            base,
            CODE,
            pl.lit("bij.laadpalen"),
            pl.col("private_charging_stations") * charger,
            pl.col("private_charging_stations") * E4,
        ),
    ]
    fixed = base.select(
        "dwelling_id",
        "L",
        ctx.fine_from_e4(
            pl.col("care_q") * Q_E4
            + pl.when(pl.col("doorbell")).then(bell).otherwise(0)
            + pl.col("private_charging_stations") * charger
        ).alias("x_f"),
    )
    sums = (
        pl.concat([fixed, parking.select("dwelling_id", "L", "x_f")], how="vertical")
        .group_by("dwelling_id")
        .agg(pl.col("x_f").sum(), pl.col("L").first())
    )
    total = sums.select("dwelling_id", ctx.quarters(pl.col("x_f")).alias("q"))
    return RubriekResult(concat_lines(lines), total)
