"""Ingest: read a portfolio (``portfolio-format.md``) into raw polars frames, as it is.

Shape 1, a folder of tables: every table file is read into a frame whose columns carry
the canonical names of :mod:`schemas.tables` (headers matched case-insensitively after
trimming, aliases resolved, unknown columns dropped and reported once as a warning).
A CSV is read entirely as text (trimmed; an empty cell is null): turning text into
numbers, booleans and dates is validation's job, so that a bad cell becomes a reject and
never a crash. A Parquet file keeps its own column types.

Shape 2, JSON Lines: every non-blank line is decoded into a Python object; a line that
is not JSON is kept as an error for validation to report.

Bookkeeping: every frame gets ``__row``, the 1-based number of the data row in its file
(the header is not counted: the first row under the header is row 1; for JSON Lines the
physical line number). Rows whose cells are all empty are skipped but keep their numbers.

Anything that cannot be read at all raises :class:`UnreadableInput`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from schemas.tables import HEADER_ALIASES, TABLE_NAMES, input_columns

ROW = "__row"
BOM = b"\xef\xbb\xbf"
TABLE_SUFFIXES = (".csv", ".parquet")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
_DELIMITERS = (";", ",", "\t")


class UnreadableInput(Exception):
    """The input (or one of its files) cannot be read at all; the run must stop."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class RawTable:
    """One table file as read: canonical column names, ``__row``, no parsing yet."""

    table: str
    path: Path
    frame: pl.DataFrame
    #: CSV: every column is text. Parquet: the file's own types.
    is_text: bool
    #: ``;``-delimited CSV: a decimal comma is accepted in numbers
    decimal_comma: bool = False
    #: columns of the table's model that the file does not have
    missing: frozenset[str] = frozenset()
    #: CSV records with more fields than the header: (row number, the record's fields, the
    #: dwelling_id read from its position, if any). They are not in ``frame``.
    ragged: list[tuple[int, list[str], str | None]] = field(default_factory=list)

    @property
    def source(self) -> str:
        return self.path.name


@dataclass
class JsonLine:
    line_number: int
    obj: Any = None
    error: str | None = None
    text: str = ""


# ---------------------------------------------------------------------------- files


def _check_path(path: Path) -> Path:
    if str(path) in ("", "."):
        raise UnreadableInput("no portfolio given: pass a folder of tables or a .jsonl file")
    if not path.exists():
        raise UnreadableInput(f"{path}: no such file or folder")
    return path


def table_files(folder: Path) -> tuple[dict[str, Path], list[str]]:
    """The table file of each table present in ``folder`` (names matched case-insensitively)."""
    found: dict[str, list[Path]] = {}
    warnings: list[str] = []
    for p in sorted(folder.iterdir()):
        if not p.is_file():
            continue
        stem, suffix = p.stem.strip().lower(), p.suffix.lower()
        if stem in TABLE_NAMES:
            if suffix in TABLE_SUFFIXES:
                found.setdefault(stem, []).append(p)
            else:
                warnings.append(f"{p.name}: not read (a table must be .csv or .parquet)")
        elif suffix in TABLE_SUFFIXES:
            warnings.append(
                f"{p.name}: not read (not a table name; expected one of {', '.join(TABLE_NAMES)})"
            )
    out: dict[str, Path] = {}
    for table, paths in found.items():
        if len(paths) > 1:
            names = " and ".join(x.name for x in paths)
            raise UnreadableInput(
                f"{folder}: table {table!r} is present twice ({names}); keep only one of them"
            )
        out[table] = paths[0]
    if "dwellings" not in out:
        hint = [w for w in warnings if w.lower().startswith("dwellings.")]
        raise UnreadableInput(
            f"{folder}: no dwellings.csv or dwellings.parquet; the dwellings table is required"
            + (f" ({hint[0]})" if hint else "")
        )
    return out, warnings


def input_files(path: str | Path) -> list[Path]:
    """The files a portfolio consists of, sorted by name."""
    path = _check_path(Path(path))
    if path.is_dir():
        files, _ = table_files(path)
        return sorted(files.values(), key=lambda p: p.name)
    return [path]


def input_sha256(path: str | Path) -> str:
    """SHA-256 of the portfolio's input files.

    A single file (JSON Lines): the SHA-256 of its bytes (what ``sha256sum FILE`` prints).
    A folder: the SHA-256 of the ``sha256sum`` listing of its table files sorted by name,
    i.e. ``sha256sum dwellings.csv kitchen.csv ... | sha256sum`` run inside the folder.
    """
    path = Path(path)
    files = input_files(path)
    if not path.is_dir():
        return _file_sha256(files[0])
    listing = "".join(f"{_file_sha256(f)}  {f.name}\n" for f in files)
    return hashlib.sha256(listing.encode()).hexdigest()


def _file_sha256(p: Path) -> str:
    h = hashlib.sha256()
    with p.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ---------------------------------------------------------------------------- text


def _text_bytes(path: Path) -> bytes:
    """The file's bytes without BOM, after checking that it is UTF-8 text."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise UnreadableInput(f"{path.name}: cannot be read ({e.strerror})") from e
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise UnreadableInput(
            f"{path.name}: the file is UTF-16 text; save it as UTF-8 (Excel: 'CSV UTF-8')"
        )
    if data.startswith(BOM):
        data = data[len(BOM) :]
    if b"\x00" in data:
        raise UnreadableInput(
            f"{path.name}: binary data, not a text file (is it a spreadsheet or a Parquet "
            "file with the wrong name?)"
        )
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise UnreadableInput(
            f"{path.name}: not UTF-8 text (byte 0x{data[e.start]:02x} on line {line}); "
            "save the file as UTF-8 (Excel: 'CSV UTF-8')"
        ) from e
    return data


def _header_line(data: bytes) -> str:
    end = data.find(b"\n")
    return (data if end < 0 else data[:end]).decode("utf-8").rstrip("\r")


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _canonical_names(
    table: str, source: str, headers: list[str]
) -> tuple[list[str | None], list[str]]:
    """Canonical column name per header position (None = unknown), and the unknown headers."""
    known = set(input_columns(table))
    aliases = HEADER_ALIASES.get(table, {})
    names: list[str | None] = []
    unknown: list[str] = []
    seen: dict[str, str] = {}
    for h in headers:
        key = h.strip().lower()
        name = key if key in known else aliases.get(key)
        if name is None:
            if key:
                unknown.append(h.strip())
            names.append(None)
            continue
        if name in seen:
            raise UnreadableInput(
                f"{source}: columns {seen[name]!r} and {h.strip()!r} are both read as "
                f"{name!r}; remove one of them"
            )
        seen[name] = h.strip()
        names.append(name)
    return names, unknown


def _finish(
    table: str,
    path: Path,
    df: pl.DataFrame,
    names: list[str | None],
    unknown: list[str],
    warnings: list[str],
    *,
    is_text: bool,
    decimal_comma: bool = False,
    ragged: list | None = None,
) -> RawTable:
    if unknown:
        warnings.append(f"{path.name}: ignored unknown columns: {', '.join(unknown)}")
    positions = {n: i for i, n in enumerate(names) if n is not None}
    cols = df.columns
    if df.width:
        # normalise text: trimmed, an empty cell is missing (only where needed: it is costly)
        text = [c for c, t in df.schema.items() if t == pl.String]
        untidy = (
            df.lazy()
            .select(
                (
                    pl.col(c).str.starts_with(" ")
                    | pl.col(c).str.ends_with(" ")
                    | pl.col(c).str.starts_with("\t")
                    | pl.col(c).str.ends_with("\t")
                    | (pl.col(c) == "")
                ).any()
                for c in text
            )
            .collect()
            .row(0)
            if text and df.height
            else (False,) * len(text)
        )
        fix = [c for c, u in zip(text, untidy, strict=True) if u]
        if fix:
            df = df.with_columns(pl.col(c).str.strip_chars().replace("", None) for c in fix)
        nonempty = ~pl.all_horizontal(pl.all().exclude(ROW).is_null())
    else:
        nonempty = pl.lit(True)
    if ROW not in df.columns:  # a partitioned scan numbered the rows of the whole file
        df = df.with_row_index(ROW, offset=1)
    df = df.with_columns(pl.col(ROW).cast(pl.Int64))
    df = df.filter(nonempty).select(ROW, *[pl.col(cols[i]).alias(n) for n, i in positions.items()])
    missing = frozenset(set(input_columns(table)) - set(positions))
    return RawTable(table, path, df, is_text, decimal_comma, missing, ragged or [])


def read_csv(table: str, path: Path, warnings: list[str]) -> RawTable:
    data = _text_bytes(path)
    if not data.strip():
        if table == "dwellings":
            raise UnreadableInput(
                f"{path.name}: the file is empty; the dwellings table is required"
            )
        warnings.append(f"{path.name}: the file is empty; read as no {table} rows")
        empty = pl.DataFrame()
        return _finish(table, path, empty, [], [], warnings, is_text=True)
    header = _header_line(data)
    sep = _delimiter(header)
    headers = next(csv.reader([header], delimiter=sep))
    names, unknown = _canonical_names(table, path.name, headers)
    tmp = [f"c{i}" for i in range(len(headers))]
    ragged: list[tuple[int, list[str], str | None]] = []
    try:
        df = pl.read_csv(
            io.BytesIO(data),
            separator=sep,
            has_header=True,
            new_columns=tmp,
            infer_schema=False,
            quote_char='"',
        )
    except pl.exceptions.PolarsError:
        id_at = names.index("dwelling_id") if "dwelling_id" in names else None
        df, ragged = _read_csv_slow(path, data, sep, tmp, id_at)
    return _finish(
        table,
        path,
        df,
        names,
        unknown,
        warnings,
        is_text=True,
        decimal_comma=sep == ";",
        ragged=ragged,
    )


def _read_csv_slow(path: Path, data: bytes, sep: str, cols: list[str], id_at: int | None):
    """Record by record, for a CSV polars refuses (records with more fields than the header).

    Such records are set aside with the dwelling_id found at its column's position
    (validation rejects them and their dwelling); shorter ones are padded."""
    width = len(cols)
    out: list[list[str | None]] = []
    ragged: list[tuple[int, list[str], str | None]] = []
    try:
        reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""), delimiter=sep)
        next(reader, None)
        for n, rec in enumerate(reader, start=1):
            if len(rec) > width:
                did = (rec[id_at].strip() or None) if id_at is not None else None
                ragged.append((n, rec, did))
                out.append([None] * width)
            else:
                out.append(rec + [None] * (width - len(rec)))
    except csv.Error as e:
        raise UnreadableInput(f"{path.name}: not a readable CSV file ({e})") from e
    df = pl.DataFrame(out, schema={c: pl.String for c in cols}, orient="row")
    return df, ragged


PARTITION_SEED = 8_200_000
_PART = "__part"


def dwelling_key(ids: pl.Expr) -> pl.Expr:
    """What makes rows one dwelling's when batching: the id as text, trimmed."""
    return ids.cast(pl.String).str.strip_chars()


def partition_of(ids: pl.Expr, parts: int) -> pl.Expr:
    """The batch a dwelling belongs to: a hash of its trimmed id modulo ``parts``. Every
    row of a dwelling, in every table, lands in the same batch (a missing id too: polars
    hashes null to a fixed value)."""
    return (dwelling_key(ids).hash(PARTITION_SEED) % parts).fill_null(0)


def _scan_parquet(path: Path) -> tuple[pl.LazyFrame, dict[str, pl.DataType]]:
    """A lazy scan of the file and its columns' types (in file order)."""
    # The names come from the file's footer, not from ``scan.collect_schema()``: with
    # polars 2.1 a scan whose schema was collected no longer pushes a slice down to the
    # reader (41 slices of 28M rows: 17 CPU-s instead of 1).
    try:
        schema = pl.read_parquet_schema(path)
    except Exception as e:  # noqa: BLE001 - any failure means "not a readable Parquet file"
        raise UnreadableInput(f"{path.name}: not a readable Parquet file ({e})") from e
    return pl.scan_parquet(path), dict(schema)


def _id_column(path: Path, schema: dict[str, pl.DataType], names: list[str | None]) -> str | None:
    """The file's header read as ``dwelling_id`` (``names``: its canonical names), if any.
    It must hold plain values: batching casts it to text, so a nested one is refused here
    with validation's message (an unbatched run's) instead of failing inside polars."""
    if "dwelling_id" not in names:
        return None
    id_col = list(schema)[names.index("dwelling_id")]
    dtype = schema[id_col]
    if dtype.is_nested():
        raise UnreadableInput(
            f"{path.name}: column 'dwelling_id' holds nested data ({dtype}); "
            "a table column must hold plain values"
        )
    return id_col


def _numbered(scan: pl.LazyFrame, columns: list[str]) -> pl.LazyFrame:
    """The file's columns as they are, then ``ROW``: the row number in the whole file."""
    return scan.with_row_index(ROW, offset=1).select(*columns, ROW)


def tables_with_ids(folder: Path) -> Iterator[tuple[str, Path, pl.LazyFrame, list[str], str]]:
    """``(table, path, scan, columns, id column)`` of every Parquet table of ``folder`` that
    has a ``dwelling_id`` column: the tables a batched read can cut by dwelling."""
    files, _ = table_files(folder)
    for table, path in files.items():
        if path.suffix.lower() != ".parquet":
            continue
        scan, schema = _scan_parquet(path)
        columns = list(schema)
        id_col = _id_column(path, schema, _canonical_names(table, path.name, columns)[0])
        if id_col is not None:
            yield table, path, scan, columns, id_col


def split_parquet(folder: Path, parts: int, out: Path) -> dict[str, Path]:
    """Split every Parquet table of ``folder`` that has a ``dwelling_id`` column once,
    streaming, into the ``parts`` batches of :func:`partition_of`, so that batch ``i``
    reads only its own rows instead of scanning the whole file again.

    Rows of batch ``i`` go to ``out/<table>/__part=<i>/`` (polars' partitioned sink, file
    order kept): every column of the file, same names and types, plus ``ROW``. A batch
    without rows gets no directory. The files are LZ4-compressed, without statistics: they
    live for one run and are read whole, and zstd cost 8 CPU-s more at 8.2M dwellings
    (``docs/bench.md``, item 11). Needs about twice the input's size on disk.
    Returns the split directory of each table split; a table without ``dwelling_id`` is
    not split (all its rows belong to batch 0, read from the file as before).
    """
    split: dict[str, Path] = {}
    for table, path, scan, columns, id_col in tables_with_ids(folder):
        key = {_PART: partition_of(pl.col(id_col), parts)}
        target = pl.PartitionBy(
            out / table, key=key, include_key=False, approximate_bytes_per_file=None
        )
        try:
            _numbered(scan, columns).sink_parquet(
                target, mkdir=True, compression="lz4", statistics=False
            )
        except Exception as e:  # noqa: BLE001
            raise UnreadableInput(
                f"{path.name}: not a readable Parquet file, or its per-batch split could not "
                f"be written under {out.parent} (free disk space there: about 2x the "
                f"input is needed) ({e})"
            ) from e
        split[table] = out / table
    return split


@dataclass(frozen=True)
class MemorySplit:
    """A Parquet table read once, whole, and cut into its batches: batch ``i`` is taken
    out of memory (and released) instead of scanning and decoding the whole file again.
    Memory holds the batches not yet taken."""

    #: per batch: every column of the file, same names and types, plus ``ROW``
    batches: dict[int, pl.DataFrame]
    #: the frame of a batch without rows
    empty: pl.DataFrame

    def batch(self, i: int) -> pl.DataFrame:
        return self.batches.pop(i, self.empty)


@dataclass(frozen=True)
class RowRanges:
    """A table listed in dwelling order (:mod:`pipeline.row_ranges`): batch ``i`` is rows
    ``starts[i] <= r < starts[i + 1]`` of its file (0-based), read with a slice; the rows
    keep their numbers in the whole file."""

    starts: tuple[int, ...]

    def slice(self, i: int) -> tuple[int, int]:
        """``(offset, length)`` of batch ``i``."""
        return self.starts[i], self.starts[i + 1] - self.starts[i]


#: Up to this many batches a table is cut with a filter per batch (1M dwellings, 7 tables,
#: 5 batches: 0.67 CPU-s), beyond it with one ``partition_by`` (1.24 CPU-s, but not
#: growing with the number of batches).
_FILTER_MAX_PARTS = 8


def split_in_memory(folder: Path, parts: int) -> dict[str, MemorySplit]:
    """Every Parquet table of ``folder`` that has a ``dwelling_id`` column, read whole
    into memory once with the batch of each row (:func:`partition_of`). Memory holds the
    whole input (about 0.9 GB per million dwellings of the benchmark's portfolio), so
    :func:`pipeline.validate.iter_portfolio` does this only up to a fixed number of
    dwellings. A table without ``dwelling_id`` is not held (batch 0 reads it from the file)."""
    split: dict[str, MemorySplit] = {}
    for table, path, scan, columns, id_col in tables_with_ids(folder):
        try:
            frame = _numbered(scan, columns).collect()
        except Exception as e:  # noqa: BLE001
            raise UnreadableInput(f"{path.name}: not a readable Parquet file ({e})") from e
        part = frame.select(partition_of(pl.col(id_col), parts)).to_series()
        if parts <= _FILTER_MAX_PARTS:
            batches = {i: frame.filter(part == i) for i in range(parts)}
        else:  # one pass; a filter per batch would read the whole table once per batch
            cut = frame.with_columns(part.alias(_PART))
            batches = {
                key[0]: f
                for key, f in cut.partition_by(
                    _PART, as_dict=True, include_key=False, maintain_order=True
                ).items()
            }
        split[table] = MemorySplit(batches, frame.head(0))
        del frame, part
    return split


def read_parquet(
    table: str,
    path: Path,
    warnings: list[str],
    partition: tuple[int, int] | None = None,
    split: Path | MemorySplit | RowRanges | None = None,
) -> RawTable:
    """A Parquet table; with ``partition=(i, k)`` only the rows of batch ``i`` of ``k``,
    with row numbers of the whole file: taken from the table held in memory
    (:class:`MemorySplit`) or read from its own file under ``split`` (see
    :func:`split_parquet`), else filtered out of a lazy scan of the whole file (memory
    holds one batch, but every batch scans the whole file). With :class:`RowRanges` batch
    ``i`` is its slice of the file instead: other dwellings than the hash's batch ``i``,
    so every table of a run must be read the same way."""
    if partition is None:
        try:
            df = pl.read_parquet(path)
        except Exception as e:  # noqa: BLE001
            raise UnreadableInput(f"{path.name}: not a readable Parquet file ({e})") from e
        names, unknown = _canonical_names(table, path.name, df.columns)
        return _finish(table, path, df, names, unknown, warnings, is_text=False)
    scan, schema = _scan_parquet(path)
    columns = list(schema)
    names, unknown = _canonical_names(table, path.name, columns)
    i, k = partition
    id_col = _id_column(path, schema, names)
    scan = _numbered(scan, columns)
    part = split / f"{_PART}={i}" if isinstance(split, Path) else None
    try:
        if isinstance(split, MemorySplit):
            df = split.batch(i)
        elif isinstance(split, RowRanges):
            df = scan.slice(*split.slice(i)).collect()
        elif part is not None and part.is_dir():
            df = pl.read_parquet(part, hive_partitioning=False)
        elif part is not None:  # no rows in this batch
            df = scan.head(0).collect()
        elif id_col is not None:
            df = scan.filter(partition_of(pl.col(id_col), k) == i).collect()
        else:  # no dwelling_id column: validation rejects the rows, once
            df = scan.collect() if i == 0 else scan.head(0).collect()
    except Exception as e:  # noqa: BLE001
        raise UnreadableInput(f"{path.name}: not a readable Parquet file ({e})") from e
    if i != 0:
        warnings = []  # unknown columns are listed once, by batch 0
    return _finish(table, path, df, names, unknown, warnings, is_text=False)


def partition_table(raw: RawTable, partition: tuple[int, int]) -> RawTable:
    """The rows of batch ``i`` of ``k`` of a table read whole (CSV)."""
    i, k = partition
    if "dwelling_id" in raw.frame.columns:
        frame = raw.frame.filter(partition_of(pl.col("dwelling_id"), k) == i)
    else:
        frame = raw.frame if i == 0 else raw.frame.head(0)
    ids = pl.Series([did for _, _, did in raw.ragged], dtype=pl.String)
    parts = pl.select(partition_of(pl.lit(ids), k)).to_series().to_list() if len(ids) else []
    ragged = [r for r, p in zip(raw.ragged, parts, strict=True) if p == i]
    return RawTable(raw.table, raw.path, frame, raw.is_text, raw.decimal_comma, raw.missing, ragged)


def read_tables(
    folder: Path,
    partition: tuple[int, int] | None = None,
    csv_cache: dict[str, RawTable] | None = None,
    split: dict[str, Path] | dict[str, MemorySplit] | dict[str, RowRanges] | None = None,
) -> tuple[dict[str, RawTable], list[str]]:
    """Shape 1: every table present in ``folder``, dwellings first.

    With ``partition=(i, k)``: only batch ``i`` of ``k`` (see :func:`partition_of`; with
    :class:`RowRanges` the batch is a slice of the file instead).
    A Parquet file is taken from ``split`` if it has it (from :func:`split_in_memory` or
    :func:`split_parquet`) or sliced by its row ranges (:mod:`pipeline.row_ranges`), else
    scanned lazily per batch; a CSV file is read whole once (kept in
    ``csv_cache``) and split in memory.
    """
    files, warnings = table_files(folder)
    if partition is not None and partition[0] != 0:
        warnings = []
    tables: dict[str, RawTable] = {}
    for table in TABLE_NAMES:
        p = files.get(table)
        if p is None:
            continue
        if p.suffix.lower() == ".csv":
            if csv_cache is not None and table in csv_cache:
                raw = csv_cache[table]
            else:
                raw = read_csv(table, p, warnings)
                if csv_cache is not None:
                    csv_cache[table] = raw
            tables[table] = raw if partition is None else partition_table(raw, partition)
        else:
            tables[table] = read_parquet(table, p, warnings, partition, (split or {}).get(table))
    return tables, warnings


def count_dwellings(folder: Path) -> int:
    """Data rows of the dwellings table (Parquet: from the file's metadata)."""
    files, _ = table_files(folder)
    p = files.get("dwellings")
    if p is None:
        raise UnreadableInput(f"{folder}: no dwellings.csv or dwellings.parquet; it is required")
    if p.suffix.lower() == ".parquet":
        try:
            return pl.scan_parquet(p).select(pl.len()).collect().item()
        except Exception as e:  # noqa: BLE001
            raise UnreadableInput(f"{p.name}: not a readable Parquet file ({e})") from e
    return read_csv("dwellings", p, []).frame.height


# ---------------------------------------------------------------------------- JSON Lines


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def read_jsonl(path: Path) -> list[JsonLine]:
    """Shape 2: one entry per non-blank line."""
    text = _text_bytes(path).decode("utf-8")
    lines: list[JsonLine] = []
    for n, raw in enumerate(text.split("\n"), start=1):
        s = raw.strip()
        if not s:
            continue
        try:
            lines.append(JsonLine(n, json.loads(s, parse_constant=_no_constants), text=s))
        except ValueError as e:
            lines.append(JsonLine(n, error=str(e), text=s))
    if not lines:
        raise UnreadableInput(f"{path.name}: the file holds no dwellings (no non-blank lines)")
    if all(x.error is not None for x in lines):
        raise UnreadableInput(
            f"{path.name}: not JSON Lines (line {lines[0].line_number}: {lines[0].error})"
        )
    return lines


def portfolio_kind(path: str | Path) -> str:
    """``tables`` or ``jsonl``; raises :class:`UnreadableInput` for anything else."""
    p = _check_path(Path(path))
    if p.is_dir():
        return "tables"
    if p.suffix.lower() in JSONL_SUFFIXES:
        return "jsonl"
    raise UnreadableInput(
        f"{p.name}: a portfolio is a folder of tables (dwellings.csv, rooms.csv, ...) "
        "or a .jsonl / .ndjson file"
    )
