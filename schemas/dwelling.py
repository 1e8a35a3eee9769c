"""Per-dwelling structures (pydantic v2).

The request body of the "WWS Punten API" (rules of 01-01-2025) extended with the
optional fields of the portfolio contract (``portfolio-format.md``, "The dwelling
fields" and "The block fields"). A body written for that API is accepted as it is,
including its misspelt ``corop_area_amsterdam_or_utrecth``.

Defaults are exactly the contract's "default" column; nothing else is defaulted.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

ENERGY_LABELS = ("A++++", "A+++", "A++", "A+", "A", "B", "C", "D", "E", "F", "G")

#: house_type synonyms (lower-cased, trimmed) -> dwelling category for rubriek 4.
#: EGW = eengezinswoning (no other dwelling above or below), MGW = meergezinswoning/duplex.
HOUSE_TYPE_CATEGORY: dict[str, str] = {
    "eengezinswoning": "EGW",
    "egw": "EGW",
    "single-family": "EGW",
    "single family": "EGW",
    "single-family house": "EGW",
    "house": "EGW",
    "row house": "EGW",
    "rijwoning": "EGW",
    "tussenwoning": "EGW",
    "hoekwoning": "EGW",
    "terraced": "EGW",
    "terraced house": "EGW",
    "semi-detached": "EGW",
    "twee-onder-een-kap": "EGW",
    "2-onder-1-kap": "EGW",
    "detached": "EGW",
    "vrijstaande woning": "EGW",
    "vrijstaand": "EGW",
    "meergezinswoning": "MGW",
    "mgw": "MGW",
    "duplexwoning": "MGW",
    "duplex": "MGW",
    "multi-family": "MGW",
    "multi family": "MGW",
    "apartment": "MGW",
    "appartement": "MGW",
    "flat": "MGW",
    "maisonette": "MGW",
    "portiekflat": "MGW",
    "portiekwoning": "MGW",
    "galerijflat": "MGW",
    "galerijwoning": "MGW",
    "bovenwoning": "MGW",
    "benedenwoning": "MGW",
    "upstairs flat": "MGW",
    "downstairs flat": "MGW",
}

KIND_ALIASES = {
    "independent": "independent",
    "zelfstandig": "independent",
    "non_independent": "non_independent",
    "non-independent": "non_independent",
    "onzelfstandig": "non_independent",
}

MONUMENT_ALIASES = {
    "": "",
    "national": "national",
    "rijksmonument": "national",
    "rijks": "national",
    "municipal": "municipal",
    "gemeentelijk": "municipal",
    "gemeentelijk monument": "municipal",
    "provincial": "provincial",
    "provinciaal": "provincial",
    "provinciaal monument": "provincial",
}

SHOWER_FACILITIES = ("", "shower", "bath", "shower/bath")

KITCHEN_FEATURES = (
    "extractor_system",
    "induction_hob",
    "ceramic_hob",
    "gas_hob",
    "refrigerator",
    "freezer",
    "oven_electric",
    "oven_gas",
    "microwave",
    "dishwasher",
    "extra_cupboard_space_per_60cm",
    "one_hand_mixer_tap",
    "one_hand_mixer_tap_with_boiling_function",
    "thermostatic_mixer_tap",
    "thermostatic_mixer_tap_with_boiling_function",
)

SANITARY_FEATURES = (
    "washbasin",
    "multi_person_washbasin",
    "cupboard_space",
    "power_outlet",
    "build_in_cupboard",
    "complete_separation_of_shower",
    "bath_with_bubble_function",
    "one_hand_mixer_tap",
    "thermostatic_mixer_tap",
    "towel_radiator",
)

BLOCKS = ("rooms", "kitchen", "sanitary", "toilet", "outdoor", "parking")


class Kind(StrEnum):
    independent = "independent"
    non_independent = "non_independent"


def _lower_strip(v: Any) -> Any:
    return v.strip().lower() if isinstance(v, str) else v


def _none_to(default: Any):
    def conv(v: Any) -> Any:
        return default if v is None or (isinstance(v, str) and v.strip() == "") else v

    return conv


def _share_count(v: Any) -> Any:
    """``shared_addresses`` / ``shared_spaces``: missing and 0 are read as 1 (contract)."""
    if v is None or v == 0 or v is False:
        return 1
    return v


Count = Annotated[int, BeforeValidator(_none_to(0)), Field(ge=0)]
Share = Annotated[int, BeforeValidator(_share_count), Field(ge=1)]
Area = Annotated[float, Field(ge=0, allow_inf_nan=False)]
OptArea = Annotated[float | None, Field(default=None, ge=0, allow_inf_nan=False)]
Flag = Annotated[bool, BeforeValidator(_none_to(False))]


class _Block(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    space_id: str | None = None
    shared_addresses: Share = 1
    shared_spaces: Share = 1


class _IndoorSpace(_Block):
    type_of_room: Literal["room", "other"]
    surface_area: Area
    heated: Flag = False
    cooled: Flag = False

    @field_validator("type_of_room", mode="before")
    @classmethod
    def _room_type(cls, v: Any) -> Any:
        return _lower_strip(v)


class Room(_IndoorSpace):
    attic_without_fixed_staircase: Flag = False
    washbasin: Count = 0
    multi_person_washbasin: Count = 0
    showers: Count = 0
    baths: Count = 0


class KitchenFeatures(BaseModel):
    model_config = ConfigDict(extra="ignore")

    extractor_system: Count = 0
    induction_hob: Count = 0
    ceramic_hob: Count = 0
    gas_hob: Count = 0
    refrigerator: Count = 0
    freezer: Count = 0
    oven_electric: Count = 0
    oven_gas: Count = 0
    microwave: Count = 0
    dishwasher: Count = 0
    extra_cupboard_space_per_60cm: Count = 0
    one_hand_mixer_tap: Count = 0
    one_hand_mixer_tap_with_boiling_function: Count = 0
    thermostatic_mixer_tap: Count = 0
    thermostatic_mixer_tap_with_boiling_function: Count = 0


class Kitchen(_IndoorSpace):
    open_kitchen: Flag = False
    countertop_length: Annotated[float, BeforeValidator(_none_to(0.0)), Field(ge=0)] = 0.0
    kitchen_features: KitchenFeatures = Field(default_factory=KitchenFeatures)
    washbasin: Count = 0
    has_sink: Annotated[bool, BeforeValidator(_none_to(True))] = True


def _bool_count(v: Any) -> Any:
    if isinstance(v, bool):
        return int(v)
    return _none_to(0)(v)


class SanitaryFeatures(BaseModel):
    model_config = ConfigDict(extra="ignore")

    washbasin: Count = 0
    multi_person_washbasin: Count = 0
    cupboard_space: Annotated[int, BeforeValidator(_bool_count), Field(ge=0)] = 0
    power_outlet: Count = 0
    build_in_cupboard: Count = 0
    complete_separation_of_shower: Count = 0
    bath_with_bubble_function: Count = 0
    one_hand_mixer_tap: Count = 0
    thermostatic_mixer_tap: Count = 0
    towel_radiator: Count = 0


class Sanitary(_IndoorSpace):
    shower_facility: Annotated[
        Literal["", "shower", "bath", "shower/bath"], BeforeValidator(_none_to(""))
    ] = ""
    #: explicit counts (EXT); None means "derived from shower_facility"
    showers: Annotated[int | None, Field(ge=0)] = None
    baths: Annotated[int | None, Field(ge=0)] = None
    toilet: Count = 0
    wall_hung_toilet: Count = 0
    sanitary_features: SanitaryFeatures = Field(default_factory=SanitaryFeatures)

    @field_validator("shower_facility", mode="before")
    @classmethod
    def _facility(cls, v: Any) -> Any:
        v = _lower_strip(v)
        return {"bath/shower": "shower/bath", "bath_and_shower": "shower/bath"}.get(v, v)

    def shower_count(self) -> int:
        if self.showers is not None:
            return self.showers
        return 1 if self.shower_facility in ("shower", "shower/bath") else 0

    def bath_count(self) -> int:
        if self.baths is not None:
            return self.baths
        return 1 if self.shower_facility in ("bath", "shower/bath") else 0


class Toilet(_IndoorSpace):
    type_of_room: Literal["room", "other"] = "other"  # ignored by the rules: at most "other"
    wall_hung_toilet: Flag = False
    toilets: Annotated[int, BeforeValidator(_none_to(1)), Field(ge=0)] = 1
    washbasin: Count = 0
    multi_person_washbasin: Count = 0


class Outdoor(_Block):
    surface_area: Area
    meets_shared_min_dimensions: Annotated[bool, BeforeValidator(_none_to(True))] = True


class Parking(_Block):
    parking_type: Literal[1, 2, 3]
    charging_station: Flag = False
    count: Annotated[int, BeforeValidator(_none_to(1)), Field(ge=0)] = 1
    surface_area: Annotated[float, BeforeValidator(_none_to(12.0)), Field(ge=0)] = 12.0


def _label(v: Any) -> Any:
    if v is None:
        return ""
    return v.strip().upper() if isinstance(v, str) else v


def _monument(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, str):
        key = v.strip().lower()
        if key in MONUMENT_ALIASES:
            return MONUMENT_ALIASES[key]
    return v


def _kind(v: Any) -> Any:
    if isinstance(v, str):
        return KIND_ALIASES.get(v.strip().lower(), v)
    return v


def _float_or_flag(v: Any) -> Any:
    """Living-room window fields (non-independent): a measured number or a caller's bool."""
    if v is None or isinstance(v, bool):
        return v
    if isinstance(v, str):
        s = v.strip().lower()
        if s == "":
            return None
        if s in ("true", "ja", "yes", "waar"):
            return True
        if s in ("false", "nee", "no", "onwaar"):
            return False
        return float(s.replace(",", "."))
    return float(v)


class Dwelling(BaseModel):
    """One dwelling (eenheid): the API body plus ``dwelling_id``, ``kind`` and EXT fields."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    dwelling_id: str = "dwelling"
    kind: Annotated[Kind, BeforeValidator(_kind)] = Kind.independent

    house_type: str | None = None
    build_year: int
    energy_label: Annotated[
        Literal["", "A++++", "A+++", "A++", "A+", "A", "B", "C", "D", "E", "F", "G"],
        BeforeValidator(_label),
    ] = ""
    energy_index_existence: Flag = False
    energy_index: Annotated[float | None, Field(ge=0)] = None
    energy_performance_compensation: Flag = False
    energy_label_registered_on: dt.date | None = None
    energy_label_valid_until: dt.date | None = None
    disability_costs: Annotated[float, BeforeValidator(_none_to(0.0)), Field(ge=0)] = 0.0
    disabled_people: Count = 0
    monument: Annotated[
        Literal["", "national", "municipal", "provincial"], BeforeValidator(_monument)
    ] = ""
    doorbell: Annotated[
        bool,
        BeforeValidator(_none_to(False)),
        Field(validation_alias=AliasChoices("doorbell", "doorbell_video")),
    ] = False
    woz_value: Annotated[float | None, Field(ge=0)] = None
    woz_valuation_year: int | None = None
    usable_surface_area: OptArea = None
    corop_area_amsterdam_or_utrecht: Annotated[
        bool,
        BeforeValidator(_none_to(False)),
        Field(
            validation_alias=AliasChoices(
                "corop_area_amsterdam_or_utrecht", "corop_area_amsterdam_or_utrecth"
            )
        ),
    ] = False
    care_home: Flag = False
    glass_surface_living_room: Annotated[float | bool | None, BeforeValidator(_float_or_flag)] = (
        None
    )
    lowest_window_frame_living_room: Annotated[
        float | bool | None, BeforeValidator(_float_or_flag)
    ] = None
    accessibility_via_landlord: Flag = False
    corop_region: str | None = None
    lease_signed_date: dt.date | None = None
    protected_cityscape: Flag = False
    first_occupancy_date: dt.date | None = None
    construction_start_date: dt.date | None = None
    created_by_splitting: Flag = False
    taxation_value: Annotated[float | None, Field(ge=0)] = None
    heated_circulation_spaces: Count = 0
    low_overheating_risk_label: Flag = False
    newbuild_completion_year: int | None = None
    private_charging_stations: Count = 0
    postcode: str | None = None
    house_number: int | None = None
    house_letter: str | None = None
    house_number_addition: str | None = None
    nummeraanduiding_id: str | None = None
    adresseerbaar_object_id: str | None = None
    woz_object_number: str | None = None
    current_rent: Annotated[float | None, Field(ge=0)] = None

    rooms: list[Room] = Field(default_factory=list)
    kitchen: list[Kitchen] = Field(default_factory=list)
    sanitary: list[Sanitary] = Field(default_factory=list)
    toilet: list[Toilet] = Field(default_factory=list)
    outdoor: list[Outdoor] = Field(default_factory=list)
    parking: list[Parking] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _infer_kind(cls, data: Any) -> Any:
        """An API body has no ``kind``: a body with ``corop_region`` and no ``house_type``
        is the non-independent API's body, anything else the independent one."""
        if isinstance(data, dict) and data.get("kind") in (None, ""):
            data = dict(data)
            is_n = data.get("corop_region") and not data.get("house_type")
            data["kind"] = "non_independent" if is_n else "independent"
        return data

    @field_validator("rooms", "kitchen", "sanitary", "toilet", "outdoor", "parking", mode="before")
    @classmethod
    def _none_list(cls, v: Any) -> Any:
        return [] if v is None else v

    @model_validator(mode="after")
    def _kind_requirements(self) -> Dwelling:
        if self.kind is Kind.independent:
            if not self.house_type or dwelling_category(self.house_type) is None:
                accepted = ", ".join(sorted({k for k in HOUSE_TYPE_CATEGORY}))
                raise ValueError(
                    f"house_type {self.house_type!r} is not recognised; use Eengezinswoning, "
                    f"Meergezinswoning or Duplexwoning (accepted synonyms: {accepted})"
                )
        else:
            if self.usable_surface_area is None:
                raise ValueError("usable_surface_area is required for a non_independent dwelling")
            if not self.corop_region:
                raise ValueError("corop_region is required for a non_independent dwelling")
        return self

    @property
    def category(self) -> str | None:
        """EGW or MGW for rubriek 4 (zelfstandig.md §2.1)."""
        return dwelling_category(self.house_type)

    @property
    def completion_year(self) -> int:
        return self.newbuild_completion_year or self.build_year

    def to_api_json(self) -> dict[str, Any]:
        """The structure as written by ``wws reshape`` (JSON Lines, shape 2)."""
        return self.model_dump(mode="json", exclude_none=True)


def dwelling_category(house_type: str | None) -> str | None:
    if house_type is None:
        return None
    return HOUSE_TYPE_CATEGORY.get(house_type.strip().lower())
