"""Rubriek 4, ENE (onzelfstandig.md §2.4, O1): points = E4 × rate per m², E4 = Σ A / n over
the same-address vertrekken (exact). Rate: EPV, else a valid label, else a valid energy
index, else the build year, else none (no line). A monument never goes below 0."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pipeline.engine._num import MICRO
from pipeline.engine.onzelfstandig.ovz import vertrekken
from pipeline.engine.registry import RubriekResult, concat_lines, line_frame

CODE = "ENE"


def _cents(x) -> int:
    return int(x * 100)


def _index_rate(rules) -> pl.Expr:
    ei = pl.col("ei_u")
    expr = pl.lit(None, dtype=pl.Int64)
    for gt, le, ppm in reversed(rules.index_bands):
        cond = pl.lit(True)
        if gt is not None:
            cond = cond & (ei > int(gt * MICRO))
        if le is not None:
            cond = cond & (ei <= int(le * MICRO))
        expr = pl.when(cond).then(pl.lit(_cents(ppm))).otherwise(expr)
    return expr


def _build_year_rate(rules) -> pl.Expr:
    y = pl.col("build_year")
    expr = pl.lit(None, dtype=pl.Int64)
    for lo, hi, ppm in reversed(rules.build_year_bands):
        cond = y.is_not_null()
        if lo is not None:
            cond = cond & (y >= lo)
        if hi is not None:
            cond = cond & (y <= hi)
        expr = pl.when(cond).then(pl.lit(_cents(ppm))).otherwise(expr)
    return expr


def compute(ctx, deps: Mapping[str, RubriekResult]) -> RubriekResult:
    r = ctx.rules
    pd = ctx.peildatum
    labels = {k: _cents(v) for k, v in r.label_per_m2.items()}
    valid = (
        pl.col("energy_label_registered_on").is_null()
        | (pl.col("energy_label_registered_on") <= pd)
    ) & (pl.col("energy_label_valid_until").is_null() | (pl.col("energy_label_valid_until") > pd))
    has_label = (pl.col("energy_label") != "") & valid
    has_index = pl.col("energy_index_existence") & (pl.col("ei_u").fill_null(0) > 0) & valid
    d = ctx.dwellings.select(
        "dwelling_id",
        "L",
        pl.col("monument"),
        pl.when(pl.col("energy_performance_compensation"))
        .then(pl.lit("epv_per_m2"))
        .when(has_label)
        .then(pl.lit("label_per_m2"))
        .when(has_index)
        .then(pl.lit("energie_index_per_m2"))
        .when(pl.col("build_year").is_not_null())
        .then(pl.lit("bouwjaar_per_m2"))
        .otherwise(None)
        .alias("what"),
        pl.when(pl.col("energy_performance_compensation"))
        .then(pl.lit(_cents(r.epv_per_m2)))
        .when(has_label)
        .then(pl.col("energy_label").replace_strict(labels, default=None, return_dtype=pl.Int64))
        .when(has_index)
        .then(_index_rate(r))
        .otherwise(_build_year_rate(r))
        .alias("ppm_c"),
    ).filter(pl.col("what").is_not_null())
    area = vertrekken(ctx).group_by("dwelling_id").agg(pl.col("share_f").sum().alias("area_f"))
    d = d.join(area, on="dwelling_id", how="left").with_columns(
        pl.col("area_f").fill_null(0).cast(pl.Int128)
    )
    # area_f is m² × 10**8 × L; × ppm (hundredths) / 100 gives points in fine units
    d = d.with_columns((pl.col("area_f") * pl.col("ppm_c") // 100).alias("pts_f"))
    floor = (pl.col("monument") != "") & (pl.col("pts_f") < 0)
    lines = [
        line_frame(
            d,
            CODE,
            pl.lit("ene.") + pl.col("what"),
            ctx.e4(pl.col("pts_f")),
            ctx.e4(pl.col("area_f")),
            keep_zero=True,
        ),
        line_frame(
            d.filter(floor),
            CODE,
            pl.lit("ene.monument_minimum"),
            ctx.e4(pl.lit(0, dtype=pl.Int128) - pl.col("pts_f")),
        ),
    ]
    total = d.select(
        "dwelling_id",
        ctx.quarters(pl.when(floor).then(0).otherwise(pl.col("pts_f"))).alias("q"),
    )
    return RubriekResult(concat_lines(lines), total)
