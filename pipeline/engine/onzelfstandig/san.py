"""Rubriek 6, SAN (onzelfstandig.md §2.6): sanitary items of the same-address spaces, each
line ``round2(points / n)`` (profile H). Toilets at the toilet-room or bathroom rate;
washbasins capped at one of each kind outside bathrooms, except in the one 8+ exception
space; bath/shower pairs; extras in a bathroom with a washbasin, capped.
:func:`sanitary_items` and :func:`exception_spaces` are shared with rubriek 9."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pipeline.engine._num import E4, e4
from pipeline.engine.onzelfstandig.context import EXTRAS
from pipeline.engine.onzelfstandig.keu import ITEM_KEYS, item_result
from pipeline.engine.registry import RubriekResult

CODE = "SAN"


def exception_spaces(ctx) -> pl.LazyFrame:
    """``dwelling_id``, ``order`` of the one space per dwelling whose washbasin maxima are
    lifted (§2.6 / §8.8): some space of the dwelling has n ≥ 8; the non-bathroom space with
    the highest gain Σ max(count − 1, 0) × unit / (m·n), ties by input order; in a care home
    spaces shared with other addresses are no candidates."""
    r = ctx.rules
    limit = r.units_for_washbasin_exception
    big = pl.concat(
        [
            ctx.spaces.filter(pl.col("n") >= limit).select("dwelling_id"),
            ctx.outdoor.filter(pl.col("n") >= limit).select("dwelling_id"),
        ],
        how="vertical",
    ).unique()
    wb, mwb = e4(r.washbasin), e4(r.multi_person_washbasin)
    gain = ctx.fine_from_e4(
        (pl.col("w") - 1).clip(lower_bound=0) * wb + (pl.col("mp") - 1).clip(lower_bound=0) * mwb,
        pl.col("mn"),
    )
    cand = (
        ctx.fixtures.join(big, on="dwelling_id", how="semi")
        .join(ctx.dwellings.select("dwelling_id", "care_home"), on="dwelling_id", how="left")
        .filter((pl.col("room_kind") != "bathroom") & ~(pl.col("care_home") & ~pl.col("same")))
        .with_columns(gain.alias("gain_f"))
        .filter(pl.col("gain_f") > 0)
    )
    best = cand.filter(pl.col("gain_f") == pl.col("gain_f").max().over("dwelling_id"))
    return best.group_by("dwelling_id").agg(pl.col("order").min())


def sanitary_items(ctx, fixtures: pl.LazyFrame, exempt: pl.LazyFrame) -> pl.LazyFrame:
    """One row per valued sanitary item: ITEM_KEYS + ``item``, ``qty_e4``, ``pts_e4``."""
    r = ctx.rules
    extras = {f: e4(r.sanitary_extra_points[f]) for f in EXTRAS}
    wb, mwb = e4(r.washbasin), e4(r.multi_person_washbasin)
    bathroom = pl.col("room_kind") == "bathroom"
    f = fixtures.join(
        exempt.with_columns(pl.lit(True).alias("exempt")), on=["dwelling_id", "order"], how="left"
    ).with_columns(
        pl.col("exempt").fill_null(False),
        pl.min_horizontal("showers", "baths").alias("pairs"),
        pl.when(bathroom)
        .then(pl.lit(e4(r.bathroom_standing)))
        .otherwise(pl.lit(e4(r.toilet_room_standing)))
        .alias("rate_standing"),
        pl.when(bathroom)
        .then(pl.lit(e4(r.bathroom_wall_hung)))
        .otherwise(pl.lit(e4(r.toilet_room_wall_hung)))
        .alias("rate_wall"),
    )
    capped = ~bathroom & ~pl.col("exempt")
    f = f.with_columns(
        (
            pl.col("pairs") * e4(r.bath_and_shower)
            + (pl.col("baths") - pl.col("pairs")) * e4(r.bath)
            + (pl.col("showers") - pl.col("pairs")) * e4(r.shower)
        ).alias("bs"),
        (bathroom & ((pl.col("w") + pl.col("mp")) >= 1)).alias("has_extras"),
        ((pl.col("w") + pl.col("mp")) * r.power_outlets_per_washbasin).alias("outlets_allowed"),
    )
    f = f.with_columns(
        *[
            pl.when(pl.col("has_extras")).then(pl.col(k)).otherwise(0).alias(f"x_{k}")
            for k in extras
        ]
    )
    cup_cap = e4(r.cupboard_space_cap)
    f = f.with_columns(
        pl.when(pl.col("x_cupboard_space") * extras["cupboard_space"] > cup_cap)
        .then(cup_cap - pl.col("x_cupboard_space") * extras["cupboard_space"])
        .otherwise(0)
        .alias("cap_cupboard"),
        pl.when(pl.col("x_power_outlet") > pl.col("outlets_allowed"))
        .then(-(pl.col("x_power_outlet") - pl.col("outlets_allowed")) * extras["power_outlet"])
        .otherwise(0)
        .alias("cap_outlet"),
    )
    f = f.with_columns(
        (
            pl.sum_horizontal(*[pl.col(f"x_{k}") * v for k, v in extras.items()])
            + pl.col("cap_cupboard")
            + pl.col("cap_outlet")
        ).alias("ex_total")
    )
    items: list[tuple[str, pl.Expr | None, pl.Expr]] = [
        ("toilet", pl.col("standing"), pl.col("standing") * pl.col("rate_standing")),
        ("wall_hung_toilet", pl.col("wall_hung"), pl.col("wall_hung") * pl.col("rate_wall")),
        ("washbasin", pl.col("w"), pl.col("w") * wb),
        ("multi_person_washbasin", pl.col("mp"), pl.col("mp") * mwb),
        (
            "max_wastafel",
            None,
            pl.when(capped & (pl.col("w") > 1)).then(-(pl.col("w") - 1) * wb).otherwise(0),
        ),
        (
            "max_meerpersoonswastafel",
            None,
            pl.when(capped & (pl.col("mp") > 1)).then(-(pl.col("mp") - 1) * mwb).otherwise(0),
        ),
        ("shower_bath", pl.col("pairs"), pl.col("pairs") * e4(r.bath_and_shower)),
        (
            "bath",
            pl.col("baths") - pl.col("pairs"),
            (pl.col("baths") - pl.col("pairs")) * e4(r.bath),
        ),
        (
            "shower",
            pl.col("showers") - pl.col("pairs"),
            (pl.col("showers") - pl.col("pairs")) * e4(r.shower),
        ),
        *[(k, pl.col(f"x_{k}"), pl.col(f"x_{k}") * v) for k, v in extras.items()],
        ("max_cupboard_space", None, pl.col("cap_cupboard")),
        ("max_power_outlet", None, pl.col("cap_outlet")),
        (
            "max_extras",
            None,
            pl.when(pl.col("has_extras") & (pl.col("ex_total") > pl.col("bs")))
            .then(pl.col("bs") - pl.col("ex_total"))
            .otherwise(0),
        ),
    ]
    parts = [
        f.select(
            *ITEM_KEYS,
            pl.lit(name).alias("item"),
            (qty * E4 if qty is not None else pl.lit(None)).cast(pl.Int64).alias("qty_e4"),
            pts.cast(pl.Int64).alias("pts_e4"),
        ).filter(pl.col("pts_e4") != 0)
        for name, qty, pts in items
    ]
    return pl.concat(parts, how="vertical")


def compute(ctx, deps: Mapping[str, RubriekResult]) -> RubriekResult:
    items = sanitary_items(ctx, ctx.fixtures.filter(pl.col("same")), exception_spaces(ctx))
    return item_result(CODE, "san", items)
