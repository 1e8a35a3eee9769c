"""Number formatting for the reports: Dutch (``1.234,56``) for the statement, plain
(``1,234.56``) for the analysts' dashboard. Decimals are formatted from the stored
``Decimal``, never through a float."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

SECTOR_NL = {
    "social": "Sociale huur (laag segment)",
    "mid": "Middenhuur (middensegment)",
    "free": "Vrije sector (hoog segment)",
}

SECTOR_EN = {"social": "social", "mid": "mid", "free": "free"}

UNIT_NL = {"m2": "m²", "m": "m", "stuks": "st.", "EUR": "€", "EI": "EI", "jaar": "jaar",
           "punten": "punten"}  # fmt: skip

WOZ_SOURCE_NL = {
    "portfolio": "opgegeven door de verhuurder",
    "api": "WOZ-waardeloket (Kadaster)",
    "import": "geïmporteerd WOZ-bestand",
    "appraisal": "taxatiewaarde",
    "fallback": "minimumwaarde (geen WOZ-waarde bekend)",
}


def _dec(v: Any) -> Decimal | None:
    if v is None:
        return None
    return v if isinstance(v, Decimal) else Decimal(str(v))


def trim(v: Any) -> str:
    """A decimal without trailing zeros (``12.5000`` -> ``12.5``), plain notation."""
    d = _dec(v)
    if d is None:
        return ""
    if d == d.to_integral_value():
        return f"{d.quantize(Decimal(1)):f}"
    return f"{d.normalize():f}"


def _swap(s: str) -> str:
    return s.replace(",", "\0").replace(".", ",").replace("\0", ".")


def nl_number(v: Any, places: int | None = None) -> str:
    """Dutch notation: ``1234.5`` -> ``1.234,5``; ``places`` fixes the decimals."""
    d = _dec(v)
    if d is None:
        return ""
    if places is None:
        text = trim(d)
        whole, _, frac = text.partition(".")
        sign = "-" if whole.startswith("-") else ""
        whole = whole.lstrip("-")
        whole = f"{int(whole):,}"
        return sign + _swap(whole) + ("," + frac if frac else "")
    return _swap(f"{d:,.{places}f}")


def nl_money(v: Any) -> str:
    d = _dec(v)
    return "" if d is None else "€ " + nl_number(d, 2)


def nl_points(v: Any) -> str:
    """Points with two decimals, Dutch: ``58,00``; ``-5,00``."""
    d = _dec(v)
    return "" if d is None else nl_number(d, 2)


def en_number(v: Any, places: int = 0) -> str:
    d = _dec(v)
    return "" if d is None else f"{d:,.{places}f}"


def en_money(v: Any) -> str:
    d = _dec(v)
    return "" if d is None else f"EUR {d:,.2f}"
