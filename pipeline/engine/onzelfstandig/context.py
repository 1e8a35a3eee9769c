"""Prepared frames of one batch of non-independent dwellings (shared by all rubrieken).

``prepare`` runs once per batch: it reads the normalised frames (``schemas.frames``) of
the ``non_independent`` dwellings, converts every input number to exact integers, classifies
the indoor spaces (onzelfstandig.md §1.5, project decision on ``type_of_room``) and fixes the
batch's exact-fraction scale. Rubrieken only read the :class:`Ctx`.

Exact fractions. Non-independent points are divided by ``n`` (shared_spaces) and ``m·n``
(× shared_addresses); sums of such quotients are rounded later (whole m², quarter points).
A "fine" number is ``value × SCALE × L`` as an Int128, with ``SCALE = 10**8`` (8 decimals:
a 6-decimal area times a 2-decimal rate) and ``L`` the dwelling's own common denominator:
the product of the distinct ``n`` and ``m·n`` of its spaces (column ``L`` on every frame of
the context). Each quotient is then an exact integer and every rounding of a sum is exact,
whatever mix of sharing counts a portfolio holds; frames a rubriek aggregates per dwelling
carry ``L`` along.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from pipeline.corop import resolve_corop
from pipeline.engine._num import E4, micro, r2_h, round_div
from schemas import frames as F
from schemas.dwelling import KITCHEN_FEATURES, SANITARY_FEATURES

KIND = "non_independent"
INDOOR_BLOCKS = ("rooms", "kitchen", "sanitary", "toilet")  # the "input order" of the blocks
SCALE = 10**8  # fine units per point per L
I128 = pl.Int128
#: largest batch lcm the Int128 fine units can carry with room to spare
MAX_L = 10**20

_L = pl.col("L")

EXTRAS = tuple(f for f in SANITARY_FEATURES if f not in ("washbasin", "multi_person_washbasin"))


@dataclass(frozen=True)
class Ctx:
    peildatum: dt.date
    rules: object  # pipeline.rules.onzelfstandig.OnzelfstandigRules
    #: the input ``dwelling_id`` of each engine-internal id (the row number in this batch)
    ids: pl.Series
    dwellings: pl.LazyFrame
    #: one row per indoor space: ids, ``order``, ``n``, ``m``, ``mn``, ``same`` (m = 1),
    #: ``raw_u``, ``a_h``, ``heated``, ``cooled``, ``cls`` (V, O, OA, N)
    spaces: pl.LazyFrame
    #: kitchen rows: the space keys plus ``L_mm``, ``has_sink`` and the feature counts
    kitchens: pl.LazyFrame
    #: one row per indoor space with its sanitary fixtures in one shape (rubriek 6 and 9)
    fixtures: pl.LazyFrame
    outdoor: pl.LazyFrame
    parking: pl.LazyFrame

    # --- exact fractions (expressions over a frame that carries the dwelling's ``L``) ------

    def fine_from_e4(self, num_e4: pl.Expr, divisor: pl.Expr | int = 1) -> pl.Expr:
        """``(num_e4 / 10 000) / divisor`` points as fine units (exact, Int128)."""
        return num_e4.cast(I128) * (SCALE // E4) * (_L // divisor)

    def fine_from_e8(self, num_e8: pl.Expr, divisor: pl.Expr | int = 1) -> pl.Expr:
        """``(num_e8 / 10**8) / divisor`` points as fine units (exact, Int128)."""
        return num_e8.cast(I128) * (_L // divisor)

    def e4(self, fine: pl.Expr) -> pl.Expr:
        """A fine number as a line value (4 decimals, half away from zero), Int64."""
        return round_div(fine, _L * (SCALE // E4)).cast(pl.Int64)

    def quarters(self, fine: pl.Expr) -> pl.Expr:
        """Quarter rounding of a fine number, as a count of quarter points, Int64."""
        return round_div(fine, _L * (SCALE // 4)).cast(pl.Int64)

    def whole(self, fine: pl.Expr) -> pl.Expr:
        """round0 of a fine number, Int64."""
        return round_div(fine, _L * SCALE).cast(pl.Int64)

    def fine_points(self, points: int) -> pl.Expr:
        """A whole number of points in fine units."""
        return _L * (points * SCALE)


def _frame(frames: Mapping[str, pl.DataFrame], table: str) -> pl.DataFrame:
    df = frames.get(table)
    if df is None:
        return F.empty(table)
    if isinstance(df, pl.LazyFrame):
        df = df.collect()
    missing = [c for c in F.TABLES[table] if c not in df.columns]
    return F.conform(table, df) if missing else df


def _share(col: str) -> pl.Expr:
    """shared_addresses / shared_spaces: null, 0 and 1 all mean 1 (portfolio contract)."""
    return pl.max_horizontal(pl.col(col).fill_null(1), pl.lit(1)).cast(pl.Int64)


def _count(col: str) -> pl.Expr:
    return pl.max_horizontal(pl.col(col).fill_null(0), pl.lit(0)).cast(pl.Int64)


def _flag(col: str) -> pl.Expr:
    return pl.col(col).fill_null(False)


def _ref(block: str) -> pl.Expr:
    return (pl.lit(block + "[") + pl.col("space_ref").cast(pl.String) + pl.lit("]")).alias("ref")


def _classify(block: str, v_min_u: int, o_min_u: int) -> pl.Expr:
    raw = pl.col("raw_u")
    kind = pl.col("type_of_room").fill_null("").str.strip_chars().str.to_lowercase()
    room = kind == "room"
    if block == "rooms":
        return (
            pl.when(pl.col("attic") & (raw >= o_min_u))
            .then(pl.lit("OA"))
            .when(pl.col("attic"))
            .then(pl.lit("N"))
            .when(room & (raw >= v_min_u))
            .then(pl.lit("V"))
            .when(raw >= o_min_u)
            .then(pl.lit("O"))
            .otherwise(pl.lit("N"))
        )
    if block in ("kitchen", "sanitary"):
        return (
            pl.when(room)
            .then(pl.lit("V"))
            .when(raw >= o_min_u)
            .then(pl.lit("O"))
            .otherwise(pl.lit("N"))
        )
    return pl.when(raw >= o_min_u).then(pl.lit("O")).otherwise(pl.lit("N"))


def _keys(block: str) -> list[pl.Expr]:
    order = INDOOR_BLOCKS.index(block) if block in INDOOR_BLOCKS else 9
    return [
        pl.col("dwelling_id"),
        pl.col("space_ref").cast(pl.String),
        pl.col("position").cast(pl.Int64),
        (pl.lit(order, dtype=pl.Int64) * 1_000_000_000 + pl.col("position")).alias("order"),
        _share("shared_spaces").alias("n"),
        _share("shared_addresses").alias("m"),
        (_share("shared_spaces") * _share("shared_addresses")).alias("mn"),
        (_share("shared_addresses") == 1).alias("same"),
        pl.lit(block).alias("block"),
        _ref(block),
    ]


def prepare(frames: Mapping[str, pl.DataFrame], peildatum: dt.date, rules) -> Ctx:
    all_d = _frame(frames, "dwellings")
    d = all_d.filter(pl.col("kind") == KIND)
    source = (
        frames["dwellings"].filter(pl.col("kind") == KIND)["woz_source"]
        if "woz_source" in frames["dwellings"].columns
        else pl.Series("woz_source", [None] * d.height, dtype=pl.String)
    )
    d = d.with_columns(source.alias("woz_source"))
    # inside the engine ``dwelling_id`` is the row number in this batch (as for independent
    # dwellings); ``Ctx.ids`` maps it back to the input's ids
    id_map = d.select(pl.col("dwelling_id").alias("_id")).with_row_index("dwelling_id")
    d = d.with_row_index("_did").drop("dwelling_id").rename({"_did": "dwelling_id"})

    def block(table: str) -> pl.DataFrame:
        return (
            _frame(frames, table)
            .rename({"dwelling_id": "_id"})
            .join(id_map, on="_id", how="inner")
            .drop("_id")
        )

    v_min_u = int(rules.min_vertrek_m2 * 1_000_000)
    o_min_u = int(rules.min_overige_m2 * 1_000_000)
    tables = {name: block(name) for name in (*INDOOR_BLOCKS, "outdoor", "parking")}

    parts, fixture_parts = [], []
    for name in INDOOR_BLOCKS:
        df = tables[name].lazy()
        attic = _flag("attic_without_fixed_staircase") if name == "rooms" else pl.lit(False)
        base = df.with_columns(
            micro(pl.col("surface_area").fill_null(0.0)).alias("raw_u"), attic.alias("attic")
        )
        parts.append(
            base.select(
                *_keys(name),
                pl.col("raw_u"),
                r2_h(pl.col("raw_u")).alias("a_h"),
                _flag("heated").alias("heated"),
                _flag("cooled").alias("cooled"),
                pl.col("attic"),
                _classify(name, v_min_u, o_min_u).alias("cls"),
            )
        )
        fixture_parts.append(_fixtures(name, df))
    l_mm = (micro(pl.col("countertop_length").fill_null(0.0)) + 500).floordiv(1000)
    kitchens = (
        tables["kitchen"]
        .lazy()
        .select(
            *_keys("kitchen"),
            l_mm.alias("L_mm"),
            pl.col("has_sink").fill_null(True).alias("has_sink"),
            *[_count(f).alias(f) for f in KITCHEN_FEATURES],
        )
    )
    outdoor = (
        tables["outdoor"]
        .lazy()
        .select(
            *_keys("outdoor"),
            micro(pl.col("surface_area").fill_null(0.0)).alias("raw_u"),
            pl.col("meets_shared_min_dimensions").fill_null(True).alias("meets"),
        )
    )
    parking = (
        tables["parking"]
        .lazy()
        .select(
            *_keys("parking"),
            pl.col("parking_type").cast(pl.Int64),
            _flag("charging_station").alias("charging_station"),
            pl.max_horizontal(pl.col("count").fill_null(1), pl.lit(0))
            .cast(pl.Int64)
            .alias("count"),
            micro(pl.col("surface_area").fill_null(12.0)).alias("raw_u"),
        )
    )
    # COROP region text -> slug, once per distinct spelling
    spellings = [s for s in d["corop_region"].unique().to_list() if s is not None]
    slugs = {s: resolve_corop(s) for s in spellings}
    dw = d.lazy().with_columns(
        _flag("energy_performance_compensation").alias("energy_performance_compensation"),
        _flag("energy_index_existence").alias("energy_index_existence"),
        pl.col("energy_label").fill_null("").str.strip_chars().str.to_uppercase(),
        micro("energy_index").alias("ei_u"),
        micro(pl.col("disability_costs").fill_null(0.0)).alias("disability_costs_u"),
        _count("disabled_people").alias("disabled_people"),
        pl.col("monument").fill_null(""),
        _flag("doorbell").alias("doorbell"),
        micro("woz_value").alias("woz_u"),
        micro("taxation_value").alias("taxation_u"),
        micro("usable_surface_area").alias("usable_u"),
        _flag("care_home").alias("care_home"),
        _flag("protected_cityscape").alias("protected_cityscape"),
        _flag("accessibility_via_landlord").alias("accessibility_via_landlord"),
        micro("glass_surface_living_room").alias("glass_u"),
        micro("lowest_window_frame_living_room").alias("frame_u"),
        _flag("glass_surface_living_room_flag").alias("glass_flag"),
        _flag("lowest_window_frame_living_room_flag").alias("frame_flag"),
        _count("heated_circulation_spaces").alias("heated_circulation_spaces"),
        _flag("low_overheating_risk_label").alias("low_overheating_risk_label"),
        _count("private_charging_stations").alias("private_charging_stations"),
        pl.col("corop_region")
        .replace_strict(slugs, default=None, return_dtype=pl.String)
        .alias("corop_slug"),
    )
    # each dwelling's common denominator: the product of its distinct n and m·n
    spaces = pl.concat(parts, how="vertical")
    divisors = pl.concat(
        [
            lf.select("dwelling_id", pl.col(c).alias("d"))
            for lf in (spaces, outdoor, parking)
            for c in ("n", "mn")
        ],
        how="vertical",
    ).unique()
    denominators = divisors.group_by("dwelling_id").agg(pl.col("d").cast(I128).product().alias("L"))

    def with_l(lf: pl.LazyFrame) -> pl.LazyFrame:
        return lf.join(denominators, on="dwelling_id", how="left").with_columns(
            pl.col("L").fill_null(1).cast(I128)
        )

    # materialised once per batch: every rubriek reads these frames, none recomputes them
    dw, spaces, kitchens, fixtures, outdoor, parking = pl.collect_all(
        [
            with_l(dw),
            with_l(spaces),
            with_l(kitchens),
            with_l(pl.concat(fixture_parts, how="vertical")),
            with_l(outdoor),
            with_l(parking),
        ]
    )
    worst = dw.filter(pl.col("L") > MAX_L)
    if worst.height:
        raise ValueError(
            f"dwelling {id_map['_id'][int(worst['dwelling_id'][0])]!r} combines too many "
            f"different sharing counts (common denominator {worst['L'][0]}); check its "
            f"shared_spaces / shared_addresses"
        )
    return Ctx(
        peildatum=peildatum,
        rules=rules,
        ids=id_map["_id"],
        dwellings=dw.lazy(),
        spaces=spaces.lazy(),
        kitchens=kitchens.lazy(),
        fixtures=fixtures.lazy(),
        outdoor=outdoor.lazy(),
        parking=parking.lazy(),
    )


def _fixtures(name: str, lf: pl.LazyFrame) -> pl.LazyFrame:
    """Sanitary fixtures of every indoor space in one shape.

    ``room_kind``: ``bathroom`` (a sanitary row with a bath or shower), ``toiletroom`` (a
    toilet row, or a sanitary row without bath/shower: toilet-room rates), ``kitchen``,
    ``other`` (rooms). ``w`` / ``mp``: washbasins / multi-person washbasins; a kitchen's
    countertop with sink shorter than 1 m is a washbasin (§2.6).
    """
    zero = pl.lit(0, dtype=pl.Int64)
    if name == "sanitary":
        showers, baths = _count("showers"), _count("baths")
        cols = {
            "room_kind": pl.when((showers + baths) > 0)
            .then(pl.lit("bathroom"))
            .otherwise(pl.lit("toiletroom")),
            "standing": _count("toilet"),
            "wall_hung": _count("wall_hung_toilet"),
            "w": _count("washbasin"),
            "mp": _count("multi_person_washbasin"),
            "showers": showers,
            "baths": baths,
            **{f: _count(f) for f in EXTRAS},
        }
    elif name == "toilet":
        toilets = pl.max_horizontal(pl.col("toilets").fill_null(1), pl.lit(0)).cast(pl.Int64)
        wall = _flag("wall_hung_toilet")
        cols = {
            "room_kind": pl.lit("toiletroom"),
            "standing": pl.when(wall).then(0).otherwise(toilets),
            "wall_hung": pl.when(wall).then(toilets).otherwise(0),
            "w": _count("washbasin"),
            "mp": _count("multi_person_washbasin"),
            "showers": zero,
            "baths": zero,
            **{f: zero for f in EXTRAS},
        }
    elif name == "kitchen":
        l_mm = (micro(pl.col("countertop_length").fill_null(0.0)) + 500).floordiv(1000)
        short_sink = (l_mm > 0) & (l_mm < 1000) & pl.col("has_sink").fill_null(True)
        cols = {
            "room_kind": pl.lit("kitchen"),
            "standing": zero,
            "wall_hung": zero,
            "w": _count("washbasin") + short_sink.cast(pl.Int64),
            "mp": zero,
            "showers": zero,
            "baths": zero,
            **{f: zero for f in EXTRAS},
        }
    else:  # rooms
        cols = {
            "room_kind": pl.lit("other"),
            "standing": zero,
            "wall_hung": zero,
            "w": _count("washbasin"),
            "mp": _count("multi_person_washbasin"),
            "showers": _count("showers"),
            "baths": _count("baths"),
            **{f: zero for f in EXTRAS},
        }
    return lf.select(
        *_keys(name),
        *[e.cast(pl.String if k == "room_kind" else pl.Int64).alias(k) for k, e in cols.items()],
    )
