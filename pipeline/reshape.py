"""Reshape: normalised portfolio frames <-> per-dwelling structures (pydantic).

``to_frames`` turns validated :class:`~schemas.dwelling.Dwelling` objects into the
normalised frames of :mod:`schemas.frames`; ``from_frames`` does the reverse, for
``wws reshape`` (JSON Lines out) and for the per-dwelling reference scorer.
A folder of tables and the JSON Lines it reshapes into score identically.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import polars as pl

from schemas import frames as F
from schemas.dwelling import BLOCKS, KITCHEN_FEATURES, SANITARY_FEATURES, Dwelling

_SCALARS = [c for c in F.DWELLINGS if c not in ("category",) and not c.endswith("_flag")]


def _space_ref(space_id: str | None, position: int) -> str:
    return space_id if space_id not in (None, "") else str(position)


def _dwelling_row(d: Dwelling) -> dict[str, Any]:
    row = {c: getattr(d, c) for c in _SCALARS}
    row["kind"] = d.kind.value
    row["category"] = d.category
    for name in ("glass_surface_living_room", "lowest_window_frame_living_room"):
        v = getattr(d, name)
        row[name] = None if isinstance(v, bool) or v is None else float(v)
        row[f"{name}_flag"] = v if isinstance(v, bool) else None
    return row


def _block_rows(d: Dwelling, block: str) -> Iterator[dict[str, Any]]:
    for pos, item in enumerate(getattr(d, block), start=1):
        row = item.model_dump(exclude={"kitchen_features", "sanitary_features", "space_id"})
        row["dwelling_id"] = d.dwelling_id
        row["space_ref"] = _space_ref(item.space_id, pos)
        row["position"] = pos
        if block == "kitchen":
            row.update(item.kitchen_features.model_dump())
        elif block == "sanitary":
            row.update(item.sanitary_features.model_dump())
            row["showers"] = item.shower_count()
            row["baths"] = item.bath_count()
        yield row


def to_frames(dwellings: Iterable[Dwelling]) -> dict[str, pl.DataFrame]:
    dwellings = list(dwellings)
    out = {
        "dwellings": F.conform(
            "dwellings",
            pl.DataFrame(
                [_dwelling_row(d) for d in dwellings],
                schema_overrides=F.DWELLINGS,
                infer_schema_length=None,
            ),
        )
        if dwellings
        else F.empty("dwellings")
    }
    for block in BLOCKS:
        rows = [r for d in dwellings for r in _block_rows(d, block)]
        out[block] = (
            F.conform(block, pl.DataFrame(rows, infer_schema_length=None))
            if rows
            else F.empty(block)
        )
    return out


def _block_item(block: str, row: dict[str, Any]) -> dict[str, Any]:
    item = {k: v for k, v in row.items() if k not in ("dwelling_id", "position", "space_ref")}
    item["space_id"] = row["space_ref"]
    if block == "kitchen":
        item["kitchen_features"] = {f: item.pop(f) for f in KITCHEN_FEATURES}
    elif block == "sanitary":
        item["sanitary_features"] = {f: item.pop(f) for f in SANITARY_FEATURES}
    return item


def from_frames(frames: dict[str, pl.DataFrame]) -> list[Dwelling]:
    """Per-dwelling structures, in the order of the ``dwellings`` frame."""
    blocks: dict[str, dict[str, list[dict[str, Any]]]] = {b: {} for b in BLOCKS}
    for block in BLOCKS:
        df = frames.get(block)
        if df is None or df.height == 0:
            continue
        for row in df.sort("dwelling_id", "position").iter_rows(named=True):
            blocks[block].setdefault(row["dwelling_id"], []).append(_block_item(block, row))
    out = []
    for row in frames["dwellings"].iter_rows(named=True):
        data = {k: v for k, v in row.items() if k != "category" and not k.endswith("_flag")}
        for name in ("glass_surface_living_room", "lowest_window_frame_living_room"):
            if row.get(f"{name}_flag") is not None:
                data[name] = row[f"{name}_flag"]
        for block in BLOCKS:
            data[block] = blocks[block].get(row["dwelling_id"], [])
        out.append(Dwelling.model_validate(data))
    return out
