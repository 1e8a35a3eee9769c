"""Rubriek 3, VKV (onzelfstandig.md §2.3, profile H): same-address spaces in one pool in
input order (rooms, kitchen, sanitary, toilet, then ``heated_circulation_spaces``): heated
vertrek 2; heated+cooled vertrek +1 for the first 2; heated overige ruimte (and verkeersruimte)
1 for the first 4; each share ``round2(p / n)``. :func:`heating_items` is shared with
rubriek 9 (its own pool, exact division)."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pipeline.engine._num import E4, e4, quarters_from_e4, r2_e4
from pipeline.engine.registry import RubriekResult, concat_lines, line_frame

CODE = "VKV"


def heating_items(ctx, spaces: pl.LazyFrame) -> pl.LazyFrame:
    """One row per valued heating item of ``spaces`` (caps in input order per dwelling):
    the space columns plus ``kind`` (verwarmd / gekoeld / verwarmd_overig), ``p_e4``
    (undivided points) and, per dwelling, ``other_count`` on the rows (overige items)."""
    r = ctx.rules
    s = spaces.filter(pl.col("heated")).join(
        ctx.dwellings.select("dwelling_id", "low_overheating_risk_label"),
        on="dwelling_id",
        how="left",
    )
    v = s.filter(pl.col("cls") == "V")
    cooled = v.filter(pl.col("cooled") | pl.col("low_overheating_risk_label")).filter(
        pl.col("order").rank("ordinal").over("dwelling_id") <= r.max_cooled_vertrek_spaces
    )
    other = s.filter(pl.col("cls").is_in(["O", "OA"])).filter(
        pl.col("order").rank("ordinal").over("dwelling_id") <= r.max_heated_overige_spaces
    )
    cols = [c for c in spaces.collect_schema().names()]
    return pl.concat(
        [
            v.select(
                *cols, pl.lit("verwarmd").alias("kind"), pl.lit(e4(r.heated_vertrek)).alias("p_e4")
            ),
            cooled.select(
                *cols, pl.lit("gekoeld").alias("kind"), pl.lit(e4(r.cooled_vertrek)).alias("p_e4")
            ),
            other.select(
                *cols,
                pl.lit("verwarmd_overig").alias("kind"),
                pl.lit(e4(r.heated_overige)).alias("p_e4"),
            ),
        ],
        how="vertical",
    )


def compute(ctx, deps: Mapping[str, RubriekResult]) -> RubriekResult:
    r = ctx.rules
    items = heating_items(ctx, ctx.spaces.filter(pl.col("same")))
    items = items.with_columns(
        pl.when(pl.col("n") == 1)
        .then(pl.col("p_e4"))
        .otherwise(r2_e4(pl.col("p_e4"), pl.col("n")))
        .alias("pts_e4")
    )
    space_lines = line_frame(
        items,
        CODE,
        pl.lit("vkv.") + pl.col("kind") + pl.lit(".") + pl.col("ref"),
        pl.col("pts_e4"),
        pl.lit(E4),
    )
    other = (
        items.filter(pl.col("kind") == "verwarmd_overig")
        .group_by("dwelling_id")
        .agg(pl.len().cast(pl.Int64).alias("other"))
    )
    circ = (
        ctx.dwellings.select("dwelling_id", "heated_circulation_spaces")
        .join(other, on="dwelling_id", how="left")
        .with_columns(
            pl.min_horizontal(
                pl.col("heated_circulation_spaces"),
                pl.max_horizontal(
                    pl.lit(r.max_heated_overige_spaces) - pl.col("other").fill_null(0), pl.lit(0)
                ),
            ).alias("take")
        )
    )
    p_o = e4(r.heated_overige)
    circ_lines = line_frame(
        circ, CODE, pl.lit("vkv.verkeersruimten"), pl.col("take") * p_o, pl.col("take") * E4
    )
    sums = pl.concat(
        [
            items.select("dwelling_id", "pts_e4"),
            circ.select("dwelling_id", (pl.col("take") * p_o).alias("pts_e4")),
        ],
        how="vertical",
    )
    total = sums.group_by("dwelling_id").agg(quarters_from_e4(pl.col("pts_e4").sum()).alias("q"))
    return RubriekResult(concat_lines([space_lines, circ_lines]), total)
