"""Rubriek 5, KEU: keuken (§3.5), private kitchens.

Per kitchen: counter ``L_mm`` < 1000 -> nothing; < 2000 -> 4; else 7. Extras ``E`` (count ×
value per feature) only with a counter, capped at the counter points. ``R5 = q(Σ)``.
:func:`kitchen_items` is shared with rubriek 9 (shared kitchens, each item / n).
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pipeline.engine._num import E4, e4, quarters_from_e4
from pipeline.engine.registry import RubriekResult, concat_lines

CODE = "KEU"

ITEM_COLUMNS = ["dwelling_id", "ref", "n", "block_order", "position", "item", "qty_e4", "pts_e4"]


def kitchen_items(kitchens: pl.LazyFrame, rules) -> pl.LazyFrame:
    """One row per valued kitchen item (``aanrecht``, each feature, ``max_extras``).

    Columns ITEM_COLUMNS; points are the undivided points of the item, in line units.
    """
    feats = {f: e4(v) for f, v in rules.kitchen_feature_points.items()}
    base = (
        pl.when(pl.col("L_mm") >= rules.countertop_long_mm)
        .then(pl.lit(e4(rules.countertop_points_long)))
        .when(pl.col("L_mm") >= rules.countertop_short_mm)
        .then(pl.lit(e4(rules.countertop_points_short)))
        .otherwise(pl.lit(0))
    )
    extras = pl.sum_horizontal(*[pl.col(f) * v for f, v in feats.items()])
    k = kitchens.with_columns(
        base.cast(pl.Int64).alias("base"), pl.lit(1, dtype=pl.Int64).alias("block_order")
    ).filter(pl.col("base") > 0)
    k = k.with_columns(extras.cast(pl.Int64).alias("extras")).cache()
    keys = [
        pl.col("dwelling_id"),
        pl.col("ref"),
        pl.col("n"),
        pl.col("block_order"),
        pl.col("position"),
    ]
    parts = [
        k.select(
            *keys,
            pl.lit("aanrecht").alias("item"),
            (pl.col("L_mm") * (E4 // 1000)).alias("qty_e4"),
            pl.col("base").alias("pts_e4"),
        )
    ]
    for f, v in feats.items():
        parts.append(
            k.filter(pl.col(f) > 0).select(
                *keys,
                pl.lit(f).alias("item"),
                (pl.col(f) * E4).alias("qty_e4"),
                (pl.col(f) * v).alias("pts_e4"),
            )
        )
    parts.append(
        k.filter(pl.col("extras") > pl.col("base")).select(
            *keys,
            pl.lit("max_extras").alias("item"),
            pl.lit(None, dtype=pl.Int64).alias("qty_e4"),
            (pl.col("base") - pl.col("extras")).alias("pts_e4"),
        )
    )
    ints = ("n", "block_order", "position", "qty_e4", "pts_e4")
    return pl.concat(
        [
            p.select(pl.col(c).cast(pl.Int64) if c in ints else pl.col(c) for c in ITEM_COLUMNS)
            for p in parts
        ],
        how="vertical",
    )


def compute(ctx, deps: Mapping[str, RubriekResult]) -> RubriekResult:
    items = kitchen_items(ctx.kitchens.filter(pl.col("n") == 1), ctx.rules)
    lines = items.select(
        "dwelling_id",
        pl.lit(CODE).alias("rubriek"),
        pl.concat_str([pl.lit("keu."), pl.col("ref"), pl.lit("."), pl.col("item")]).alias("line"),
        pl.col("qty_e4").alias("quantity_e4"),
        pl.col("pts_e4").alias("points_e4"),
    )
    total = items.group_by("dwelling_id").agg(quarters_from_e4(pl.col("pts_e4").sum()).alias("q"))
    return RubriekResult(concat_lines([lines]), total)
