"""Validate: raw portfolio -> normalised frames of valid dwellings + one reject per problem.

``load_portfolio(path, peildatum)`` reads either shape of ``portfolio-format.md`` and
returns a :class:`Portfolio`: the frames of :mod:`schemas.frames` holding only the
dwellings without any problem, and the ``rejects`` frame (``schemas.output.REJECTS``).

Steps, table shape (all vectorised, no Python loop over rows):

1. parse   every cell of a CSV is text: read it into its type with polars expressions
           (``schemas.tables`` metadata says how); a cell that cannot be read is a
           ``type`` problem, never a crash;
2. check   the pandera model of each table (``schemas.tables``, polars backend,
           ``lazy=True``: every problem of a file in one pass);
3. cross   unknown ``dwelling_id`` in a block table, duplicate ``space_id`` within a
           dwelling's block, unresolvable ``corop_region``;
4. drop    a dwelling with any problem in any table is rejected whole;
5. fill    the contract's defaults, ``category``, ``space_ref`` / ``position``, sanitary
           ``showers`` / ``baths`` from ``shower_facility``; conform to ``schemas.frames``.

JSON Lines: every line is validated with :class:`schemas.dwelling.Dwelling` (a failing
line gives one reject per pydantic error, ``column`` = the error's location path such as
``rooms.0.surface_area``); the valid ones go through ``pipeline.reshape.to_frames`` and
then through steps 2 to 5 above, so both shapes obey exactly the same rules.

Check names in ``rejects.check``: ``required``, ``type``, ``enum``, ``range``, ``format``,
``unique``, ``unknown_dwelling_id``, ``duplicate_space_id``, ``field_count`` (a CSV record
with more fields than its header), ``json`` (a line that is not a JSON object).
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData
from pydantic import BaseModel, ValidationError

from pipeline.ingest import (
    ROW,
    JsonLine,
    MemorySplit,
    RawTable,
    RowRanges,
    UnreadableInput,
    count_dwellings,
    input_files,
    input_sha256,
    portfolio_kind,
    read_jsonl,
    read_tables,
    split_in_memory,
    split_parquet,
    table_files,
)
from pipeline.reshape import to_frames
from pipeline.row_ranges import plan_row_ranges
from schemas import frames as F
from schemas.dwelling import (
    BLOCKS,
    ENERGY_LABELS,
    HOUSE_TYPE_CATEGORY,
    KIND_ALIASES,
    KITCHEN_FEATURES,
    SANITARY_FEATURES,
    Dwelling,
    Kitchen,
    Outdoor,
    Parking,
    Room,
    Sanitary,
    Toilet,
    dwelling_category,
)
from schemas.output import REJECTS
from schemas.tables import (
    BUILD_YEAR_AHEAD,
    BUILD_YEAR_MIN,
    DERIVED,
    TABLE_NAMES,
    input_columns,
    table_schemas,
)

try:  # the COROP resolver is optional: without it only the presence of corop_region is checked
    from pipeline.corop import resolve_corop as _resolve_corop
except ModuleNotFoundError as _e:  # pragma: no cover - depends on the checkout
    if _e.name != "pipeline.corop":
        raise
    _resolve_corop = None

__all__ = ["Portfolio", "UnreadableInput", "input_sha256", "load_portfolio"]

_S, _I, _F, _B, _D = pl.String, pl.Int64, pl.Float64, pl.Boolean, pl.Date
_DTYPES: dict[str, pl.DataType] = {
    "str": _S, "lower": _S, "upper": _S, "digits": _S,
    "int": _I, "count_or_bool": _I,
    "float": _F, "number_or_bool": _F,
    "bool": _B, "flag_of": _B,
    "date": _D,
}  # fmt: skip
_TRUE = ("true", "1", "yes", "ja", "waar")
_FALSE = ("false", "0", "no", "nee", "onwaar")
_BOOL = {**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False)}
_BOOL_WORDS = {k: v for k, v in _BOOL.items() if k not in ("1", "0")}


@dataclass
class Portfolio:
    """A validated portfolio."""

    #: ``schemas.frames`` tables of the valid dwellings (every table present, maybe empty)
    frames: dict[str, pl.DataFrame]
    #: one row per problem (``schemas.output.REJECTS``)
    rejects: pl.DataFrame
    #: data rows of the dwellings table / non-blank lines of the JSON Lines file
    dwellings_read: int
    #: unknown columns, ignored files, ... (never fatal)
    warnings: list[str] = field(default_factory=list)
    input_files: list[Path] = field(default_factory=list)
    #: dwelling rows of the whole input when this is one batch of several (progress)
    input_dwellings: int | None = None

    @property
    def dwellings_valid(self) -> int:
        return self.frames["dwellings"].height

    @property
    def dwellings_rejected(self) -> int:
        """Dwelling rows (lines) read but not in ``frames``: read = valid + rejected."""
        return self.dwellings_read - self.dwellings_valid


#: From this many batches on, the Parquet tables are split once into one file per batch
#: (:func:`pipeline.ingest.split_parquet`) instead of every batch scanning every file.
#: The split costs about as much as 6 scans. ``for b in iter_portfolio(...): pass``, 2
#: shared cores, best of 2, split / scans: 1M dwellings in 5 batches 6.2 / 6.0 s, in 6
#: 6.6 / 6.5 s, in 8 6.9 / 7.4 s (CPU 10.0 / 11.3 s); 4M in 20 batches 25.7 / 46.3 s
#: (CPU 40 / 77 s, peak RSS 1.3 / 2.2 GiB).
PRESPLIT_MIN_BATCHES = 6

#: Up to this many dwellings a batched Parquet portfolio not in dwelling order (see
#: :data:`ROW_RANGES`) is read into memory once and cut into its batches
#: (:func:`pipeline.ingest.split_in_memory`): no split files, no rescans. Peak memory
#: stays bounded: above it, split files or scans. 1M
#: dwellings in 5 batches, reading only: read once 0.4 s (0.7 CPU-s) + batch ids 0.2 CPU-s
#: + filters 1.1 CPU-s, against 5 scans 6.0 s; holds about 0.9 GB more (docs/bench.md).
IN_MEMORY_MAX_DWELLINGS = 1_250_000

#: A batched Parquet portfolio whose tables list the dwellings in one order is read in
#: row ranges (:mod:`pipeline.row_ranges`): no split, nothing held. 8.2M dwellings, 41
#: batches: planning 3-7 s against a 16.5 s split; 1M: as fast as reading it into
#: memory, 0.5-0.6 GiB less peak RSS (docs/bench.md, item 12).
ROW_RANGES = True


def iter_portfolio(
    path: str | Path,
    peildatum: dt.date,
    batch_size: int | None = None,
    *,
    workdir: str | Path | None = None,
) -> Iterator[Portfolio]:
    """The portfolio in batches of about ``batch_size`` dwellings (every row of a dwelling
    in the same batch), so memory holds one batch of a large Parquet portfolio. Each
    batch is validated on its own; checks that span dwellings (duplicate ids, unknown ids
    in block tables) hold because a dwelling id always falls in one batch. A JSON Lines
    file, or a portfolio no larger than ``batch_size``, comes as one batch.

    If every table is Parquet and lists the dwellings in one order (the usual export),
    each batch is a range of rows of every file (:mod:`pipeline.row_ranges`). Otherwise
    a portfolio of at most :data:`IN_MEMORY_MAX_DWELLINGS` dwellings has its Parquet
    tables read into memory once; above that, with :data:`PRESPLIT_MIN_BATCHES` batches
    or more, the Parquet tables are first split into one file per batch in a
    temporary directory ``wws-split-*`` under ``workdir`` (None: the system's temporary
    directory), about twice the input's size on disk. It is removed when the iteration
    ends, stops early (the generator is closed or collected) or fails. Otherwise every
    batch scans the files. Memory, split and scans give the same batches; row ranges
    give other batches, with the same guarantee (every row of a dwelling in one batch).
    """
    path = Path(path)
    if batch_size is None or portfolio_kind(path) != "tables":
        yield load_portfolio(path, peildatum)
        return
    n = count_dwellings(path)
    parts = max(1, -(-n // max(1, batch_size)))
    if parts == 1:
        yield load_portfolio(path, peildatum)
        return
    files, _ = table_files(path)
    parquet = any(p.suffix.lower() == ".parquet" for p in files.values())
    tmp = None
    try:
        split: dict[str, Path] | dict[str, MemorySplit] | dict[str, RowRanges] | None = None
        if parquet and ROW_RANGES:
            split = plan_row_ranges(path, parts)
        if split is None and parquet and n <= IN_MEMORY_MAX_DWELLINGS:
            split = split_in_memory(path, parts)
        elif split is None and parquet and parts >= PRESPLIT_MIN_BATCHES:
            tmp = tempfile.TemporaryDirectory(prefix="wws-split-", dir=workdir)
            split = split_parquet(path, parts, Path(tmp.name))
        cache: dict = {}
        for i in range(parts):
            batch = load_portfolio(
                path, peildatum, partition=(i, parts), _csv_cache=cache, _split=split
            )
            batch.input_dwellings = n
            yield batch
    finally:
        if tmp is not None:
            tmp.cleanup()


def load_portfolio(
    path: str | Path,
    peildatum: dt.date,
    partition: tuple[int, int] | None = None,
    _csv_cache: dict | None = None,
    _split: dict[str, Path] | dict[str, MemorySplit] | dict[str, RowRanges] | None = None,
) -> Portfolio:
    """Read, validate and normalise a portfolio (folder of tables or JSON Lines file);
    with ``partition=(i, k)`` only batch ``i`` of ``k`` (see :func:`iter_portfolio`).

    Raises :class:`pipeline.ingest.UnreadableInput` when the input cannot be read at all.
    """
    path = Path(path)
    if portfolio_kind(path) == "tables":
        tables, warnings = read_tables(path, partition, _csv_cache, _split)
        typed, rejects = _from_tables(tables)
        dwellings_read = tables["dwellings"].frame.height + len(tables["dwellings"].ragged)
    else:
        lines = read_jsonl(path)
        typed, rejects, warnings = _from_jsonl(path.name, lines)
        dwellings_read = len(lines)
    frames, more = _check_and_normalise(typed, peildatum, rejects)
    return Portfolio(
        frames=frames,
        rejects=_finish_rejects([*rejects, *more]),
        dwellings_read=dwellings_read,
        warnings=warnings,
        input_files=input_files(path),
    )


# ============================================================================ typed tables


@dataclass
class _Typed:
    """One table read into types, plus what is needed to report its problems."""

    table: str
    source: str
    #: ROW + every model column (typed); block tables also ``space_id``
    frame: pl.DataFrame
    #: the cells as read (same height), for the ``value`` of a reject; None: use ``frame``
    cells: pl.DataFrame | None = None
    missing: frozenset[str] = frozenset()
    decimal_comma: bool = False
    #: cells that could not be read, as (index, column): pandera's follow-up complaints
    #: about them (a required value is null) are not reported twice
    unreadable: pl.DataFrame | None = None
    #: JSON Lines: the reject ``column`` of a block column (a pydantic-style path)
    label: Callable[[str], pl.Expr] | None = None
    #: checks already done elsewhere (JSON Lines does dwelling_id uniqueness per line)
    skip: frozenset[str] = frozenset()
    #: dwellings table: ids of records that could not be split into fields (rejected
    #: already; their block rows are not "unknown")
    unsplit_ids: tuple[str, ...] = ()

    def value(self, column: str, index: pl.Series) -> pl.Series:
        src = self.cells if self.cells is not None and column in self.cells.columns else self.frame
        if column not in src.columns:
            return pl.Series([None] * len(index), dtype=_S)
        s = src[column].gather(index)
        return s if s.dtype == _S else s.cast(_S, strict=False)

    def column_label(self, column: str, index: pl.Series) -> pl.Series:
        if self.label is None:
            return pl.Series([column] * len(index), dtype=_S)
        return self.frame.select(self.label(column)).to_series().gather(index)


# ---------------------------------------------------------------------------- parsing


def _float(s: pl.Expr, decimal_comma: bool) -> pl.Expr:
    t = s.str.replace_all(",", ".", literal=True) if decimal_comma else s
    f = t.cast(_F, strict=False)
    return pl.when(f.is_finite()).then(f)


def _int(s: pl.Expr, decimal_comma: bool) -> pl.Expr:
    f = _float(s, decimal_comma)
    whole = pl.when((f == f.floor()) & (f.abs() < 2.0**53)).then(f.cast(_I))
    return pl.coalesce(s.cast(_I, strict=False), whole)


def _bool(s: pl.Expr, words: dict[str, bool] = _BOOL) -> pl.Expr:
    low = s.str.to_lowercase()
    true = [k for k, v in words.items() if v]
    false = [k for k, v in words.items() if not v]
    return pl.when(low.is_in(true)).then(True).when(low.is_in(false)).then(False)


def _parse_fast(s: pl.Expr, meta: dict[str, Any]) -> pl.Expr | None:
    """A cheap reading of a text column that is right for the usual spellings (``12``,
    ``12.5``, ``true``/``false``/``1``/``0``): a cell it cannot read is null, and only a
    column with such cells is read again with :func:`_parse_text`. None: no fast path."""
    p = meta["parse"]
    if p == "int":
        return s.cast(_I, strict=False)
    if p == "float":
        f = s.cast(_F, strict=False)
        return pl.when(f.is_finite()).then(f)
    if p == "bool":
        return pl.when(s.is_in(["true", "1"])).then(True).when(s.is_in(["false", "0"])).then(False)
    return None


def _date(s: pl.Expr) -> pl.Expr:
    return pl.when(s.str.contains(r"^\d{4}-\d{2}-\d{2}$")).then(
        s.str.to_date("%Y-%m-%d", strict=False)
    )


def _parse_text(s: pl.Expr, meta: dict[str, Any], dc: bool) -> tuple[pl.Expr, pl.Expr | None]:
    """(value, flag) expressions for a text column."""
    p = meta["parse"]
    if p in ("str", "digits"):
        return s, None
    if p == "lower":
        v = s.str.to_lowercase()
        return (v.replace(meta["aliases"]) if "aliases" in meta else v), None
    if p == "upper":
        return s.str.to_uppercase(), None
    if p == "int":
        return _int(s, dc), None
    if p == "float":
        return _float(s, dc), None
    if p == "bool":
        return _bool(s), None
    if p == "date":
        return _date(s), None
    if p == "count_or_bool":
        return pl.coalesce(_int(s, dc), _bool(s).cast(_I)), None
    if p == "number_or_bool":
        # a number wins: "1" is 1 m² / 1 m, only words (ja, true, ...) are the caller's flag
        flag = _bool(s, _BOOL_WORDS)
        return pl.when(flag.is_null()).then(_float(s, dc)), flag
    raise ValueError(f"unknown parse kind {p!r}")  # pragma: no cover


def _parse_native(
    s: pl.Expr, meta: dict[str, Any], dtype: pl.DataType
) -> tuple[pl.Expr, pl.Expr | None]:
    """(value, flag) for a Parquet column that is not text; other types go through text."""
    p = meta["parse"]
    if dtype == pl.Null:
        flag = pl.lit(None, _B) if p == "number_or_bool" else None
        return pl.lit(None, _DTYPES[p]), flag
    if p == "digits" and dtype.is_integer():
        return s.cast(_S).str.zfill(meta["width"]), None
    if p in ("int", "count_or_bool") and dtype.is_integer():
        return s.cast(_I, strict=False), None
    if p == "count_or_bool" and dtype == _B:
        return s.cast(_I), None
    if p in ("int", "count_or_bool") and dtype.is_float():
        f = s.cast(_F)
        return pl.when(f.is_finite() & (f == f.floor()) & (f.abs() < 2.0**53)).then(
            f.cast(_I)
        ), None
    if p in ("float", "number_or_bool") and dtype.is_numeric():
        f = s.cast(_F)
        v = pl.when(f.is_finite()).then(f)
        return v, (pl.lit(None, _B) if p == "number_or_bool" else None)
    if p == "number_or_bool" and dtype == _B:
        return pl.lit(None, _F), s
    if p == "bool" and dtype == _B:
        return s, None
    if p == "bool" and dtype.is_integer():
        return pl.when(s == 1).then(True).when(s == 0).then(False), None
    if p == "date" and dtype == _D:
        return s, None
    if p == "date" and isinstance(dtype, pl.Datetime):
        return s.dt.date(), None
    return _parse_text(s.cast(_S), meta, False)


def _parse(raw: RawTable) -> _Typed:
    cols = input_columns(raw.table)
    schema = raw.frame.schema
    exprs: list[pl.Expr] = [pl.col(ROW)]
    full: dict[str, pl.Expr] = {}  # name -> its full reading
    fast: list[str] = []
    for name, col in cols.items():
        meta = col.metadata or {}
        p = meta["parse"]
        if name not in schema:
            exprs.append(pl.lit(None, _DTYPES[p]).alias(name))
            if p == "number_or_bool":
                exprs.append(pl.lit(None, _B).alias(f"{name}_flag"))
            continue
        dtype = schema[name]
        if dtype.is_nested():
            raise UnreadableInput(
                f"{raw.source}: column {name!r} holds nested data ({dtype}); "
                "a table column must hold plain values"
            )
        s = pl.col(name)
        if dtype == _S:
            value, flag = _parse_text(s, meta, raw.decimal_comma)
            quick = None if raw.decimal_comma and p == "float" else _parse_fast(s, meta)
        else:
            value, flag = _parse_native(s, meta, dtype)
            quick = None
        full[name] = value
        if quick is not None:
            fast.append(name)
            exprs.append(quick.alias(name))
        else:
            exprs.append(value.alias(name))
            if flag is not None:
                exprs.append(flag.alias(f"{name}_flag"))
    out = raw.frame.lazy().select(exprs).collect()  # lazy: shared subexpressions
    # columns the fast reading could not read entirely: read them properly
    again: list[str] = []
    if fast:
        missed = (
            pl.concat(
                [raw.frame.select(fast), out.select(fast).rename(lambda c: f"__{c}")],
                how="horizontal",
            )
            .lazy()
            .select((pl.col(c).is_not_null() & pl.col(f"__{c}").is_null()).any() for c in fast)
            .collect()
            .row(0)
        )
        again = [c for c, m in zip(fast, missed, strict=True) if m]
        if again:
            out = out.with_columns(
                raw.frame.lazy().select(full[c].alias(c) for c in again).collect()
            )
    slow = [c for c in full if c not in fast or c in again]
    # a cell is unreadable when it holds something and its reading is null (and, for a
    # number_or_bool column, its flag too): read off ``out``, not parsed a second time
    flags = [f"{c}_flag" for c in slow if f"{c}_flag" in out.columns]
    cells_and_values = pl.concat(
        [raw.frame.select(slow), out.select(*slow, *flags).rename(lambda c: f"__{c}")],
        how="horizontal",
    )
    errors = []
    for c in slow:
        bad = pl.col(c).is_not_null() & pl.col(f"__{c}").is_null()
        if f"{c}_flag" in out.columns:
            bad = bad & pl.col(f"__{c}_flag").is_null()
        errors.append(bad.alias(c))
    unreadable = (
        cells_and_values.lazy()
        .select(pl.int_range(pl.len(), dtype=pl.Int32).alias("__index"), *errors)
        .filter(pl.any_horizontal(pl.exclude("__index")))
        .unpivot(index="__index", variable_name="column", value_name="bad")
        .filter("bad")
        .select(pl.col("__index").alias("index"), "column")
        .collect()
        if errors
        else pl.DataFrame(schema={"index": pl.Int32, "column": _S})
    )
    return _Typed(
        table=raw.table,
        source=raw.source,
        frame=out,
        cells=raw.frame,
        missing=raw.missing,
        decimal_comma=raw.decimal_comma,
        unreadable=unreadable,
    )


def _from_tables(tables: dict[str, RawTable]) -> tuple[dict[str, _Typed], list[pl.DataFrame]]:
    typed: dict[str, _Typed] = {}
    rejects: list[pl.DataFrame] = []
    for name, raw in tables.items():
        t = _parse(raw)
        typed[name] = t
        if t.unreadable is not None and t.unreadable.height:
            rejects.extend(_type_rejects(t))
        if raw.ragged:
            rejects.append(_ragged_rejects(t, raw))
            t.unsplit_ids = tuple(did for _, _, did in raw.ragged if did)
    return typed, rejects


# ---------------------------------------------------------------------------- JSON Lines

_TOP_KNOWN = set(Dwelling.model_fields) | {"doorbell_video", "corop_area_amsterdam_or_utrecth"}
_BLOCK_MODELS: dict[str, type[BaseModel]] = {
    "rooms": Room, "kitchen": Kitchen, "sanitary": Sanitary,
    "toilet": Toilet, "outdoor": Outdoor, "parking": Parking,
}  # fmt: skip
_BLOCK_KNOWN = {b: set(m.model_fields) for b, m in _BLOCK_MODELS.items()}

_PYDANTIC_CHECK = {
    "missing": "required",
    "literal_error": "enum",
    "enum": "enum",
    "greater_than_equal": "range",
    "greater_than": "range",
    "less_than_equal": "range",
    "less_than": "range",
    "finite_number": "type",
}


def _json_text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, str):
        return v
    text = json.dumps(v, ensure_ascii=False)
    return text if len(text) <= 200 else text[:197] + "..."


def _pydantic_rejects(
    source: str, line: JsonLine, did: str | None, err: ValidationError
) -> list[dict[str, Any]]:
    out = []
    for e in err.errors(include_url=False):
        loc = ".".join(str(x) for x in e["loc"])
        msg = e["msg"].removeprefix("Value error, ")
        kind = e["type"]
        check = _PYDANTIC_CHECK.get(kind, "type" if kind.endswith(("_parsing", "_type")) else kind)
        value = None if kind == "missing" else _json_text(e.get("input"))
        if not loc:  # the model's kind-dependent requirements: see _kind_rejects
            continue
        out.append(
            {
                "source": source,
                "row_number": line.line_number,
                "dwelling_id": did,
                "column": loc,
                "check": check,
                "value": value,
                "message": f"{loc}: {msg}" + _PYDANTIC_HINT.get(check, ""),
            }
        )
    return out


def _kind_rejects(source: str, line: JsonLine, did: str | None) -> list[dict[str, Any]]:
    """The model's kind-dependent requirements, all of them (pydantic stops at the first,
    and skips them when a field already failed)."""
    obj = line.obj
    kind = obj.get("kind")
    if kind in (None, ""):  # as the model infers it for an API body
        kind = "non_independent" if obj.get("corop_region") and not obj.get("house_type") else ""
    kind = KIND_ALIASES.get(str(kind).strip().lower(), "independent" if kind == "" else None)
    out = []

    def add(column: str, check: str, value: Any, message: str) -> None:
        out.append(
            {"source": source, "row_number": line.line_number, "dwelling_id": did,
             "column": column, "check": check, "value": value, "message": message}
        )  # fmt: skip

    if kind == "independent":
        ht = obj.get("house_type")
        hint = f" (use {_ENUM_HINT['house_type']})"
        if ht is None or (isinstance(ht, str) and not ht.strip()):
            add(
                "house_type",
                "required",
                None,
                "house_type is required for an independent dwelling but empty; fill it in" + hint,
            )
        elif not isinstance(ht, str) or dwelling_category(ht) is None:
            add("house_type", "enum", _json_text(ht),
                f"house_type {_json_text(ht)!r} is not accepted" + hint)  # fmt: skip
    elif kind == "non_independent":
        for column, what in (("usable_surface_area", " (m² of the whole address)"),
                             ("corop_region", f" ({_ENUM_HINT['corop_region']})")):  # fmt: skip
            if obj.get(column) in (None, ""):
                add(column, "required", None,
                    f"{column} is required for a non_independent dwelling but empty; "
                    f"fill it in{what}")  # fmt: skip
    return out


_PYDANTIC_HINT = {
    "required": "; add the field",
    "type": "; correct the value's type (see docs/input.md)",
    "enum": "; use one of the accepted values (see docs/input.md)",
    "range": "; correct the value",
}


def _from_jsonl(
    source: str, lines: list[JsonLine]
) -> tuple[dict[str, _Typed], list[pl.DataFrame], list[str]]:
    rows: list[dict[str, Any]] = []
    valid: list[Dwelling] = []
    valid_lines: list[int] = []
    unknown: set[str] = set()
    ids: list[tuple[int, str]] = []

    def reject(line: JsonLine, did: Any, column: str, check: str, value: Any, msg: str) -> None:
        rows.append(
            {"source": source, "row_number": line.line_number, "dwelling_id": did,
             "column": column, "check": check, "value": value, "message": msg}
        )  # fmt: skip

    for line in lines:
        if line.error is not None or not isinstance(line.obj, dict):
            why = line.error or f"a line must hold one JSON object, not {type(line.obj).__name__}"
            reject(
                line,
                None,
                "",
                "json",
                _json_text(line.text),
                f"line {line.line_number} is not a dwelling: {why}; fix or remove the line",
            )
            continue
        obj = line.obj
        raw_id = obj.get("dwelling_id")
        did = raw_id.strip() if isinstance(raw_id, str) else None
        ok = bool(did)
        if not ok:
            if raw_id is None or did == "":
                reject(
                    line,
                    None,
                    "dwelling_id",
                    "required",
                    None,
                    "dwelling_id is missing; every line needs the dwelling's id",
                )
            else:  # pydantic reports the wrong type below; name the dwelling anyway
                did = _json_text(raw_id)
        else:
            ids.append((line.line_number, did))
        unknown.update(obj.keys() - _TOP_KNOWN)
        for b in BLOCKS:
            items = obj.get(b)
            if isinstance(items, list) and items:
                keys = set().union(*(it.keys() for it in items if isinstance(it, dict)))
                unknown.update(f"{b}[].{k}" for k in keys - _BLOCK_KNOWN[b])
        try:
            d = Dwelling.model_validate(obj)
        except ValidationError as e:
            rows.extend(_pydantic_rejects(source, line, did, e))
            rows.extend(_kind_rejects(source, line, did))
            continue
        if ok:
            if d.dwelling_id != did:  # keep the id trimmed, as the table shape does
                d = d.model_copy(update={"dwelling_id": did})
            valid.append(d)
            valid_lines.append(line.line_number)

    # duplicate dwelling_id across all readable lines (valid or not)
    counts = Counter(i for _, i in ids)
    lines_of: dict[str, list[int]] = {}
    for n, i in ids:
        if counts[i] > 1:
            lines_of.setdefault(i, []).append(n)
    for i, ns in lines_of.items():
        for n in ns:
            rows.append(
                {"source": source, "row_number": n, "dwelling_id": i, "column": "dwelling_id",
                 "check": "unique", "value": i,
                 "message": f"dwelling_id {i!r} occurs {len(ns)} times in {source} (lines "
                 f"{', '.join(map(str, ns))}); each dwelling must appear once: remove or "
                 "renumber the duplicates (all of them are rejected)"}
            )  # fmt: skip

    frames = to_frames(valid)
    typed: dict[str, _Typed] = {}
    dw = frames["dwellings"].with_columns(pl.Series(ROW, valid_lines, dtype=_I))
    typed["dwellings"] = _Typed("dwellings", source, dw, skip=frozenset({"unique"}))
    for b in BLOCKS:
        line_nos = [n for d, n in zip(valid, valid_lines, strict=True) for _ in getattr(d, b)]
        space_ids = [it.space_id for d in valid for it in getattr(d, b)]
        f = frames[b].with_columns(
            pl.Series(ROW, line_nos, dtype=_I), pl.Series("space_id", space_ids, dtype=_S)
        )
        typed[b] = _Typed(b, source, f, label=_json_label(b))
    warnings = (
        [f"{source}: ignored unknown fields: {', '.join(sorted(unknown))}"] if unknown else []
    )
    piece = pl.DataFrame(rows, schema=REJECTS) if rows else None
    return typed, ([piece] if piece is not None else []), warnings


def _json_label(block: str) -> Callable[[str], pl.Expr]:
    nested = {"kitchen": ("kitchen_features", KITCHEN_FEATURES),
              "sanitary": ("sanitary_features", SANITARY_FEATURES)}.get(block)  # fmt: skip

    def label(column: str) -> pl.Expr:
        path = column
        if nested and column in nested[1]:
            path = f"{nested[0]}.{column}"
        return pl.concat_str(
            [pl.lit(f"{block}."), (pl.col("position") - 1).cast(_S), pl.lit(f".{path}")]
        )

    return label


# ============================================================================ checks


def _check_and_normalise(
    typed: dict[str, _Typed], peildatum: dt.date, earlier: Sequence[pl.DataFrame] = ()
) -> tuple[dict[str, pl.DataFrame], list[pl.DataFrame]]:
    """Steps 2-5 on typed tables: pandera, cross-table checks, drop, fill, conform.

    ``earlier``: rejects found before (unreadable cells, failing JSON lines); their
    dwellings are dropped too. Returns the frames and the rejects found here."""
    schemas = table_schemas(peildatum)
    rejects: list[pl.DataFrame] = []
    for name, t in typed.items():
        rejects.extend(_pandera_rejects(t, schemas[name], peildatum))
    dw = typed["dwellings"]
    rejects.extend(_corop_rejects(dw))
    blocks = [b for b in BLOCKS if b in typed]
    run_ids = {b: _run_ids(typed[b].frame) for b in blocks}
    known = pl.concat([dw.frame["dwelling_id"].drop_nulls(), pl.Series(dw.unsplit_ids, dtype=_S)])
    # the usual case, every id of every block table known, in one look-up
    all_ids = pl.concat([known[:0], *run_ids.values()])
    all_known = all_ids.drop_nulls().is_in(known.implode()).all()
    for b in blocks:
        t = typed[b]
        t.frame = _with_positions(t.frame, run_ids[b])
        if not all_known:
            rejects.extend(_unknown_id_rejects(t, known))
        rejects.extend(_duplicate_space_rejects(t))
    found = [*earlier, *rejects]
    bad = (
        pl.concat([r.select(pl.col("dwelling_id").cast(_S)) for r in found])["dwelling_id"]
        .drop_nulls()
        .unique()
        if found
        else pl.Series([], dtype=_S)
    )

    # every problem row carries its dwelling_id (an unknown id in a block table too), so
    # "not null and not rejected" keeps exactly the valid dwellings and their spaces
    keep = pl.col("dwelling_id").is_not_null() & ~pl.col("dwelling_id").is_in(bad.implode())
    out = {"dwellings": F.conform("dwellings", _fill_dwellings(dw.frame.filter(keep)))}
    for b in BLOCKS:
        if b not in typed:
            out[b] = F.empty(b)
            continue
        out[b] = F.conform(b, _fill_block(b, typed[b].frame.filter(keep)))
    # one contiguous chunk per column: what the scorers read many times over
    return {name: f.rechunk() for name, f in out.items()}, rejects


# ---------------------------------------------------------------------------- pandera


def _check_kind(check: str) -> str:
    if check == "not_nullable" or check.startswith("required_for"):
        return "required"
    if check == "field_uniqueness":
        return "unique"
    if check.startswith("isin(") or check == "house_type_known":
        return "enum"
    if check.startswith(("greater_than", "less_than", "in_range")):
        return "range"
    if check.startswith("str_matches("):
        return "format"
    return check


def _builtin_reloaded(check: pa.Check) -> pa.Check:
    """``check`` with its built-in function looked up again, as ``Check.__call__`` does."""
    fn_name = getattr(check._check_fn, "__name__", None)
    if fn_name is not None and check.is_builtin_check(fn_name):
        check._check_fn = check.get_builtin_check_fn(fn_name)
    return check


def _failing_rows(
    frame: pl.DataFrame, schema: pa.DataFrameSchema
) -> tuple[pl.Series, set[str]] | None:
    """The rows of ``frame`` that fail at least one data check of ``schema`` (their
    indices) and the columns whose checks they fail, found in one parallel pass; None when
    that cannot be told this way (pandera must then see the whole frame with every check).

    The checks are pandera's own: each column check's function (through pandera's check
    backend), with pandera's reading of a null outcome (``ignore_na``); ``nullable`` (a
    null, or a NaN in a float column, as pandera counts it) and ``unique``
    (``is_duplicated``, as pandera does). Every check of these models is row-wise (its
    outcome for a row depends on that row only, verified below by the outcome's shape)
    and ``unique`` fails every row of a repeated value, so pandera run on exactly these
    rows, in their order, finds the same failures (at positions within the subset) as on
    the whole frame, and a column none of them fails has nothing to report.

    It uses pandera internals (a check's function and backend); if they change in a later
    pandera, the caller falls back to validating the whole table."""
    if schema.checks or any(c.regex for c in schema.columns.values()):
        return None
    lf = frame.lazy()
    flags: list[tuple[str, pl.Expr]] = []  # (column, fails)
    outputs: list[tuple[str, bool, pl.LazyFrame]] = []  # (column, ignore_na, check outcome)
    for name, col in schema.columns.items():
        if name not in frame.columns:
            return None
        c = pl.col(name)
        if not col.nullable:
            null = c.is_null() | c.is_nan() if frame.schema[name].is_float() else c.is_null()
            flags.append((name, null))
        if col.unique:
            flags.append((name, c.is_duplicated()))
        for check in col.checks:
            if check.element_wise or check.groupby is not None:
                return None
            backend = check.get_backend(lf)(_builtin_reloaded(check))
            out = backend.apply(PolarsData(lf, name))
            if not isinstance(out, pl.LazyFrame):
                return None
            outputs.append((name, check.ignore_na, out))
    names = [n for n, _ in flags]
    flag_frame = lf.select(e.alias(f"f{i}") for i, (_, e) in enumerate(flags))
    results = pl.collect_all([flag_frame, *(o for _, _, o in outputs)])
    fails: dict[str, pl.Series] = {f"f{i}": s for i, s in enumerate(results[0].get_columns())}
    for (name, ignore_na, _), out in zip(outputs, results[1:], strict=True):
        if out.width != 1 or out.height != frame.height or out.dtypes[0] != _B:
            return None
        ok = out.to_series()
        names.append(name)
        fails[f"f{len(names) - 1}"] = ~(ok | ok.is_null()) if ignore_na else ~ok.fill_null(False)
    if not fails:
        return pl.Series("index", [], dtype=pl.Int32), set()
    df = pl.DataFrame(fails)
    any_fail = df.select(pl.all().any()).row(0)
    failing = {n for n, f in zip(names, any_fail, strict=True) if f}
    if not failing:
        return pl.Series("index", [], dtype=pl.Int32), set()
    rows = df.with_row_index("index").filter(pl.any_horizontal(pl.exclude("index")))["index"]
    return rows.cast(pl.Int32), failing


#: (table, peildatum, column names and dtypes) of typed tables that passed pandera's
#: structural checks (pandera's own Python costs about 0.15 s per batch of 7 tables)
_STRUCTURE_OK: set[tuple] = set()


def _pandera_rejects(
    t: _Typed, schema: pa.DataFrameSchema, peildatum: dt.date
) -> list[pl.DataFrame]:
    # pandera checks the whole table's structure (columns, dtypes) and, on the rows that
    # fail some check, the checks of the columns they fail: the same failures as on the
    # whole table with every check, at a fraction of the cost on a mostly valid table
    try:
        found = _failing_rows(t.frame, schema)
    except Exception:  # noqa: BLE001 - it reads pandera internals; any surprise: full run
        found = None
    frame = t.frame
    if found is not None:
        rows, failing = found
        if not failing:
            # no row fails a data check: what is left is the structure (columns and
            # dtypes), the same for every batch of a portfolio; checked once per shape
            shape = (t.table, peildatum, tuple(frame.schema.items()))
            if shape in _STRUCTURE_OK:
                return []
        frame = frame[rows]
        clean = {c: {"checks": [], "nullable": True, "unique": False} for c in schema.columns}
        for c in failing:
            del clean[c]
        if clean:
            schema = schema.update_columns(clean)
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as e:
        fc = e.failure_cases
    else:
        if found is not None and not found[1]:
            _STRUCTURE_OK.add((t.table, peildatum, tuple(t.frame.schema.items())))
        return []
    if fc.filter(pl.col("index").is_null()).height:  # the frame itself is malformed: a bug here
        raise RuntimeError(f"{t.source}: schema-level validation failure\n{fc}")
    if found is not None:  # positions within the subset -> rows of the table
        fc = fc.with_columns(found[0].gather(fc["index"]).alias("index"))
    kinds = {c: _check_kind(c) for c in fc["check"].unique().to_list()}
    fc = fc.select(
        pl.col("index").cast(pl.Int32),
        "column",
        pl.col("check").replace_strict(kinds, return_dtype=_S).alias("kind"),
    ).unique(maintain_order=True)
    if t.unreadable is not None and t.unreadable.height:
        fc = fc.join(t.unreadable, on=["index", "column"], how="anti")
    fc = fc.filter(~pl.col("kind").is_in(list(t.skip)))
    out = []
    for (column, kind), part in fc.group_by(["column", "kind"], maintain_order=True):
        out.append(_piece(t, part["index"], column, kind, peildatum))
    return out


def _piece(t: _Typed, index: pl.Series, column: str, kind: str, peildatum: dt.date) -> pl.DataFrame:
    """Reject rows for the rows ``index`` of table ``t`` failing ``kind`` on ``column``."""
    index = index.cast(pl.Int32).sort()
    df = pl.DataFrame(
        {
            "source": pl.Series([t.source] * len(index), dtype=_S),
            "row_number": t.frame[ROW].gather(index),
            "dwelling_id": t.frame["dwelling_id"].gather(index).cast(_S),
            "column": t.column_label(column, index),
            "check": pl.Series([kind] * len(index), dtype=_S),
            "value": t.value(column, index),
        }
    )
    if kind in ("unique", "duplicate_space_id"):
        return _with_group_message(t, df, column, kind)
    before, after = _message(t, column, kind, peildatum)
    msg = pl.concat_str([pl.lit(before), pl.col("value").fill_null("(empty)"), pl.lit(after)])
    if after is None:  # the value is not part of the message
        msg = pl.lit(before)
    return df.with_columns(msg.alias("message"))


def _with_group_message(t: _Typed, df: pl.DataFrame, column: str, kind: str) -> pl.DataFrame:
    keys = ["dwelling_id"] if kind == "unique" else ["dwelling_id", "value"]
    rows = df.group_by(keys).agg(
        pl.col("row_number").sort().cast(_S).str.join(", ").alias("_rows"),
        pl.len().alias("_n"),
    )
    df = df.join(rows, on=keys, how="left", nulls_equal=True)
    if kind == "unique":
        msg = pl.format(
            "dwelling_id '{}' occurs {} times in {} (rows {}); each dwelling must appear "
            "once: remove or renumber the duplicates (all of them are rejected)",
            pl.col("value"),
            pl.col("_n"),
            pl.lit(t.source),
            pl.col("_rows"),
        )
    else:
        msg = pl.format(
            "space_id '{}' occurs {} times in the {} rows of dwelling '{}' (rows {}); give every "
            "space of a dwelling its own space_id (a row without space_id is numbered by its "
            "position in the dwelling's {} rows)",
            pl.col("value"),
            pl.col("_n"),
            pl.lit(t.table),
            pl.col("dwelling_id"),
            pl.col("_rows"),
            pl.lit(t.table),
        )
    return df.with_columns(msg.alias("message")).drop("_rows", "_n")


_ENUM_HINT = {
    "kind": "independent or non_independent (also: zelfstandig, onzelfstandig)",
    "energy_label": ", ".join(ENERGY_LABELS) + " or empty",
    "monument": "national, municipal, provincial or empty "
    "(also: rijksmonument, gemeentelijk, provinciaal)",
    "type_of_room": "room (a vertrek) or other (an overige ruimte)",
    "shower_facility": "shower, bath, shower/bath or empty",
    "parking_type": "1 (closed garage of the complex), 2 (outdoor with roof), "
    "3 (outdoor without roof)",
    "house_type": "Eengezinswoning, Meergezinswoning or Duplexwoning, or one of the synonyms "
    + ", ".join(sorted(HOUSE_TYPE_CATEGORY)),
    "corop_region": "a COROP region name (e.g. Groot-Amsterdam, Utrecht) or CBS code "
    "(CR01 ... CR40)",
}

_TYPE_HINT = {
    "int": ("a whole number", "write digits only, e.g. 3"),
    "count_or_bool": ("a whole number", "write a count such as 1, or yes/no"),
    "bool": ("a yes/no value", "use true/false, 1/0, yes/no, ja/nee or waar/onwaar"),
    "date": ("a date", "write it as YYYY-MM-DD, e.g. 2024-07-01"),
}


def _message(t: _Typed, column: str, kind: str, peildatum: dt.date) -> tuple[str, str | None]:
    """Message text before and after the offending value (after None: no value shown)."""
    src = t.source
    if kind == "required":
        if column in t.missing:
            return (f"{src} has no column {column}, which is required; add the column "
                    "and fill it in for every row", None)  # fmt: skip
        cond = {"house_type": " for an independent dwelling",
                "usable_surface_area": " for a non_independent dwelling (m² of the whole address)",
                "corop_region": " for a non_independent dwelling"}.get(column, "")  # fmt: skip
        hint = f" ({_ENUM_HINT[column]})" if column in _ENUM_HINT else ""
        return f"{column} is required{cond} but empty; fill it in{hint}", None
    if kind == "type":
        meta = input_columns(t.table)[column].metadata or {}
        p = meta.get("parse")
        if p in ("float", "number_or_bool"):
            comma = (
                "12.5 or 12,5" if t.decimal_comma
                else "12.5 (a decimal comma is only read in a ';'-separated file)"
            )  # fmt: skip
            what = "a number" if p == "float" else "a number or a yes/no value"
            return f"{column} '", f"' is not {what}; write a finite number such as {comma}"
        what, how = _TYPE_HINT.get(p, ("readable", "correct it"))
        return f"{column} '", f"' is not {what}; {how}"
    if kind == "enum":
        return (
            f"{column} '",
            f"' is not accepted; use {_ENUM_HINT.get(column, 'an accepted value')}",
        )
    if kind == "range":
        if column in ("build_year", "newbuild_completion_year"):
            top = peildatum.year + BUILD_YEAR_AHEAD
            return (
                f"{column} ",
                f" is out of range: it must lie between {BUILD_YEAR_MIN} and {top} "
                f"(the peildatum's year + {BUILD_YEAR_AHEAD}); correct the year",
            )
        if column in ("shared_addresses", "shared_spaces"):
            return f"{column} ", " is negative; write the number of sharers, 1 or more"
        return f"{column} ", " is negative; it must be 0 or more"
    if kind == "format":
        width = (input_columns(t.table)[column].metadata or {}).get("width")
        what = "a BAG id" if width == 16 else "a WOZ object number"
        return (f"{column} '", f"' is not {what}: it must be exactly {width} digits (if a "
                "spreadsheet dropped a leading zero, store the column as text)")  # fmt: skip
    if kind == "unknown_dwelling_id":
        return (f"this {t.table} row refers to dwelling_id '", "', which is not in the "
                "dwellings table; add the dwelling or correct the id")  # fmt: skip
    return f"{column} '", f"' fails check {kind}"


def _type_rejects(t: _Typed) -> list[pl.DataFrame]:
    assert t.unreadable is not None
    out = []
    for (column,), part in t.unreadable.group_by(["column"], maintain_order=True):
        out.append(_piece(t, part["index"], column, "type", dt.date.min))
    return out


def _ragged_rejects(t: _Typed, raw: RawTable) -> pl.DataFrame:
    sep = ";" if raw.decimal_comma else ","
    rows = [
        {"source": t.source, "row_number": n, "dwelling_id": did, "column": "",
         "check": "field_count", "value": sep.join(rec),
         "message": f"this record has {len(rec)} fields, more than the header; a value "
         "probably contains the delimiter: quote it (in a ','-separated file write decimals "
         "with a point)"}
        for n, rec, did in raw.ragged
    ]  # fmt: skip
    return pl.DataFrame(rows, schema=REJECTS)


# ---------------------------------------------------------------------------- cross checks


def _corop_rejects(dw: _Typed) -> list[pl.DataFrame]:
    if _resolve_corop is None:
        return []
    f = dw.frame
    n = f.filter((pl.col("kind") == "non_independent") & pl.col("corop_region").is_not_null())
    if not n.height:
        return []
    unresolved = [v for v in n["corop_region"].unique().to_list() if _resolve_corop(v) is None]
    if not unresolved:
        return []
    idx = f.with_row_index("index").filter(
        (pl.col("kind") == "non_independent")
        & pl.col("corop_region").is_in(pl.Series(unresolved, dtype=_S).implode())
    )["index"]
    return [_piece(dw, idx, "corop_region", "enum", dt.date.min)]


def _run_ids(f: pl.DataFrame) -> pl.Series:
    """``dwelling_id`` at the first row of each run of equal ids (null a value too): every
    id of ``f`` is among them, each as often as its rows form separate runs (so once
    each when every dwelling's rows are contiguous), in a fraction of the rows."""
    d = pl.col("dwelling_id")
    return f.select(d.filter(d.ne_missing(d.shift(1)) | (pl.int_range(pl.len()) == 0)))[
        "dwelling_id"
    ]


def _with_positions(f: pl.DataFrame, ids: pl.Series) -> pl.DataFrame:
    """``position`` (1-based, input order within the dwelling's block) and ``space_ref``;
    ``ids``: :func:`_run_ids` of ``f``."""
    # the rows of every dwelling are contiguous (the usual export) iff no id starts two runs
    if ids.n_unique() == len(ids):  # no group-by needed
        run = pl.col("dwelling_id").rle_id()
        idx = pl.int_range(pl.len(), dtype=_I)
        start = pl.when((run != run.shift(1)).fill_null(True)).then(idx).forward_fill()
        pos = idx - start + 1
    else:
        pos = pl.int_range(pl.len(), dtype=_I).over("dwelling_id") + 1
    f = f.lazy().with_columns(pos.alias("position")).collect()
    # the position as text: gathered from the few distinct numbers (formatting every row
    # costs several times more)
    position = f["position"]
    top = position.max() if len(position) else 0
    if top <= _POSITION_TEXTS:
        text = pl.Series([str(i) for i in range(top + 1)], dtype=_S).gather(position)
    else:  # pragma: no cover - a dwelling with thousands of rows in one table
        text = position.cast(_S)
    return f.with_columns(pl.coalesce(pl.col("space_id"), text).alias("space_ref"))


#: up to this position :func:`_with_positions` gathers the text of a position from a table
_POSITION_TEXTS = 10_000


def _unknown_id_rejects(t: _Typed, known: pl.Series) -> list[pl.DataFrame]:
    """``known``: the ids of the dwellings table (those of unsplit records included)."""
    idx = t.frame.with_row_index("index").filter(
        pl.col("dwelling_id").is_not_null() & ~pl.col("dwelling_id").is_in(known.implode())
    )["index"]
    return [_piece(t, idx, "dwelling_id", "unknown_dwelling_id", dt.date.min)] if len(idx) else []


def _duplicate_space_rejects(t: _Typed) -> list[pl.DataFrame]:
    # a dwelling whose rows have no space_id has the distinct references 1, 2, ...
    # (positions): only the rows of dwellings with some space_id can repeat a reference
    if t.frame["space_id"].null_count() == t.frame.height:
        return []
    with_id = t.frame.filter(pl.col("space_id").is_not_null())["dwelling_id"].drop_nulls()
    key = pl.struct("dwelling_id", "space_ref")
    # a hash is cheap on a million rows; the (rare) candidates are then compared exactly
    candidates = (
        t.frame.with_row_index("index")
        .filter(pl.col("dwelling_id").is_in(with_id.unique().implode()))
        .filter(key.hash().is_duplicated())
    )
    idx = candidates.filter(pl.len().over("dwelling_id", "space_ref") > 1)["index"]
    if not len(idx):
        return []
    piece = _piece(t, idx, "space_id", "duplicate_space_id", dt.date.min)
    # the value is the space reference (space_id, or the position of a row without one)
    refs = t.frame["space_ref"].gather(idx.cast(pl.Int32).sort())
    return [
        _with_group_message(
            t, piece.drop("message").with_columns(value=refs), "space_id", "duplicate_space_id"
        )
    ]


# ---------------------------------------------------------------------------- defaults


def _defaults(table: str) -> list[pl.Expr]:
    out = []
    for name, col in input_columns(table).items():
        meta = col.metadata or {}
        d = meta.get("default")
        if d is None or d == DERIVED:
            continue
        e = pl.col(name)
        if meta.get("zero_is_default"):
            e = pl.when(e.is_null() | (e == 0)).then(pl.lit(d, _I)).otherwise(e)
        else:
            e = e.fill_null(d)
        out.append(e.alias(name))
    return out


def _fill_dwellings(f: pl.DataFrame) -> pl.DataFrame:
    return f.with_columns(
        *_defaults("dwellings"),
        pl.col("newbuild_completion_year").fill_null(pl.col("build_year")),
        pl.col("house_type")
        .str.strip_chars()
        .str.to_lowercase()
        .replace_strict(HOUSE_TYPE_CATEGORY, default=None, return_dtype=_S)
        .alias("category"),
    )


def _fill_block(block: str, f: pl.DataFrame) -> pl.DataFrame:
    f = f.with_columns(*_defaults(block))
    if block == "sanitary":
        sf = pl.col("shower_facility")
        f = f.with_columns(
            pl.col("showers").fill_null(sf.is_in(["shower", "shower/bath"]).cast(_I)),
            pl.col("baths").fill_null(sf.is_in(["bath", "shower/bath"]).cast(_I)),
        )
    return f


# ---------------------------------------------------------------------------- rejects


def _finish_rejects(pieces: list[pl.DataFrame]) -> pl.DataFrame:
    if not pieces:
        return pl.DataFrame(schema=REJECTS)
    order = {name: i for i, name in enumerate(TABLE_NAMES)}
    df = pl.concat([p.select(list(REJECTS)).cast(REJECTS) for p in pieces], how="vertical")
    rank = pl.col("source").str.replace(r"\.[^.]*$", "").str.to_lowercase()
    return (
        df.with_columns(
            rank.replace_strict(order, default=len(order), return_dtype=pl.Int32).alias("_t")
        )
        .sort("_t", "source", "row_number", maintain_order=True, nulls_last=True)
        .drop("_t")
    )
