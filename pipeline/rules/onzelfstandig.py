"""The rule-set parameters for onzelfstandige woonruimten (Bhw Bijlage I onder B).

Loaded from ``data/onzelfstandig/<legal date>/``; every number used by the scorers comes
from here. Field names follow ``shared/spec/wws/onzelfstandig.md`` (§2 per rubriek, §9
tables). The interpretation profile (H + O1-O8, spec §4) is recorded in the folder's
``manifest.toml`` ``[profile]`` table; :meth:`OnzelfstandigRules.from_folder` refuses a
folder that names another profile, because the scorers implement exactly this one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any

#: The only interpretation profile the scorers implement (onzelfstandig.md §4).
PROFILE = "H+O1-O8"

#: parking_type of the portfolio contract (1, 2, 3) -> the law's type (I, II, III)
PARKING_TYPES = {1: "I", 2: "II", 3: "III"}


def _d(s: str) -> Decimal:
    return Decimal(s.strip())


@dataclass(frozen=True)
class CountertopBand:
    """One row of the countertop table (O4: the law's "... m en meer" boundaries)."""

    points: Decimal
    min_m: Decimal | None
    min_inclusive: bool
    max_m: Decimal | None
    max_inclusive: bool
    needs_8_units: bool

    def contains(self, length_m: Decimal, shared_spaces: int) -> bool:
        if self.needs_8_units and shared_spaces < 8:
            return False
        if self.min_m is not None:
            if length_m < self.min_m or (length_m == self.min_m and not self.min_inclusive):
                return False
        if self.max_m is not None:
            if length_m > self.max_m or (length_m == self.max_m and not self.max_inclusive):
                return False
        return True


@dataclass(frozen=True)
class OnzelfstandigRules:
    legal_date: dt.date
    sources: tuple[str, ...]
    profile: Mapping[str, Any]
    # R1 / R2
    vertrek_rate: Decimal  # 1.00 per m2
    overige_rate: Decimal  # 0.75 per m2
    attic_max_deduction: Decimal  # 5 (positive number; applied as a deduction)
    min_vertrek_m2: Decimal  # 4.00
    min_overige_m2: Decimal  # 2.00
    # R3
    heated_vertrek: Decimal  # 2
    heated_overige: Decimal  # 1
    cooled_vertrek: Decimal  # 1
    max_heated_overige_spaces: int  # 4
    max_cooled_vertrek_spaces: int  # 2
    # R4 (points per m2)
    epv_per_m2: Decimal
    label_per_m2: Mapping[str, Decimal]
    index_bands: tuple[tuple[Decimal | None, Decimal | None, Decimal], ...]  # (gt, le, ppm)
    build_year_bands: tuple[tuple[int | None, int | None, Decimal], ...]  # (from, to, ppm)
    # R5
    countertop_bands: tuple[CountertopBand, ...]
    kitchen_feature_points: Mapping[str, Decimal]  # api_field -> points each
    # R6
    toilet_room_standing: Decimal
    toilet_room_wall_hung: Decimal
    bathroom_standing: Decimal
    bathroom_wall_hung: Decimal
    washbasin: Decimal
    multi_person_washbasin: Decimal
    shower: Decimal
    bath: Decimal
    bath_and_shower: Decimal
    sanitary_extra_points: Mapping[str, Decimal]  # api_field -> points each
    cupboard_space_cap: Decimal  # 0.75 per space
    power_outlets_per_washbasin: int  # 2
    units_for_washbasin_exception: int  # 8
    # R7
    disability_eur_per_point: Decimal  # 332
    # R8
    outdoor_private_bonus: Decimal  # 2
    outdoor_private_rate: Decimal  # 0.35
    outdoor_shared_rate: Decimal  # 0.75
    outdoor_cap: Decimal  # 15
    # R9
    gba_vertrek_rate: Decimal  # 1.00
    gba_overige_rate: Decimal  # 0.75
    care_home_gba_points: Decimal  # 3
    # R10
    parking_points: Mapping[str, Decimal]  # "I" / "II" / "III" -> points per spot
    parking_charger_points: Decimal  # 2 per spot
    parking_min_m2: Decimal  # 12
    # R11
    woz_band_pct: Decimal  # 10
    woz_high: Decimal  # 14
    woz_middle: Decimal  # 12
    woz_low: Decimal  # 10
    woz_none: Decimal  # 10
    appraisal_factor: Decimal  # 0.85
    corop_average: Mapping[tuple[str, int], Decimal]  # (corop slug, wpd year) -> EUR/m2
    # R12
    care_home_uplift: Decimal  # 0.35
    doorbell_points: Decimal  # 0.25
    charging_station_points: Decimal  # 2
    # R13
    deduction_points: Decimal  # -4
    min_effective_vertrek_m2: Decimal  # 8
    min_glass_m2: Decimal  # 0.75
    max_window_frame_m: Decimal  # 1.60
    # R14
    national_monument_points: Decimal  # 10 (lease before the Wet betaalbare huur)
    national_monument_pct: Decimal  # 35
    other_monument_pct: Decimal  # 15 (gemeentelijk / provinciaal)
    cityscape_pct: Decimal  # 5
    cityscape_build_year_before: int  # 1965
    wbh_lease_date: dt.date  # 2024-07-01
    # rent
    max_rent: Mapping[int, Decimal]  # points 0..250

    @property
    def valuation_years(self) -> tuple[int, int]:
        """The usable WOZ waardepeildatum years, newest first (spec §2.11)."""
        y = self.legal_date.year
        return (y - 1, y - 2)

    @property
    def max_rent_step(self) -> Decimal:
        """Euros per point above 250 (spec §1.3)."""
        return self.max_rent[250] - self.max_rent[249]

    def max_rent_for(self, points: int) -> Decimal:
        """Max rent of the table of the rule set's year; 0.00 for 0 points or fewer."""
        if points <= 0:
            return self.max_rent[0]
        if points <= 250:
            return self.max_rent[points]
        return self.max_rent[250] + (points - 250) * self.max_rent_step

    def countertop_points(self, length_m: Decimal, shared_spaces: int) -> Decimal:
        """Base kitchen points B for a countertop of ``length_m`` (spec §2.5, O4)."""
        best = Decimal(0)
        for band in self.countertop_bands:
            if band.contains(length_m, shared_spaces):
                best = max(best, band.points)
        return best

    def energy_index_ppm(self, ei: Decimal) -> Decimal:
        for gt, le, ppm in self.index_bands:
            if (gt is None or ei > gt) and (le is None or ei <= le):
                return ppm
        raise ValueError(f"energy index {ei} outside the table")  # pragma: no cover

    def build_year_ppm(self, year: int) -> Decimal:
        for lo, hi, ppm in self.build_year_bands:
            if (lo is None or year >= lo) and (hi is None or year <= hi):
                return ppm
        raise ValueError(f"build year {year} outside the table")  # pragma: no cover

    @classmethod
    def from_folder(cls, folder: Any, manifest: dict, read_csv) -> OnzelfstandigRules:
        def rows(name: str) -> list[dict[str, str]]:
            return read_csv(folder, name)

        profile = dict(manifest.get("profile", {}))
        if profile.get("name") != PROFILE:
            raise ValueError(
                f"rule folder {manifest.get('legal_date')} names profile "
                f"{profile.get('name')!r}; the scorers implement {PROFILE!r} only"
            )
        legal_date = dt.date.fromisoformat(manifest["legal_date"])

        const = {r["item"]: r["value"] for r in rows("constants.csv")}

        def c(item: str) -> Decimal:
            return _d(const[item])

        heating = {
            (r["space_class"], r["condition"]): r for r in rows("heating_cooling_points.csv")
        }
        h_vertrek = heating[("vertrek", "heated")]
        h_overige = heating[("overige ruimte or verkeersruimte", "heated")]
        h_cooled = heating[("vertrek", "heated and cooled")]

        def cap_count(text: str) -> int:  # "max 4 points (4 spaces)" -> 4
            return int(text.split("(")[1].split()[0])

        index_bands = tuple(
            (
                _d(r["ei_greater_than"]) if r["ei_greater_than"] else None,
                _d(r["ei_at_most"]) if r["ei_at_most"] else None,
                _d(r["points_per_m2"]),
            )
            for r in rows("energy_index_points_per_m2.csv")
        )
        build_year_bands = tuple(
            (
                int(r["build_year_from"]) if r["build_year_from"] else None,
                int(r["build_year_to"]) if r["build_year_to"] else None,
                _d(r["points_per_m2"]),
            )
            for r in rows("energy_build_year_points_per_m2.csv")
        )
        variant = profile.get("countertop_boundaries", "law_text_bhw")
        countertop_bands = tuple(
            CountertopBand(
                points=_d(r["points_before_sharing"]),
                min_m=_d(r["length_min_m"]) if r["length_min_m"] else None,
                min_inclusive=r["length_min_inclusive"] == "true",
                max_m=_d(r["length_max_m"]) if r["length_max_m"] else None,
                max_inclusive=r["length_max_inclusive"] == "true",
                needs_8_units="shared_spaces >= 8" in r["extra_condition"],
            )
            for r in rows("kitchen_countertop_points.csv")
            if r["variant"] == variant
        )
        if not countertop_bands:
            raise ValueError(f"no countertop rows for variant {variant!r}")
        kitchen = {r["api_field"]: _d(r["points_each"]) for r in rows("kitchen_feature_points.csv")}
        basic = {
            (r["item"], r["location"]): _d(r["points_each_before_sharing"])
            for r in rows("sanitary_basic_points.csv")
        }
        extras = {
            r["api_field"]: _d(r["points_each_before_sharing"])
            for r in rows("sanitary_extra_points.csv")
        }
        parking = {r["parking_type"]: r for r in rows("parking_points.csv")}
        (min_parking,) = {_d(r["min_area_m2"]) for r in parking.values()}
        (charger,) = {_d(r["charging_station_extra_per_spot"]) for r in parking.values()}
        woz = {r["band"]: _d(r["points"]) for r in rows("woz_points.csv")}
        (deduction,) = {_d(r["points"]) for r in rows("deduction_points.csv")}
        averages = {
            (r["slug"], int(r["waardepeildatum_year"])): _d(r["avg_eur_per_m2"])
            for r in rows("corop_average_woz_per_m2.csv")
        }
        max_rent = {int(r["points"]): _d(r["max_rent_eur"]) for r in rows("max_rent_per_point.csv")}
        if sorted(max_rent) != list(range(251)):
            raise ValueError("max_rent_per_point.csv must list 0..250 points")
        surcharges = rows("surcharges.csv")

        def pct(effect: str) -> Decimal:  # "+35% on max rent" -> 35
            return _d(effect.split("%")[0].lstrip("+"))

        national_pct = next(
            pct(r["effect"])
            for r in surcharges
            if r["status"] == "rijksmonument" and "on or after" in r["condition"]
        )
        national_points = next(
            _d(r["effect"].split()[0].lstrip("+"))
            for r in surcharges
            if r["status"] == "rijksmonument" and "before" in r["condition"]
        )
        other_pct = next(
            pct(r["effect"]) for r in surcharges if r["status"].startswith("gemeentelijk")
        )
        cityscape = next(r for r in surcharges if r["status"].startswith("beschermd"))
        cityscape_year = int(cityscape["condition"].split("build_year <")[1].split()[0])
        lease = next(
            r["condition"].split("on or after")[1].strip()
            for r in surcharges
            if "on or after" in r["condition"]
        )
        return cls(
            legal_date=legal_date,
            sources=tuple(manifest.get("sources", ())),
            profile=MappingProxyType(profile),
            vertrek_rate=c("vertrek area"),
            overige_rate=c("overige ruimte area"),
            attic_max_deduction=-c("attic without fixed staircase"),
            min_vertrek_m2=c("min area vertrek"),
            min_overige_m2=c("min area overige ruimte"),
            heated_vertrek=_d(h_vertrek["points_before_sharing"]),
            heated_overige=_d(h_overige["points_before_sharing"]),
            cooled_vertrek=_d(h_cooled["points_before_sharing"].lstrip("+")),
            max_heated_overige_spaces=cap_count(h_overige["cap_before_sharing"]),
            max_cooled_vertrek_spaces=cap_count(h_cooled["cap_before_sharing"]),
            epv_per_m2=c("energy performance fee (EPV)"),
            label_per_m2=MappingProxyType(
                {
                    r["energy_label"]: _d(r["points_per_m2"])
                    for r in rows("energy_label_points_per_m2.csv")
                }
            ),
            index_bands=index_bands,
            build_year_bands=build_year_bands,
            countertop_bands=countertop_bands,
            kitchen_feature_points=MappingProxyType(kitchen),
            toilet_room_standing=basic[("standing_toilet", "separate toilet room")],
            toilet_room_wall_hung=basic[("wall_hung_toilet", "separate toilet room")],
            bathroom_standing=basic[("standing_toilet", "bathroom or shower room")],
            bathroom_wall_hung=basic[("wall_hung_toilet", "bathroom or shower room")],
            washbasin=basic[("washbasin", "bathroom or shower room")],
            multi_person_washbasin=basic[("multi_person_washbasin", "bathroom or shower room")],
            shower=basic[("shower", "any space")],
            bath=basic[("bath", "any space")],
            bath_and_shower=basic[("bath_and_separate_shower", "same space")],
            sanitary_extra_points=MappingProxyType(extras),
            cupboard_space_cap=extras["cupboard_space"],
            power_outlets_per_washbasin=int(c("power outlets per washbasin")),
            units_for_washbasin_exception=int(c("washbasin exception min units")),
            disability_eur_per_point=c("disability facilities"),
            outdoor_private_bonus=c("private outdoor presence"),
            outdoor_private_rate=c("private outdoor area"),
            outdoor_shared_rate=c("shared outdoor area"),
            outdoor_cap=c("cap"),
            gba_vertrek_rate=c("shared vertrek (multi-address)"),
            gba_overige_rate=c("shared overige ruimte (multi-address)"),
            care_home_gba_points=c("care home fixed value"),
            parking_points=MappingProxyType(
                {k: _d(r["points_per_spot_before_sharing"]) for k, r in parking.items()}
            ),
            parking_charger_points=charger,
            parking_min_m2=min_parking,
            woz_band_pct=c("WOZ band threshold"),
            woz_high=woz["high"],
            woz_middle=woz["middle"],
            woz_low=woz["low"],
            woz_none=woz["no_woz"],
            appraisal_factor=c("appraisal factor"),
            corop_average=MappingProxyType(averages),
            care_home_uplift=c("care home uplift"),
            doorbell_points=c("video+audio doorbell with remote door opener"),
            charging_station_points=c("charging station"),
            deduction_points=deduction,
            min_effective_vertrek_m2=c("min effective vertrek area"),
            min_glass_m2=c("min glass living room"),
            max_window_frame_m=c("max lowest window frame living room"),
            national_monument_points=national_points,
            national_monument_pct=national_pct,
            other_monument_pct=other_pct,
            cityscape_pct=pct(cityscape["effect"]),
            cityscape_build_year_before=cityscape_year,
            wbh_lease_date=dt.date.fromisoformat(lease),
            max_rent=MappingProxyType(max_rent),
        )
