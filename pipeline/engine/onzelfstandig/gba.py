"""Rubriek 9, GBA (onzelfstandig.md §2.9): indoor spaces shared with other addresses (m ≥ 2),
every part divided by m·n exactly. Care home: a fixed 3 and nothing else. Otherwise: area per
(m, n, vertrek | overige) group ``round0(ΣA) × rate / (m·n)`` with attic corrections
``round2(c / (m·n))``; heating with the H caps over these spaces (input order); kitchen and
sanitary items as in rubrieken 5 and 6 (13-point kitchen row with n ≥ 8)."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pipeline.engine._num import E4, e4, r2_e4, round_div
from pipeline.engine.onzelfstandig.keu import kitchen_items
from pipeline.engine.onzelfstandig.ooz import area_groups
from pipeline.engine.onzelfstandig.san import exception_spaces, sanitary_items
from pipeline.engine.onzelfstandig.vkv import heating_items
from pipeline.engine.registry import RubriekResult, concat_lines, line_frame

CODE = "GBA"


def compute(ctx, deps: Mapping[str, RubriekResult]) -> RubriekResult:
    r = ctx.rules
    care = ctx.dwellings.filter(pl.col("care_home")).select("dwelling_id")
    flat = e4(r.care_home_gba_points)
    rate_v, rate_o = e4(r.gba_vertrek_rate), e4(r.gba_overige_rate)

    def shared(lf: pl.LazyFrame) -> pl.LazyFrame:
        return lf.filter(~pl.col("same")).join(care, on="dwelling_id", how="anti")

    spaces = shared(ctx.spaces)
    # 1. area per (m, n, V | O) group
    valued = spaces.filter(pl.col("cls") != "N").with_columns(
        pl.when(pl.col("cls") == "V").then(pl.lit("V")).otherwise(pl.lit("O")).alias("grp"),
        pl.when(pl.col("cls") == "V").then(pl.lit(rate_v)).otherwise(pl.lit(rate_o)).alias("rate"),
    )
    area_lines = line_frame(
        valued.filter((pl.col("grp") == "O") | (pl.col("a_h") > 0)),
        CODE,
        pl.lit("gba.") + pl.col("ref"),
        round_div(pl.col("a_h") * pl.col("rate") // 100, pl.col("mn")),
        pl.col("a_h") * 100,
        keep_zero=True,
    )
    keys = ["dwelling_id", "L", "m", "n", "mn", "grp", "rate"]
    groups = (
        valued.group_by(keys)
        .agg(pl.col("a_h").sum().alias("sum_h"))
        .with_columns(round_div(pl.col("sum_h"), 100).alias("m2"))
        .with_columns(
            ctx.fine_from_e4(pl.col("m2") * pl.col("rate"), pl.col("mn")).alias("base_f"),
            ctx.fine_from_e4(
                (pl.col("m2") * 100 - pl.col("sum_h")) * pl.col("rate") // 100, pl.col("mn")
            ).alias("round_f"),
        )
    )
    _, attics = area_groups(
        valued.filter(pl.col("grp") == "O"), keys, rate_o, e4(r.attic_max_deduction)
    )
    attics = attics.with_columns(r2_e4(pl.col("c_e4"), pl.col("mn")).alias("cn_e4"))
    area = groups.group_by("dwelling_id").agg(
        pl.col("base_f").sum(), pl.col("round_f").sum(), pl.col("L").first()
    )
    rounding_lines = line_frame(area, CODE, pl.lit("gba.afronding_m2"), ctx.e4(pl.col("round_f")))
    attic_lines = line_frame(attics, CODE, pl.lit("gba.zolder.") + pl.col("ref"), pl.col("cn_e4"))
    # 2. heating and cooling, the H caps over the rubriek-9 spaces, exact division
    heat = heating_items(ctx, spaces).with_columns(
        ctx.fine_from_e4(pl.col("p_e4"), pl.col("mn")).alias("x_f")
    )
    heat_lines = line_frame(
        heat,
        CODE,
        pl.lit("gba.") + pl.col("kind") + pl.lit(".") + pl.col("ref"),
        ctx.e4(pl.col("x_f")),
        pl.lit(E4),
    )
    # 3. kitchens and 4. sanitary items of every shared indoor space
    items = pl.concat(
        [
            kitchen_items(shared(ctx.kitchens), r),
            sanitary_items(ctx, shared(ctx.fixtures), exception_spaces(ctx)),
        ],
        how="vertical",
    ).with_columns(ctx.fine_from_e4(pl.col("pts_e4"), pl.col("mn")).alias("x_f"))
    item_lines = line_frame(
        items,
        CODE,
        pl.lit("gba.") + pl.col("ref") + pl.lit(".") + pl.col("item"),
        ctx.e4(pl.col("x_f")),
        pl.col("qty_e4"),
    )
    parts = pl.concat(
        [
            area.select("dwelling_id", "L", pl.col("base_f").alias("x_f")),
            attics.select("dwelling_id", "L", ctx.fine_from_e4(pl.col("cn_e4")).alias("x_f")),
            heat.select("dwelling_id", "L", "x_f"),
            items.select("dwelling_id", "L", "x_f"),
        ],
        how="vertical",
    )
    sums = parts.group_by("dwelling_id").agg(pl.col("x_f").sum(), pl.col("L").first())
    care_lines = line_frame(
        ctx.dwellings.filter(pl.col("care_home")), CODE, pl.lit("gba.zorgwoning"), pl.lit(flat)
    )
    total = pl.concat(
        [
            sums.select("dwelling_id", ctx.quarters(pl.col("x_f")).alias("q")),
            ctx.dwellings.filter(pl.col("care_home")).select(
                "dwelling_id", pl.lit(flat // (E4 // 4), dtype=pl.Int64).alias("q")
            ),
        ],
        how="vertical",
    )
    return RubriekResult(
        concat_lines([care_lines, area_lines, rounding_lines, attic_lines, heat_lines, item_lines]),
        total,
    )
