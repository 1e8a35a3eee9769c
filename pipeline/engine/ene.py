"""Rubriek 4, ENE: energieprestatie (§3.4).

First match wins: EPV agreed -> EPV points; valid label -> label table; valid energy index
-> index band -> class points; else build-year table. Monuments: floor 0. One source line
(``ene.epv`` / ``ene.label`` / ``ene.energie_index`` / ``ene.bouwjaar``) always, plus
``ene.monument_minimum`` when the floor lifts the points.

Validity of a label or index on the peildatum: ``registered_on <= peildatum < valid_until``
(a missing date does not invalidate).
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pipeline.engine._num import E4, e4, micro_int, quarters_from_e4, round_div
from pipeline.engine.registry import RubriekResult, concat_lines, line_frame

CODE = "ENE"


def _by_category(egw: pl.Expr, mgw: pl.Expr) -> pl.Expr:
    return (
        pl.when(pl.col("category") == "EGW").then(egw).when(pl.col("category") == "MGW").then(mgw)
    )


def _lookup(col: pl.Expr, table: Mapping[str, tuple], default=None) -> pl.Expr:
    egw = col.replace_strict(
        {k: e4(v[0]) for k, v in table.items()}, default=default, return_dtype=pl.Int64
    )
    mgw = col.replace_strict(
        {k: e4(v[1]) for k, v in table.items()}, default=default, return_dtype=pl.Int64
    )
    return _by_category(egw, mgw)


def compute(ctx, deps: Mapping[str, RubriekResult]) -> RubriekResult:
    r = ctx.rules
    pd = pl.lit(ctx.peildatum)
    valid = (
        pl.col("energy_label_registered_on").is_null()
        | (pl.col("energy_label_registered_on") <= pd)
    ) & (pl.col("energy_label_valid_until").is_null() | (pd < pl.col("energy_label_valid_until")))
    has_label = (pl.col("energy_label") != "") & valid
    has_index = pl.col("energy_index_existence") & (pl.col("ei_u") > 0) & valid

    # energy index -> equivalent class (lower bound exclusive, upper inclusive)
    band = pl.lit(None, dtype=pl.String)
    for lo, hi, label in reversed(r.index_bands):
        cond = pl.lit(True)
        if lo is not None:
            cond = cond & (pl.col("ei_u") > micro_int(lo))
        if hi is not None:
            cond = cond & (pl.col("ei_u") <= micro_int(hi))
        band = pl.when(cond).then(pl.lit(label)).otherwise(band)

    year = pl.col("build_year")
    by_egw = pl.lit(None, dtype=pl.Int64)
    by_mgw = pl.lit(None, dtype=pl.Int64)
    for lo, hi, egw, mgw in reversed(r.build_year_bands):
        cond = pl.lit(True)
        if lo is not None:
            cond = cond & (year >= lo)
        if hi is not None:
            cond = cond & (year <= hi)
        by_egw = pl.when(cond).then(pl.lit(e4(egw))).otherwise(by_egw)
        by_mgw = pl.when(cond).then(pl.lit(e4(mgw))).otherwise(by_mgw)

    source = (
        pl.when(pl.col("energy_performance_compensation"))
        .then(pl.lit("ene.epv"))
        .when(has_label)
        .then(pl.lit("ene.label"))
        .when(has_index)
        .then(pl.lit("ene.energie_index"))
        .otherwise(pl.lit("ene.bouwjaar"))
    )
    d = ctx.dwellings.with_columns(source.alias("src"), band.alias("band"))
    pts = (
        pl.when(pl.col("src") == "ene.epv")
        .then(_by_category(pl.lit(e4(r.epv_points[0])), pl.lit(e4(r.epv_points[1]))))
        .when(pl.col("src") == "ene.label")
        .then(_lookup(pl.col("energy_label"), r.label_points))
        .when(pl.col("src") == "ene.energie_index")
        .then(_lookup(pl.col("band"), r.index_points))
        .otherwise(_by_category(by_egw, by_mgw))
    )
    qty = (
        pl.when(pl.col("src") == "ene.energie_index")
        .then(round_div(pl.col("ei_u"), 100))  # micro -> line4
        .when(pl.col("src") == "ene.bouwjaar")
        .then(pl.col("build_year") * E4)
    )
    d = d.with_columns(pts.fill_null(0).alias("pts"), qty.alias("qty"))
    is_monument = pl.col("monument").is_in(["national", "municipal", "provincial"])
    d = d.with_columns(
        pl.when(is_monument & (pl.col("pts") < 0)).then(-pl.col("pts")).otherwise(0).alias("floor")
    )
    lines = [
        line_frame(d, CODE, pl.col("src"), pl.col("pts"), pl.col("qty"), keep_zero=True),
        line_frame(d, CODE, pl.lit("ene.monument_minimum"), pl.col("floor")),
    ]
    total = d.select("dwelling_id", quarters_from_e4(pl.col("pts") + pl.col("floor")).alias("q"))
    return RubriekResult(concat_lines(lines), total)
