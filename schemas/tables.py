"""Pandera models (polars backend) of the raw portfolio tables, ``portfolio-format.md`` shape 1.

One model per input table. A model describes the table *after its cells have been read
into their types* (strings trimmed, an empty cell is null, enum spellings lower/upper-cased
and aliases resolved) and *before defaults are filled in*: a null here means "the input
left it empty". The same models also check the frames that JSON Lines input produces
(``pipeline.validate``), so both shapes pass the same rules.

Every field carries ``metadata``:

``parse``
    how a cell is read: ``str``, ``lower`` / ``upper`` (trimmed, case-folded string),
    ``int``, ``float``, ``bool``, ``date``, ``count_or_bool`` (an int, or a boolean read
    as 1/0), ``number_or_bool`` (a float goes to the column itself, a boolean to the
    ``<name>_flag`` column), ``digits`` (an id of digits; an integer Parquet column is
    zero-padded to ``width``).
``aliases``
    lower-cased spellings mapped to the canonical value before the enum check.
``default``
    what a missing value means (the contract's "default" column); ``DERIVED`` when it is
    computed from other fields (``newbuild_completion_year``, sanitary ``showers``/``baths``).
``zero_is_default``
    ``shared_addresses``/``shared_spaces``: 0 is read as the default 1.

Rules that depend on the peildatum (``build_year`` ≤ peildatum year + 10) are added by
:func:`table_schemas`. Rules that need more than one row or table (duplicate ids, unknown
``dwelling_id`` in a block table, COROP resolution) live in ``pipeline.validate``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandera.polars as pa
import polars as pl

from schemas.dwelling import (
    ENERGY_LABELS,
    HOUSE_TYPE_CATEGORY,
    KIND_ALIASES,
    KITCHEN_FEATURES,
    MONUMENT_ALIASES,
    SANITARY_FEATURES,
)

DERIVED = "<derived>"

BUILD_YEAR_MIN = 1200
#: build_year (and newbuild_completion_year) may lie at most this many years after the
#: peildatum's year
BUILD_YEAR_AHEAD = 10

SHOWER_FACILITY_ALIASES = {
    "shower": "shower",
    "bath": "bath",
    "shower/bath": "shower/bath",
    "bath/shower": "shower/bath",
    "bath_and_shower": "shower/bath",
}
ROOM_TYPES = ("room", "other")
KINDS = ("independent", "non_independent")
MONUMENTS = ("national", "municipal", "provincial")
PARKING_TYPES = (1, 2, 3)


def _field(
    parse: str,
    *,
    required: bool = False,
    default: Any = None,
    aliases: dict[str, str] | None = None,
    width: int | None = None,
    zero_is_default: bool = False,
    **checks: Any,
) -> Any:
    meta: dict[str, Any] = {"parse": parse, "default": default}
    if aliases is not None:
        meta["aliases"] = aliases
    if width is not None:
        meta["width"] = width
    if zero_is_default:
        meta["zero_is_default"] = True
    return pa.Field(nullable=not required, metadata=meta, **checks)


def _flag_of(number_field: str) -> Any:
    """The bool half of a ``number_or_bool`` field (filled by the parser, never read)."""
    return pa.Field(nullable=True, metadata={"parse": "flag_of", "of": number_field})


class _Strict(pa.DataFrameModel):
    class Config:
        strict = False  # bookkeeping columns (row number) ride along


class DwellingsTable(_Strict):
    dwelling_id: str = _field("str", required=True, unique=True)
    kind: str = _field("lower", required=True, aliases=KIND_ALIASES, isin=list(KINDS))
    house_type: str = _field("str")
    build_year: int = _field("int", required=True)  # range: table_schemas(peildatum)
    energy_label: str = _field("upper", default="", isin=["", *ENERGY_LABELS])
    energy_index_existence: bool = _field("bool", default=False)
    energy_index: float = _field("float", ge=0)
    energy_performance_compensation: bool = _field("bool", default=False)
    energy_label_registered_on: pl.Date = _field("date")
    energy_label_valid_until: pl.Date = _field("date")
    disability_costs: float = _field("float", default=0.0, ge=0)
    disabled_people: int = _field("int", default=0, ge=0)
    monument: str = _field("lower", default="", aliases=MONUMENT_ALIASES, isin=["", *MONUMENTS])
    doorbell: bool = _field("bool", default=False)
    woz_value: float = _field("float", ge=0)
    woz_valuation_year: int = _field("int")
    usable_surface_area: float = _field("float", ge=0)
    corop_area_amsterdam_or_utrecht: bool = _field("bool", default=False)
    care_home: bool = _field("bool", default=False)
    glass_surface_living_room: float = _field("number_or_bool", ge=0)
    glass_surface_living_room_flag: bool = _flag_of("glass_surface_living_room")
    lowest_window_frame_living_room: float = _field("number_or_bool", ge=0)
    lowest_window_frame_living_room_flag: bool = _flag_of("lowest_window_frame_living_room")
    accessibility_via_landlord: bool = _field("bool", default=False)
    corop_region: str = _field("str")
    lease_signed_date: pl.Date = _field("date")
    protected_cityscape: bool = _field("bool", default=False)
    first_occupancy_date: pl.Date = _field("date")
    construction_start_date: pl.Date = _field("date")
    created_by_splitting: bool = _field("bool", default=False)
    taxation_value: float = _field("float", ge=0)
    heated_circulation_spaces: int = _field("int", default=0, ge=0)
    low_overheating_risk_label: bool = _field("bool", default=False)
    newbuild_completion_year: int = _field("int", default=DERIVED)  # range: table_schemas
    private_charging_stations: int = _field("int", default=0, ge=0)
    postcode: str = _field("str")
    house_number: int = _field("int")
    house_letter: str = _field("str")
    house_number_addition: str = _field("str")
    nummeraanduiding_id: str = _field("digits", width=16, str_matches=r"^[0-9]{16}$")
    adresseerbaar_object_id: str = _field("digits", width=16, str_matches=r"^[0-9]{16}$")
    woz_object_number: str = _field("digits", width=12, str_matches=r"^[0-9]{12}$")
    current_rent: float = _field("float", ge=0)

    @pa.check("house_type", name="required_for_independent")
    def _house_type_present(cls, data: Any) -> Any:
        return data.lazyframe.select(
            (pl.col("kind") != "independent") | pl.col(data.key).is_not_null()
        )

    @pa.check("house_type", name="house_type_known")
    def _house_type_known(cls, data: Any) -> Any:
        known = list(HOUSE_TYPE_CATEGORY)
        return data.lazyframe.select(
            (pl.col("kind") != "independent")
            | pl.col(data.key).is_null()
            | pl.col(data.key).str.strip_chars().str.to_lowercase().is_in(known)
        )

    @pa.check("usable_surface_area", name="required_for_non_independent")
    def _usable_area_present(cls, data: Any) -> Any:
        return data.lazyframe.select(
            (pl.col("kind") != "non_independent") | pl.col(data.key).is_not_null()
        )

    @pa.check("corop_region", name="required_for_non_independent")
    def _corop_present(cls, data: Any) -> Any:
        return data.lazyframe.select(
            (pl.col("kind") != "non_independent") | pl.col(data.key).is_not_null()
        )


class _Block(_Strict):
    dwelling_id: str = _field("str", required=True)
    space_id: str = _field("str")
    shared_addresses: int = _field("int", default=1, zero_is_default=True, ge=0)
    shared_spaces: int = _field("int", default=1, zero_is_default=True, ge=0)


class _Indoor(_Block):
    type_of_room: str = _field("lower", required=True, isin=list(ROOM_TYPES))
    surface_area: float = _field("float", required=True, ge=0)
    heated: bool = _field("bool", default=False)
    cooled: bool = _field("bool", default=False)


class RoomsTable(_Indoor):
    attic_without_fixed_staircase: bool = _field("bool", default=False)
    washbasin: int = _field("int", default=0, ge=0)
    multi_person_washbasin: int = _field("int", default=0, ge=0)
    showers: int = _field("int", default=0, ge=0)
    baths: int = _field("int", default=0, ge=0)


class KitchenTable(_Indoor):
    open_kitchen: bool = _field("bool", default=False)
    countertop_length: float = _field("float", default=0.0, ge=0)
    extractor_system: int = _field("int", default=0, ge=0)
    induction_hob: int = _field("int", default=0, ge=0)
    ceramic_hob: int = _field("int", default=0, ge=0)
    gas_hob: int = _field("int", default=0, ge=0)
    refrigerator: int = _field("int", default=0, ge=0)
    freezer: int = _field("int", default=0, ge=0)
    oven_electric: int = _field("int", default=0, ge=0)
    oven_gas: int = _field("int", default=0, ge=0)
    microwave: int = _field("int", default=0, ge=0)
    dishwasher: int = _field("int", default=0, ge=0)
    extra_cupboard_space_per_60cm: int = _field("int", default=0, ge=0)
    one_hand_mixer_tap: int = _field("int", default=0, ge=0)
    one_hand_mixer_tap_with_boiling_function: int = _field("int", default=0, ge=0)
    thermostatic_mixer_tap: int = _field("int", default=0, ge=0)
    thermostatic_mixer_tap_with_boiling_function: int = _field("int", default=0, ge=0)
    washbasin: int = _field("int", default=0, ge=0)
    has_sink: bool = _field("bool", default=True)


class SanitaryTable(_Indoor):
    shower_facility: str = _field(
        "lower",
        default="",
        aliases=SHOWER_FACILITY_ALIASES,
        isin=["", "shower", "bath", "shower/bath"],
    )
    showers: int = _field("int", default=DERIVED, ge=0)
    baths: int = _field("int", default=DERIVED, ge=0)
    toilet: int = _field("int", default=0, ge=0)
    wall_hung_toilet: int = _field("int", default=0, ge=0)
    washbasin: int = _field("int", default=0, ge=0)
    multi_person_washbasin: int = _field("int", default=0, ge=0)
    cupboard_space: int = _field("count_or_bool", default=0, ge=0)
    power_outlet: int = _field("int", default=0, ge=0)
    build_in_cupboard: int = _field("int", default=0, ge=0)
    complete_separation_of_shower: int = _field("int", default=0, ge=0)
    bath_with_bubble_function: int = _field("int", default=0, ge=0)
    one_hand_mixer_tap: int = _field("int", default=0, ge=0)
    thermostatic_mixer_tap: int = _field("int", default=0, ge=0)
    towel_radiator: int = _field("int", default=0, ge=0)


class ToiletTable(_Block):
    # A toilet room is at most an overige ruimte whatever its type_of_room (spec README,
    # "Decisions"); the per-dwelling model defaults it to "other", so the table does too.
    type_of_room: str = _field("lower", default="other", isin=list(ROOM_TYPES))
    surface_area: float = _field("float", required=True, ge=0)
    heated: bool = _field("bool", default=False)
    cooled: bool = _field("bool", default=False)
    wall_hung_toilet: bool = _field("bool", default=False)
    toilets: int = _field("int", default=1, ge=0)
    washbasin: int = _field("int", default=0, ge=0)
    multi_person_washbasin: int = _field("int", default=0, ge=0)


class OutdoorTable(_Block):
    surface_area: float = _field("float", required=True, ge=0)
    meets_shared_min_dimensions: bool = _field("bool", default=True)


class ParkingTable(_Block):
    parking_type: int = _field("int", required=True, isin=list(PARKING_TYPES))
    charging_station: bool = _field("bool", default=False)
    count: int = _field("int", default=1, ge=0)
    surface_area: float = _field("float", default=12.0, ge=0)


MODELS: dict[str, type[pa.DataFrameModel]] = {
    "dwellings": DwellingsTable,
    "rooms": RoomsTable,
    "kitchen": KitchenTable,
    "sanitary": SanitaryTable,
    "toilet": ToiletTable,
    "outdoor": OutdoorTable,
    "parking": ParkingTable,
}

#: other header spellings accepted per table (lower-cased), -> the canonical column
HEADER_ALIASES: dict[str, dict[str, str]] = {
    "dwellings": {
        "doorbell_video": "doorbell",
        "corop_area_amsterdam_or_utrecth": "corop_area_amsterdam_or_utrecht",
        "charging_stations_private": "private_charging_stations",
    },
    "kitchen": {f"kitchen_features.{f}": f for f in KITCHEN_FEATURES},
    "sanitary": {f"sanitary_features.{f}": f for f in SANITARY_FEATURES},
}

#: the table names of shape 1, dwellings first
TABLE_NAMES = tuple(MODELS)


def table_schemas(peildatum: dt.date) -> dict[str, pa.DataFrameSchema]:
    """The schemas of all tables, with the peildatum-dependent year ranges filled in."""
    top = peildatum.year + BUILD_YEAR_AHEAD
    out = {name: model.to_schema() for name, model in MODELS.items()}
    year_range = [pa.Check.in_range(BUILD_YEAR_MIN, top)]
    out["dwellings"] = out["dwellings"].update_columns(
        {"build_year": {"checks": year_range}, "newbuild_completion_year": {"checks": year_range}}
    )
    return out


def input_columns(table: str) -> dict[str, pa.Column]:
    """The columns a file of ``table`` may carry (derived ``*_flag`` columns excluded)."""
    cols = MODELS[table].to_schema().columns
    return {n: c for n, c in cols.items() if (c.metadata or {}).get("parse") != "flag_of"}
