"""Hypothesis strategies for valid dwellings, biased to the boundaries the spec names.

Reusable by every test that needs realistic or nasty dwellings:

- :func:`independent_bodies` / :func:`independent_dwellings`: API bodies / validated
  :class:`~schemas.dwelling.Dwelling` objects of kind ``independent``;
- :data:`PEILDATA`: peildata on both sides of 1 January and of the rule changes;
- :func:`portfolios`: lists of dwellings with unique ids.

Boundaries (``shared/spec/wws/zelfstandig.md``): areas at 1.99/2.00/3.99/4.00 m² and
values that make sums end in .50; r2 ties (x.xx5); countertops at 0.999/1.000/1.999/2.000
m and their mm rounding ties; outdoor space at the 15-point cap; 2..10 sharing addresses
(and 0/None meaning private); WOZ values near the 33 % cap and totals near 186/187; care
homes; monuments with leases before and after 2024-07-01; EPV, label, index and build-year
paths with expired/future registrations; new-build windows 2015-2019 and 2018-2022.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from schemas.dwelling import ENERGY_LABELS, KITCHEN_FEATURES, Dwelling

PEILDATA = (
    dt.date(2025, 1, 1),
    dt.date(2025, 7, 1),
    dt.date(2025, 12, 31),
    dt.date(2026, 1, 1),
    dt.date(2026, 7, 1),
    dt.date(2026, 12, 31),
)
peildata = st.sampled_from(PEILDATA)

_BOUNDARY_AREAS = (
    0.0, 0.001, 0.004, 0.005, 1.99, 1.995, 1.999, 2.0, 2.001, 2.004, 2.005, 2.675,
    3.99, 3.995, 3.996, 3.999, 4.0, 4.005, 4.01, 7.5, 10.25, 12.5, 0.5, 2.5,
)  # fmt: skip


def areas(max_m2: float = 45.0) -> st.SearchStrategy[float]:
    """m² values: boundaries, quarter/half fractions (sums ending in .50), 2 and 3 decimals."""
    hundredths = st.integers(0, int(max_m2 * 100)).map(lambda i: i / 100)
    quarters = st.integers(0, int(max_m2 * 4)).map(lambda i: i / 4)
    thousandths = st.integers(0, int(max_m2 * 1000)).map(lambda i: i / 1000)
    return st.one_of(st.sampled_from(_BOUNDARY_AREAS), hundredths, quarters, thousandths)


shared_addresses = st.one_of(
    st.sampled_from([None, 0, 1, 1, 1, 1]),
    st.integers(2, 10),
    st.integers(2, 10),
    st.integers(11, 60),  # rare: large complexes
)
small_counts = st.one_of(st.just(0), st.integers(0, 3))
flags = st.booleans()

countertops = st.one_of(
    st.sampled_from(
        [0.0, 0.0004, 0.0005, 0.5, 0.999, 0.9994, 0.9995, 1.0, 1.5, 1.999, 1.9995, 2.0, 2.1, 3.2]
    ),
    st.integers(0, 4000).map(lambda i: i / 1000),
)


@st.composite
def rooms(draw):
    return {
        "type_of_room": draw(st.sampled_from(["room", "room", "other"])),
        "attic_without_fixed_staircase": draw(st.sampled_from([False, False, False, True])),
        "surface_area": draw(areas()),
        "shared_addresses": draw(shared_addresses),
        "heated": draw(flags),
        "cooled": draw(flags),
        "washbasin": draw(st.sampled_from([0, 0, 0, 1, 2])),
        "multi_person_washbasin": draw(st.sampled_from([0, 0, 0, 1, 2])),
        "showers": draw(st.sampled_from([0, 0, 0, 1])),
        "baths": draw(st.sampled_from([0, 0, 0, 1])),
    }


@st.composite
def kitchens(draw):
    feats = {f: draw(st.sampled_from([0, 0, 1, 1, 2])) for f in KITCHEN_FEATURES}
    return {
        "type_of_room": draw(st.sampled_from(["room", "room", "other"])),
        "open_kitchen": draw(flags),
        "surface_area": draw(st.one_of(st.just(0.0), areas(25.0))),
        "countertop_length": draw(countertops),
        "shared_addresses": draw(shared_addresses),
        "heated": draw(flags),
        "cooled": draw(flags),
        "kitchen_features": feats,
        "washbasin": draw(st.sampled_from([0, 0, 1, 2])),
        "has_sink": draw(st.sampled_from([None, True, False])),
    }


@st.composite
def sanitary(draw):
    explicit = draw(st.booleans())
    return {
        "type_of_room": draw(st.sampled_from(["room", "room", "other"])),
        "surface_area": draw(areas(15.0)),
        "heated": draw(flags),
        "cooled": draw(flags),
        "shower_facility": draw(st.sampled_from(["", "shower", "bath", "shower/bath"])),
        "showers": draw(st.integers(0, 2)) if explicit else None,
        "baths": draw(st.integers(0, 2)) if explicit else None,
        "toilet": draw(st.sampled_from([0, 0, 1, 2])),
        "wall_hung_toilet": draw(st.sampled_from([0, 0, 1])),
        "shared_addresses": draw(shared_addresses),
        "sanitary_features": {
            "washbasin": draw(st.sampled_from([0, 1, 1, 2])),
            "multi_person_washbasin": draw(st.sampled_from([0, 0, 1])),
            "cupboard_space": draw(st.sampled_from([False, True, 0, 1, 2])),
            "power_outlet": draw(st.integers(0, 5)),
            "build_in_cupboard": draw(small_counts),
            "complete_separation_of_shower": draw(small_counts),
            "bath_with_bubble_function": draw(small_counts),
            "one_hand_mixer_tap": draw(small_counts),
            "thermostatic_mixer_tap": draw(small_counts),
            "towel_radiator": draw(small_counts),
        },
    }


@st.composite
def toilets(draw):
    return {
        "type_of_room": draw(st.sampled_from(["other", "room"])),
        "surface_area": draw(areas(4.0)),
        "heated": draw(flags),
        "cooled": draw(flags),
        "wall_hung_toilet": draw(flags),
        "toilets": draw(st.sampled_from([None, 0, 1, 1, 2])),
        "washbasin": draw(st.sampled_from([0, 1, 2])),
        "multi_person_washbasin": draw(st.sampled_from([0, 0, 1, 2])),
        "shared_addresses": draw(shared_addresses),
    }


@st.composite
def outdoor(draw):
    return {
        # up to 60 m² private: 2 + 0.35 × 37 = 14.95 .. the 15-point cap and beyond
        "surface_area": draw(st.one_of(areas(60.0), st.sampled_from([36.43, 37.14, 37.5, 38.0]))),
        "shared_addresses": draw(shared_addresses),
        "meets_shared_min_dimensions": draw(st.sampled_from([None, True, True, False])),
    }


@st.composite
def parking(draw):
    return {
        "parking_type": draw(st.sampled_from([1, 2, 3])),
        "charging_station": draw(flags),
        "count": draw(st.sampled_from([None, 0, 1, 1, 2, 5])),
        "surface_area": draw(st.sampled_from([None, 11.99, 12.0, 12.5, 18.0])),
        "shared_addresses": draw(shared_addresses),
    }


def _date_around(anchor: dt.date) -> st.SearchStrategy[dt.date]:
    return st.sampled_from([-1, 0, 1, -365, 365, -3650, 3650]).map(
        lambda d: anchor + dt.timedelta(days=d)
    )


_LEASE_SWITCH = dt.date(2024, 7, 1)


@st.composite
def independent_bodies(draw, dwelling_id: str = "d", peildatum: dt.date | None = None):
    """A per-dwelling API body (dict) of an independent dwelling."""
    pd = peildatum or dt.date(2026, 7, 1)
    build_year = draw(
        st.one_of(
            st.sampled_from([1921, 1964, 1965, 1976, 1977, 1978, 1979, 1983, 1984, 1991, 1992]),
            st.sampled_from([1999, 2000, 2001, 2002, 2014, 2015, 2017, 2019, 2020, 2022, 2023]),
            st.integers(1900, 2026),
        )
    )
    has_dates = draw(st.booleans())
    registered = draw(_date_around(pd)) if has_dates else None
    valid_until = draw(_date_around(pd)) if has_dates else None
    monument = draw(st.sampled_from(["", "", "", "national", "municipal", "provincial"]))
    woz_year = draw(st.sampled_from([None, pd.year - 1, pd.year - 2, pd.year - 3, pd.year]))
    woz_value = draw(
        st.one_of(
            st.none(),
            st.just(0.0),
            st.integers(40_000, 1_500_000).map(float),
            st.integers(100_000_00, 900_000_00).map(lambda c: c / 100),
        )
    )
    body = {
        "dwelling_id": dwelling_id,
        "kind": "independent",
        "house_type": draw(
            st.sampled_from(["Eengezinswoning", "Meergezinswoning", "Duplexwoning", "flat"])
        ),
        "build_year": build_year,
        "newbuild_completion_year": draw(
            st.one_of(st.none(), st.none(), st.sampled_from([2015, 2017, 2018, 2019, 2021, 2022]))
        ),
        "energy_label": draw(st.sampled_from(["", "", *ENERGY_LABELS, " b ", "a+"])),
        "energy_index_existence": draw(flags),
        "energy_index": draw(
            st.one_of(
                st.none(),
                st.sampled_from(
                    [0.0, 0.6, 0.6001, 0.8, 1.2, 1.27, 1.4, 1.58, 1.8, 2.1, 2.4, 2.7, 3.1]
                ),
            )
        ),
        "energy_performance_compensation": draw(st.sampled_from([False, False, False, True])),
        "energy_label_registered_on": registered,
        "energy_label_valid_until": valid_until,
        # multiples of 332/8 hit the quarter-rounding ties of rubriek 7
        "disability_costs": draw(
            st.one_of(
                st.just(0.0),
                st.integers(0, 200).map(lambda k: k * 41.5),
                st.floats(0, 20000).map(lambda x: round(x, 2)),
            )
        ),
        "disabled_people": draw(st.sampled_from([0, 0, 1, 2])),
        "monument": monument,
        "lease_signed_date": draw(
            st.one_of(st.none(), _date_around(_LEASE_SWITCH), st.just(dt.date(2019, 11, 18)))
        ),
        "doorbell": draw(flags),
        "woz_value": woz_value,
        "woz_valuation_year": woz_year,
        "taxation_value": draw(
            st.one_of(st.none(), st.none(), st.integers(50_000, 900_000).map(float))
        ),
        "usable_surface_area": draw(
            st.one_of(st.none(), st.sampled_from([0.0, 25.0, 39.99, 40.0, 60.0, 120.0]))
        ),
        "corop_area_amsterdam_or_utrecht": draw(flags),
        "care_home": draw(st.sampled_from([False, False, False, True])),
        "protected_cityscape": draw(flags),
        "first_occupancy_date": draw(
            st.one_of(st.none(), _date_around(_LEASE_SWITCH), st.just(dt.date(2005, 1, 1)))
        ),
        "construction_start_date": draw(
            st.one_of(
                st.none(),
                st.sampled_from([dt.date(2023, 5, 1), dt.date(2027, 12, 31), dt.date(2028, 1, 1)]),
            )
        ),
        "created_by_splitting": draw(st.sampled_from([False, False, True])),
        "heated_circulation_spaces": draw(st.sampled_from([0, 0, 1, 2, 3, 5])),
        "low_overheating_risk_label": draw(st.sampled_from([False, False, True])),
        "private_charging_stations": draw(st.sampled_from([0, 0, 0, 1, 2])),
        "current_rent": draw(
            st.one_of(st.none(), st.integers(300_00, 2000_00).map(lambda c: c / 100))
        ),
        "rooms": draw(st.lists(rooms(), min_size=0, max_size=7)),
        "kitchen": draw(st.lists(kitchens(), min_size=0, max_size=2)),
        "sanitary": draw(st.lists(sanitary(), min_size=0, max_size=3)),
        "toilet": draw(st.lists(toilets(), min_size=0, max_size=2)),
        "outdoor": draw(st.lists(outdoor(), min_size=0, max_size=4)),
        "parking": draw(st.lists(parking(), min_size=0, max_size=3)),
    }
    # some spaces carry their own space_id (line ids use it instead of the position)
    for block in ("rooms", "kitchen", "sanitary", "toilet", "outdoor", "parking"):
        for i, item in enumerate(body[block]):
            if draw(st.sampled_from([False, False, True])):
                item["space_id"] = draw(st.sampled_from([f"S{i}", f"{block[:1].upper()}-{i + 1}"]))
    return body


def independent_dwellings(dwelling_id: str = "d", peildatum: dt.date | None = None):
    return independent_bodies(dwelling_id, peildatum).map(Dwelling.model_validate)


@st.composite
def portfolios(draw, min_size: int = 1, max_size: int = 5, peildatum: dt.date | None = None):
    """A list of independent dwellings with unique ids."""
    n = draw(st.integers(min_size, max_size))
    return [draw(independent_dwellings(f"d{i}", peildatum)) for i in range(n)]
