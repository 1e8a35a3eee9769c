"""Pre-splitting a Parquet portfolio into one file per batch (``split_parquet``) or
reading it into memory once (``split_in_memory``) changes nothing but the speed: every
batch has the same raw tables, frames, rejects (row numbers and messages included) and
warnings as when every batch scans the whole files, and the temporary directory is gone
however the iteration ends. Real files, no mocks."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import pipeline.validate as V
from pipeline.ingest import UnreadableInput, read_tables, split_in_memory, split_parquet
from tests.paths import REPO
from tests.test_ingest import _polars_copy_as_parquet

PEILDATUM = dt.date(2026, 7, 1)
SAMPLE = REPO / "data/sample"
NEVER = 10**9


def _odd(folder: Path) -> None:
    """Unknown and odd-case columns, a sparse table, a CSV among the Parquet files."""
    kitchen = pl.read_parquet(folder / "kitchen.parquet")
    kitchen.with_columns(Remarks=pl.lit("x")).write_parquet(folder / "kitchen.parquet")
    sanitary = pl.read_parquet(folder / "sanitary.parquet")
    sanitary.rename({"dwelling_id": " DWELLING_ID "}).write_parquet(folder / "sanitary.parquet")
    parking = pl.read_parquet(folder / "parking.parquet")
    parking.head(1).write_parquet(folder / "parking.parquet")  # empty in all batches but one
    (folder / "toilet.parquet").unlink()
    shutil.copy(SAMPLE / "toilet.csv", folder / "toilet.csv")


def _no_id(folder: Path) -> None:
    """A table without a dwelling_id column: all its rows are batch 0's."""
    outdoor = pl.read_parquet(folder / "outdoor.parquet")
    outdoor.drop("dwelling_id").write_parquet(folder / "outdoor.parquet")


@pytest.fixture(scope="module")
def portfolios(tmp_path_factory) -> dict[str, Path]:
    out = {}
    for name, change in (("sample", None), ("odd", _odd), ("no_id", _no_id)):
        folder = tmp_path_factory.mktemp("pq") / name
        _polars_copy_as_parquet(SAMPLE, folder)
        if change is not None:
            change(folder)
        out[name] = folder
    return out


def _split_dirs(workdir: Path) -> list[Path]:
    return sorted(workdir.glob("wws-split-*"))


def _read_by(monkeypatch, how: str, threshold: int = 1) -> None:
    """Make ``iter_portfolio`` scan every file per batch, split the files (from
    ``threshold`` batches on) or read them into memory once (77 dwellings); never in row
    ranges (other batches: ``tests/test_row_ranges.py``)."""
    monkeypatch.setattr(V, "ROW_RANGES", False)
    monkeypatch.setattr(V, "IN_MEMORY_MAX_DWELLINGS", NEVER if how == "memory" else 0)
    monkeypatch.setattr(V, "PRESPLIT_MIN_BATCHES", threshold if how != "scan" else NEVER)


def _batches(path: Path, batch_size: int, workdir: Path, files: bool) -> list[V.Portfolio]:
    out = []
    for batch in V.iter_portfolio(path, PEILDATUM, batch_size, workdir=workdir):
        out.append(batch)
        assert len(_split_dirs(workdir)) == files
    assert _split_dirs(workdir) == []
    return out


@pytest.mark.parametrize("how", ["split", "memory"])
@pytest.mark.parametrize("variant", ["sample", "odd", "no_id"])
@pytest.mark.parametrize(("batch_size", "threshold"), [(10, 1), (30, 2)])
def test_presplit_batches_equal_scanned_batches(
    portfolios, tmp_path, monkeypatch, how, variant, batch_size, threshold
):
    path = portfolios[variant]
    _read_by(monkeypatch, "scan")
    scanned = _batches(path, batch_size, tmp_path, files=False)
    _read_by(monkeypatch, how, threshold)
    split = _batches(path, batch_size, tmp_path, files=how == "split")
    assert len(split) == len(scanned) == -(-77 // batch_size)
    for a, b in zip(split, scanned, strict=True):
        assert a.frames.keys() == b.frames.keys()
        for name in a.frames:
            assert_frame_equal(a.frames[name], b.frames[name], check_exact=True)
        assert_frame_equal(a.rejects, b.rejects, check_exact=True)
        assert (a.warnings, a.dwellings_read) == (b.warnings, b.dwellings_read)
    rejects = pl.concat(b.rejects for b in split)
    assert rejects["dwelling_id"].str.starts_with("INV-").any()
    assert rejects["row_number"].null_count() < rejects.height
    unknown = [w for b in split for w in b.warnings if "unknown columns" in w]
    assert unknown == ["dwellings.parquet: ignored unknown columns: opmerking"] + (
        ["kitchen.parquet: ignored unknown columns: Remarks"] if variant == "odd" else []
    )  # once, by batch 0
    if variant == "no_id":
        assert rejects.filter(pl.col("source") == "outdoor.parquet").height > 0


@pytest.mark.parametrize(("how", "k"), [("split", 8), ("memory", 8), ("memory", 12)])
@pytest.mark.parametrize("variant", ["sample", "odd", "no_id"])
def test_raw_tables_from_split_files_equal_partitioned_scans(portfolios, tmp_path, how, k, variant):
    """Same columns, dtypes, row numbers, rows (in file order) and warnings, also for empty
    partitions. In memory, up to 8 batches are cut by filters, more in one pass."""
    path = portfolios[variant]
    split = split_parquet(path, k, tmp_path) if how == "split" else split_in_memory(path, k)
    assert "toilet" not in split if variant == "odd" else "toilet" in split  # CSV: not split
    assert ("outdoor" in split) == (variant != "no_id")
    if how == "split":
        parts = {p.name for p in split["parking"].iterdir()}
    else:
        parts = {i for i, f in split["parking"].batches.items() if f.height}
    if variant == "odd":
        assert len(parts) == 1  # the other batches have no parking rows (split: no directory)
    for i in range(k):
        got, got_warnings = read_tables(path, (i, k), {}, split)
        want, want_warnings = read_tables(path, (i, k), {})
        assert got_warnings == want_warnings
        assert got.keys() == want.keys()
        for table, raw in got.items():
            assert_frame_equal(raw.frame, want[table].frame, check_exact=True)
            assert (raw.missing, raw.is_text) == (want[table].missing, want[table].is_text)


def test_split_directory_is_removed_when_the_consumer_stops_early(
    portfolios, tmp_path, monkeypatch
):
    _read_by(monkeypatch, "split")
    batches = V.iter_portfolio(portfolios["sample"], PEILDATUM, 10, workdir=tmp_path)
    next(batches)
    assert len(_split_dirs(tmp_path)) == 1
    batches.close()
    assert _split_dirs(tmp_path) == []
    batches = V.iter_portfolio(portfolios["sample"], PEILDATUM, 10, workdir=tmp_path)
    next(batches)
    del batches  # collected: closed by the interpreter
    assert _split_dirs(tmp_path) == []


def test_unreadable_parquet_is_reported_and_the_split_directory_removed(
    portfolios, tmp_path, monkeypatch
):
    bad = tmp_path / "bad"
    shutil.copytree(portfolios["sample"], bad)
    (bad / "rooms.parquet").write_bytes(b"PAR1 this is not a Parquet file PAR1")
    work = tmp_path / "work"
    work.mkdir()
    messages = []
    for how in ("scan", "split", "memory"):
        _read_by(monkeypatch, how)
        with pytest.raises(UnreadableInput) as e:
            list(V.iter_portfolio(bad, PEILDATUM, 10, workdir=work))
        messages.append(e.value.message)
        assert _split_dirs(work) == []
    assert messages[0] == messages[1] == messages[2]
    assert messages[0].startswith("rooms.parquet: not a readable Parquet file")
