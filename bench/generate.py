"""A synthetic, realistic portfolio of independent dwellings as a folder of Parquet tables.

Follows the portfolio contract (``shared/spec/portfolio-format.md``, shape 1): one file per
table, block tables keyed by ``dwelling_id``. Every block is used; each dwelling has 6-14
spaces (rooms, kitchen, sanitary, toilet, outdoor and parking together). Distributions are
plausible for a Dutch corporation: mostly apartments, build years 1890-2025, labels A-G
(some expired, some energy indexes), WOZ values around 300k, a few shared spaces, care
homes, monuments, parking with chargers. Deterministic for a seed; vectorised (pyarrow's
seeded uniform generator + polars), no numpy and no Python loop over dwellings.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import polars as pl
import pyarrow.compute as pc

from schemas.dwelling import KITCHEN_FEATURES


class Rng:
    """Seeded vectors of random numbers (pyarrow ``random`` with a fresh initializer per draw)."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.draws = 0

    def random(self, n: int) -> pl.Series:
        self.draws += 1
        return pl.Series(pc.random(n, initializer=self.seed * 10_007 + self.draws))

    def flag(self, n: int, p: float) -> pl.Series:
        return self.random(n) < p

    def integers(self, lo: int, hi: int, n: int) -> pl.Series:
        """Uniform integers in [lo, hi)."""
        return (self.random(n) * (hi - lo)).floor().cast(pl.Int64) + lo

    def uniform(self, lo: float, hi: float, n: int, decimals: int = 2) -> pl.Series:
        return (self.random(n) * (hi - lo) + lo).round(decimals)

    def normal(self, mu: float, sd: float, n: int) -> pl.Series:
        u1, u2 = self.random(n), self.random(n)
        z = ((1 - u1).log() * -2).sqrt() * (u2 * 2 * math.pi).cos()
        return z * sd + mu

    def choice(self, values: list, n: int, p: list[float] | None = None) -> pl.Series:
        p = p or [1.0] * len(values)
        total = sum(p)
        bounds, acc = [], 0.0
        for w in p[:-1]:
            acc += w / total
            bounds.append(acc)
        idx = pl.Series(bounds).search_sorted(self.random(n), side="right")
        return pl.Series(values).gather(idx)

    def dates(self, n: int, start: dt.date, days: int, p_null: float) -> pl.Series:
        d = pl.Series([start]).cast(pl.Date).to_list()[0]
        out = pl.select(pl.lit(d) + pl.duration(days=self.integers(0, days, n))).to_series()
        return pl.select(pl.when(self.flag(n, p_null)).then(None).otherwise(out)).to_series()


def _ids(n: int, offset: int = 0, prefix: str = "BENCH-") -> pl.Series:
    return pl.select(
        pl.format(prefix + "{}", pl.int_range(offset, offset + n, dtype=pl.Int64))
    ).to_series()


def _repeat(ids: pl.Series, counts: pl.Series) -> pl.Series:
    return (
        pl.DataFrame({"d": ids, "c": counts})
        .select(pl.col("d").repeat_by("c"))
        .explode("d")
        .to_series()
    )


def _shared(rng: Rng, n: int, p: float) -> pl.Series:
    return pl.select(pl.when(rng.flag(n, p)).then(rng.integers(2, 11, n)).otherwise(1)).to_series()


def _independent(rng: Rng, ids: pl.Series) -> dict[str, pl.DataFrame]:
    """The portfolio tables (raw contract columns) of independent dwellings ``ids``."""
    n = len(ids)
    egw = rng.flag(n, 0.35)
    label = rng.choice(
        ["A++++", "A+++", "A++", "A+", "A", "B", "C", "D", "E", "F", "G", ""],
        n,
        [1, 2, 3, 5, 20, 18, 17, 11, 7, 5, 3, 8],
    )
    has_index = (label == "") & rng.flag(n, 0.5)
    woz = (rng.normal(12.6, 0.35, n).exp() / 1000).round(0) * 1000
    woz_missing = rng.flag(n, 0.03)
    dwellings = pl.DataFrame(
        {
            "dwelling_id": ids,
            "kind": pl.Series(["independent"] * n),
            "house_type": rng.choice(["Meergezinswoning", "Duplexwoning", "galerijflat"], n),
            "build_year": rng.normal(1975, 25, n).round(0).cast(pl.Int64).clip(1890, 2025),
            "energy_label": label,
            "energy_index_existence": has_index,
            "energy_index": rng.uniform(0.5, 3.0, n),
            "energy_performance_compensation": rng.flag(n, 0.02),
            "energy_label_registered_on": rng.dates(n, dt.date(2012, 1, 1), 5000, 0.1),
            "energy_label_valid_until": rng.dates(n, dt.date(2024, 1, 1), 4000, 0.1),
            "disability_costs": rng.uniform(500, 9000, n),
            "disabled_people": rng.flag(n, 0.02).cast(pl.Int64),
            "monument": rng.choice(
                ["", "national", "municipal", "provincial"], n, [96, 2, 1.5, 0.5]
            ),
            "lease_signed_date": rng.dates(n, dt.date(2010, 1, 1), 6000, 0.2),
            "doorbell": rng.flag(n, 0.2),
            "woz_value": woz,
            "woz_valuation_year": rng.choice([2024, 2025, 2023], n, [45, 45, 10]),
            "taxation_value": (woz * 1.1 / 1000).round(0) * 1000,
            "usable_surface_area": rng.uniform(25, 160, n, 1),
            "corop_area_amsterdam_or_utrecht": rng.flag(n, 0.25),
            "care_home": rng.flag(n, 0.02),
            "protected_cityscape": rng.flag(n, 0.03),
            "first_occupancy_date": rng.dates(n, dt.date(2020, 1, 1), 2500, 0.9),
            "construction_start_date": rng.dates(n, dt.date(2022, 1, 1), 2000, 0.9),
            "heated_circulation_spaces": rng.integers(0, 3, n),
            "low_overheating_risk_label": rng.flag(n, 0.05),
            "private_charging_stations": rng.flag(n, 0.03).cast(pl.Int64),
            "current_rent": rng.uniform(450, 1600, n),
            "postcode": pl.select(pl.format("{}AB", rng.integers(1000, 10000, n))).to_series(),
            "house_number": rng.integers(1, 300, n),
        }
    ).with_columns(
        pl.when(egw)
        .then(pl.lit("Eengezinswoning"))
        .otherwise(pl.col("house_type"))
        .alias("house_type"),
        pl.when(has_index).then(pl.col("energy_index")).otherwise(None).alias("energy_index"),
        pl.when(pl.col("disabled_people") > 0).then(pl.col("disability_costs")).otherwise(0.0),
        pl.when(woz_missing).then(None).otherwise(pl.col("woz_value")).alias("woz_value"),
        pl.when(woz_missing)
        .then(None)
        .otherwise(pl.col("woz_valuation_year"))
        .alias("woz_valuation_year"),
        pl.when(woz_missing & rng.flag(n, 0.5)).then(pl.col("taxation_value")).otherwise(None),
    )

    # spaces: rooms 2-6 (topped up to reach 6 spaces), kitchen 1, sanitary 1-2,
    # toilet 0-1, outdoor 0-2, parking 0-1: 6-14 spaces per dwelling
    counts = pl.DataFrame(
        {
            "rooms": rng.integers(2, 7, n),
            "sanitary": rng.integers(1, 3, n),
            "toilet": rng.flag(n, 0.85).cast(pl.Int64),
            "outdoor": rng.choice([0, 1, 2], n, [10, 60, 30]),
            "parking": rng.flag(n, 0.2).cast(pl.Int64),
        }
    ).with_columns(
        pl.max_horizontal(
            pl.col("rooms"),
            6 - 1 - pl.col("sanitary") - pl.col("toilet") - pl.col("outdoor") - pl.col("parking"),
        ).alias("rooms")
    )

    r = int(counts["rooms"].sum())
    rooms = pl.DataFrame(
        {
            "dwelling_id": _repeat(ids, counts["rooms"]),
            "type_of_room": rng.choice(["room", "other"], r, [80, 20]),
            "attic_without_fixed_staircase": rng.flag(r, 0.04),
            "surface_area": rng.uniform(1.5, 35, r),
            "heated": rng.flag(r, 0.85),
            "cooled": rng.flag(r, 0.08),
            "shared_addresses": _shared(rng, r, 0.02),
            "washbasin": rng.flag(r, 0.05).cast(pl.Int64),
            "multi_person_washbasin": rng.flag(r, 0.01).cast(pl.Int64),
            "showers": rng.flag(r, 0.01).cast(pl.Int64),
        }
    )
    kitchen = pl.DataFrame(
        {
            "dwelling_id": ids,
            "type_of_room": rng.choice(["room", "other"], n, [90, 10]),
            "open_kitchen": rng.flag(n, 0.3),
            "surface_area": rng.uniform(4, 18, n),
            "countertop_length": rng.uniform(0.6, 4.0, n, 3),
            "heated": rng.flag(n, 0.8),
            "cooled": rng.flag(n, 0.05),
            "shared_addresses": _shared(rng, n, 0.02),
            **{f: rng.integers(0, 2, n) for f in KITCHEN_FEATURES},
            "washbasin": rng.flag(n, 0.05).cast(pl.Int64),
        }
    ).with_columns(
        pl.when(pl.col("open_kitchen") & rng.flag(n, 0.3))
        .then(0.0)
        .otherwise(pl.col("surface_area"))
        .alias("surface_area")
    )
    s = int(counts["sanitary"].sum())
    sanitary = pl.DataFrame(
        {
            "dwelling_id": _repeat(ids, counts["sanitary"]),
            "type_of_room": rng.choice(["room", "other"], s, [90, 10]),
            "surface_area": rng.uniform(1.2, 9, s),
            "heated": rng.flag(s, 0.8),
            "cooled": rng.flag(s, 0.01),
            "shower_facility": rng.choice(
                ["shower", "bath", "shower/bath", ""], s, [60, 10, 25, 5]
            ),
            "toilet": rng.flag(s, 0.4).cast(pl.Int64),
            "wall_hung_toilet": rng.flag(s, 0.2).cast(pl.Int64),
            "shared_addresses": _shared(rng, s, 0.01),
            "washbasin": rng.integers(0, 3, s),
            "multi_person_washbasin": rng.flag(s, 0.1).cast(pl.Int64),
            "cupboard_space": rng.flag(s, 0.4),
            "power_outlet": rng.integers(0, 3, s),
            "build_in_cupboard": rng.flag(s, 0.2).cast(pl.Int64),
            "complete_separation_of_shower": rng.flag(s, 0.4).cast(pl.Int64),
            "bath_with_bubble_function": rng.flag(s, 0.03).cast(pl.Int64),
            "one_hand_mixer_tap": rng.integers(0, 2, s),
            "thermostatic_mixer_tap": rng.integers(0, 2, s),
            "towel_radiator": rng.flag(s, 0.3).cast(pl.Int64),
        }
    )
    t = int(counts["toilet"].sum())
    toilet = pl.DataFrame(
        {
            "dwelling_id": _repeat(ids, counts["toilet"]),
            "type_of_room": pl.Series(["other"] * t),
            "surface_area": rng.uniform(0.9, 2.4, t),
            "heated": rng.flag(t, 0.3),
            "wall_hung_toilet": rng.flag(t, 0.5),
            "washbasin": rng.flag(t, 0.6).cast(pl.Int64),
            "shared_addresses": _shared(rng, t, 0.01),
        }
    )
    o = int(counts["outdoor"].sum())
    outdoor = pl.DataFrame(
        {
            "dwelling_id": _repeat(ids, counts["outdoor"]),
            "surface_area": rng.normal(2.3, 0.8, o).exp().round(2),
            "shared_addresses": _shared(rng, o, 0.1),
        }
    )
    p = int(counts["parking"].sum())
    parking = pl.DataFrame(
        {
            "dwelling_id": _repeat(ids, counts["parking"]),
            "parking_type": rng.integers(1, 4, p),
            "charging_station": rng.flag(p, 0.15),
            "count": rng.choice([1, 1, 1, 2], p),
            "shared_addresses": _shared(rng, p, 0.6),
        }
    )
    return {
        "dwellings": dwellings,
        "rooms": rooms,
        "kitchen": kitchen,
        "sanitary": sanitary,
        "toilet": toilet,
        "outdoor": outdoor,
        "parking": parking,
    }


def _corop_spellings() -> list[str]:
    """How exports spell the 40 COROP regions: CBS name, CBS code, slug (all accepted)."""
    from pipeline.corop import corop_regions

    out: list[str] = []
    for r in corop_regions():
        out += [r.name, r.cbs_code, r.slug]
    return out


def _expand(frame: pl.DataFrame, count: pl.Expr | int) -> pl.DataFrame:
    """``frame`` with each row repeated ``count`` times (0 drops it), plus ``rep`` (0-based)."""
    return (
        frame.with_columns(pl.int_ranges(0, count, dtype=pl.Int64).alias("rep"))
        .explode("rep")
        .filter(pl.col("rep").is_not_null())
    )


def _non_independent(rng: Rng, ids: pl.Series) -> dict[str, pl.DataFrame]:
    """Rooms in shared houses (onzelfstandige woonruimten), one dwelling per room.

    Houses of 3-12 rooms. Every room lists its own room(s) and the spaces it shares with
    the other rooms of the house (``shared_spaces`` >= 2): living room, kitchen(s),
    bathroom(s), toilet(s), garden, bicycle shed; some rooms have private sanitary or a
    kitchenette (``shared_spaces`` 1). 6-13 spaces per dwelling (topped up with shared
    storage/hall). COROP regions in every accepted spelling; ``usable_surface_area`` and the
    WOZ value are those of the whole address, as the contract says.
    """
    n = len(ids)
    h = n // 3 + 1
    size = rng.choice([3, 4, 5, 6, 8, 10, 12], h, [15, 25, 20, 15, 12, 8, 5])
    house = size.cum_sum().search_sorted(pl.int_range(n, eager=True), side="right")
    label = rng.choice(
        ["A++", "A+", "A", "B", "C", "D", "E", "F", "G", ""], h, [1, 2, 8, 12, 18, 17, 12, 8, 4, 18]
    )
    woz = (rng.normal(13.1, 0.35, h).exp() / 1000).round(0) * 1000
    woz_missing = rng.flag(h, 0.03)
    houses = pl.DataFrame(
        {
            "k": size,
            "corop_region": rng.choice(_corop_spellings(), h),
            "build_year": rng.normal(1935, 30, h).round(0).cast(pl.Int64).clip(1850, 2025),
            "energy_label": label,
            "energy_index_existence": (label == "") & rng.flag(h, 0.3),
            "energy_index": rng.uniform(0.6, 2.8, h),
            "energy_label_registered_on": rng.dates(h, dt.date(2012, 1, 1), 5000, 0.1),
            "energy_label_valid_until": rng.dates(h, dt.date(2024, 1, 1), 4000, 0.1),
            "monument": rng.choice(["", "national", "municipal", "provincial"], h, [94, 3, 2, 1]),
            "doorbell": rng.flag(h, 0.3),
            "woz_value": pl.select(pl.when(woz_missing).then(None).otherwise(woz)).to_series(),
            "woz_valuation_year": rng.choice([2024, 2025, 2023], h, [45, 45, 10]),
            "taxation_value": pl.select(
                pl.when(woz_missing & rng.flag(h, 0.5)).then((woz * 1.1 / 1000).round(0) * 1000)
            ).to_series(),
            "usable_surface_area": rng.uniform(60, 400, h, 1),
            "care_home": rng.flag(h, 0.03),
            "heated_circulation_spaces": rng.integers(0, 4, h),
            "postcode": pl.select(pl.format("{}KM", rng.integers(1000, 10000, h))).to_series(),
            "house_number": rng.integers(1, 400, h),
            "n_living": rng.flag(h, 0.7).cast(pl.Int64),
            "n_kitchen": 1 + (rng.flag(h, 0.5) & (size >= 7)).cast(pl.Int64),
            "n_bath": 1 + (rng.flag(h, 0.6) & (size >= 5)).cast(pl.Int64),
            "n_toilet": 1 + (rng.flag(h, 0.5) & (size >= 4)).cast(pl.Int64),
            "garden": rng.flag(h, 0.5).cast(pl.Int64),
            "shed": rng.flag(h, 0.3).cast(pl.Int64),
            "parking": rng.flag(h, 0.1).cast(pl.Int64),
            "living_area": rng.uniform(14, 40, h),
            "kitchen_area": rng.uniform(6, 20, h),
            "countertop": rng.uniform(1.0, 6.0, h, 3),
            "garden_area": rng.uniform(10, 120, h),
        }
    ).with_row_index("house")
    first = size.cum_sum() - size  # index of the house's first room
    r = (
        pl.DataFrame({"_i": pl.int_range(n, eager=True), "house": house.cast(pl.UInt32)})
        .join(houses, on="house", how="left", maintain_order="left")
        .with_columns(
            pl.Series("dwelling_id", ids),
            (pl.col("_i") - first.gather(house) + 1).alias("room_no"),
            own_sanitary=rng.flag(n, 0.1),
            own_kitchen=rng.flag(n, 0.05),
            extra=rng.flag(n, 0.15).cast(pl.Int64),
            balcony=rng.flag(n, 0.1).cast(pl.Int64),
        )
        .with_columns(
            pl.when("own_kitchen").then(1).otherwise(pl.col("n_kitchen")).alias("kitchens"),
            pl.when("own_sanitary").then(1).otherwise(pl.col("n_bath")).alias("baths"),
            pl.when("own_sanitary").then(1).otherwise(pl.col("n_toilet")).alias("toilets"),
        )
        .with_columns(
            (
                6
                - 1
                - pl.col("extra")
                - pl.col("n_living")
                - pl.col("kitchens")
                - pl.col("baths")
                - pl.col("toilets")
                - pl.col("garden")
                - pl.col("shed")
                - pl.col("balcony")
                - pl.col("parking")
            )
            .clip(0)
            .alias("top_up")
        )
    )

    def share(per: str) -> pl.Expr:  # units per shared space of a kind, at least 2
        return pl.max_horizontal(pl.lit(2), (pl.col("k") / pl.col(per)).ceil().cast(pl.Int64))

    dwellings = r.select(
        "dwelling_id",
        pl.lit("non_independent").alias("kind"),
        pl.lit(None, pl.String).alias("house_type"),
        "build_year",
        "energy_label",
        "energy_index_existence",
        pl.when("energy_index_existence").then(pl.col("energy_index")).alias("energy_index"),
        "energy_label_registered_on",
        "energy_label_valid_until",
        pl.when(rng.flag(n, 0.01))
        .then(rng.uniform(500, 6000, n))
        .otherwise(0.0)
        .alias("disability_costs"),
        "monument",
        pl.when(pl.col("monument") == "national")
        .then(rng.dates(n, dt.date(2015, 1, 1), 4000, 0.1))
        .alias("lease_signed_date"),
        "doorbell",
        "woz_value",
        "woz_valuation_year",
        "taxation_value",
        "usable_surface_area",
        "care_home",
        "heated_circulation_spaces",
        rng.flag(n, 0.03).alias("low_overheating_risk_label"),
        rng.uniform(280, 750, n).alias("current_rent"),
        "postcode",
        "house_number",
        pl.format("k{}", "room_no").alias("house_number_addition"),
        "corop_region",
        pl.when(rng.flag(n, 0.15))
        .then(rng.uniform(0.3, 4.0, n))
        .alias("glass_surface_living_room"),
        pl.when(rng.flag(n, 0.1))
        .then(rng.uniform(0.5, 1.9, n))
        .alias("lowest_window_frame_living_room"),
        rng.flag(n, 0.03).alias("accessibility_via_landlord"),
    ).with_columns((pl.col("disability_costs") > 0).cast(pl.Int64).alias("disabled_people"))

    def block(parts: list[pl.DataFrame]) -> pl.DataFrame:
        return pl.concat(parts, how="diagonal_relaxed").sort("_i", maintain_order=True)

    own = _expand(r, 1)
    m = own.height
    private_room = own.select(
        "_i",
        "dwelling_id",
        pl.lit("room").alias("type_of_room"),
        pl.lit(False).alias("attic_without_fixed_staircase"),
        rng.uniform(7, 28, m).alias("surface_area"),
        rng.flag(m, 0.95).alias("heated"),
        rng.flag(m, 0.05).alias("cooled"),
        pl.lit(1, pl.Int64).alias("shared_addresses"),
        rng.flag(m, 0.4).cast(pl.Int64).alias("washbasin"),
        pl.lit(0, pl.Int64).alias("multi_person_washbasin"),
        pl.lit(0, pl.Int64).alias("showers"),
        pl.lit(1, pl.Int64).alias("shared_spaces"),
    )
    e = _expand(r, pl.col("extra"))
    extra = e.select(
        "_i",
        "dwelling_id",
        pl.lit("other").alias("type_of_room"),
        rng.flag(e.height, 0.3).alias("attic_without_fixed_staircase"),
        rng.uniform(2, 9, e.height).alias("surface_area"),
        pl.lit(False).alias("heated"),
        pl.lit(False).alias("cooled"),
        pl.lit(1, pl.Int64).alias("shared_addresses"),
        pl.lit(1, pl.Int64).alias("shared_spaces"),
    )
    lv = _expand(r, pl.col("n_living"))
    living = lv.select(
        "_i",
        "dwelling_id",
        pl.lit("room").alias("type_of_room"),
        pl.col("living_area").alias("surface_area"),
        pl.lit(True).alias("heated"),
        pl.lit(False).alias("cooled"),
        pl.lit(1, pl.Int64).alias("shared_addresses"),
        pl.col("k").alias("shared_spaces"),
    )
    tu = _expand(r, pl.col("top_up"))
    top_up = tu.select(
        "_i",
        "dwelling_id",
        pl.lit("other").alias("type_of_room"),
        rng.uniform(2, 10, tu.height).alias("surface_area"),
        rng.flag(tu.height, 0.5).alias("heated"),
        pl.lit(False).alias("cooled"),
        pl.lit(1, pl.Int64).alias("shared_addresses"),
        pl.col("k").alias("shared_spaces"),
    )
    rooms = block([private_room, extra, living, top_up])

    kx = _expand(r, pl.col("kitchens"))
    q = kx.height
    kitchen = block(
        [
            kx.select(
                "_i",
                "dwelling_id",
                pl.lit("room").alias("type_of_room"),
                pl.lit(False).alias("open_kitchen"),
                pl.when("own_kitchen")
                .then(rng.uniform(2, 6, q))
                .otherwise(pl.col("kitchen_area"))
                .alias("surface_area"),
                pl.when("own_kitchen")
                .then(rng.uniform(0.6, 2.0, q, 3))
                .otherwise(pl.col("countertop"))
                .alias("countertop_length"),
                pl.lit(True).alias("heated"),
                pl.lit(False).alias("cooled"),
                pl.lit(1, pl.Int64).alias("shared_addresses"),
                *[rng.integers(0, 2, q).alias(f) for f in KITCHEN_FEATURES],
                pl.lit(0, pl.Int64).alias("washbasin"),
                pl.when("own_kitchen").then(1).otherwise(share("n_kitchen")).alias("shared_spaces"),
                rng.flag(q, 0.99).alias("has_sink"),
            )
        ]
    )
    bx = _expand(r, pl.col("baths"))
    b = bx.height
    sanitary = block(
        [
            bx.select(
                "_i",
                "dwelling_id",
                pl.lit("room").alias("type_of_room"),
                rng.uniform(1.8, 8, b).alias("surface_area"),
                rng.flag(b, 0.9).alias("heated"),
                pl.lit(False).alias("cooled"),
                rng.choice(["shower", "bath", "shower/bath"], b, [85, 5, 10]).alias(
                    "shower_facility"
                ),
                pl.when("own_sanitary")
                .then(rng.flag(b, 0.7).cast(pl.Int64))
                .otherwise(0)
                .alias("toilet"),
                pl.lit(0, pl.Int64).alias("wall_hung_toilet"),
                pl.lit(1, pl.Int64).alias("shared_addresses"),
                rng.integers(1, 3, b).alias("washbasin"),
                pl.lit(0, pl.Int64).alias("multi_person_washbasin"),
                rng.flag(b, 0.2).alias("cupboard_space"),
                rng.integers(0, 2, b).alias("power_outlet"),
                pl.lit(0, pl.Int64).alias("build_in_cupboard"),
                rng.flag(b, 0.3).cast(pl.Int64).alias("complete_separation_of_shower"),
                pl.lit(0, pl.Int64).alias("bath_with_bubble_function"),
                rng.integers(0, 2, b).alias("one_hand_mixer_tap"),
                rng.integers(0, 2, b).alias("thermostatic_mixer_tap"),
                rng.flag(b, 0.3).cast(pl.Int64).alias("towel_radiator"),
                pl.when("own_sanitary").then(1).otherwise(share("n_bath")).alias("shared_spaces"),
            )
        ]
    )
    tx = _expand(r, pl.col("toilets"))
    t = tx.height
    toilet = block(
        [
            tx.select(
                "_i",
                "dwelling_id",
                pl.lit("other").alias("type_of_room"),
                rng.uniform(0.9, 2.2, t).alias("surface_area"),
                rng.flag(t, 0.2).alias("heated"),
                rng.flag(t, 0.4).alias("wall_hung_toilet"),
                rng.flag(t, 0.5).cast(pl.Int64).alias("washbasin"),
                pl.lit(1, pl.Int64).alias("shared_addresses"),
                pl.when("own_sanitary").then(1).otherwise(share("n_toilet")).alias("shared_spaces"),
            )
        ]
    )
    gx, sx, ax = (
        _expand(r, pl.col("garden")),
        _expand(r, pl.col("shed")),
        _expand(r, pl.col("balcony")),
    )
    outdoor = block(
        [
            gx.select(
                "_i",
                "dwelling_id",
                pl.col("garden_area").alias("surface_area"),
                pl.lit(1, pl.Int64).alias("shared_addresses"),
                pl.col("k").alias("shared_spaces"),
            ),
            sx.select(
                "_i",
                "dwelling_id",
                rng.uniform(8, 30, sx.height).alias("surface_area"),
                rng.integers(1, 3, sx.height).alias("shared_addresses"),
                pl.col("k").alias("shared_spaces"),
            ),
            ax.select(
                "_i",
                "dwelling_id",
                rng.uniform(2, 8, ax.height).alias("surface_area"),
                pl.lit(1, pl.Int64).alias("shared_addresses"),
                pl.lit(1, pl.Int64).alias("shared_spaces"),
            ),
        ]
    )
    px = _expand(r, pl.col("parking"))
    parking = block(
        [
            px.select(
                "_i",
                "dwelling_id",
                rng.integers(1, 4, px.height).alias("parking_type"),
                rng.flag(px.height, 0.2).alias("charging_station"),
                pl.lit(1, pl.Int64).alias("count"),
                rng.integers(2, 8, px.height).alias("shared_addresses"),
                pl.col("k").alias("shared_spaces"),
            )
        ]
    )
    tables = {
        "dwellings": dwellings,
        "rooms": rooms,
        "kitchen": kitchen,
        "sanitary": sanitary,
        "toilet": toilet,
        "outdoor": outdoor,
        "parking": parking,
    }
    return {name: df.drop("_i", strict=False) for name, df in tables.items()}


#: Columns only non-independent dwellings fill; present (null for independent rows) in
#: every table of a mixed portfolio, so every chunk has the same schema.
_NI_COLUMNS: dict[str, dict[str, pl.DataType]] = {
    "dwellings": {
        "corop_region": pl.String,
        "glass_surface_living_room": pl.Float64,
        "lowest_window_frame_living_room": pl.Float64,
        "accessibility_via_landlord": pl.Boolean,
    },
    "kitchen": {"shared_spaces": pl.Int64, "has_sink": pl.Boolean},
    **{
        b: {"shared_spaces": pl.Int64}
        for b in ("rooms", "sanitary", "toilet", "outdoor", "parking")
    },
}


def generate(
    n: int = 100_000, seed: int = 20260701, mix: float = 0.0, offset: int = 0
) -> dict[str, pl.DataFrame]:
    """The portfolio tables (raw contract columns) of ``n`` dwellings, a fraction ``mix`` of
    them non-independent (rooms in shared houses, after the independent ones). Ids start
    at ``offset`` (``BENCH-<i>`` independent, ``BENCH-K-<i>`` non-independent)."""
    rng = Rng(seed)
    n_ni = round(n * mix)
    ind = _independent(rng, _ids(n - n_ni, offset))
    if mix <= 0:
        return ind
    ni = _non_independent(rng, _ids(n_ni, offset + n - n_ni, "BENCH-K-"))
    out = {}
    for name, df in ind.items():
        both = pl.concat([df, ni[name]], how="diagonal_relaxed")
        extra = _NI_COLUMNS.get(name, {})
        out[name] = both.with_columns(
            pl.col(c).cast(t) if c in both.columns else pl.lit(None, t).alias(c)
            for c, t in extra.items()
        )
    return out


def write_chunked(
    folder: str | Path,
    n: int,
    mix: float = 0.0,
    seed: int = 20260701,
    chunk: int = 200_000,
) -> dict[str, int]:
    """Write ``n`` dwellings as ``<folder>/<table>.parquet`` without holding the portfolio:
    ``generate`` one chunk of ``chunk`` dwellings at a time (seed and id offset per chunk)
    and append it as one row group per table (pyarrow ``ParquetWriter``). Memory is that of
    one chunk. Returns the rows written per table. With ``n <= chunk`` the files equal
    ``write(generate(n, seed, mix), folder)``."""
    import pyarrow.parquet as pq

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    writers: dict[str, pq.ParquetWriter] = {}
    schemas: dict[str, pl.Schema] = {}
    rows: dict[str, int] = {}
    try:
        for i, start in enumerate(range(0, n, chunk)):
            size = min(chunk, n - start)
            tables = generate(size, seed=seed if i == 0 else seed + 7919 * i, mix=mix, offset=start)
            for name, df in tables.items():
                if name not in schemas:
                    schemas[name] = df.schema
                else:
                    df = df.select(pl.col(c).cast(t) for c, t in schemas[name].items())
                table = df.to_arrow()
                if name not in writers:
                    writers[name] = pq.ParquetWriter(folder / f"{name}.parquet", table.schema)
                writers[name].write_table(table, row_group_size=max(table.num_rows, 1))
                rows[name] = rows.get(name, 0) + df.height
            del tables
    finally:
        for w in writers.values():
            w.close()
    return rows


def write(tables: dict[str, pl.DataFrame], folder: str | Path) -> Path:
    """Write the tables as ``<folder>/<table>.parquet`` (the portfolio contract, shape 1)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, df in tables.items():
        df.write_parquet(folder / f"{name}.parquet")
    return folder


if __name__ == "__main__":  # python -m bench.generate FOLDER N [MIX] [SEED] [CHUNK]
    import json
    import resource
    import sys
    import time

    t0 = time.perf_counter()
    a = sys.argv[1:]
    rows = write_chunked(
        a[0],
        int(a[1]),
        mix=float(a[2]) if len(a) > 2 else 0.0,
        seed=int(a[3]) if len(a) > 3 else 20260701,
        chunk=int(a[4]) if len(a) > 4 else 200_000,
    )
    print(
        json.dumps(
            {
                "rows": rows,
                "wall_s": time.perf_counter() - t0,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )
