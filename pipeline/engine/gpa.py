"""Rubriek 10, GPA: gemeenschappelijke parkeerruimten (§3.10).

Per parking item of at least 12 m²: ``r2(type points × count / n)``, plus for a charging
station on a shared item (n >= 2) ``r2(2 × count / n)``. A private item (n = 1) is valued
with divisor 1; its charger goes to rubriek 12. ``R10 = q(Σ)``.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pipeline.engine._num import E4, e4, micro_int, quarters_from_e4, r2_e4
from pipeline.engine.registry import RubriekResult, concat_lines, line_frame

CODE = "GPA"

_TYPES = {
    1: "parking type I (closed garage of the complex)",
    2: "parking type II (outside with roof / carport)",
    3: "parking type III (outside without roof)",
}


def valued_parking(ctx) -> pl.LazyFrame:
    """Parking items that are a valued space (≥ the minimum size, §3.10)."""
    return ctx.parking.filter(pl.col("raw_u") >= micro_int(ctx.rules.c("minimum parking space")))


def compute(ctx, deps: Mapping[str, RubriekResult]) -> RubriekResult:
    r = ctx.rules
    pts = {t: e4(r.c(item)) for t, item in _TYPES.items()}
    charger = e4(r.c("charging station on parking space"))
    p = valued_parking(ctx).with_columns(
        pl.col("parking_type").replace_strict(pts, default=0, return_dtype=pl.Int64).alias("tp")
    )
    lines = [
        line_frame(
            p,
            CODE,
            pl.concat_str([pl.lit("gpa."), pl.col("ref")]),
            r2_e4(pl.col("tp") * pl.col("count"), pl.col("n")),
            pl.col("count") * E4,
        ),
        line_frame(
            p.filter(pl.col("charging_station") & (pl.col("n") >= 2)),
            CODE,
            pl.concat_str([pl.lit("gpa."), pl.col("ref"), pl.lit(".laadpaal")]),
            r2_e4(pl.lit(charger) * pl.col("count"), pl.col("n")),
            pl.col("count") * E4,
        ),
    ]
    body = concat_lines(lines)
    total = body.group_by("dwelling_id").agg(quarters_from_e4(pl.col("points_e4").sum()).alias("q"))
    return RubriekResult(body, total)
