"""``resolve_woz``: the WOZ value each dwelling is scored with, as one vectorised join.

Relevant value (zelfstandig.md §3.11.1, onzelfstandig.md §2.11): ``value > 0`` with a
valuation year (year of the waardepeildatum) in {PY-1, PY-2}; of several, the most
recent year. Candidates come from the portfolio and from the cache (``woz_values``,
matched on ``dwelling_id`` or on the WOZ object number). On equal years the portfolio
wins, then the most recently fetched or imported cache row.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from pipeline.woz.ledger import table_exists
from pipeline.woz.models import relevant_years
from pipeline.woz.store import query_frame

_SOURCE_RANK = {"portfolio": 0, "api": 1, "import": 1}


def _col(frame: pl.DataFrame, name: str, dtype: pl.DataType) -> pl.Expr:
    return (pl.col(name) if name in frame.columns else pl.lit(None)).cast(dtype)


def _object_number_expr(frame: pl.DataFrame, col: str) -> pl.Expr:
    s = _col(frame, col, pl.String).str.strip_chars()
    padded = s.str.zfill(12)
    return pl.when(s.str.contains(r"^[0-9]{1,12}$")).then(padded).otherwise(None)


def _cache(con: duckdb.DuckDBPyConnection | None, years: tuple[int, int]) -> pl.DataFrame | None:
    if con is None or not table_exists(con, "woz_values"):
        return None
    return query_frame(
        con,
        "SELECT dwelling_id, woz_object_number, valuation_year, woz_value, source, fetched_at "
        "FROM woz_values WHERE woz_value > 0 AND valuation_year IN (?, ?)",
        list(years),
        {
            "dwelling_id": pl.String,
            "woz_object_number": pl.String,
            "valuation_year": pl.Int64,
            "woz_value": pl.Int64,
            "source": pl.String,
            "fetched_at": pl.Datetime("us"),
        },
    )


def relevant_candidates(
    con: duckdb.DuckDBPyConnection | None, dwellings: pl.DataFrame, peildatum: dt.date
) -> pl.DataFrame:
    """Per dwelling row (``__row``) the chosen relevant value, or no row at all."""
    years = relevant_years(peildatum)
    base = dwellings.select(
        pl.int_range(pl.len(), dtype=pl.UInt32).alias("__row"),
        pl.col("dwelling_id").cast(pl.String),
        _object_number_expr(dwellings, "woz_object_number").alias("__obj"),
        _col(dwellings, "woz_value", pl.Float64).alias("woz_value"),
        _col(dwellings, "woz_valuation_year", pl.Int64).alias("woz_valuation_year"),
    )
    cand_schema = {
        "__row": pl.UInt32,
        "valuation_year": pl.Int64,
        "value": pl.Float64,
        "source": pl.String,
        "fetched_at": pl.Datetime("us"),
    }
    portfolio = base.filter(
        (pl.col("woz_value") > 0) & pl.col("woz_valuation_year").is_in(list(years))
    ).select(
        "__row",
        pl.col("woz_valuation_year").alias("valuation_year"),
        pl.col("woz_value").alias("value"),
        pl.lit("portfolio").alias("source"),
        pl.lit(None, dtype=pl.Datetime("us")).alias("fetched_at"),
    )
    parts = [portfolio.cast(cand_schema)]  # type: ignore[arg-type]
    cache = _cache(con, years)
    if cache is not None and cache.height:
        cache = cache.select(
            pl.col("dwelling_id").cast(pl.String),
            pl.col("woz_object_number").cast(pl.String),
            pl.col("valuation_year").cast(pl.Int64),
            pl.col("woz_value").cast(pl.Float64).alias("value"),
            pl.col("source").cast(pl.String),
            pl.col("fetched_at").cast(pl.Datetime("us")),
        )
        cols = ["__row", "valuation_year", "value", "source", "fetched_at"]
        by_id = base.select("__row", "dwelling_id").join(
            cache.filter(pl.col("dwelling_id").is_not_null()), on="dwelling_id", how="inner"
        )
        by_obj = (
            base.filter(pl.col("__obj").is_not_null())
            .select("__row", "__obj")
            .join(
                cache.filter(pl.col("woz_object_number").is_not_null()),
                left_on="__obj",
                right_on="woz_object_number",
                how="inner",
            )
        )
        parts += [by_id.select(cols).cast(cand_schema), by_obj.select(cols).cast(cand_schema)]  # type: ignore[arg-type]
    cands = pl.concat(parts, how="vertical")
    return (
        cands.with_columns(
            pl.col("source").replace_strict(_SOURCE_RANK, default=9, return_dtype=pl.Int8).alias(
                "__rank"
            )
        )
        .sort(
            ["__row", "valuation_year", "__rank", "fetched_at", "source"],
            descending=[False, True, False, True, False],
            nulls_last=True,
        )
        .unique(subset="__row", keep="first", maintain_order=True)
        .drop("__rank")
    )


def resolve_woz(
    con: duckdb.DuckDBPyConnection | None, dwellings: pl.DataFrame, peildatum: dt.date
) -> pl.DataFrame:
    """The dwellings frame with ``woz_value`` / ``woz_valuation_year`` filled in from
    the cache where that gives the relevant value, and a new column ``woz_source``:

    - ``portfolio``: the portfolio's own value is the relevant one (kept as it is);
    - ``api`` / ``import``: taken from the cache (``woz_values``);
    - null: no relevant value anywhere; the portfolio's values are left untouched and
      the scorer applies the legal fallback (appraisal or minimum).

    Works without a database (``con`` None) or before the cache table exists: then
    only the portfolio counts. Row order, columns and dtypes are kept.
    """
    for name, dtype in (("woz_value", pl.Float64), ("woz_valuation_year", pl.Int64)):
        if name not in dwellings.columns:
            dwellings = dwellings.with_columns(pl.lit(None, dtype=dtype).alias(name))
    chosen = relevant_candidates(con, dwellings, peildatum)
    value_dtype = dwellings.schema["woz_value"]
    year_dtype = dwellings.schema["woz_valuation_year"]
    out = (
        dwellings.with_row_index("__row")
        .join(chosen, on="__row", how="left")
        .sort("__row")
        .with_columns(
            pl.when(pl.col("source").is_not_null())
            .then(pl.col("value"))
            .otherwise(pl.col("woz_value"))
            .cast(value_dtype)
            .alias("woz_value"),
            pl.when(pl.col("source").is_not_null())
            .then(pl.col("valuation_year"))
            .otherwise(pl.col("woz_valuation_year"))
            .cast(year_dtype)
            .alias("woz_valuation_year"),
            pl.col("source").alias("woz_source"),
        )
    )
    return out.select([*dwellings.columns, "woz_source"])
