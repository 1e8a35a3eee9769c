"""Totals of non-independent dwellings (onzelfstandig.md §1.2-§1.3, §2.14): whole points,
the maximum rent of the peildatum year's table (0 for 0 points or fewer, linear above 250),
the monument and townscape percentages, sector always ``social``."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pipeline.engine._num import Q_E4, round_div, to_decimal, whole
from pipeline.engine.onzelfstandig.pmo import old_national
from schemas import output as O


def max_rent_cents(points: pl.Expr, rules) -> pl.Expr:
    table = {p: whole(v * 100) for p, v in rules.max_rent.items()}
    top = max(table)
    step = table[top] - table[top - 1]
    clamped = pl.min_horizontal(pl.max_horizontal(points, pl.lit(0)), pl.lit(top))
    base = clamped.replace_strict(table, return_dtype=pl.Int64)
    return base + pl.max_horizontal(points - top, pl.lit(0)) * step


def finish(ctx, wide: pl.DataFrame, totals: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    r = ctx.rules
    codes = [c for c in wide.columns if c not in ("dwelling_id", "_idx")]
    d = ctx.dwellings.select(
        "dwelling_id",
        "kind",
        "monument",
        "lease_signed_date",
        "protected_cityscape",
        "build_year",
        "current_rent",
    ).collect()
    woz = totals["WOZ"].select("dwelling_id", "woz_source", "woz_value_cents", "woz_year_used")
    df = wide.join(d, on="dwelling_id", how="left").join(woz, on="dwelling_id", how="left")
    df = df.with_columns(pl.sum_horizontal(*codes).alias("_exact_q"))
    df = df.with_columns(round_div(pl.col("_exact_q"), 4).alias("_points"))
    df = df.with_columns(max_rent_cents(pl.col("_points"), r).alias("_rent"))
    pct = (
        pl.when(pl.col("monument") == "national")
        .then(pl.when(old_national(r)).then(0).otherwise(whole(r.national_monument_pct)))
        .when(pl.col("monument").is_in(["municipal", "provincial"]))
        .then(whole(r.other_monument_pct))
        .when(
            pl.col("protected_cityscape")
            & pl.col("build_year").is_not_null()
            & (pl.col("build_year") < r.cityscape_build_year_before)
        )
        .then(whole(r.cityscape_pct))
        .otherwise(0)
    )
    df = df.with_columns(pct.cast(pl.Int64).alias("_pct"))
    df = df.with_columns(round_div(pl.col("_rent") * pl.col("_pct"), 100).alias("_surcharge"))
    return df.sort("_idx").select(
        "dwelling_id",
        "kind",
        pl.lit(ctx.peildatum).alias("peildatum"),
        pl.col("_points").cast(pl.Int32).alias("points"),
        to_decimal(pl.col("_exact_q") * Q_E4, O.POINTS).alias("points_exact"),
        to_decimal(pl.col("_rent"), O.MONEY, 100).alias("max_rent"),
        to_decimal(pl.col("_pct") * 100, O.PCT, 100).alias("surcharge_pct"),
        to_decimal(pl.col("_rent") + pl.col("_surcharge"), O.MONEY, 100).alias(
            "max_rent_with_surcharge"
        ),
        pl.lit("social").alias("sector"),
        "woz_source",
        to_decimal(pl.col("woz_value_cents"), pl.Decimal(12, 2), 100).alias("woz_value_used"),
        pl.col("woz_year_used").cast(pl.Int32).alias("woz_valuation_year_used"),
        pl.col("current_rent").cast(O.MONEY).alias("current_rent"),
    )
