"""Rubriek 10, GPA (onzelfstandig.md §2.10, O3): every parking row with spots of at least
12 m² (private ones too): ``h(points × count)`` and, with a charger, ``h(2 × count)`` over
m·n, h = round2 per line (profile H)."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pipeline.engine._num import E4, e4, micro_int, quarters_from_e4, r2_e4
from pipeline.engine.registry import RubriekResult, concat_lines, line_frame
from pipeline.rules.onzelfstandig import PARKING_TYPES

CODE = "GPA"


def in_gpa(ctx) -> pl.Expr:
    """A parking row that scores in rubriek 10 (count > 0, spots ≥ 12 m²)."""
    return (pl.col("count") > 0) & (pl.col("raw_u") >= micro_int(ctx.rules.parking_min_m2))


def _h(points: pl.Expr) -> pl.Expr:
    return pl.when(pl.col("mn") == 1).then(points).otherwise(r2_e4(points, pl.col("mn")))


def compute(ctx, deps: Mapping[str, RubriekResult]) -> RubriekResult:
    r = ctx.rules
    type_points = {t: e4(r.parking_points[name]) for t, name in PARKING_TYPES.items()}
    p = ctx.parking.filter(in_gpa(ctx)).with_columns(
        _h(
            pl.col("parking_type").replace_strict(type_points, return_dtype=pl.Int64)
            * pl.col("count")
        ).alias("spot_e4"),
        pl.when(pl.col("charging_station"))
        .then(_h(pl.col("count") * e4(r.parking_charger_points)))
        .otherwise(0)
        .alias("charger_e4"),
    )
    lines = [
        line_frame(
            p, CODE, pl.lit("gpa.") + pl.col("ref"), pl.col("spot_e4"), pl.col("count") * E4
        ),
        line_frame(
            p,
            CODE,
            pl.lit("gpa.") + pl.col("ref") + pl.lit(".laadpaal"),
            pl.col("charger_e4"),
            pl.col("count") * E4,
        ),
    ]
    total = p.group_by("dwelling_id").agg(
        quarters_from_e4((pl.col("spot_e4") + pl.col("charger_e4")).sum()).alias("q")
    )
    return RubriekResult(concat_lines(lines), total)
