"""Exact number helpers for the engine: scaled integers, never floats, never banker's rounding.

Units used throughout the engine (all ``Int64`` unless said otherwise):

- ``*_u``   input numbers in micro units: a float ``x`` is read as ``round_half_up(x, 6)``
  (``schemas.numbers.exact``) and held as the integer ``x * 10**6``;
- ``*_h``   areas after ``r2``: hundredths of m²;
- ``*_e4``  points of a breakdown line: 1/10 000 point (``schemas.numbers.line4``);
- ``*_f``   "fine" points: 1/(10 000 × 232 792 560) point; 232 792 560 = lcm(1..22), so
  ``x / n`` stays an integer for every number of sharing addresses n up to 22 (and many
  more); a rubriek with shares sums its exact contributions in fine units and
  quarter-rounds once;
- ``*_q``   rubriek points in quarter points.

All "half" cases round away from zero (zelfstandig.md §2.2).
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from schemas.numbers import E4, to_decimal  # noqa: F401 - the engine's names for them

DEN = 232_792_560  # lcm(1..22): fine units per line unit
FINE = E4 * DEN  # fine units per point
Q_E4 = E4 // 4  # line units per quarter point
MICRO = 1_000_000
I128 = pl.Int128  # for products that may pass 2**63 (fine units, money × factors)


def round_div(num: pl.Expr, den: int | pl.Expr) -> pl.Expr:
    """``num / den`` rounded to an integer, half away from zero (den > 0). Exact on integers."""
    return num.sign() * ((num.abs() * 2 + den) // (den * 2))


def floor_div(num: pl.Expr, den: int | pl.Expr) -> pl.Expr:
    return num // den


def micro(col: str | pl.Expr) -> pl.Expr:
    """A Float64 input read as the exact decimal ``round_half_up(x, 6)``, in micro units.

    ``x * 10**6`` is within far less than 0.5 of the intended integer for any value with at
    most six decimals (the portfolio contract), so rounding it is exact. A seventh-decimal
    tie (``1.0000005``) lands within float noise of ``k + 0.5`` and is sent up, as
    ``Decimal(repr(x)).quantize(..., ROUND_HALF_UP)`` does; null stays null.
    """
    e = pl.col(col) if isinstance(col, str) else col
    m = e * MICRO
    fl = m.floor()
    frac = m - fl
    tie_up = (frac - 0.5).abs() <= m.abs() * 1e-15 + 1e-9
    positive = pl.when(tie_up).then(fl + 1).otherwise((m + 0.5).floor())
    negative = pl.when(tie_up).then(fl).otherwise((m - 0.5).ceil())
    return pl.when(m >= 0).then(positive).otherwise(negative).cast(pl.Int64)


def r2_h(u: pl.Expr) -> pl.Expr:
    """``r2`` of a micro-unit number, in hundredths."""
    return round_div(u, 10_000)


def rint_h(h: pl.Expr) -> pl.Expr:
    """``rint`` of a number in hundredths, as a whole number."""
    return round_div(h, 100)


def quarters_from_e4(e4: pl.Expr) -> pl.Expr:
    """``q(x)`` for ``x`` in line units, as a count of quarter points."""
    return round_div(e4, Q_E4)


def quarters_from_fine(f: pl.Expr) -> pl.Expr:
    return round_div(f, Q_E4 * DEN)


def e4_from_fine(f: pl.Expr) -> pl.Expr:
    """``line4`` of a fine-unit value."""
    return round_div(f, DEN)


def r2_e4(e4_num: pl.Expr, den: int | pl.Expr = 1) -> pl.Expr:
    """``r2(x / den)`` for ``x`` in line units, returned in line units (a multiple of 100)."""
    return round_div(e4_num, den * 100) * 100


def e4(value: Decimal | int | str) -> int:
    """A rule-set number in line units; refuses numbers finer than 1/10 000."""
    d = Decimal(value) * E4
    if d != d.to_integral_value():
        raise ValueError(f"rule value {value} is finer than 1/10000")
    return int(d)


def whole(value: Decimal | int | str) -> int:
    d = Decimal(value)
    if d != d.to_integral_value():
        raise ValueError(f"rule value {value} is not a whole number")
    return int(d)


def micro_int(value: Decimal | int | str) -> int:
    d = Decimal(value) * MICRO
    if d != d.to_integral_value():
        raise ValueError(f"rule value {value} is finer than 1e-6")
    return int(d)


#: below this magnitude an integer k / 10**4 survives a trip through Float64 exactly
#: (the nearest double of k / 10**4 is within 2**-52 relative, far inside half a unit)
FLOAT_SAFE = 2**48


def to_decimal_fast(
    df: pl.DataFrame, col: str, dtype: pl.Decimal, scale_units: int = E4
) -> pl.Expr:
    """:func:`to_decimal`, via Float64 when every value of ``df[col]`` is small enough
    (exact: the decimal cast rounds the double to the nearest ``dtype`` value)."""
    s = df[col]
    big = s.abs().max()
    if big is None or big < FLOAT_SAFE:
        return (pl.col(col) / float(scale_units)).cast(dtype)
    return to_decimal(pl.col(col), dtype, scale_units)
