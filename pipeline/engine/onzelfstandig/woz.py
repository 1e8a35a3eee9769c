"""Rubriek 11, WOZ (onzelfstandig.md §2.11): the WOZ value per m² of the address against
the COROP average of the same waardepeildatum year: > +10 % 14, within ±10 % 12, below 10;
no usable WOZ value and no appraisal 10. No usable area or no average: unscored (0).

Value W in 1e-8 euro (exact for 85 % of a 6-decimal appraisal), compared in Int128 integers.
Publishes on its total: ``q``, ``woz_source``, ``woz_value_cents``, ``woz_year_used``.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pipeline.engine._num import E4, Q_E4, round_div, whole
from pipeline.engine.registry import RubriekResult, concat_lines, line_frame

CODE = "WOZ"
I128 = pl.Int128


def compute(ctx, deps: Mapping[str, RubriekResult]) -> RubriekResult:
    r = ctx.rules
    y1, y2 = ctx.peildatum.year - 1, ctx.peildatum.year - 2
    appraisal_pct = whole(r.appraisal_factor * 100)
    band = whole(r.woz_band_pct)
    avg = pl.LazyFrame(
        {
            "corop_slug": [slug for slug, _ in r.corop_average],
            "year_used": [year for _, year in r.corop_average],
            "avg": [whole(v) for v in r.corop_average.values()],
        },
        schema={"corop_slug": pl.String, "year_used": pl.Int64, "avg": pl.Int64},
    )
    has_woz = (pl.col("woz_u").fill_null(0) > 0) & pl.col("woz_valuation_year").is_in([y1, y2])
    has_appraisal = pl.col("taxation_u").fill_null(0) > 0
    d = ctx.dwellings.select(
        "dwelling_id",
        "corop_slug",
        pl.col("usable_u").fill_null(0),
        pl.when(has_woz)
        .then(pl.coalesce(pl.col("woz_source"), pl.lit("portfolio")))
        .when(has_appraisal)
        .then(pl.lit("appraisal"))
        .otherwise(pl.lit("fallback"))
        .alias("woz_source"),
        pl.when(has_woz)
        .then(pl.col("woz_u").cast(I128) * 100)
        .when(has_appraisal)
        .then(pl.col("taxation_u").cast(I128) * appraisal_pct)
        .otherwise(None)
        .alias("w8"),
        pl.when(has_woz)
        .then(pl.col("woz_valuation_year").cast(pl.Int64))
        .when(has_appraisal)
        .then(pl.lit(y1, dtype=pl.Int64))
        .otherwise(None)
        .alias("year_used"),
    ).join(avg, on=["corop_slug", "year_used"], how="left")
    # G × avg in 1e-8 euro: usable (micro m²) × avg (euro / m²) × 100
    ga8 = pl.col("usable_u").cast(I128) * pl.col("avg") * 100
    scored = pl.col("w8").is_not_null() & (pl.col("usable_u") > 0) & pl.col("avg").is_not_null()
    d = d.with_columns(
        pl.when(pl.col("w8").is_null())
        .then(pl.lit("geen_woz"))
        .when(~scored)
        .then(None)
        .when(pl.col("w8") * 100 > ga8 * (100 + band))
        .then(pl.lit("boven_gemiddelde"))
        .when(pl.col("w8") * 100 >= ga8 * (100 - band))
        .then(pl.lit("rond_gemiddelde"))
        .otherwise(pl.lit("onder_gemiddelde"))
        .alias("what")
    )
    points = {
        "geen_woz": whole(r.woz_none),
        "boven_gemiddelde": whole(r.woz_high),
        "rond_gemiddelde": whole(r.woz_middle),
        "onder_gemiddelde": whole(r.woz_low),
    }
    d = d.with_columns(
        pl.col("what").replace_strict(points, default=0, return_dtype=pl.Int64).alias("pts")
    )
    valued = d.filter(pl.col("what").is_not_null())
    line = line_frame(
        valued,
        CODE,
        pl.lit("woz.") + pl.col("what"),
        pl.col("pts") * E4,
        pl.when(pl.col("what") == "geen_woz")
        .then(None)
        .otherwise(round_div(pl.col("w8") * 100, pl.col("usable_u")).cast(pl.Int64)),
    )
    total = d.select(
        "dwelling_id",
        (pl.col("pts") * (E4 // Q_E4)).alias("q"),
        "woz_source",
        round_div(pl.col("w8"), 1_000_000).cast(pl.Int64).alias("woz_value_cents"),
        pl.col("year_used").alias("woz_year_used"),
    )
    return RubriekResult(concat_lines([line]), total)
