"""Rubriek 5, KEU (onzelfstandig.md §2.5, O4): per same-address kitchen with a sink and a
countertop of at least 1 m: base 4 / 7 / 10 / 13 (law boundaries, 13 only when n ≥ 8), every
feature, extras capped at the base; profile H: each item line ``round2(points / n)``.
:func:`kitchen_items` (undivided items) is shared with rubriek 9."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pipeline.engine._num import E4, e4, quarters_from_e4, r2_e4
from pipeline.engine.registry import RubriekResult, concat_lines, line_frame

CODE = "KEU"

ITEM_KEYS = ["dwelling_id", "L", "ref", "n", "m", "mn", "same", "order"]


def _base(rules) -> pl.Expr:
    """The countertop points: the highest band of the rule set that contains (L, n)."""
    length = pl.col("L_mm")
    options = []
    for band in rules.countertop_bands:
        cond = pl.lit(True)
        if band.min_m is not None:
            lo = int(band.min_m * 1000)
            cond = cond & ((length >= lo) if band.min_inclusive else (length > lo))
        if band.max_m is not None:
            hi = int(band.max_m * 1000)
            cond = cond & ((length <= hi) if band.max_inclusive else (length < hi))
        if band.needs_8_units:
            cond = cond & (pl.col("n") >= 8)
        options.append(pl.when(cond).then(pl.lit(e4(band.points))).otherwise(0))
    return pl.max_horizontal(*options)


def kitchen_items(kitchens: pl.LazyFrame, rules) -> pl.LazyFrame:
    """One row per valued kitchen item: ITEM_KEYS + ``item``, ``qty_e4``, ``pts_e4``
    (undivided points)."""
    feats = {f: e4(v) for f, v in rules.kitchen_feature_points.items()}
    k = (
        kitchens.filter(pl.col("has_sink"))
        .with_columns(_base(rules).cast(pl.Int64).alias("base"))
        .filter(pl.col("base") > 0)
        .with_columns(pl.sum_horizontal(*[pl.col(f) * v for f, v in feats.items()]).alias("extras"))
    )
    parts = [
        k.select(
            *ITEM_KEYS,
            pl.lit("aanrecht").alias("item"),
            (pl.col("L_mm") * (E4 // 1000)).alias("qty_e4"),
            pl.col("base").alias("pts_e4"),
        )
    ]
    for f, v in feats.items():
        parts.append(
            k.filter(pl.col(f) > 0).select(
                *ITEM_KEYS,
                pl.lit(f).alias("item"),
                (pl.col(f) * E4).alias("qty_e4"),
                (pl.col(f) * v).alias("pts_e4"),
            )
        )
    parts.append(
        k.filter(pl.col("extras") > pl.col("base")).select(
            *ITEM_KEYS,
            pl.lit("max_extras").alias("item"),
            pl.lit(None, dtype=pl.Int64).alias("qty_e4"),
            (pl.col("base") - pl.col("extras")).alias("pts_e4"),
        )
    )
    return pl.concat(
        [p.with_columns(pl.col("qty_e4", "pts_e4").cast(pl.Int64)) for p in parts],
        how="vertical",
    )


def h_divided(items: pl.LazyFrame) -> pl.Expr:
    """Profile H on an item line: the points themselves when n = 1, else round2(points / n)."""
    return (
        pl.when(pl.col("n") == 1)
        .then(pl.col("pts_e4"))
        .otherwise(r2_e4(pl.col("pts_e4"), pl.col("n")))
    )


def item_result(code: str, prefix: str, items: pl.LazyFrame) -> RubriekResult:
    """Lines ``<prefix>.REF.<item>`` with H-divided points; the rubriek = Q(Σ)."""
    items = items.with_columns(h_divided(items).alias("line_e4"))
    lines = line_frame(
        items,
        code,
        pl.lit(prefix + ".") + pl.col("ref") + pl.lit(".") + pl.col("item"),
        pl.col("line_e4"),
        pl.col("qty_e4"),
    )
    total = items.group_by("dwelling_id").agg(quarters_from_e4(pl.col("line_e4").sum()).alias("q"))
    return RubriekResult(concat_lines([lines]), total)


def compute(ctx, deps: Mapping[str, RubriekResult]) -> RubriekResult:
    items = kitchen_items(ctx.kitchens.filter(pl.col("same")), ctx.rules)
    return item_result(CODE, "keu", items)
