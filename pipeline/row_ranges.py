"""Batches as row ranges, for Parquet portfolios whose tables list dwellings in one order.

A batched run must put every row of a dwelling, in every table, into the same batch
(:func:`pipeline.ingest.partition_of` does it by hashing the id). Exports are usually
written dwelling by dwelling: the dwellings table in some order, and every block table
(rooms, kitchen, ...) grouped by dwelling in that same order. Then batch ``i`` is simply
a range of rows of each file, read with a slice (the Parquet reader skips the other row
groups and pages), and the per-batch split of the files (16.5 s for 8.2 million
dwellings, about twice the input on disk) is not needed.

:func:`plan_row_ranges` finds those ranges and proves them, or says the portfolio is not
in such an order (then the hash split is used). The proof gives the same guarantee as
the hash: all rows whose trimmed ``dwelling_id`` is equal are in one batch. Batch ``i``
holds an equal part of the dwellings rows (a bound moved past an id listed twice in a
row); in every block table its range ends after the last row whose id is one of those
dwellings. A row inside a range whose
id is not one of the batch's dwellings ("loose": an id missing from the dwellings table,
or a missing id) is allowed only if its id is no dwelling's at all and all rows with
that id, in all tables, are in one batch. Duplicate dwelling ids must be in one batch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import polars as pl

from pipeline.ingest import (
    RowRanges,
    UnreadableInput,
    dwelling_key,
    table_files,
    tables_with_ids,
)

#: A window of a block table is first sized to the expected rows of a batch times this;
#: it is doubled while the batch's last row may lie beyond it (a table whose rows are
#: not spread evenly over the dwellings, like parking of one complex).
_SLACK = 1.25
#: More loose rows than this share of the rows looked at (or of a window being doubled),
#: and more than ``_MIN_LOOSE``, means "not in dwelling order": such a table is given up
#: on early, not read again for every batch.
_MAX_LOOSE_SHARE = 0.01
_MIN_LOOSE = 1_000


class Ids(Protocol):
    """A table's trimmed ids (:func:`pipeline.ingest.dwelling_key`), in file order."""

    def __len__(self) -> int: ...

    def slice(self, offset: int, length: int | None = None) -> pl.Series: ...


@dataclass(frozen=True)
class _FileIds:
    """The ids of a Parquet table, read a slice at a time (the reader skips the other
    row groups and pages), so planning holds a window of each block table, not the table."""

    path: Path
    id_col: str
    rows: int

    def __len__(self) -> int:
        return self.rows

    def slice(self, offset: int, length: int | None = None) -> pl.Series:
        scan = pl.scan_parquet(self.path).select(dwelling_key(pl.col(self.id_col)))
        try:
            return scan.slice(offset, length).collect().to_series()
        except Exception as e:  # noqa: BLE001
            raise UnreadableInput(f"{self.path.name}: not a readable Parquet file ({e})") from e


def plan_row_ranges(folder: Path, parts: int) -> dict[str, RowRanges] | None:
    """The row ranges of ``parts`` batches of every table of ``folder`` that has a
    ``dwelling_id`` column, or None if the portfolio is not one whose tables list the
    dwellings in one order (see the module's docstring), or has a table that is not
    Parquet. Reads the id columns only: the dwellings' whole (8.2M dwellings: about
    0.3 GB, released before the first batch), the other tables' a window at a time."""
    files, _ = table_files(folder)
    if any(p.suffix.lower() != ".parquet" for p in files.values()):
        return None  # a CSV table is partitioned by hash in memory (ingest.partition_table)
    ids: dict[str, _FileIds] = {}
    for table, path, scan, _columns, id_col in tables_with_ids(folder):
        try:
            rows = scan.select(pl.len()).collect().item()
        except Exception as e:  # noqa: BLE001
            raise UnreadableInput(f"{path.name}: not a readable Parquet file ({e})") from e
        ids[table] = _FileIds(path, id_col, rows)
    dwellings = ids.pop("dwellings", None)
    if dwellings is None:
        return None
    return _plan(dwellings.slice(0), ids, parts)


def _plan(
    dwellings: pl.Series, blocks: Mapping[str, Ids], parts: int
) -> dict[str, RowRanges] | None:
    n = len(dwellings)
    bounds = _dwelling_bounds(dwellings, parts)
    # block rows whose batch is not proven by membership: (id, batch), checked at the end
    loose: list[pl.DataFrame] = []
    starts = {t: [0] for t in blocks}
    looked = n_loose = 0
    for i in range(parts):
        members = dwellings.slice(bounds[i], bounds[i + 1] - bounds[i]).implode()
        share = None if i == parts - 1 else (bounds[i + 1] - bounds[i]) / max(n, 1)
        found = _batch_rows(blocks, {t: s[-1] for t, s in starts.items()}, members, share)
        if found is None:
            return None
        for table, (window, hit) in found.items():
            outside = window.filter(~hit)
            if len(outside):
                loose.append(pl.DataFrame({"id": outside, "batch": i}, schema=_LOOSE))
            starts[table].append(starts[table][-1] + len(window))
            looked += len(window)
            n_loose += len(outside)
        if n_loose > max(_MIN_LOOSE, _MAX_LOOSE_SHARE * looked):
            return None
    if not _loose_rows_hold(dwellings, bounds, pl.concat([pl.DataFrame(schema=_LOOSE), *loose])):
        return None
    ranges = {t: RowRanges(tuple(s)) for t, s in starts.items()}
    ranges["dwellings"] = RowRanges(tuple(bounds))
    return ranges


def _dwelling_bounds(dwellings: pl.Series, parts: int) -> list[int]:
    """Batch ``i`` holds dwellings rows ``bounds[i] <= r < bounds[i + 1]``: equal parts,
    each bound moved past a run of equal ids (a duplicate listed twice in a row) so that
    the run stays in one batch."""
    n = len(dwellings)
    per = -(-n // parts)
    run = dwellings.rle_id()
    bounds = [0]
    for i in range(1, parts):
        cut = min(i * per, n)
        if 0 < cut < n:
            cut = int(run.search_sorted(run[cut - 1], side="right"))
        bounds.append(max(cut, bounds[-1]))
    return [*bounds, n]


_LOOSE = {"id": pl.String, "batch": pl.Int64}


def _dwellings_loose(dwellings: pl.Series, bounds: list[int]) -> pl.DataFrame:
    """Dwelling rows with a duplicated or missing id, with their batch. Distinct hashes
    prove distinct ids (0.25 CPU-s for 8.2M ids, the exact check 3.6 s): the exact
    check runs only if the hashes repeat."""
    frame = pl.DataFrame({"id": dwellings}).with_row_index("row")
    shared = pl.col("id").is_null()
    if dwellings.drop_nulls().hash().n_unique() < len(dwellings) - dwellings.null_count():
        shared = shared | pl.col("id").is_duplicated()
    batch = pl.lit(pl.Series(bounds[1:-1], dtype=pl.UInt32)).search_sorted(
        pl.col("row"), side="right"
    )
    return frame.filter(shared).select("id", batch=batch.cast(pl.Int64))


def _batch_rows(
    blocks: Mapping[str, Ids], starts: dict[str, int], members: pl.Series, share: float | None
) -> dict[str, tuple[pl.Series, pl.Series]] | None:
    """Per block table, the ids of the batch that starts at row ``starts[table]``, and
    which of them are ``members`` (the batch's dwelling ids): up to its last member row
    (the last batch, ``share`` None: all the rest). The window first holds the expected
    rows (``share`` of the table, with some slack) and is doubled while it ends on a
    member row. None if a window to be doubled has too many rows of other ids (not in
    dwelling order). One ``is_in`` for all tables: it hashes the members once."""
    size = {
        t: len(ids) if share is None else int(share * len(ids) * _SLACK) + 64
        for t, ids in blocks.items()
    }
    found: dict[str, tuple[pl.Series, pl.Series]] = {}
    while len(found) < len(blocks):
        windows = {t: ids.slice(starts[t], size[t]) for t, ids in blocks.items() if t not in found}
        hits = pl.concat(list(windows.values()), rechunk=False).is_in(members).fill_null(False)
        at = 0
        for t, window in windows.items():
            hit = hits.slice(at, len(window))
            at += len(window)
            if share is None:
                found[t] = window, hit
            elif len(window) < size[t] or not hit[-1]:
                rows = hit.arg_true()
                end = int(rows[-1]) + 1 if len(rows) else 0
                found[t] = window.head(end), hit.head(end)
            elif len(window) - hit.sum() > max(_MIN_LOOSE, _MAX_LOOSE_SHARE * len(window)):
                return None
            else:
                size[t] *= 2
    return found


def _loose_rows_hold(dwellings: pl.Series, bounds: list[int], loose: pl.DataFrame) -> bool:
    """No loose block row has a dwelling's id (it is in another batch than its dwelling),
    and every id of a loose row, a duplicated dwelling id or a missing id is in one batch."""
    ids = loose["id"].drop_nulls().unique()
    if len(ids) and dwellings.is_in(ids.implode()).any():
        return False
    shared = pl.concat([loose, _dwellings_loose(dwellings, bounds)])
    return bool((shared.group_by("id").agg(pl.col("batch").n_unique())["batch"] == 1).all())
