"""Validation: every kind of defect of ``portfolio-format.md`` "Bad input", the defaults
of the contract, cross-table checks, and that the other dwellings still come through.

Expected rejects are written out from the contract: (source, row_number, dwelling_id,
column, check, value). Row numbers count data rows, the header excluded.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

import pipeline.validate as V
from pipeline.validate import load_portfolio
from schemas.output import REJECTS

PEIL = dt.date(2026, 7, 1)
DW_HEAD = "dwelling_id,kind,house_type,build_year"
GOOD = "OK1,independent,Eengezinswoning,1980"


def folder(tmp_path: Path, **tables: str) -> Path:
    for name, text in tables.items():
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    return tmp_path


def rejects(p) -> list[tuple]:
    return p.rejects.select(
        "source", "row_number", "dwelling_id", "column", "check", "value"
    ).rows()


def valid_ids(p) -> list[str]:
    return p.frames["dwellings"]["dwelling_id"].to_list()


def one_dwelling(tmp_path, extra_head: str, extra_val: str, **blocks: str):
    """OK1 (valid) and D1 with one extra column (or build_year replaced); the portfolio."""
    if extra_head == "build_year":
        text = f"{DW_HEAD}\n{GOOD}\nD1,independent,flat,{extra_val}\n"
    else:
        text = f"{DW_HEAD},{extra_head}\n{GOOD},\nD1,independent,flat,1990,{extra_val}\n"
    return load_portfolio(folder(tmp_path, dwellings=text, **blocks), PEIL)


# ---------------------------------------------------------------------------- types


@pytest.mark.parametrize(
    ("column", "value", "check"),
    [
        ("build_year", "19x0", "type"),
        ("build_year", "1990.5", "type"),
        ("disabled_people", "two", "type"),
        ("woz_value", "245.000,00", "type"),
        ("woz_value", "12,5", "type"),  # decimal comma in a ','-file (quoted so it stays one field)
        ("woz_value", "inf", "type"),
        ("doorbell", "misschien", "type"),
        ("doorbell", "y", "type"),
        ("lease_signed_date", "01-07-2024", "type"),
        ("lease_signed_date", "2024-02-30", "type"),
        ("energy_label_valid_until", "2024-7-1", "type"),
        ("glass_surface_living_room", "small", "type"),
    ],
)
def test_wrong_type(tmp_path, column, value, check):
    p = one_dwelling(tmp_path, column, f'"{value}"' if "," in value else value)
    assert valid_ids(p) == ["OK1"]
    assert rejects(p) == [("dwellings.csv", 2, "D1", column, check, value)]
    msg = p.rejects["message"][0]
    assert column in msg and value in msg


def test_whole_numbers_written_as_decimals_are_accepted(tmp_path):
    p = one_dwelling(tmp_path, "heated_circulation_spaces", "2.0")
    assert rejects(p) == []
    assert (
        p.frames["dwellings"].filter(pl.col("dwelling_id") == "D1")["heated_circulation_spaces"][0]
        == 2
    )


# ---------------------------------------------------------------------------- ranges


@pytest.mark.parametrize(
    ("column", "value", "ok"),
    [
        ("build_year", "1199", False),
        ("build_year", "1200", True),
        ("build_year", "2036", True),  # peildatum 2026 + 10
        ("build_year", "2037", False),
        ("build_year", "3000", False),
        ("newbuild_completion_year", "2037", False),
        ("woz_value", "-1", False),
        ("woz_value", "0", True),
        ("usable_surface_area", "-0.01", False),
        ("disability_costs", "-500", False),
        ("disabled_people", "-1", False),
        ("energy_index", "-0.5", False),
        ("taxation_value", "-1", False),
        ("current_rent", "-10", False),
        ("heated_circulation_spaces", "-1", False),
        ("private_charging_stations", "-2", False),
    ],
)
def test_dwelling_ranges(tmp_path, column, value, ok):
    p = one_dwelling(tmp_path, column, value)
    if ok:
        assert rejects(p) == [] and valid_ids(p) == ["OK1", "D1"]
    else:
        assert rejects(p) == [("dwellings.csv", 2, "D1", column, "range", value)]
        assert valid_ids(p) == ["OK1"]


def test_build_year_range_follows_the_peildatum(tmp_path):
    path = folder(tmp_path, dwellings=f"{DW_HEAD}\nD1,independent,flat,2036\n")
    assert load_portfolio(path, dt.date(2026, 1, 1)).rejects.height == 0
    r = load_portfolio(path, dt.date(2025, 12, 31)).rejects.row(0, named=True)
    assert (r["column"], r["check"], r["value"]) == ("build_year", "range", "2036")
    assert "between 1200 and 2035" in r["message"]


@pytest.mark.parametrize(
    ("block", "head", "row", "column", "value"),
    [
        ("rooms", "dwelling_id,type_of_room,surface_area", "D1,room,-8.4", "surface_area", "-8.4"),
        (
            "rooms",
            "dwelling_id,type_of_room,surface_area,washbasin",
            "D1,room,8,-1",
            "washbasin",
            "-1",
        ),
        (
            "kitchen",
            "dwelling_id,type_of_room,surface_area,countertop_length",
            "D1,room,8,-2",
            "countertop_length",
            "-2",
        ),
        (
            "kitchen",
            "dwelling_id,type_of_room,surface_area,dishwasher",
            "D1,room,8,-1",
            "dishwasher",
            "-1",
        ),
        (
            "sanitary",
            "dwelling_id,type_of_room,surface_area,towel_radiator",
            "D1,room,3,-1",
            "towel_radiator",
            "-1",
        ),
        (
            "sanitary",
            "dwelling_id,type_of_room,surface_area,showers",
            "D1,room,3,-1",
            "showers",
            "-1",
        ),
        ("toilet", "dwelling_id,surface_area,toilets", "D1,1,-1", "toilets", "-1"),
        ("outdoor", "dwelling_id,surface_area", "D1,-5", "surface_area", "-5"),
        ("parking", "dwelling_id,parking_type,count", "D1,1,-1", "count", "-1"),
        ("parking", "dwelling_id,parking_type,surface_area", "D1,1,-12", "surface_area", "-12"),
        (
            "outdoor",
            "dwelling_id,surface_area,shared_addresses",
            "D1,5,-2",
            "shared_addresses",
            "-2",
        ),
        (
            "rooms",
            "dwelling_id,type_of_room,surface_area,shared_spaces",
            "D1,room,8,-1",
            "shared_spaces",
            "-1",
        ),
    ],
)
def test_block_ranges(tmp_path, block, head, row, column, value):
    text = f"{head}\n{row.replace('D1', 'OK1', 1).replace('-', '', 1)}\n{row}\n"
    p = load_portfolio(
        folder(
            tmp_path, dwellings=f"{DW_HEAD}\n{GOOD}\nD1,independent,flat,1990\n", **{block: text}
        ),
        PEIL,
    )
    assert rejects(p) == [(f"{block}.csv", 2, "D1", column, "range", value)]
    assert valid_ids(p) == ["OK1"]
    assert p.frames[block]["dwelling_id"].to_list() == ["OK1"]


def test_shared_counts_zero_and_empty_read_as_one(tmp_path):
    p = load_portfolio(
        folder(
            tmp_path,
            dwellings=f"{DW_HEAD}\nD1,independent,flat,1990\n",
            outdoor="dwelling_id,surface_area,shared_addresses,shared_spaces\n"
            "D1,5,0,\nD1,6,,0\nD1,7,3,2\n",
        ),
        PEIL,
    )
    assert rejects(p) == []
    assert p.frames["outdoor"].select("shared_addresses", "shared_spaces").rows() == [
        (1, 1), (1, 1), (3, 2),
    ]  # fmt: skip


# ---------------------------------------------------------------------------- enums


@pytest.mark.parametrize(
    ("column", "value", "must_mention"),
    [
        ("house_type", "woonboot", "Eengezinswoning, Meergezinswoning or Duplexwoning"),
        ("kind", "kamer", "independent or non_independent"),
        ("energy_label", "A+++++", "A++++, A+++"),
        ("energy_label", "H", "A++++, A+++"),
        ("monument", "werelderfgoed", "national, municipal, provincial"),
    ],
)
def test_dwelling_enums(tmp_path, column, value, must_mention):
    base = {"dwelling_id": "D1", "kind": "independent", "house_type": "flat", "build_year": "1990"}
    base[column] = value
    head = ",".join(base) if column in base else ",".join([*base, column])
    vals = ",".join(base.values()) if column in base else ",".join([*base.values(), value])
    p = load_portfolio(folder(tmp_path, dwellings=f"{head}\n{vals}\n"), PEIL)
    assert rejects(p) == [("dwellings.csv", 1, "D1", column, "enum", value)]
    assert must_mention in p.rejects["message"][0]


def test_house_type_synonyms_and_category(tmp_path):
    rows = [
        ("E1", "Eengezinswoning", "EGW"), ("E2", "row house", "EGW"), ("E3", "TERRACED", "EGW"),
        ("E4", "Detached", "EGW"), ("M1", "Meergezinswoning", "MGW"), ("M2", "Duplexwoning", "MGW"),
        ("M3", "apartment", "MGW"), ("M4", "Flat", "MGW"), ("M5", "maisonette", "MGW"),
        ("M6", "portiekflat", "MGW"), ("M7", "galerijflat", "MGW"),
    ]  # fmt: skip
    text = DW_HEAD + "\n" + "".join(f"{i},independent,{h},1990\n" for i, h, _ in rows)
    p = load_portfolio(folder(tmp_path, dwellings=text), PEIL)
    assert rejects(p) == []
    got = p.frames["dwellings"].select("dwelling_id", "house_type", "category").rows()
    assert got == [(i, h, c) for i, h, c in rows]


def test_enum_aliases(tmp_path):
    p = load_portfolio(
        folder(
            tmp_path,
            dwellings=f"{DW_HEAD},monument,energy_label\n"
            "D1,Zelfstandig,flat,1990,Rijksmonument, a+ \n"
            "D2,independent,flat,1990,gemeentelijk,\n"
            "D3,independent,flat,1990,provinciaal,g\n",
            sanitary="dwelling_id,type_of_room,surface_area,shower_facility\n"
            "D1,ROOM,4,bath/shower\nD2,room,4,Shower\nD3,Other,4,\n",
        ),
        PEIL,
    )
    assert rejects(p) == []
    assert p.frames["dwellings"].select("kind", "monument", "energy_label").rows() == [
        ("independent", "national", "A+"),
        ("independent", "municipal", ""),
        ("independent", "provincial", "G"),
    ]
    assert p.frames["sanitary"].select(
        "type_of_room", "shower_facility", "showers", "baths"
    ).rows() == [("room", "shower/bath", 1, 1), ("room", "shower", 1, 0), ("other", "", 0, 0)]


@pytest.mark.parametrize(
    ("block", "head", "row", "column", "value"),
    [
        ("rooms", "dwelling_id,type_of_room,surface_area", "D1,kamer,8", "type_of_room", "kamer"),
        ("kitchen", "dwelling_id,type_of_room,surface_area", "D1,keuken,8", "type_of_room",
         "keuken"),
        ("sanitary", "dwelling_id,type_of_room,surface_area,shower_facility", "D1,room,4,douche",
         "shower_facility", "douche"),
        ("parking", "dwelling_id,parking_type", "D1,4", "parking_type", "4"),
        ("parking", "dwelling_id,parking_type", "D1,0", "parking_type", "0"),
    ],
)  # fmt: skip
def test_block_enums(tmp_path, block, head, row, column, value):
    p = load_portfolio(
        folder(
            tmp_path,
            dwellings=f"{DW_HEAD}\nD1,independent,flat,1990\n",
            **{block: f"{head}\n{row}\n"},
        ),
        PEIL,
    )
    assert rejects(p) == [(f"{block}.csv", 1, "D1", column, "enum", value)]
    assert valid_ids(p) == []


def test_explicit_shower_and_bath_counts_win_over_shower_facility(tmp_path):
    p = load_portfolio(
        folder(
            tmp_path,
            dwellings=f"{DW_HEAD}\nD1,independent,flat,1990\n",
            sanitary="dwelling_id,type_of_room,surface_area,shower_facility,showers,baths\n"
            "D1,room,6,shower/bath,2,1\nD1,room,4,bath,,\nD1,room,4,shower,0,\n",
        ),
        PEIL,
    )
    assert p.frames["sanitary"].select("showers", "baths").rows() == [(2, 1), (0, 1), (0, 0)]


# ---------------------------------------------------------------------------- required


def test_required_values_missing(tmp_path):
    p = load_portfolio(
        folder(
            tmp_path,
            dwellings=f"{DW_HEAD}\n{GOOD}\n,independent,flat,1990\nD2,,flat,1990\n"
            "D3,independent,,1990\nD4,independent,flat,\n",
            rooms="dwelling_id,type_of_room,surface_area\nOK1,room,10\nD5,,10\nD5,room,\n,room,10\n",
            parking="dwelling_id,parking_type\nOK1,1\nOK1,\n",
        ),
        PEIL,
    )
    assert rejects(p) == [
        ("dwellings.csv", 2, None, "dwelling_id", "required", None),
        ("dwellings.csv", 3, "D2", "kind", "required", None),
        ("dwellings.csv", 4, "D3", "house_type", "required", None),
        ("dwellings.csv", 5, "D4", "build_year", "required", None),
        ("rooms.csv", 2, "D5", "type_of_room", "required", None),
        ("rooms.csv", 2, "D5", "dwelling_id", "unknown_dwelling_id", "D5"),
        ("rooms.csv", 3, "D5", "surface_area", "required", None),
        ("rooms.csv", 3, "D5", "dwelling_id", "unknown_dwelling_id", "D5"),
        ("rooms.csv", 4, None, "dwelling_id", "required", None),
        ("parking.csv", 2, "OK1", "parking_type", "required", None),
    ]
    assert valid_ids(p) == []  # OK1 falls with its parking row
    assert p.dwellings_read == 5 and p.dwellings_rejected == 5
    msg = p.rejects.filter(pl.col("column") == "house_type")["message"][0]
    assert "required for an independent dwelling" in msg and "Eengezinswoning" in msg


def test_a_required_column_absent_from_the_file(tmp_path):
    p = load_portfolio(
        folder(
            tmp_path,
            dwellings="dwelling_id,kind,house_type\nD1,independent,flat\nD2,independent,flat\n",
        ),
        PEIL,
    )
    assert rejects(p) == [
        ("dwellings.csv", 1, "D1", "build_year", "required", None),
        ("dwellings.csv", 2, "D2", "build_year", "required", None),
    ]
    assert "dwellings.csv has no column build_year" in p.rejects["message"][0]


def test_toilet_type_of_room_is_optional(tmp_path):
    p = load_portfolio(
        folder(
            tmp_path,
            dwellings=f"{DW_HEAD}\nD1,independent,flat,1990\n",
            toilet="dwelling_id,surface_area,type_of_room\nD1,1.1,\nD1,2.1,room\n",
        ),
        PEIL,
    )
    assert rejects(p) == []
    assert p.frames["toilet"]["type_of_room"].to_list() == ["other", "room"]


# ---------------------------------------------------------------------------- ids and formats


@pytest.mark.parametrize(
    ("column", "value", "ok"),
    [
        ("nummeraanduiding_id", "0363200000123456", True),
        ("nummeraanduiding_id", "363200000123456", False),  # a spreadsheet ate the leading 0
        ("adresseerbaar_object_id", "0363A10000123456", False),
        ("woz_object_number", "036300012345", True),
        ("woz_object_number", "0363-0001-2345", False),
    ],
)
def test_bag_and_woz_number_formats(tmp_path, column, value, ok):
    p = one_dwelling(tmp_path, column, value)
    if ok:
        assert rejects(p) == []
    else:
        assert rejects(p) == [("dwellings.csv", 2, "D1", column, "format", value)]
        assert "digits" in p.rejects["message"][0]


def test_duplicate_dwelling_id_rejects_every_occurrence_and_its_spaces(tmp_path):
    p = load_portfolio(
        folder(
            tmp_path,
            dwellings=f"{DW_HEAD}\nD1,independent,flat,1990\n{GOOD}\nD1,independent,flat,1991\n",
            rooms="dwelling_id,type_of_room,surface_area\nD1,room,10\nOK1,room,12\n",
        ),
        PEIL,
    )
    assert rejects(p) == [
        ("dwellings.csv", 1, "D1", "dwelling_id", "unique", "D1"),
        ("dwellings.csv", 3, "D1", "dwelling_id", "unique", "D1"),
    ]
    assert "rows 1, 3" in p.rejects["message"][0]
    assert valid_ids(p) == ["OK1"] and p.frames["rooms"]["dwelling_id"].to_list() == ["OK1"]
    assert p.dwellings_read == 3 and p.dwellings_rejected == 2


def test_unknown_dwelling_id_in_a_block(tmp_path):
    p = load_portfolio(
        folder(
            tmp_path,
            dwellings=f"{DW_HEAD}\n{GOOD}\n",
            outdoor="dwelling_id,surface_area\nOK1,10\nVHE-9999,12\n",
        ),
        PEIL,
    )
    assert rejects(p) == [
        ("outdoor.csv", 2, "VHE-9999", "dwelling_id", "unknown_dwelling_id", "VHE-9999")
    ]
    assert valid_ids(p) == ["OK1"] and p.frames["outdoor"].height == 1


def test_duplicate_space_ids_within_a_dwelling_block(tmp_path):
    p = load_portfolio(
        folder(
            tmp_path,
            dwellings=f"{DW_HEAD}\nD1,independent,flat,1990\nD2,independent,flat,1990\n",
            rooms="dwelling_id,space_id,type_of_room,surface_area\n"
            "D1,R1,room,10\nD1,R1,room,11\nD2,R1,room,10\nD2,R2,room,10\n",
            kitchen="dwelling_id,space_id,type_of_room,surface_area\nD2,R1,room,6\n",
        ),
        PEIL,
    )
    # the same space_id in another dwelling or another block is fine
    assert rejects(p) == [
        ("rooms.csv", 1, "D1", "space_id", "duplicate_space_id", "R1"),
        ("rooms.csv", 2, "D1", "space_id", "duplicate_space_id", "R1"),
    ]
    assert valid_ids(p) == ["D2"]


# ---------------------------------------------------------------------------- non-independent


def test_non_independent_requirements_and_window_fields(tmp_path):
    p = load_portfolio(
        folder(
            tmp_path,
            dwellings="dwelling_id,kind,build_year,usable_surface_area,corop_region,"
            "glass_surface_living_room,lowest_window_frame_living_room\n"
            "N1,onzelfstandig,1960,150,Groot-Amsterdam,1.5,ja\n"
            "N2,non_independent,1960,,utrecht,,\n"
            "N3,non_independent,1960,120,,nee,1\n"
            "N4,non_independent,1960,120,Atlantis,,\n",
        ),
        PEIL,
    )
    assert rejects(p)[:2] == [
        ("dwellings.csv", 2, "N2", "usable_surface_area", "required", None),
        ("dwellings.csv", 3, "N3", "corop_region", "required", None),
    ]
    if V._resolve_corop is not None:
        assert rejects(p)[2:] == [("dwellings.csv", 4, "N4", "corop_region", "enum", "Atlantis")]
        assert valid_ids(p) == ["N1"]
    n1 = p.frames["dwellings"].filter(pl.col("dwelling_id") == "N1").row(0, named=True)
    assert n1["kind"] == "non_independent" and n1["category"] is None
    assert (n1["glass_surface_living_room"], n1["glass_surface_living_room_flag"]) == (1.5, None)
    assert (n1["lowest_window_frame_living_room"], n1["lowest_window_frame_living_room_flag"]) == (
        None, True,
    )  # fmt: skip
    assert n1["corop_region"] == "Groot-Amsterdam"


# ---------------------------------------------------------------------------- one pass


def test_all_problems_of_a_file_in_one_pass_and_the_rest_survives(tmp_path):
    dwellings = (
        "dwelling_id;kind;house_type;build_year;energy_label;woz_value;doorbell;lease_signed_date\n"
        "A1;independent;castle;3000;Q;-1;misschien;2024-13-01\n"
        "OK1;independent;tussenwoning;1965;C;245000,5;ja;2019-09-01\n"
        "A2;zelfstandig;flat;1890;;;nee;\n"
    )
    rooms = (
        "dwelling_id,space_id,type_of_room,surface_area,heated\n"
        "OK1,woon,room,25.5,true\n"
        "A2,woon,room,abc,true\n"
        "A2,slaap,bedroom,-3,perhaps\n"
        "OK1,slaap,room,12,false\n"
    )
    p = load_portfolio(folder(tmp_path, dwellings=dwellings, rooms=rooms), PEIL)
    assert sorted(rejects(p)) == sorted([
        ("dwellings.csv", 1, "A1", "house_type", "enum", "castle"),
        ("dwellings.csv", 1, "A1", "build_year", "range", "3000"),
        ("dwellings.csv", 1, "A1", "energy_label", "enum", "Q"),
        ("dwellings.csv", 1, "A1", "woz_value", "range", "-1"),
        ("dwellings.csv", 1, "A1", "doorbell", "type", "misschien"),
        ("dwellings.csv", 1, "A1", "lease_signed_date", "type", "2024-13-01"),
        ("rooms.csv", 2, "A2", "surface_area", "type", "abc"),
        ("rooms.csv", 3, "A2", "type_of_room", "enum", "bedroom"),
        ("rooms.csv", 3, "A2", "surface_area", "range", "-3"),
        ("rooms.csv", 3, "A2", "heated", "type", "perhaps"),
    ])  # fmt: skip
    assert valid_ids(p) == ["OK1"]
    assert p.frames["rooms"].select("space_ref", "position", "surface_area").rows() == [
        ("woon", 1, 25.5), ("slaap", 2, 12.0),
    ]  # fmt: skip
    assert p.rejects.schema == pl.Schema(REJECTS)
    assert p.rejects["message"].null_count() == 0
    assert p.dwellings_read == 3 and p.dwellings_rejected == 2


# ---------------------------------------------------------------------------- defaults


def test_every_default_of_the_contract_is_filled_in(tmp_path):
    p = load_portfolio(
        folder(
            tmp_path,
            dwellings=f"{DW_HEAD}\nD1,independent,Eengezinswoning,1971\n",
            rooms="dwelling_id,type_of_room,surface_area\nD1,room,20\nD1,other,5\n",
            kitchen="dwelling_id,type_of_room,surface_area\nD1,room,8\n",
            sanitary="dwelling_id,type_of_room,surface_area\nD1,room,4\n",
            toilet="dwelling_id,surface_area\nD1,1.1\n",
            outdoor="dwelling_id,surface_area\nD1,30\n",
            parking="dwelling_id,parking_type\nD1,2\n",
        ),
        PEIL,
    )
    assert rejects(p) == []
    d = p.frames["dwellings"].row(0, named=True)
    assert {k: d[k] for k in d if d[k] is not None} == {
        "dwelling_id": "D1", "kind": "independent", "house_type": "Eengezinswoning",
        "category": "EGW", "build_year": 1971, "energy_label": "",
        "energy_index_existence": False, "energy_performance_compensation": False,
        "disability_costs": 0.0, "disabled_people": 0, "monument": "", "doorbell": False,
        "corop_area_amsterdam_or_utrecht": False, "care_home": False,
        "accessibility_via_landlord": False, "protected_cityscape": False,
        "created_by_splitting": False, "heated_circulation_spaces": 0,
        "low_overheating_risk_label": False, "newbuild_completion_year": 1971,
        "private_charging_stations": 0,
    }  # fmt: skip
    keys = {"dwelling_id": "D1", "shared_addresses": 1, "shared_spaces": 1}
    rooms = p.frames["rooms"].to_dicts()
    assert rooms == [
        {**keys, "space_ref": "1", "position": 1, "type_of_room": "room", "surface_area": 20.0,
         "heated": False, "cooled": False, "attic_without_fixed_staircase": False,
         "washbasin": 0, "multi_person_washbasin": 0, "showers": 0, "baths": 0},
        {**keys, "space_ref": "2", "position": 2, "type_of_room": "other", "surface_area": 5.0,
         "heated": False, "cooled": False, "attic_without_fixed_staircase": False,
         "washbasin": 0, "multi_person_washbasin": 0, "showers": 0, "baths": 0},
    ]  # fmt: skip
    k = p.frames["kitchen"].row(0, named=True)
    assert k["open_kitchen"] is False and k["countertop_length"] == 0.0 and k["has_sink"] is True
    assert k["washbasin"] == 0 and k["induction_hob"] == 0 and k["space_ref"] == "1"
    s = p.frames["sanitary"].row(0, named=True)
    assert (s["shower_facility"], s["showers"], s["baths"], s["toilet"], s["cupboard_space"]) == (
        "", 0, 0, 0, 0,
    )  # fmt: skip
    t = p.frames["toilet"].row(0, named=True)
    assert (t["type_of_room"], t["wall_hung_toilet"], t["toilets"], t["washbasin"]) == (
        "other", False, 1, 0,
    )  # fmt: skip
    o = p.frames["outdoor"].row(0, named=True)
    assert o["meets_shared_min_dimensions"] is True and o["shared_addresses"] == 1
    pk = p.frames["parking"].row(0, named=True)
    assert (pk["charging_station"], pk["count"], pk["surface_area"]) == (False, 1, 12.0)


def test_space_ref_and_position_follow_input_order_per_dwelling(tmp_path):
    p = load_portfolio(
        folder(
            tmp_path,
            dwellings=f"{DW_HEAD}\nD1,independent,flat,1990\nD2,independent,flat,1990\n",
            rooms="dwelling_id,space_id,type_of_room,surface_area\n"
            "D2,,room,10\nD1,woon,room,20\nD2,slaap,room,11\nD1,,room,12\nD2,,room,9\n",
        ),
        PEIL,
    )
    got = p.frames["rooms"].select("dwelling_id", "space_ref", "position", "surface_area").rows()
    assert got == [
        ("D2", "1", 1, 10.0), ("D1", "woon", 1, 20.0), ("D2", "slaap", 2, 11.0),
        ("D1", "2", 2, 12.0), ("D2", "3", 3, 9.0),
    ]  # fmt: skip


# ---------------------------------------------------------------------------- JSON Lines


def _body(**kw) -> dict:
    return {
        "dwelling_id": "J1", "house_type": "Meergezinswoning", "build_year": 1990,
        "rooms": [{"type_of_room": "room", "surface_area": 20.0}], **kw,
    }  # fmt: skip


def test_jsonl_rejects(tmp_path):
    lines = [
        _body(),
        _body(dwelling_id="J2", build_year=3000, nummeraanduiding_id="12"),
        _body(dwelling_id="J3", rooms=[{"type_of_room": "kamer", "surface_area": 10}]),
        {k: v for k, v in _body().items() if k != "dwelling_id"},
        _body(dwelling_id="J5", house_type="woonboot"),
        _body(dwelling_id="J1"),
        [1, 2, 3],
        _body(dwelling_id="J8", kind="non_independent", house_type=None),
    ]
    path = tmp_path / "p.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    p = load_portfolio(path, PEIL)
    assert valid_ids(p) == []
    got = rejects(p)
    assert got == [
        ("p.jsonl", 1, "J1", "dwelling_id", "unique", "J1"),
        ("p.jsonl", 2, "J2", "build_year", "range", "3000"),
        ("p.jsonl", 2, "J2", "nummeraanduiding_id", "format", "12"),
        ("p.jsonl", 3, "J3", "rooms.0.type_of_room", "enum", "kamer"),
        ("p.jsonl", 4, None, "dwelling_id", "required", None),
        ("p.jsonl", 5, "J5", "house_type", "enum", "woonboot"),
        ("p.jsonl", 6, "J1", "dwelling_id", "unique", "J1"),
        ("p.jsonl", 7, None, "", "json", "[1, 2, 3]"),
        ("p.jsonl", 8, "J8", "usable_surface_area", "required", None),
        ("p.jsonl", 8, "J8", "corop_region", "required", None),
    ]
    assert p.dwellings_read == 8


def test_jsonl_block_problems_use_pydantic_paths(tmp_path):
    body = _body(
        rooms=[{"type_of_room": "room", "surface_area": 20.0, "space_id": "a"},
               {"type_of_room": "room", "surface_area": 10.0, "space_id": "a"}],
        sanitary=[{"type_of_room": "room", "surface_area": 4,
                   "sanitary_features": {"towel_radiator": -1}}],
    )  # fmt: skip
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps(body) + "\n", encoding="utf-8")
    p = load_portfolio(path, PEIL)
    assert rejects(p) == [
        ("p.jsonl", 1, "J1", "sanitary.0.sanitary_features.towel_radiator", "range", "-1"),
    ]
    body["sanitary"] = []
    path.write_text(json.dumps(body) + "\n", encoding="utf-8")
    p = load_portfolio(path, PEIL)
    assert rejects(p) == [
        ("p.jsonl", 1, "J1", "rooms.0.space_id", "duplicate_space_id", "a"),
        ("p.jsonl", 1, "J1", "rooms.1.space_id", "duplicate_space_id", "a"),
    ]


def test_pandera_on_failing_rows_only_finds_the_same(tmp_path, monkeypatch):
    """Pandera run on the failing rows and columns only (the fast path) reports exactly
    what it reports on whole tables with every check."""
    dw = (
        "dwelling_id,kind,house_type,build_year,energy_label,energy_index,monument,"
        "usable_surface_area,corop_region,nummeraanduiding_id,newbuild_completion_year\n"
        "A,independent,Eengezinswoning,1980,A,1.2,,,,0363010000000001,\n"
        "B,independent,flat,1990,Q,-1,rijksmonument,,,36301,2050\n"
        "C,non_independent,,1100,,,castle,,,,\n"
        "D,independent,,2000,B,,,,,0363010000000002,\n"
        "B,zelfstandig,Eengezinswoning,1985,,,,,,,\n"
        ",independent,Eengezinswoning,1985,,,,,,,\n"
        "E,onzelfstandig,,1970,,,,40,Utrecht,,\n"
    )
    rooms = (
        "dwelling_id,space_id,type_of_room,surface_area,shared_addresses\n"
        "A,,room,12,\nA,1,room,-3,\nE,,other,4,-2\nA,x,hall,,\nZ,,room,5,\n,,room,5,\n"
    )
    parking = "dwelling_id,parking_type,count\nA,4,1\nD,1,-1\nE,2,\n"
    path = folder(tmp_path, dwellings=dw, rooms=rooms, parking=parking)
    fast = load_portfolio(path, PEIL)
    monkeypatch.setattr(V, "_failing_rows", lambda frame, schema: None)
    full = load_portfolio(path, PEIL)

    def broken(frame, schema):  # a later pandera without the internals it reads
        raise AttributeError("'Check' object has no attribute '_check_fn'")

    monkeypatch.setattr(V, "_failing_rows", broken)
    fallback = load_portfolio(path, PEIL)
    assert fast.rejects.height > 10
    assert fast.rejects.equals(full.rejects)
    assert fallback.rejects.equals(full.rejects)
    for name, frame in full.frames.items():
        assert fast.frames[name].equals(frame)
        assert fallback.frames[name].equals(frame)
