"""Exact-number conventions shared by the reference scorer and the engine.

Inputs arrive as floats (CSV, Parquet, JSON). Both scorers read a float ``x`` as the
decimal ``round_half_up(x, 6)``: the value the exporter typed, as long as it had at most
six decimals. All rounding in the law is half up (away from zero), never banker's
rounding (zelfstandig.md §2.2).
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

import polars as pl

#: units per point of a breakdown line's quantity and points (4 decimals, :func:`line4`)
E4 = 10_000

MICRO = Decimal("0.000001")
CENT = Decimal("0.01")
ONE = Decimal("1")
QUARTER = Decimal("0.25")


def exact(x: float | int | Decimal | None) -> Decimal:
    """The exact decimal an input number stands for (6 decimals, half up)."""
    if x is None:
        return Decimal(0)
    if isinstance(x, Decimal):
        return x.quantize(MICRO, rounding=ROUND_HALF_UP)
    return Decimal(repr(float(x)) if isinstance(x, float) else str(x)).quantize(
        MICRO, rounding=ROUND_HALF_UP
    )


def r2(x: Decimal) -> Decimal:
    """Round to 2 decimals, half away from zero."""
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def rint(x: Decimal) -> Decimal:
    """Round to a whole number, half away from zero."""
    return x.quantize(ONE, rounding=ROUND_HALF_UP)


def q(x: Decimal) -> Decimal:
    """Round to a multiple of 0.25; exactly 1/8 goes away from zero (zelfstandig.md §2.2)."""
    return (x / QUARTER).quantize(ONE, rounding=ROUND_HALF_UP) * QUARTER


def floor(x: Decimal) -> Decimal:
    return x.quantize(ONE, rounding=ROUND_FLOOR)


def line4(x: Decimal) -> Decimal:
    """A breakdown line's points: 4 decimals, half away from zero (``schemas.results``)."""
    return x.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def to_decimal(e4_col: pl.Expr, dtype: pl.Decimal, scale_units: int = E4) -> pl.Expr:
    """An integer in 1/``scale_units`` units as an exact ``pl.Decimal`` of ``dtype``."""
    return (e4_col.cast(pl.Decimal(38, 4)) / scale_units).cast(dtype)
