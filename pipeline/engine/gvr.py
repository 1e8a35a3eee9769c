"""Rubriek 9, GVR: gemeenschappelijke vertrekken, overige ruimten en voorzieningen (§3.9).

Care home: a flat 3 points, shared spaces not evaluated. Otherwise, over the shared
(n >= 2) indoor spaces: area per (n, V vs O/OA) group ``rint(Σ a) × rate / n`` (with the
attic correction inside an O group), heating ``r2(2/n)`` per heated vertrek, cooling
``r2(1/n)`` for the first two heated+cooled vertrekken, ``r2(1/n)`` for the first four
heated O/OA spaces (input order: rooms, kitchen, sanitary, toilet), and every kitchen and
sanitary item as in rubrieken 5 and 6, each ``r2(points / n)``. ``R9 = q(Σ)``.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pipeline.engine import keu, ooz, san
from pipeline.engine._num import (
    DEN,
    E4,
    I128,
    e4,
    e4_from_fine,
    quarters_from_fine,
    r2_e4,
    round_div,
)
from pipeline.engine.registry import RubriekResult, concat_lines, line_frame
from pipeline.engine.vkv import MAX_COOLED, MAX_OTHER

CODE = "GVR"


def compute(ctx, deps: Mapping[str, RubriekResult]) -> RubriekResult:
    r = ctx.rules
    care = ctx.dwellings.filter(pl.col("care_home")).select("dwelling_id")
    flat = e4(r.c("care home (zorgwoning) flat value"))
    rate_v = e4(r.c("shared vertrek per m2"))
    rate_o = e4(r.c("shared overige ruimte per m2"))
    attic = e4(r.c("attic without fixed staircase deduction"))
    p_v = e4(r.c("heated vertrek"))
    p_c = e4(r.c("heated & cooled vertrek (cooling extra)"))
    p_o = e4(r.c("heated overige ruimte or verkeersruimte"))

    shared = ctx.spaces.filter(pl.col("n") >= 2).join(care, on="dwelling_id", how="anti")

    # 1. area, per (n, V | O/OA) group
    valued = shared.filter(pl.col("cls").is_in(["V", "O", "OA"])).with_columns(
        pl.when(pl.col("cls") == "V").then(pl.lit("V")).otherwise(pl.lit("O")).alias("grp"),
        pl.when(pl.col("cls") == "V").then(pl.lit(rate_v)).otherwise(pl.lit(rate_o)).alias("rate"),
    )
    area_lines = line_frame(
        valued,
        CODE,
        pl.concat_str([pl.lit("gvr."), pl.col("ref")]),
        round_div(pl.col("a_h") * pl.col("rate") // 100, pl.col("n")),
        pl.col("a_h") * (E4 // 100),
        keep_zero=True,
    )
    keys = ["dwelling_id", "n", "grp"]
    v_groups = (
        valued.filter(pl.col("grp") == "V")
        .group_by(keys)
        .agg(pl.col("a_h").sum().alias("sum_h"))
        .with_columns(round_div(pl.col("sum_h"), 100).alias("m2"))
        .with_columns(
            (pl.col("m2") * rate_v).alias("base_e4"),
            pl.lit(0, dtype=pl.Int64).alias("corr_e4"),
            pl.lit(rate_v).alias("rate"),
        )
    )
    o_groups, attics = ooz.area_group(valued.filter(pl.col("grp") == "O"), keys, rate_o, attic)
    o_groups = o_groups.with_columns(pl.lit(rate_o).alias("rate"))
    cols = [*keys, "sum_h", "m2", "base_e4", "corr_e4", "rate"]
    groups = pl.concat([v_groups.select(cols), o_groups.select(cols)], how="vertical").with_columns(
        round_div((pl.col("base_e4") + pl.col("corr_e4")).cast(I128) * DEN, pl.col("n")).alias(
            "pts_f"
        ),
        round_div(
            (pl.col("m2") * 100 - pl.col("sum_h")).cast(I128) * pl.col("rate") // 100 * DEN,
            pl.col("n"),
        ).alias("round_f"),
    )
    area = groups.group_by("dwelling_id").agg(pl.col("pts_f").sum(), pl.col("round_f").sum())
    attic_lines = line_frame(
        attics,
        CODE,
        pl.concat_str([pl.lit("gvr.zolder."), pl.col("ref")]),
        round_div(pl.col("c_e4"), pl.col("n")),
    )
    rounding_lines = line_frame(
        area, CODE, pl.lit("gvr.afronding_m2"), e4_from_fine(pl.col("round_f"))
    )

    # 2. heating and cooling, one pool of shared spaces in input order
    # only class V counts as a heated vertrek here (an open kitchen without area does not;
    # matches the reference, see docs/engine.md "Choices")
    h = shared.with_columns(
        (pl.col("cls") == "V").alias("is_v"), pl.col("cls").is_in(["O", "OA"]).alias("is_o")
    ).with_columns((pl.col("block_order") * 1_000_000_000 + pl.col("position")).alias("_order"))
    heated_v = h.filter(pl.col("is_v") & pl.col("heated"))
    cooled = heated_v.filter(pl.col("cooled")).filter(
        pl.col("_order").rank("ordinal").over("dwelling_id") <= MAX_COOLED
    )
    heated_o = h.filter(pl.col("is_o") & pl.col("heated")).filter(
        pl.col("_order").rank("ordinal").over("dwelling_id") <= MAX_OTHER
    )
    one = pl.lit(E4)
    heat = [
        line_frame(
            heated_v,
            CODE,
            pl.concat_str([pl.lit("gvr.verwarmd."), pl.col("ref")]),
            r2_e4(pl.lit(p_v), pl.col("n")),
            one,
        ),
        line_frame(
            cooled,
            CODE,
            pl.concat_str([pl.lit("gvr.gekoeld."), pl.col("ref")]),
            r2_e4(pl.lit(p_c), pl.col("n")),
            one,
        ),
        line_frame(
            heated_o,
            CODE,
            pl.concat_str([pl.lit("gvr.verwarmd."), pl.col("ref")]),
            r2_e4(pl.lit(p_o), pl.col("n")),
            one,
        ),
    ]

    # 3./4. kitchen and sanitary items of the shared spaces, each r2(points / n)
    kitchens = keu.kitchen_items(
        ctx.kitchens.filter(pl.col("n") >= 2).join(care, on="dwelling_id", how="anti"), r
    )
    # §3.9 step 4: shared sanitary and toilet items (not fixtures of shared rooms/kitchens)
    fixtures = san.sanitary_items(
        ctx.fixtures.filter(
            (pl.col("n") >= 2) & pl.col("block").is_in(["sanitary", "toilet"])
        ).join(care, on="dwelling_id", how="anti"),
        r,
    )
    items = pl.concat([kitchens, fixtures], how="vertical")
    item_lines = line_frame(
        items,
        CODE,
        pl.concat_str([pl.lit("gvr."), pl.col("ref"), pl.lit("."), pl.col("item")]),
        r2_e4(pl.col("pts_e4"), pl.col("n")),
        pl.col("qty_e4"),
    )

    # exact rubriek: area parts in fine units, everything else is whole line units
    e4_parts = (
        concat_lines([*heat, item_lines])
        .group_by("dwelling_id")
        .agg(pl.col("points_e4").sum().alias("e4"))
    )
    sums = (
        ctx.dwellings.select("dwelling_id", "care_home")
        .join(area, on="dwelling_id", how="left")
        .join(e4_parts, on="dwelling_id", how="left")
        .with_columns(
            pl.when(pl.col("care_home"))
            .then(pl.lit(flat * DEN))
            .otherwise(pl.col("pts_f").fill_null(0) + pl.col("e4").fill_null(0).cast(I128) * DEN)
            .alias("x_f")
        )
    )
    care_lines = line_frame(
        ctx.dwellings.filter(pl.col("care_home")), CODE, pl.lit("gvr.zorgwoning"), pl.lit(flat)
    )
    total = sums.select("dwelling_id", quarters_from_fine(pl.col("x_f")).cast(pl.Int64).alias("q"))
    return RubriekResult(
        concat_lines([care_lines, area_lines, attic_lines, rounding_lines, *heat, item_lines]),
        total,
    )
