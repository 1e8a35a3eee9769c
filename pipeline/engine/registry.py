"""The rubriek registry: which rubrieken a kind of dwelling has, and what each one needs.

A rubriek is a pure function ``compute(ctx, deps) -> RubriekResult``: the prepared frames of
one batch (``ctx``) plus the results of the rubrieken it declares in ``needs`` (``deps``, by
code) in, breakdown lines and the rubriek total per dwelling out. Evaluation order is
derived from ``needs`` (a topological sort), never from list position; the list order is
only the order of the ``breakdown`` rows (the law's numbering).

Another kind (``non_independent``) adds its own :class:`KindSpec` with its own rubrieken
(``pipeline/engine/onzelfstandig/``), context builder and finisher; the orchestrator in
``pipeline.engine.score`` does not change.
"""

from __future__ import annotations

import graphlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

#: columns of every rubriek's ``lines`` frame (engine-internal integer units, see ``_num``)
LINE_COLUMNS: dict[str, pl.DataType] = {
    "dwelling_id": pl.String,
    "rubriek": pl.String,
    "line": pl.String,
    "quantity_e4": pl.Int64,
    "points_e4": pl.Int64,
}


@dataclass(frozen=True)
class RubriekResult:
    """What a rubriek returns.

    ``lines``: LINE_COLUMNS, one row per breakdown line, *without* the final
    ``<code>.afronding`` line (added by shared code). ``total``: ``dwelling_id``, ``q`` (the
    rubriek points in quarter points, Int64) and any extra columns the rubriek publishes for
    its dependants (e.g. WOZ publishes the value used). Dwellings without a row score 0.
    """

    lines: pl.LazyFrame
    total: pl.LazyFrame


Compute = Callable[[Any, Mapping[str, RubriekResult]], RubriekResult]


@dataclass(frozen=True)
class Rubriek:
    code: str
    compute: Compute
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class KindSpec:
    """Everything the orchestrator needs to score one kind of dwelling."""

    kind: str
    rubrieken: tuple[Rubriek, ...]
    #: frames, peildatum, rules -> context object handed to every rubriek
    prepare: Callable[[Mapping[str, pl.DataFrame], Any, Any], Any]
    #: (ctx, wide, totals) -> scores frame (``schemas.output.SCORES``). ``wide``: one row per
    #: dwelling of the batch, ``dwelling_id``, ``_idx`` (input order) and one quarter-point
    #: column per rubriek code; ``totals``: each rubriek's collected ``total`` frame by code
    finish: Callable[[Any, pl.DataFrame, Mapping[str, pl.DataFrame]], pl.DataFrame]
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.rubrieken)

    def levels(self) -> list[list[Rubriek]]:
        """Rubrieken grouped in dependency levels: each level needs only earlier levels."""
        by_code = {r.code: r for r in self.rubrieken}
        for r in self.rubrieken:
            unknown = set(r.needs) - by_code.keys()
            if unknown:
                raise ValueError(f"{self.kind}: {r.code} needs unknown rubrieken {sorted(unknown)}")
        sorter = graphlib.TopologicalSorter({r.code: r.needs for r in self.rubrieken})
        sorter.prepare()
        out = []
        while sorter.is_active():
            ready = sorted(sorter.get_ready(), key=self.codes.index)
            out.append([by_code[c] for c in ready])
            sorter.done(*ready)
        return out


def supported_kinds() -> frozenset[str]:
    """Kinds with a registered engine (the onzelfstandig package joins when it exists)."""
    import importlib.util

    kinds = {"independent"}
    if importlib.util.find_spec("pipeline.engine.onzelfstandig") is not None:
        kinds.add("non_independent")
    return frozenset(kinds)


def kind_spec(kind: str) -> KindSpec:
    """The registered spec of ``kind`` (imported lazily: no registration side effects)."""
    if kind == "independent":
        from pipeline.engine.zelfstandig import SPEC

        return SPEC
    if kind == "non_independent":  # pragma: no cover - added by the onzelfstandig issue
        from pipeline.engine.onzelfstandig import SPEC as NSPEC

        return NSPEC
    raise KeyError(f"no engine for dwelling kind {kind!r}")


def empty_lines() -> pl.LazyFrame:
    return pl.LazyFrame(schema=LINE_COLUMNS)


def line_frame(
    lf: pl.LazyFrame,
    rubriek: str,
    line: pl.Expr,
    points_e4: pl.Expr,
    quantity_e4: pl.Expr | None = None,
    *,
    keep_zero: bool = False,
) -> pl.LazyFrame:
    """Select breakdown lines out of ``lf``: one line per row (zero-point rows dropped)."""
    out = lf.select(
        pl.col("dwelling_id"),
        pl.lit(rubriek).alias("rubriek"),
        line.alias("line"),
        (quantity_e4 if quantity_e4 is not None else pl.lit(None))
        .cast(pl.Int64)
        .alias("quantity_e4"),
        points_e4.cast(pl.Int64).alias("points_e4"),
    )
    return out if keep_zero else out.filter(pl.col("points_e4") != 0)


def concat_lines(parts: Sequence[pl.LazyFrame]) -> pl.LazyFrame:
    parts = [p for p in parts if p is not None]
    return pl.concat(parts, how="vertical") if parts else empty_lines()


def dense(n: int, total: pl.DataFrame, column: str = "q") -> pl.Series:
    """``total[column]`` (Int64) at the positions ``total["dwelling_id"]`` of a column of
    ``n`` zeros: a rubriek total as one value per engine id (row numbers 0..n-1, see
    ``prepare``), 0 where a dwelling has no row or a null value."""
    out = pl.zeros(n, pl.Int64, eager=True)
    if total.height == 0:
        return out
    return out.scatter(total["dwelling_id"], total[column].cast(pl.Int64)).fill_null(0)


def summed_q(ctx, totals: Sequence[pl.LazyFrame], column: Sequence[str] | str = "q") -> pl.Expr:
    """Per dwelling, the sum of the rubriek totals ``totals`` (quarter points; a dwelling
    without a row counts 0), as an expression on any frame of ``ctx`` with ``dwelling_id``.

    The totals are placed by :func:`dense` and read back with a gather: no join (ten left
    joins on the dwelling id cost 0.05 s per 140,000 dwellings, and WOZ and BIJ ran them
    twice each, the energy fallback included). ``column``: the column to sum, one for all
    totals or one per total."""
    n = len(ctx.ids)
    columns = [column] * len(totals) if isinstance(column, str) else list(column)
    frames = pl.collect_all(
        [t.select("dwelling_id", pl.col(c)) for t, c in zip(totals, columns, strict=True)]
    )
    acc = pl.zeros(n, pl.Int64, eager=True)
    for f, c in zip(frames, columns, strict=True):
        acc = acc + dense(n, f, c)
    return pl.lit(acc).gather(pl.col("dwelling_id"))
