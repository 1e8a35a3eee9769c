"""Breakdown lines and per-dwelling results, shared by the reference scorer and the engine.

A *line* is one valued item under a rubriek: a space, a facility, a cap or a rounding
correction (``output-contract.md``, ``breakdown_lines``). Line ids are stable paths:

    <rubriek lower-case>.<what>[.<space ref>]      e.g.  ovz.rooms[2], keu.kitchen[1].dishwasher,
                                                          ovz.afronding, woz.maximering

where a space ref is ``<block>[<space_id>]`` (``space_id`` from the input, or the 1-based
position in the block when the input has none). The human label and the unit of a line
are a pure function of its id (``schemas.lines``), so both implementations only have to
agree on ids, quantities and points.

Points of a line are exact decimals quantised to 4 places (half away from zero); each
rubriek ends with an ``<code>.afronding`` line when its quarter rounding moved the sum,
so that the lines of a rubriek always add up to the rubriek exactly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Line:
    rubriek: str
    line: str
    quantity: Decimal | None
    points: Decimal


@dataclass(slots=True)
class DwellingResult:
    dwelling_id: str
    kind: str
    peildatum: dt.date
    rubrieken: dict[str, Decimal]
    lines: list[Line]
    points_exact: Decimal
    points: int
    max_rent: Decimal
    surcharge_pct: Decimal
    max_rent_with_surcharge: Decimal
    sector: str
    woz_source: str | None = None
    woz_value_used: Decimal | None = None
    woz_valuation_year_used: int | None = None
    notes: list[str] = field(default_factory=list)
