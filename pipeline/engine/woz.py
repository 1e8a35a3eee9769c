"""Rubriek 11, WOZ: punten voor de WOZ-waarde (§3.11), with its cap, floor and fallbacks.

Value V: a relevant WOZ value (valuation year PY-1 or PY-2), else 85 % of ``taxation_value``,
else the minimum WOZ of the rule set (a fallback, never a floor). Area A = rint(private V +
O/OA areas + shared type-I parking area / n). ``W = V/F1 + V/A/F2'`` exactly (F2' = the COROP
factor for small 2018-2022 new-build in Amsterdam/Utrecht); 11.2 minimum of 40 for 2015-2019
new-build with ≥ 110 points (R1-R10 + R12); 11.3 cap at 33/67 of Σ q(R1..R10) when the total
reaches 187, never below a total of 186.

Exact arithmetic in Int128: V in 1e-8 euro, the ratio ``W = num / den`` kept as two integers.
Publishes on its total: ``q`` (R11), ``q_excl`` (R11 without the 11.2 uplift, for the care
home base of R12), ``woz_source``, ``woz_value_cents``, ``woz_year_used``.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pipeline.engine import bij
from pipeline.engine._num import DEN, E4, MICRO, Q_E4, round_div, whole
from pipeline.engine.gpa import valued_parking
from pipeline.engine.registry import RubriekResult, concat_lines, line_frame, summed_q
from pipeline.engine.zelfstandig_deps import R1_R10

CODE = "WOZ"

#: structural parts of 11.1a / 11.2 / 11.1 (year windows and the appraisal share are
#: written in the law's text, not in the rule tables)
COROP_YEARS = (2018, 2022)
NEWBUILD_YEARS = (2015, 2019)
APPRAISAL_PCT = 85
E8 = 100_000_000  # V in 1e-8 euro: exact for 85 % of a 6-decimal appraisal

_I128 = pl.Int128


def compute(ctx, deps: Mapping[str, RubriekResult]) -> RubriekResult:
    r = ctx.rules
    py = ctx.peildatum.year
    cap_pct = whole(r.c("cap share of WOZ points"))
    threshold = whole(r.c("cap threshold (total without cap)"))
    floor_total = whole(r.c("cap floor total"))
    nb_min = whole(r.c("new-build 2015-2019 minimum"))
    nb_threshold = whole(r.c("new-build 2015-2019 threshold"))
    corop_max_u = whole(r.c("COROP small new-build max size")) * MICRO
    factors = pl.LazyFrame(
        {
            "fyear": [y for y in r.woz_factors],
            "f1": [whole(f.f1) for f in r.woz_factors.values()],
            "f2": [whole(f.f2) for f in r.woz_factors.values()],
            "f2c": [whole(f.f2_corop) for f in r.woz_factors.values()],
        },
        schema={"fyear": pl.Int64, "f1": pl.Int64, "f2": pl.Int64, "f2c": pl.Int64},
    )
    usable_years = [y for y in (py - 1, py - 2) if y in r.woz_factors]
    min_v8 = whole(r.minimum_woz * E8)

    # the area A (fine area units: micro m² × DEN, so parking area / n stays exact)
    private = (
        ctx.spaces.filter((pl.col("n") == 1) & pl.col("cls").is_in(["V", "O", "OA"]))
        .group_by("dwelling_id")
        .agg((pl.col("a_h").sum().cast(_I128) * (MICRO // 100) * DEN).alias("area_f"))
    )
    parking = (
        valued_parking(ctx)
        .filter((pl.col("n") >= 2) & (pl.col("parking_type") == 1))
        .select(
            "dwelling_id",
            round_div(pl.col("raw_u").cast(_I128) * pl.col("count") * DEN, pl.col("n")).alias(
                "area_f"
            ),
        )
    )
    area = (
        pl.concat([private, parking], how="vertical")
        .group_by("dwelling_id")
        .agg(round_div(pl.col("area_f").sum(), MICRO * DEN).cast(pl.Int64).alias("A"))
    )

    other = bij.fixed_parts(ctx).with_columns(
        summed_q(ctx, [deps[c].total for c in R1_R10]).alias("O_q")
    )

    relevant = (pl.col("woz_u") > 0) & pl.col("woz_valuation_year").is_in(usable_years)
    appraisal = pl.col("taxation_u") > 0
    d = (
        ctx.dwellings.select(
            "dwelling_id",
            "woz_u",
            "woz_valuation_year",
            "taxation_u",
            "woz_source",
            "completion_year",
            "usable_u",
            "corop",
        )
        .with_columns(
            pl.when(relevant)
            .then(pl.coalesce(pl.col("woz_source"), pl.lit("portfolio")))
            .when(appraisal)
            .then(pl.lit("appraisal"))
            .otherwise(pl.lit("fallback"))
            .alias("woz_source"),
            pl.when(relevant)
            .then(pl.col("woz_u").cast(_I128) * (E8 // MICRO))
            .when(appraisal)
            .then(pl.col("taxation_u").cast(_I128) * (E8 // MICRO * APPRAISAL_PCT // 100))
            .otherwise(pl.lit(min_v8, dtype=_I128))
            .alias("V8"),
            pl.when(relevant)
            .then(pl.col("woz_valuation_year").cast(pl.Int64))
            .otherwise(pl.lit(r.minimum_woz_factor_year, dtype=pl.Int64))
            .alias("fyear"),
        )
        .join(factors, on="fyear", how="left")
        .join(area, on="dwelling_id", how="left")
        .join(other, on="dwelling_id", how="left")
        .with_columns(pl.col("A").fill_null(0))
    )
    yr = pl.col("completion_year")
    corop = (
        yr.is_between(*COROP_YEARS)
        & pl.col("corop")
        & (pl.col("usable_u") > 0)  # 0 / missing: the usable area is unknown
        & (pl.col("usable_u") < corop_max_u)
    ).fill_null(False)
    d = d.with_columns(
        corop.alias("corop_rule"),
        pl.when(corop).then(pl.col("f2c")).otherwise(pl.col("f2")).alias("f2x"),
    )
    A = pl.col("A").cast(_I128)
    d = d.with_columns(
        (pl.col("V8") * (A * pl.col("f2x") + pl.col("f1"))).alias("num"),
        (pl.lit(E8, dtype=_I128) * pl.col("f1") * A * pl.col("f2x")).alias("den"),
    )
    d = d.with_columns(
        pl.when(pl.col("A") > 0)
        .then(round_div(pl.col("num") * 4, pl.col("den")))
        .otherwise(0)
        .cast(pl.Int64)
        .alias("W0")
    )
    # 11.2: S = Σ q(R1..R10) + R12 (care base on the 11.1 points, no uplift)
    s_q = pl.col("O_q") + bij.r12_q(ctx, pl.col("O_q") + pl.col("W0"))
    newbuild = (
        yr.is_between(*NEWBUILD_YEARS) & (s_q >= nb_threshold * 4) & (pl.col("A") > 0)
    ).fill_null(False)
    d = d.with_columns(newbuild.alias("nb"))
    # 11.3 cap
    t0 = round_div(pl.col("O_q") + pl.col("W0"), 4)
    over = pl.col("num") * ((100 - cap_pct) * 4) > pl.col("O_q").cast(_I128) * cap_pct * pl.col(
        "den"
    )
    floor_m_q = ((pl.col("O_q") * cap_pct) // (4 * (100 - cap_pct))) * 4
    capped = ~pl.col("corop_rule") & ~pl.col("nb") & (pl.col("A") > 0) & (t0 >= threshold) & over
    d = d.with_columns(capped.alias("capped"), floor_m_q.alias("floor_m_q"))
    capped_q = (
        pl.when(round_div(pl.col("O_q") + pl.col("floor_m_q"), 4) < threshold)
        .then(floor_total * 4 - pl.col("O_q"))
        .otherwise(pl.col("floor_m_q"))
    )
    d = d.with_columns(
        pl.when(pl.col("capped")).then(capped_q).otherwise(pl.col("W0")).alias("q_excl"),
    ).with_columns(
        pl.when(pl.col("nb"))
        .then(pl.max_horizontal("W0", pl.lit(nb_min * 4)))
        .otherwise(pl.col("q_excl"))
        .alias("q")
    )
    valued = d.filter(pl.col("A") > 0)
    uplift_num = pl.lit(nb_min, dtype=_I128) * pl.col("den") - pl.col("num")
    lines = [
        line_frame(
            valued,
            CODE,
            pl.lit("woz.waarde"),
            round_div(pl.col("V8") * E4, pl.lit(E8, dtype=_I128) * pl.col("f1")),
            round_div(pl.col("V8"), E8 // E4),
        ),
        line_frame(
            valued,
            CODE,
            pl.lit("woz.oppervlakte"),
            round_div(
                pl.col("V8") * E4, pl.lit(E8, dtype=_I128) * pl.col("f2x") * pl.col("A").cast(_I128)
            ),
            pl.col("A") * E4,
        ),
        line_frame(
            valued.filter(pl.col("nb") & (uplift_num > 0)),
            CODE,
            pl.lit("woz.minimum_nieuwbouw"),
            round_div(uplift_num * E4, pl.col("den")),
        ),
        line_frame(
            valued.filter(pl.col("capped")),
            CODE,
            pl.lit("woz.maximering"),
            (pl.col("q") - pl.col("W0")) * Q_E4,
        ),
    ]
    total = d.select(
        "dwelling_id",
        pl.col("q").cast(pl.Int64),
        pl.col("q_excl").cast(pl.Int64),
        "woz_source",
        round_div(pl.col("V8"), E8 // 100).cast(pl.Int64).alias("woz_value_cents"),
        # the valuation year of a WOZ value actually used (none for appraisal / fallback)
        pl.when(pl.col("woz_source").is_in(["appraisal", "fallback"]))
        .then(None)
        .otherwise(pl.col("fyear"))
        .alias("woz_year_used"),
    )
    return RubriekResult(concat_lines(lines), total)
