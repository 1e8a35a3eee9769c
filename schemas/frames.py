"""The normalised portfolio frames: what validation produces and both scorers read.

One polars frame per table of the portfolio contract, after validation and
normalisation: every default filled in, aliases resolved, booleans real booleans,
nested feature maps flattened into columns. Block frames carry ``space_ref`` (the
input ``space_id``, or the 1-based position of the space in its block when the input
has none) and ``position`` (1-based order of the space within the dwelling's block,
which is the "input order" some caps of rubriek 9 depend on).

Areas, lengths and money stay Float64 here; both scorers read a float ``x`` as the
exact decimal ``round_half_up(x, 6)`` (``schemas.numbers.exact``), so the two agree on
every tie.
"""

from __future__ import annotations

import polars as pl

from schemas.dwelling import KITCHEN_FEATURES, SANITARY_FEATURES

_STR = pl.String
_INT = pl.Int64
_F = pl.Float64
_B = pl.Boolean
_D = pl.Date

DWELLINGS: dict[str, pl.DataType] = {
    "dwelling_id": _STR,
    "kind": _STR,  # independent | non_independent
    "house_type": _STR,
    "category": _STR,  # EGW | MGW (independent), null for non-independent
    "build_year": _INT,
    "energy_label": _STR,  # "" or A++++..G
    "energy_index_existence": _B,
    "energy_index": _F,
    "energy_performance_compensation": _B,
    "energy_label_registered_on": _D,
    "energy_label_valid_until": _D,
    "disability_costs": _F,
    "disabled_people": _INT,
    "monument": _STR,  # "" | national | municipal | provincial
    "doorbell": _B,
    "woz_value": _F,
    "woz_valuation_year": _INT,
    "usable_surface_area": _F,
    "corop_area_amsterdam_or_utrecht": _B,
    "care_home": _B,
    # non-independent living-room window fields: the measured number, or the caller's flag
    "glass_surface_living_room": _F,
    "glass_surface_living_room_flag": _B,
    "lowest_window_frame_living_room": _F,
    "lowest_window_frame_living_room_flag": _B,
    "accessibility_via_landlord": _B,
    "corop_region": _STR,
    "lease_signed_date": _D,
    "protected_cityscape": _B,
    "first_occupancy_date": _D,
    "construction_start_date": _D,
    "created_by_splitting": _B,
    "taxation_value": _F,
    "heated_circulation_spaces": _INT,
    "low_overheating_risk_label": _B,
    "newbuild_completion_year": _INT,
    "private_charging_stations": _INT,
    "postcode": _STR,
    "house_number": _INT,
    "house_letter": _STR,
    "house_number_addition": _STR,
    "nummeraanduiding_id": _STR,
    "adresseerbaar_object_id": _STR,
    "woz_object_number": _STR,
    "current_rent": _F,
}

_SPACE_KEYS: dict[str, pl.DataType] = {
    "dwelling_id": _STR,
    "space_ref": _STR,
    "position": _INT,
    "shared_addresses": _INT,
    "shared_spaces": _INT,
}

_INDOOR: dict[str, pl.DataType] = {
    "type_of_room": _STR,  # room | other
    "surface_area": _F,
    "heated": _B,
    "cooled": _B,
}

ROOMS: dict[str, pl.DataType] = {
    **_SPACE_KEYS,
    **_INDOOR,
    "attic_without_fixed_staircase": _B,
    "washbasin": _INT,
    "multi_person_washbasin": _INT,
    "showers": _INT,
    "baths": _INT,
}

KITCHEN: dict[str, pl.DataType] = {
    **_SPACE_KEYS,
    **_INDOOR,
    "open_kitchen": _B,
    "countertop_length": _F,
    **{f: _INT for f in KITCHEN_FEATURES},
    "washbasin": _INT,
    "has_sink": _B,
}

# The sanitary table's feature columns carry the names of the seed example's
# ``sanitary_features`` map; ``washbasin`` etc. are therefore the room's own washbasins.
SANITARY: dict[str, pl.DataType] = {
    **_SPACE_KEYS,
    **_INDOOR,
    "shower_facility": _STR,  # "" | shower | bath | shower/bath
    "showers": _INT,  # resolved: explicit count, else derived from shower_facility
    "baths": _INT,
    "toilet": _INT,
    "wall_hung_toilet": _INT,
    **{f: _INT for f in SANITARY_FEATURES},
}

TOILET: dict[str, pl.DataType] = {
    **_SPACE_KEYS,
    **_INDOOR,
    "wall_hung_toilet": _B,
    "toilets": _INT,
    "washbasin": _INT,
    "multi_person_washbasin": _INT,
}

OUTDOOR: dict[str, pl.DataType] = {
    **_SPACE_KEYS,
    "surface_area": _F,
    "meets_shared_min_dimensions": _B,
}

PARKING: dict[str, pl.DataType] = {
    **_SPACE_KEYS,
    "parking_type": _INT,
    "charging_station": _B,
    "count": _INT,
    "surface_area": _F,
}

TABLES: dict[str, dict[str, pl.DataType]] = {
    "dwellings": DWELLINGS,
    "rooms": ROOMS,
    "kitchen": KITCHEN,
    "sanitary": SANITARY,
    "toilet": TOILET,
    "outdoor": OUTDOOR,
    "parking": PARKING,
}


def empty(table: str) -> pl.DataFrame:
    return pl.DataFrame(schema=TABLES[table])


def conform(table: str, df: pl.DataFrame) -> pl.DataFrame:
    """Select and cast ``df`` to the normalised schema of ``table`` (missing columns null)."""
    schema = TABLES[table]
    cols = [
        (pl.col(c) if c in df.columns else pl.lit(None)).cast(t).alias(c) for c, t in schema.items()
    ]
    return df.select(cols)


def without_energy_basis(frame):
    """``frame`` (dwellings, eager or lazy) as if no dwelling had an energy label or index:
    rubriek 4 then comes from the build-year table (the ``label_expiry`` view)."""
    return frame.with_columns(
        pl.lit("").alias("energy_label"), pl.lit(False).alias("energy_index_existence")
    )
