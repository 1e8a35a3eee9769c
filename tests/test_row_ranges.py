"""Batches as row ranges (``pipeline.row_ranges``) give the guarantee of the hash split:
all rows of a dwelling id, in every table, in one batch. Property tests on the planner
(any order, duplicates, missing and unknown ids: a plan it returns always holds, and a
portfolio in dwelling order always gets one), then real Parquet files through
``iter_portfolio``: the same frames, rejects and warnings as the hash batches, and the
hash split when the files are not in dwelling order."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

import pipeline.validate as V
from pipeline.ingest import RowRanges, UnreadableInput
from pipeline.row_ranges import _plan, plan_row_ranges
from tests.paths import REPO
from tests.test_ingest import _polars_copy_as_parquet

PEILDATUM = dt.date(2026, 7, 1)
BLOCKS = ("rooms", "kitchen", "parking")

_id = st.one_of(st.none(), st.sampled_from([f"D{i}" for i in range(12)]))


def _batches_of(ranges: dict[str, RowRanges], tables: dict[str, list], parts: int) -> dict:
    """Every id (None too) -> the set of batches its rows are in, over all tables."""
    seen: dict = defaultdict(set)
    for table, ids in tables.items():
        starts = ranges[table].starts
        assert len(starts) == parts + 1 and starts[0] == 0 and starts[-1] == len(ids)
        assert list(starts) == sorted(starts)
        for i in range(parts):
            for key in ids[starts[i] : starts[i + 1]]:
                seen[key].add(i)
    return seen


def _run(dwellings: list, blocks: dict[str, list], parts: int):
    series = {t: pl.Series(ids, dtype=pl.String) for t, ids in blocks.items()}
    return _plan(pl.Series(dwellings, dtype=pl.String), series, parts)


@settings(max_examples=300, deadline=None)
@given(
    dwellings=st.lists(_id, max_size=25),
    blocks=st.fixed_dictionaries({t: st.lists(_id, max_size=40) for t in BLOCKS}),
    parts=st.integers(1, 8),
)
def test_a_plan_keeps_every_id_in_one_batch(dwellings, blocks, parts):
    """Arbitrary tables (ids already trimmed, as ``dwelling_key`` gives them)."""
    ranges = _run(dwellings, blocks, parts)
    if ranges is not None:
        seen = _batches_of(ranges, {"dwellings": dwellings, **blocks}, parts)
        assert all(len(batches) == 1 for batches in seen.values()), seen


@settings(max_examples=300, deadline=None)
@given(
    n=st.integers(0, 40),
    counts=st.lists(st.tuples(*[st.integers(0, 3)] * len(BLOCKS)), min_size=40, max_size=40),
    parts=st.integers(1, 12),
    twice=st.sets(st.integers(0, 39), max_size=3),
    unknown=st.lists(st.tuples(st.sampled_from(BLOCKS), st.integers(0, 40)), max_size=3),
    seed=st.integers(0, 2**32 - 1),
)
def test_tables_in_dwelling_order_get_a_plan(n, counts, parts, twice, unknown, seed):
    """Dwellings in any order (ids not sorted), some listed twice in a row, block rows
    grouped in that order, a few rows with an id of no dwelling: planned, and the plan
    holds."""
    ids = [f"W{i}" for i in range(n)]
    random.Random(seed).shuffle(ids)
    dwellings = [d for i, d in enumerate(ids) for _ in range(2 if i in twice else 1)]
    blocks = {t: [d for d, c in zip(ids, counts, strict=False) for _ in range(c[j])]
              for j, t in enumerate(BLOCKS)}  # fmt: skip
    for k, (table, at) in enumerate(unknown):
        blocks[table].insert(min(at, len(blocks[table])), f"NOT-A-DWELLING-{k}")
    ranges = _run(dwellings, blocks, parts)
    assert ranges is not None
    seen = _batches_of(ranges, {"dwellings": dwellings, **blocks}, parts)
    assert all(len(batches) == 1 for batches in seen.values())
    sizes = [ranges["dwellings"].slice(i)[1] for i in range(parts)]
    assert max(sizes, default=0) <= -(-len(dwellings) // parts) + 1  # a duplicate aside


@pytest.mark.parametrize(
    ("dwellings", "rooms", "why"),
    [
        (["A", "B", "C", "D"], ["C", "A", "B", "D"], "rooms of A after those of C"),
        (["A", "B", "C", "D"], ["A", "B", "C", "D", "A"], "A's rooms in two places"),
        (["A", "B", "A", "D"], ["A", "B", "D"], "A listed twice, apart, in two batches"),
        (["A", "B", "C", "D"], ["Z", "A", "C", "Z"], "unknown id Z in two batches"),
        (["A", None, "C", None], ["A", "C"], "missing ids in two batches"),
        (["A", "B", "C", "D"], [None, "A", "C", None], "missing ids in two batches"),
    ],
)
def test_tables_out_of_dwelling_order_get_no_plan(dwellings, rooms, why):
    assert _run(dwellings, {"rooms": rooms}, 2) is None, why


def test_unknown_ids_and_a_repeated_dwelling_kept_together_are_planned():
    ranges = _run(["A", "B", "B", "C"], {"rooms": ["Z", "A", "B", "Z", "B", "C"]}, 2)
    assert ranges is not None
    assert ranges["dwellings"].starts == (0, 3, 4)  # B, twice in a row, stays in batch 0
    assert ranges["rooms"].starts == (0, 5, 6)


def test_rows_bunched_in_one_batch_are_planned():
    """Parking of one complex: 10 of 200 dwellings hold 10,000 of 10,190 rows, 14x the
    rows the planner expects in a batch of 10 dwellings (its window is doubled)."""
    dwellings = [f"W{i}" for i in range(200)]
    parking = [d for i, d in enumerate(dwellings) for _ in range(1000 if 100 <= i < 110 else 1)]
    ranges = _run(dwellings, {"parking": parking}, 20)
    assert ranges is not None
    assert ranges["parking"].slice(10) == (100, 10_000)


# ------------------------------------------------------------------ real files, end to end


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    dst = tmp_path_factory.mktemp("pq") / "sample"
    _polars_copy_as_parquet(REPO / "data/sample", dst)
    return dst


def _all_batches(path: Path, size: int, ranges: bool, monkeypatch, workdir: Path):
    monkeypatch.setattr(V, "IN_MEMORY_MAX_DWELLINGS", 0)
    monkeypatch.setattr(V, "PRESPLIT_MIN_BATCHES", 1)
    monkeypatch.setattr(V, "ROW_RANGES", ranges)
    return list(V.iter_portfolio(path, PEILDATUM, size, workdir=workdir))


def _union(batches: list[V.Portfolio]) -> dict[str, pl.DataFrame]:
    out = {
        name: pl.concat([b.frames[name] for b in batches]).sort(pl.all())
        for name in batches[0].frames
    }
    out["rejects"] = pl.concat([b.rejects for b in batches]).sort(pl.all())
    return out


@pytest.mark.parametrize("size", [1, 7, 30])
def test_row_range_batches_hold_what_hash_batches_hold(sample, tmp_path, monkeypatch, size):
    """Other dwellings per batch, the same frames, rejects (row numbers and messages),
    warnings and counts over the run; no split files written."""
    planned = []
    real = V.plan_row_ranges

    def spy(*args):
        planned.append(real(*args))
        return planned[-1]

    monkeypatch.setattr(V, "plan_row_ranges", spy)
    by_range = _all_batches(sample, size, True, monkeypatch, tmp_path)
    assert planned and planned[0] is not None
    by_hash = _all_batches(sample, size, False, monkeypatch, tmp_path)
    assert len(by_range) == len(by_hash) == -(-77 // size)
    a, b = _union(by_range), _union(by_hash)
    assert a.keys() == b.keys()
    for name in a:
        assert_frame_equal(a[name], b[name], check_exact=True)
    assert [w for x in by_range for w in x.warnings] == [w for x in by_hash for w in x.warnings]
    assert sum(x.dwellings_read for x in by_range) == sum(x.dwellings_read for x in by_hash)
    assert not list(tmp_path.glob("wws-split-*"))
    if size == 7:
        ids = [set(x.frames["dwellings"]["dwelling_id"]) for x in by_range]
        assert ids != [set(x.frames["dwellings"]["dwelling_id"]) for x in by_hash]


def test_files_out_of_dwelling_order_are_split_by_hash(sample, tmp_path, monkeypatch):
    shuffled = tmp_path / "shuffled"
    shuffled.mkdir()
    for f in sample.glob("*.parquet"):
        df = pl.read_parquet(f)
        if f.stem == "rooms":
            df = df.sample(fraction=1.0, shuffle=True, seed=7)
        df.write_parquet(shuffled / f.name)
    assert plan_row_ranges(shuffled, 5) is None
    assert plan_row_ranges(sample, 5) is not None
    seen_split = []
    real = V.split_parquet

    def spy(*args):
        seen_split.append(1)
        return real(*args)

    monkeypatch.setattr(V, "split_parquet", spy)
    batches = _all_batches(shuffled, 16, True, monkeypatch, tmp_path)
    assert seen_split == [1]
    hashed = _union(_all_batches(shuffled, 16, False, monkeypatch, tmp_path))
    got = _union(batches)
    assert got.keys() == hashed.keys()
    for name, frame in got.items():
        assert_frame_equal(frame, hashed[name], check_exact=True)


@pytest.mark.parametrize("how", ["ranges", "memory", "split", "scans", "whole"])
def test_a_nested_dwelling_id_is_refused_alike_however_the_input_is_read(
    sample, tmp_path, monkeypatch, how
):
    """Batching casts the id to text; a list column used to fail inside polars (an
    internal error, exit 4) in a batched run. Now every way says what validation says."""
    nested = tmp_path / "nested"
    nested.mkdir()
    for f in sample.glob("*.parquet"):
        df = pl.read_parquet(f)
        if f.stem == "kitchen":
            df = df.with_columns(pl.concat_list("dwelling_id").alias("dwelling_id"))
        df.write_parquet(nested / f.name)
    monkeypatch.setattr(V, "ROW_RANGES", how == "ranges")
    monkeypatch.setattr(V, "IN_MEMORY_MAX_DWELLINGS", 10**9 if how == "memory" else 0)
    monkeypatch.setattr(V, "PRESPLIT_MIN_BATCHES", 1 if how == "split" else 10**9)
    with pytest.raises(UnreadableInput) as e:
        if how == "whole":
            V.load_portfolio(nested, PEILDATUM)
        else:
            list(V.iter_portfolio(nested, PEILDATUM, 10, workdir=tmp_path))
    assert e.value.message == (
        "kitchen.parquet: column 'dwelling_id' holds nested data (List(String)); "
        "a table column must hold plain values"
    )


def test_a_csv_table_among_parquet_tables_gets_no_plan(sample, tmp_path):
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    for f in sample.glob("*.parquet"):
        if f.stem != "toilet":
            (mixed / f.name).write_bytes(f.read_bytes())
    (mixed / "toilet.csv").write_bytes((REPO / "data/sample/toilet.csv").read_bytes())
    assert plan_row_ranges(mixed, 3) is None  # a CSV table is batched by hash
