"""Dwelling frames for the WOZ tests, built the way the pipeline builds them."""

from __future__ import annotations

from typing import Any

import polars as pl
from woz_double import generated_number

from pipeline.reshape import to_frames
from schemas.dwelling import Dwelling


def dwellings_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    ds = [
        Dwelling(**{"house_type": "Eengezinswoning", "build_year": 1990, **r}) for r in rows
    ]
    return to_frames(ds)["dwellings"]


def generated_dwellings(n: int, key: str = "object", start: int = 0) -> pl.DataFrame:
    """Dwellings ``d000..`` matching generated double objects, looked up by ``key``."""
    rows = []
    for i in range(start, start + n):
        r: dict[str, Any] = {"dwelling_id": f"d{i:03d}"}
        if key == "object":
            r["woz_object_number"] = generated_number(i)
        elif key == "nummeraanduiding":
            r["nummeraanduiding_id"] = f"0363200000{i:06d}"
        elif key == "address":
            r.update(postcode=f"{1000 + i // 100}AB", house_number=i % 100 + 1)
        rows.append(r)
    return dwellings_frame(rows)
