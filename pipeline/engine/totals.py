"""Totals of independent dwellings: points, maximum rent, surcharges and sector (§3.13-3.14).

Shared code, outside the rubrieken: it reads the rubriek totals (quarter points) and the
WOZ rubriek's published columns, never the rules of a rubriek.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import polars as pl

from pipeline.engine._num import Q_E4, round_div, to_decimal, whole
from schemas import output as O

#: structural dates of art. 8a (not numbers of a table): lease regime of a rijksmonument and
#: the new-build surcharge window (zelfstandig.md §3.13)
MONUMENT_LEASE_SWITCH = dt.date(2024, 7, 1)
NEWBUILD_FIRST_USE_AFTER = dt.date(2024, 7, 1)
NEWBUILD_START_BEFORE = dt.date(2028, 1, 1)
NEWBUILD_YEARS = 20
CITYSCAPE_BUILT_BEFORE = 1965


def _pct(rules, item: str) -> int:
    return whole(rules.c(item))


def max_rent_cents(points: pl.Expr, rules) -> pl.Expr:
    """The rent table of the rule set (its year), 40-point floor, linear above 250 (§3.14)."""
    table = {p: whole(v * 100) for p, v in rules.max_rent.items()}
    top = max(table)
    step = table[top] - table[top - 1]
    # the table itself carries the 40-point floor (rows 0..39 = row 40)
    clamped = pl.min_horizontal(pl.max_horizontal(points, pl.lit(min(table))), pl.lit(top))
    base = clamped.replace_strict(table, return_dtype=pl.Int64)
    return base + pl.max_horizontal(points - top, pl.lit(0)) * step


def finish(ctx, wide: pl.DataFrame, totals: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    rules = ctx.rules
    codes = [c for c in wide.columns if c not in ("dwelling_id", "_idx")]
    d = ctx.dwellings.select(
        "dwelling_id",
        "kind",
        "monument",
        "lease_signed_date",
        "protected_cityscape",
        "build_year",
        "first_occupancy_date",
        "construction_start_date",
        "created_by_splitting",
        "current_rent",
    ).collect()
    woz = totals["WOZ"].select("dwelling_id", "woz_source", "woz_value_cents", "woz_year_used")
    df = wide.join(d, on="dwelling_id", how="left").join(woz, on="dwelling_id", how="left")
    exact_q = pl.sum_horizontal(*codes)
    df = df.with_columns(exact_q.alias("_exact_q"))
    df = df.with_columns(round_div(pl.col("_exact_q"), 4).alias("_points"))
    df = df.with_columns(max_rent_cents(pl.col("_points"), rules).alias("_rent"))

    national = pl.col("monument") == "national"
    lease = pl.col("lease_signed_date")
    monument_pct = (
        pl.when(national & (lease.is_null() | (lease >= MONUMENT_LEASE_SWITCH)))
        .then(_pct(rules, "rijksmonument (lease signed >= 2024-07-01)"))
        .when(pl.col("monument").is_in(["municipal", "provincial"]))
        .then(_pct(rules, "gemeentelijk or provinciaal monument"))
        .when(
            (pl.col("monument") == "")
            & pl.col("protected_cityscape")
            & (pl.col("build_year") < CITYSCAPE_BUILT_BEFORE)
        )
        .then(_pct(rules, "rijksbeschermd stads-/dorpsgezicht (built < 1965; not a monument)"))
        .otherwise(0)
    )
    first = pl.col("first_occupancy_date")
    newbuild = (
        (first > NEWBUILD_FIRST_USE_AFTER)
        & (pl.col("construction_start_date") < NEWBUILD_START_BEFORE)
        & (pl.col("_points") > rules.social_max_points)
        & (pl.col("_points") < rules.free_min_points)
        & (pl.lit(ctx.peildatum) < first.dt.offset_by(f"{NEWBUILD_YEARS}y"))
        & ~pl.col("created_by_splitting")
    ).fill_null(False)
    pct = monument_pct + pl.when(newbuild).then(_pct(rules, "nieuwbouw in middensector")).otherwise(
        0
    )
    df = df.with_columns(pct.cast(pl.Int64).alias("_pct"))
    df = df.with_columns(round_div(pl.col("_rent") * pl.col("_pct"), 100).alias("_surcharge"))
    sector = (
        pl.when(pl.col("_points") <= rules.social_max_points)
        .then(pl.lit("social"))
        .when(pl.col("_points") < rules.free_min_points)
        .then(pl.lit("mid"))
        .otherwise(pl.lit("free"))
    )
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
        sector.alias("sector"),
        "woz_source",
        to_decimal(pl.col("woz_value_cents"), pl.Decimal(12, 2), 100).alias("woz_value_used"),
        pl.col("woz_year_used").cast(pl.Int32).alias("woz_valuation_year_used"),
        pl.col("current_rent").cast(O.MONEY).alias("current_rent"),
    )
