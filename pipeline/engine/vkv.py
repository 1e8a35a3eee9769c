"""Rubriek 3, VKV: verwarming en verkoeling (§3.3), private spaces only.

``R3 = 2 × HV + min(CV, 2) + min(HO, 4)``. HV: heated vertrekken plus heated open kitchens
of class N; CV: heated and cooled vertrekken (with a low-overheating-risk label: every
vertrek); HO: heated O/OA spaces plus ``heated_circulation_spaces``.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pipeline.engine._num import E4, e4, quarters_from_e4
from pipeline.engine.registry import RubriekResult, concat_lines, line_frame

CODE = "VKV"

#: caps of §3.3 ("max 2", "max 4"); constants.csv carries them only as note text
MAX_COOLED = 2
MAX_OTHER = 4


def heating_classes(spaces: pl.LazyFrame) -> pl.LazyFrame:
    """Adds ``is_v`` (a vertrek for heating: class V, or a heated open kitchen of class N)
    and ``is_o`` (class O/OA). Shared with rubriek 9."""
    return spaces.with_columns(
        (
            (pl.col("cls") == "V")
            | ((pl.col("cls") == "N") & pl.col("open_kitchen") & pl.col("heated"))
        ).alias("is_v"),
        pl.col("cls").is_in(["O", "OA"]).alias("is_o"),
    )


def compute(ctx, deps: Mapping[str, RubriekResult]) -> RubriekResult:
    r = ctx.rules
    p_v = e4(r.c("heated vertrek"))
    p_c = e4(r.c("heated & cooled vertrek (cooling extra)"))
    p_o = e4(r.c("heated overige ruimte or verkeersruimte"))
    s = heating_classes(ctx.spaces.filter(pl.col("n") == 1)).join(
        ctx.dwellings.select(
            "dwelling_id", "low_overheating_risk_label", "heated_circulation_spaces"
        ),
        on="dwelling_id",
        how="left",
    )
    hv = s.filter(pl.col("is_v") & pl.col("heated"))
    cv = s.filter(
        pl.col("is_v")
        & ((pl.col("heated") & pl.col("cooled")) | pl.col("low_overheating_risk_label"))
    )
    ho = s.filter(pl.col("is_o") & pl.col("heated"))
    one = pl.lit(E4)
    lines = [
        line_frame(
            hv, CODE, pl.concat_str([pl.lit("vkv.verwarmd."), pl.col("ref")]), pl.lit(p_v), one
        ),
        line_frame(
            cv, CODE, pl.concat_str([pl.lit("vkv.gekoeld."), pl.col("ref")]), pl.lit(p_c), one
        ),
        line_frame(
            ho,
            CODE,
            pl.concat_str([pl.lit("vkv.verwarmd_overig."), pl.col("ref")]),
            pl.lit(p_o),
            one,
        ),
    ]
    counts = (
        ctx.dwellings.select("dwelling_id", pl.col("heated_circulation_spaces").alias("circ"))
        .join(hv.group_by("dwelling_id").agg(pl.len().alias("hv")), on="dwelling_id", how="left")
        .join(cv.group_by("dwelling_id").agg(pl.len().alias("cv")), on="dwelling_id", how="left")
        .join(ho.group_by("dwelling_id").agg(pl.len().alias("ho")), on="dwelling_id", how="left")
        .with_columns(pl.col("hv", "cv", "ho").fill_null(0).cast(pl.Int64))
        .with_columns((pl.col("ho") + pl.col("circ")).alias("ho_all"))
    )
    lines += [
        line_frame(
            counts, CODE, pl.lit("vkv.verkeersruimten"), pl.col("circ") * p_o, pl.col("circ") * E4
        ),
        line_frame(
            counts,
            CODE,
            pl.lit("vkv.max_koeling"),
            (pl.min_horizontal("cv", pl.lit(MAX_COOLED)) - pl.col("cv")) * p_c,
        ),
        line_frame(
            counts,
            CODE,
            pl.lit("vkv.max_overig"),
            (pl.min_horizontal("ho_all", pl.lit(MAX_OTHER)) - pl.col("ho_all")) * p_o,
        ),
    ]
    pts = (
        pl.col("hv") * p_v
        + pl.min_horizontal("cv", pl.lit(MAX_COOLED)) * p_c
        + pl.min_horizontal("ho_all", pl.lit(MAX_OTHER)) * p_o
    )
    total = counts.select("dwelling_id", quarters_from_e4(pts).alias("q"))
    return RubriekResult(concat_lines(lines), total)
