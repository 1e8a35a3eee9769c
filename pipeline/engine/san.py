"""Rubriek 6, SAN: sanitair (§3.6), private spaces.

Per space (``ctx.fixtures``: rooms, kitchens, sanitary and toilet items in one shape):
toilets at the bathroom or toilet-room rate, washbasins (capped at one of each kind outside
bathrooms; a kitchen's short-counter sink is a washbasin), bath/shower pairs, and in a
bathroom with a washbasin the extras, capped per room at its bath/shower points.
:func:`sanitary_items` is shared with rubriek 9 (shared spaces, each item / n).
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pipeline.engine._num import E4, e4, quarters_from_e4
from pipeline.engine.keu import ITEM_COLUMNS
from pipeline.engine.registry import RubriekResult, concat_lines

CODE = "SAN"

#: per-room caps of the extras table (``sanitary_extra_points.csv`` column per_room_cap,
#: text only): cupboard space once per room, two power outlets per washbasin
CUPBOARD_MAX = 1
OUTLETS_PER_WASHBASIN = 2


def sanitary_items(fixtures: pl.LazyFrame, rules) -> pl.LazyFrame:
    """One row per valued sanitary item of each space; undivided points in line units."""
    extras = {f: e4(v) for f, v in rules.sanitary_extra_points.items()}
    wb, mwb = e4(rules.washbasin), e4(rules.multi_person_washbasin)
    bathroom = pl.col("room_kind") == "bathroom"
    toiletroom = pl.col("room_kind") == "toiletroom"
    sink = ((pl.col("sink_mm") > 0) & (pl.col("sink_mm") < rules.countertop_short_mm)).cast(
        pl.Int64
    )
    f = fixtures.with_columns((pl.col("washbasin") + sink).alias("w"), pl.col("multi").alias("m"))
    f = f.with_columns(
        pl.min_horizontal("showers", "baths").alias("pairs"),
        pl.when(bathroom)
        .then(pl.lit(e4(rules.bathroom_standing)))
        .when(toiletroom)
        .then(pl.lit(e4(rules.toilet_room_standing)))
        .otherwise(0)
        .alias("rate_standing"),
        pl.when(bathroom)
        .then(pl.lit(e4(rules.bathroom_wall_hung)))
        .when(toiletroom)
        .then(pl.lit(e4(rules.toilet_room_wall_hung)))
        .otherwise(0)
        .alias("rate_wall"),
    )
    f = f.with_columns(
        (
            pl.col("pairs") * e4(rules.shower_bath)
            + (pl.col("baths") - pl.col("pairs")) * e4(rules.bath)
            + (pl.col("showers") - pl.col("pairs")) * e4(rules.shower)
        ).alias("bs"),
        (
            bathroom
            & ((pl.col("w") + pl.col("m")) >= 1)
            & ((pl.col("showers") + pl.col("baths")) > 0)
        ).alias("has_extras"),
    )
    ex = {k: pl.when(pl.col("has_extras")).then(pl.col(k)).otherwise(0) for k in extras}
    f = f.with_columns(*[v.alias(f"x_{k}") for k, v in ex.items()])
    cup = extras.get("cupboard_space", 0)
    out = extras.get("power_outlet", 0)
    f = f.with_columns(
        (
            (
                pl.min_horizontal("x_cupboard_space", pl.lit(CUPBOARD_MAX))
                - pl.col("x_cupboard_space")
            )
            * cup
        ).alias("cap_cupboard"),
        (
            (
                pl.min_horizontal(
                    pl.col("x_power_outlet"), (pl.col("w") + pl.col("m")) * OUTLETS_PER_WASHBASIN
                )
                - pl.col("x_power_outlet")
            )
            * out
        ).alias("cap_outlet"),
    )
    f = f.with_columns(
        (
            pl.sum_horizontal(*[pl.col(f"x_{k}") * v for k, v in extras.items()])
            + pl.col("cap_cupboard")
            + pl.col("cap_outlet")
        ).alias("ex_total")
    )
    f = f.cache()  # one derived frame, many item selections: compute it once
    keys = [pl.col(c) for c in ("dwelling_id", "ref", "n", "block_order", "position")]
    items: list[tuple[str, pl.Expr | None, pl.Expr]] = [
        ("toilet", pl.col("standing"), pl.col("standing") * pl.col("rate_standing")),
        ("wall_hung_toilet", pl.col("wall_hung"), pl.col("wall_hung") * pl.col("rate_wall")),
        ("washbasin", pl.col("w"), pl.col("w") * wb),
        ("multi_person_washbasin", pl.col("m"), pl.col("m") * mwb),
        (
            "max_wastafel",
            None,
            pl.when(bathroom)
            .then(0)
            .otherwise(
                (pl.min_horizontal("w", pl.lit(1)) - pl.col("w")) * wb
                + (pl.min_horizontal("m", pl.lit(1)) - pl.col("m")) * mwb
            ),
        ),
        ("shower_bath", pl.col("pairs"), pl.col("pairs") * e4(rules.shower_bath)),
        (
            "bath",
            pl.col("baths") - pl.col("pairs"),
            (pl.col("baths") - pl.col("pairs")) * e4(rules.bath),
        ),
        (
            "shower",
            pl.col("showers") - pl.col("pairs"),
            (pl.col("showers") - pl.col("pairs")) * e4(rules.shower),
        ),
        *[(k, pl.col(f"x_{k}"), pl.col(f"x_{k}") * v) for k, v in extras.items()],
        ("max_cupboard_space", None, pl.col("cap_cupboard")),
        ("max_power_outlet", None, pl.col("cap_outlet")),
        (
            "max_extras",
            None,
            pl.when(pl.col("ex_total") > pl.col("bs"))
            .then(pl.col("bs") - pl.col("ex_total"))
            .otherwise(0),
        ),
    ]
    parts = [
        f.select(
            *keys,
            pl.lit(name).alias("item"),
            (qty * E4 if qty is not None else pl.lit(None)).cast(pl.Int64).alias("qty_e4"),
            pts.cast(pl.Int64).alias("pts_e4"),
        ).filter(pl.col("pts_e4") != 0)
        for name, qty, pts in items
    ]
    return pl.concat(parts, how="vertical").select(ITEM_COLUMNS)


def compute(ctx, deps: Mapping[str, RubriekResult]) -> RubriekResult:
    items = sanitary_items(ctx.fixtures.filter(pl.col("n") == 1), ctx.rules)
    lines = items.select(
        "dwelling_id",
        pl.lit(CODE).alias("rubriek"),
        pl.concat_str([pl.lit("san."), pl.col("ref"), pl.lit("."), pl.col("item")]).alias("line"),
        pl.col("qty_e4").alias("quantity_e4"),
        pl.col("pts_e4").alias("points_e4"),
    )
    total = items.group_by("dwelling_id").agg(quarters_from_e4(pl.col("pts_e4").sum()).alias("q"))
    return RubriekResult(concat_lines([lines]), total)
