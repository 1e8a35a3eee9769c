"""Prepared frames of one batch of independent dwellings (shared by all rubrieken).

``prepare`` runs once per batch: it reads the normalised frames (``schemas.frames``),
converts every input number to exact integers (``_num``), classifies the indoor spaces
(zelfstandig.md §2.4) and returns a :class:`Ctx`. Rubrieken only read it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from pipeline.engine._num import micro, r2_h
from schemas import frames as F
from schemas.dwelling import KITCHEN_FEATURES, SANITARY_FEATURES

INDOOR_BLOCKS = ("rooms", "kitchen", "sanitary", "toilet")  # R9 "input order" of the blocks

# class thresholds in micro m² (zelfstandig.md §2.4: 2.00 and 4.00 m², compared unrounded)
_TWO = 2_000_000
_FOUR = 4_000_000


@dataclass(frozen=True)
class Ctx:
    peildatum: dt.date
    rules: object  # pipeline.rules.zelfstandig.ZelfstandigRules
    #: the input ``dwelling_id`` of each engine-internal id (the row number in this batch)
    ids: pl.Series
    #: one row per dwelling of this kind, numbers in exact units
    dwellings: pl.LazyFrame
    #: one row per indoor space (rooms, kitchen, sanitary, toilet) with its class
    spaces: pl.LazyFrame
    #: kitchen rows with the counter in mm and the feature counts
    kitchens: pl.LazyFrame
    #: one row per indoor space with its sanitary fixtures (zeros where a block has none)
    fixtures: pl.LazyFrame
    outdoor: pl.LazyFrame
    parking: pl.LazyFrame


def _frame(frames: Mapping[str, pl.DataFrame], table: str) -> pl.DataFrame:
    df = frames.get(table)
    if df is None:
        return F.empty(table)
    if isinstance(df, pl.LazyFrame):
        df = df.collect()
    missing = [c for c in F.TABLES[table] if c not in df.columns]
    return F.conform(table, df) if missing else df


def _n(col: str = "shared_addresses") -> pl.Expr:
    """Number of addresses: null, 0 and 1 all mean private (§2.1)."""
    return pl.max_horizontal(pl.col(col).fill_null(1), pl.lit(1)).cast(pl.Int64).alias("n")


def _count(col: str) -> pl.Expr:
    """A count: null -> 0, negative -> 0 (§2.1)."""
    return pl.max_horizontal(pl.col(col).fill_null(0), pl.lit(0)).cast(pl.Int64)


def _flag(col: str) -> pl.Expr:
    return pl.col(col).fill_null(False)


def _ref(block: str) -> pl.Expr:
    return pl.concat_str([pl.lit(block + "["), pl.col("space_ref"), pl.lit("]")]).alias("ref")


def _classify(block: str) -> pl.Expr:
    raw = pl.col("raw_u")
    room = pl.col("type_of_room") == "room"  # normalised by validation (schemas.frames)
    other = pl.col("type_of_room") == "other"
    if block == "rooms":
        attic = pl.col("attic")
        return (
            pl.when(attic & (raw >= _TWO))
            .then(pl.lit("OA"))
            .when(attic)
            .then(pl.lit("N"))
            .when(room & (raw >= _FOUR))
            .then(pl.lit("V"))
            .when((room | other) & (raw >= _TWO))
            .then(pl.lit("O"))
            .otherwise(pl.lit("N"))
        )
    if block in ("kitchen", "sanitary"):
        return (
            pl.when(room & (raw > 0))
            .then(pl.lit("V"))
            .when(other & (raw >= _TWO))
            .then(pl.lit("O"))
            .otherwise(pl.lit("N"))
        )
    return pl.when(raw >= _TWO).then(pl.lit("O")).otherwise(pl.lit("N"))  # toilet


def prepare(frames: Mapping[str, pl.DataFrame], peildatum: dt.date, rules) -> Ctx:
    raw = _frame(frames, "dwellings") if "dwellings" not in frames else frames["dwellings"]
    if isinstance(raw, pl.LazyFrame):
        raw = raw.collect()
    # ``woz_source`` (portfolio | api | import) is set by the WOZ cache resolver, not a
    # schemas.frames column: keep it next to the normalised columns
    source = (
        raw["woz_source"].cast(pl.String)
        if "woz_source" in raw.columns
        else pl.Series("woz_source", [None] * raw.height, dtype=pl.String)
    )
    d = _frame({"dwellings": raw}, "dwellings").with_columns(source.alias("woz_source"))
    d = d.filter(pl.col("kind") == "independent")
    # Inside the engine ``dwelling_id`` is the dwelling's row number in this batch (UInt32):
    # integer joins and group-bys are several times faster than on the input's strings.
    # ``Ctx.ids`` maps it back; the orchestrator restores the input ids on the output.
    id_map = d.select(pl.col("dwelling_id").alias("_id")).with_row_index("dwelling_id")
    d = d.with_row_index("_did").drop("dwelling_id").rename({"_did": "dwelling_id"})
    ids = id_map.lazy()

    def block(table: str) -> pl.LazyFrame:
        return (
            _frame(frames, table)
            .lazy()
            .rename({"dwelling_id": "_id"})
            .join(ids, on="_id", how="inner")
            .drop("_id")
        )

    common = [
        pl.col("dwelling_id"),
        pl.col("space_ref").cast(pl.String),
        pl.col("position").cast(pl.Int64),
        _n(),
    ]
    parts = []
    fixture_parts = []
    for order, name in enumerate(INDOOR_BLOCKS):
        lf = block(name)
        base = lf.with_columns(micro(pl.col("surface_area").fill_null(0.0)).alias("raw_u"))
        attic = _flag("attic_without_fixed_staircase") if name == "rooms" else pl.lit(False)
        open_k = _flag("open_kitchen") if name == "kitchen" else pl.lit(False)
        base = base.with_columns(attic.alias("attic"))
        parts.append(
            base.select(
                *common,
                pl.lit(name).alias("block"),
                pl.lit(order, dtype=pl.Int64).alias("block_order"),
                _ref(name),
                pl.col("raw_u"),
                r2_h(pl.col("raw_u")).alias("a_h"),
                _flag("heated").alias("heated"),
                _flag("cooled").alias("cooled"),
                pl.col("attic"),
                open_k.alias("open_kitchen"),
                _classify(name).alias("cls"),
            )
        )
        fixture_parts.append(_fixtures(name, lf, common))
    spaces = pl.concat(parts, how="vertical")
    # shared overige ruimten of the rooms block count only from 2 m² per address (§2.4)
    spaces = spaces.with_columns(
        pl.when(
            (pl.col("block") == "rooms")
            & (pl.col("cls") == "O")
            & (pl.col("n") >= 2)
            & (pl.col("raw_u") < pl.col("n") * _TWO)
        )
        .then(pl.lit("N"))
        .otherwise(pl.col("cls"))
        .alias("cls")
    )
    kitchens = block("kitchen").select(
        *common,
        _ref("kitchen"),
        (micro(pl.col("countertop_length").fill_null(0.0)) + 500).floordiv(1000).alias("L_mm"),
        *[_count(f).alias(f) for f in KITCHEN_FEATURES],
    )
    dw = d.lazy().with_columns(
        _flag("energy_performance_compensation").alias("energy_performance_compensation"),
        _flag("energy_index_existence").alias("energy_index_existence"),
        pl.col("energy_label")
        .fill_null("")
        .str.strip_chars()
        .str.to_uppercase()
        .alias("energy_label"),
        micro("energy_index").alias("ei_u"),
        micro(pl.col("disability_costs").fill_null(0.0)).alias("disability_costs_u"),
        _count("disabled_people").alias("disabled_people"),
        pl.col("monument").fill_null("").alias("monument"),
        _flag("doorbell").alias("doorbell"),
        micro("woz_value").alias("woz_u"),
        micro("taxation_value").alias("taxation_u"),
        micro("usable_surface_area").alias("usable_u"),
        _flag("corop_area_amsterdam_or_utrecht").alias("corop"),
        _flag("care_home").alias("care_home"),
        _flag("protected_cityscape").alias("protected_cityscape"),
        _flag("created_by_splitting").alias("created_by_splitting"),
        _count("heated_circulation_spaces").alias("heated_circulation_spaces"),
        _flag("low_overheating_risk_label").alias("low_overheating_risk_label"),
        pl.coalesce("newbuild_completion_year", "build_year").alias("completion_year"),
        _count("private_charging_stations").alias("private_charging_stations"),
    )
    outdoor = block("outdoor").select(
        *common,
        _ref("outdoor"),
        micro(pl.col("surface_area").fill_null(0.0)).alias("raw_u"),
        r2_h(micro(pl.col("surface_area").fill_null(0.0))).alias("a_h"),
        pl.col("meets_shared_min_dimensions").fill_null(True).alias("meets"),
    )
    parking = block("parking").select(
        *common,
        _ref("parking"),
        pl.col("parking_type").cast(pl.Int64),
        _flag("charging_station").alias("charging_station"),
        pl.max_horizontal(pl.col("count").fill_null(1), pl.lit(0)).cast(pl.Int64).alias("count"),
        micro(pl.col("surface_area").fill_null(12.0)).alias("raw_u"),
    )
    # materialised once per batch: every rubriek reads these frames, none recomputes them
    dw, spaces, kitchens, fixtures, outdoor, parking = pl.collect_all(
        [dw, spaces, kitchens, pl.concat(fixture_parts, how="vertical"), outdoor, parking]
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


_EXTRAS = tuple(f for f in SANITARY_FEATURES if f not in ("washbasin", "multi_person_washbasin"))


def _fixtures(name: str, lf: pl.LazyFrame, common: list[pl.Expr]) -> pl.LazyFrame:
    """Sanitary fixtures of every indoor space in one shape (rubriek 6 and 9).

    ``room_kind``: ``bathroom`` (a sanitary item with a bath or shower), ``toiletroom`` (a
    toilet item, or a sanitary item without bath/shower: toilets at the toilet-room rate),
    ``other`` (rooms and kitchens: toilets are not valued there).
    """
    zero = pl.lit(0, dtype=pl.Int64)
    if name == "sanitary":
        showers, baths = _count("showers"), _count("baths")
        is_bath = (showers + baths) > 0
        cols = {
            "room_kind": pl.when(is_bath).then(pl.lit("bathroom")).otherwise(pl.lit("toiletroom")),
            "standing": _count("toilet"),
            "wall_hung": _count("wall_hung_toilet"),
            "washbasin": _count("washbasin"),
            "multi": _count("multi_person_washbasin"),
            "showers": showers,
            "baths": baths,
            "sink_mm": zero,
            **{f: _count(f) for f in _EXTRAS},
        }
    elif name == "toilet":
        toilets = pl.max_horizontal(pl.col("toilets").fill_null(1), pl.lit(0)).cast(pl.Int64)
        wall = _flag("wall_hung_toilet")
        cols = {
            "room_kind": pl.lit("toiletroom"),
            "standing": pl.when(wall).then(0).otherwise(toilets).cast(pl.Int64),
            "wall_hung": pl.when(wall).then(toilets).otherwise(0).cast(pl.Int64),
            "washbasin": _count("washbasin"),
            "multi": _count("multi_person_washbasin"),
            "showers": zero,
            "baths": zero,
            "sink_mm": zero,
            **{f: zero for f in _EXTRAS},
        }
    elif name == "kitchen":
        l_mm = (micro(pl.col("countertop_length").fill_null(0.0)) + 500).floordiv(1000)
        cols = {
            "room_kind": pl.lit("kitchen"),
            "standing": zero,
            "wall_hung": zero,
            "washbasin": _count("washbasin"),
            "multi": zero,
            "showers": zero,
            "baths": zero,
            # the sink of a counter shorter than 1 m counts as a washbasin (§3.5); the
            # 1000 mm threshold is applied in san.py from the rule set
            "sink_mm": pl.when(pl.col("has_sink").fill_null(True)).then(l_mm).otherwise(0),
            **{f: zero for f in _EXTRAS},
        }
    else:  # rooms
        cols = {
            "room_kind": pl.lit("other"),
            "standing": zero,
            "wall_hung": zero,
            "washbasin": _count("washbasin"),
            "multi": _count("multi_person_washbasin"),
            "showers": _count("showers"),
            "baths": _count("baths"),
            "sink_mm": zero,
            **{f: zero for f in _EXTRAS},
        }
    out = lf.select(
        *common,
        pl.lit(INDOOR_BLOCKS.index(name), dtype=pl.Int64).alias("block_order"),
        pl.lit(name).alias("block"),
        _ref(name),
        *[e.cast(pl.String if k == "room_kind" else pl.Int64).alias(k) for k, e in cols.items()],
    )
    if name in ("rooms", "kitchen"):
        # most rooms and kitchens have no fixture at all: they would only yield zero items
        counts = [c for c in cols if c not in ("room_kind",)]
        out = out.filter(pl.sum_horizontal(*counts) > 0)
    return out
