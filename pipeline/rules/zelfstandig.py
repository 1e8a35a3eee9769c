"""The rule-set parameters for zelfstandige woonruimten (Bhw Bijlage I onder A).

Loaded from ``data/zelfstandig/<legal date>/``; every number used by the scorers comes
from here. Field names follow ``shared/spec/wws/zelfstandig.md`` §4.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any


def _d(s: str) -> Decimal:
    return Decimal(s.strip())


@dataclass(frozen=True)
class WozFactors:
    waardepeildatum_year: int
    f1: Decimal  # euro per point (part I)
    f2: Decimal  # euro per m2 per point (part II)
    f2_corop: Decimal  # part II for small new-build in COROP Amsterdam/Utrecht (11.1a)


@dataclass(frozen=True)
class ZelfstandigRules:
    legal_date: dt.date
    sources: tuple[str, ...]
    # R4
    label_points: Mapping[str, tuple[Decimal, Decimal]]  # label -> (EGW, MGW)
    index_bands: tuple[tuple[Decimal | None, Decimal | None, str], ...]  # (lo excl, hi incl, label)
    index_points: Mapping[str, tuple[Decimal, Decimal]]
    build_year_bands: tuple[tuple[int | None, int | None, Decimal, Decimal], ...]
    epv_points: tuple[Decimal, Decimal]  # (EGW, MGW)
    # R5
    countertop_short_mm: int  # 1000
    countertop_long_mm: int  # 2000
    countertop_points_short: Decimal
    countertop_points_long: Decimal
    kitchen_feature_points: Mapping[str, Decimal]
    # R6
    toilet_room_standing: Decimal
    toilet_room_wall_hung: Decimal
    bathroom_standing: Decimal
    bathroom_wall_hung: Decimal
    washbasin: Decimal
    multi_person_washbasin: Decimal
    shower: Decimal
    bath: Decimal
    shower_bath: Decimal
    sanitary_extra_points: Mapping[str, Decimal]
    # constants
    constants: Mapping[str, Decimal]
    # R11
    woz_factors: Mapping[int, WozFactors]
    minimum_woz: Decimal
    minimum_woz_factor_year: int
    corop_municipalities: tuple[str, ...]
    # rent and sector
    max_rent: Mapping[int, Decimal]  # points 0..250
    social_max_points: int
    free_min_points: int

    def c(self, item: str) -> Decimal:
        """A number of ``constants.csv`` by its item text."""
        return self.constants[item]

    @property
    def max_rent_step(self) -> Decimal:
        """Euros per point above 250 (zelfstandig.md §3.14)."""
        return self.max_rent[250] - self.max_rent[249]

    def max_rent_for(self, points: int) -> Decimal:
        if points <= 40:
            return self.max_rent[40]
        if points <= 250:
            return self.max_rent[points]
        return self.max_rent[250] + (points - 250) * self.max_rent_step

    def sector_for(self, points: int) -> str:
        if points <= self.social_max_points:
            return "social"
        if points < self.free_min_points:
            return "mid"
        return "free"

    @classmethod
    def from_folder(cls, folder: Any, manifest: dict, read_csv) -> ZelfstandigRules:
        def rows(name: str) -> list[dict[str, str]]:
            return read_csv(folder, name)

        legal_date = dt.date.fromisoformat(manifest["legal_date"])
        label_points = {
            r["label"]: (
                _d(r["points_eengezinswoning"]),
                _d(r["points_meergezinswoning_or_duplex"]),
            )
            for r in rows("energy_label_points.csv")
        }
        index_rows = rows("energy_index_points.csv")
        index_bands = tuple(
            (
                _d(r["ei_lower_exclusive"]) if r["ei_lower_exclusive"] else None,
                _d(r["ei_upper_inclusive"]) if r["ei_upper_inclusive"] else None,
                r["equivalent_label"],
            )
            for r in index_rows
        )
        index_points = {
            r["equivalent_label"]: (
                _d(r["points_eengezinswoning"]),
                _d(r["points_meergezinswoning_or_duplex"]),
            )
            for r in index_rows
        }
        build_year_bands = tuple(
            (
                int(r["build_year_min"]) if r["build_year_min"] else None,
                int(r["build_year_max"]) if r["build_year_max"] else None,
                _d(r["points_eengezinswoning"]),
                _d(r["points_meergezinswoning_or_duplex"]),
            )
            for r in rows("energy_build_year_points.csv")
        )
        epv = {
            r["dwelling_category"]: _d(r["points"])
            for r in rows("energy_performance_compensation_points.csv")
        }
        counter = rows("kitchen_countertop_points.csv")
        kitchen = {
            r["api_field"]: _d(r["points_per_unit"])
            for r in rows("kitchen_feature_points.csv")
            if r["api_field"]
        }
        basic = {
            (r["item"], r["location"]): _d(r["points_per_unit"])
            for r in rows("sanitary_basic_points.csv")
        }

        def basic_at(item: str, location_start: str) -> Decimal:
            for (it, loc), v in basic.items():
                if it == item and loc.startswith(location_start):
                    return v
            raise KeyError((item, location_start))

        extras = {
            r["api_field"]: _d(r["points_per_unit"])
            for r in rows("sanitary_extra_points.csv")
            if r["api_field"]
        }
        constants = {}
        for r in rows("constants.csv"):
            try:
                constants[r["item"]] = _d(r["value"])
            except Exception:  # non-numeric constants (dimensions) are documentation only
                continue
        factors = {
            int(r["waardepeildatum"][:4]): WozFactors(
                int(r["waardepeildatum"][:4]),
                _d(r["factor_I_eur_per_point"]),
                _d(r["factor_II_eur_per_point_per_m2"]),
                _d(r["factor_II_corop_small_newbuild_eur"]),
            )
            for r in rows("woz_factors.csv")
        }
        (minimum,) = rows("woz_minimum.csv")
        (sector,) = rows("sector_boundaries.csv")
        return cls(
            legal_date=legal_date,
            sources=tuple(manifest.get("sources", ())),
            label_points=MappingProxyType(label_points),
            index_bands=index_bands,
            index_points=MappingProxyType(index_points),
            build_year_bands=build_year_bands,
            epv_points=(epv["eengezinswoning"], epv["meergezinswoning_or_duplex"]),
            countertop_short_mm=int(_d(counter[1]["countertop_length_min_m_inclusive"]) * 1000),
            countertop_long_mm=int(_d(counter[2]["countertop_length_min_m_inclusive"]) * 1000),
            countertop_points_short=_d(counter[1]["points"]),
            countertop_points_long=_d(counter[2]["points"]),
            kitchen_feature_points=MappingProxyType(kitchen),
            toilet_room_standing=basic_at("standing_toilet", "separate toilet room"),
            toilet_room_wall_hung=basic_at("wall_hung_toilet", "separate toilet room"),
            bathroom_standing=basic_at("standing_toilet", "bathroom"),
            bathroom_wall_hung=basic_at("wall_hung_toilet", "bathroom"),
            washbasin=basic_at("washbasin", "bathroom"),
            multi_person_washbasin=basic_at("multi_person_washbasin", "bathroom"),
            shower=basic_at("shower", "any room"),
            bath=basic_at("bath", "any room"),
            shower_bath=basic_at("shower/bath", "bath room"),
            sanitary_extra_points=MappingProxyType(extras),
            constants=MappingProxyType(constants),
            woz_factors=MappingProxyType(factors),
            minimum_woz=_d(minimum["minimum_woz_eur"]),
            minimum_woz_factor_year=int(minimum["paired_waardepeildatum_for_factors"][:4]),
            corop_municipalities=tuple(
                r["gemeente"] for r in rows("corop_amsterdam_utrecht_municipalities.csv")
            ),
            max_rent=MappingProxyType(
                {int(r["points"]): _d(r["max_rent_eur"]) for r in rows("max_rent_per_point.csv")}
            ),
            social_max_points=int(sector["social_sector_max_points"]),
            free_min_points=int(sector["free_sector_min_points"]),
        )
