"""Per-dwelling input fingerprints, for "what changed, and why" between runs.

Each scored dwelling gets ``input_hash``: a 64-bit hash of its normalised inputs (its
``dwellings`` row and every block row, positions included), plus one hash per block
list, computed with polars, vectorised. The store keeps each distinct input once
(``dwelling_inputs``: the dwelling's fields and its block hashes, keyed by
``input_hash``), so an unchanged portfolio adds nothing, and the ``changes`` view can
name the fields (or block lists) that were edited.

The hashes are stable within one polars version; an upgrade may mark every dwelling
"input edited" once, with no field named.
"""

from __future__ import annotations

import polars as pl

from schemas.dwelling import BLOCKS
from schemas.frames import DWELLINGS

_SEED = 20260101
_MUL = 1_000_003


def _row_hash(columns: list[str], seed: int) -> pl.Expr:
    """Per-column hashes combined with wrapping arithmetic (much faster than a struct hash)."""
    h = pl.lit(seed, pl.UInt64)
    for c in columns:
        h = h * pl.lit(_MUL, pl.UInt64) + pl.col(c).hash(_SEED)
    return h


def fingerprints(frames: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """``(dwelling_id, input_hash, <block>_hash ...)`` for every dwelling of ``frames``, in
    the order of its ``dwellings`` frame."""
    dwellings = frames["dwellings"]
    cols = [c for c in DWELLINGS if c != "dwelling_id"]
    out = dwellings.lazy().select("dwelling_id", _row_hash(cols, 1).alias("_row"))
    hashes = [f"{block}_hash" for block in BLOCKS]
    rows = []  # every block row: its dwelling, its block (index), its hash
    for i, block in enumerate(BLOCKS):
        df = frames.get(block)
        if df is None or df.height == 0:
            continue
        bcols = [c for c in df.columns if c != "dwelling_id"]  # position included: order counts
        rows.append(
            df.lazy().select(
                "dwelling_id",
                pl.lit(i, pl.UInt8).alias("_block"),
                _row_hash(bcols, i + 2).alias("_h"),
            )
        )
    if rows:
        # one group-by over all block rows instead of one group-by and one join per block
        per_block = (
            pl.concat(rows, how="vertical")
            .group_by("dwelling_id")
            .agg(
                pl.col("_h").filter(pl.col("_block") == i).sum().alias(h)
                for i, h in enumerate(hashes)
            )
        )
        out = out.join(per_block, on="dwelling_id", how="left", maintain_order="left")
        out = out.with_columns(pl.col(h).fill_null(0) for h in hashes)
    else:
        out = out.with_columns(pl.lit(0, pl.UInt64).alias(h) for h in hashes)
    total = pl.col("_row")
    for h in hashes:
        total = total * pl.lit(_MUL, pl.UInt64) + pl.col(h)
    return out.select("dwelling_id", total.alias("input_hash"), *hashes).collect()


def input_rows(frames: dict[str, pl.DataFrame], prints: pl.DataFrame) -> pl.DataFrame:
    """Rows for ``dwelling_inputs``: one per distinct ``input_hash``. ``prints``:
    :func:`fingerprints` of the same ``frames`` (row for row in their dwellings' order)."""
    cols = [c for c in DWELLINGS if c != "dwelling_id"]
    dwellings = frames["dwellings"]
    if not prints["dwelling_id"].equals(dwellings["dwelling_id"]):
        raise ValueError("prints must be fingerprints(frames), in the dwellings' order")
    rows = pl.concat([dwellings.select(cols), prints.drop("dwelling_id")], how="horizontal")
    return rows.unique("input_hash", keep="first", maintain_order=True).select(
        "input_hash", *cols, *(f"{b}_hash" for b in BLOCKS)
    )
