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


def _ids(n: int) -> pl.Series:
    return pl.select(pl.format("BENCH-{}", pl.int_range(n))).to_series()


def _repeat(ids: pl.Series, counts: pl.Series) -> pl.Series:
    return (
        pl.DataFrame({"d": ids, "c": counts})
        .select(pl.col("d").repeat_by("c"))
        .explode("d")
        .to_series()
    )


def _shared(rng: Rng, n: int, p: float) -> pl.Series:
    return pl.select(pl.when(rng.flag(n, p)).then(rng.integers(2, 11, n)).otherwise(1)).to_series()


def generate(n: int = 100_000, seed: int = 20260701) -> dict[str, pl.DataFrame]:
    """The portfolio tables (raw contract columns) of ``n`` independent dwellings."""
    rng = Rng(seed)
    ids = _ids(n)
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


def write(tables: dict[str, pl.DataFrame], folder: str | Path) -> Path:
    """Write the tables as ``<folder>/<table>.parquet`` (the portfolio contract, shape 1)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, df in tables.items():
        df.write_parquet(folder / f"{name}.parquet")
    return folder
