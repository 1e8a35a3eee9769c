"""The per-dwelling reference scorers: the executable specification and the oracle.

``score_dwelling`` scores one :class:`~schemas.dwelling.Dwelling`; ``score_frames``
scores normalised frames dwelling by dwelling and returns the same frames as the
vectorised engine (:mod:`pipeline.engine`), so the two can be compared row for row.
It also drives ``wws explain``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import polars as pl

from pipeline.reshape import from_frames
from pipeline.rules import rules_for
from schemas import output as O
from schemas.dwelling import Dwelling
from schemas.lines import RUBRIEKEN, attach_labels
from schemas.results import DwellingResult


def score_dwelling(
    d: Dwelling, peildatum: dt.date, rules=None, woz_source: str | None = None
) -> DwellingResult:
    if d.kind.value == "independent":
        from pipeline.reference import zelfstandig

        return zelfstandig.score(
            d, peildatum, rules or rules_for("independent", peildatum), woz_source
        )
    from pipeline.reference import onzelfstandig

    return onzelfstandig.score(
        d, peildatum, rules or rules_for("non_independent", peildatum), woz_source
    )


def results_to_frames(
    results: Iterable[DwellingResult],
    current_rent: dict[str, float | None] | None = None,
    *,
    lines: bool = True,
) -> O.ScoredFrames:
    results = list(results)
    current_rent = current_rent or {}
    scores = pl.DataFrame(
        {
            "dwelling_id": [r.dwelling_id for r in results],
            "kind": [r.kind for r in results],
            "peildatum": [r.peildatum for r in results],
            "points": [r.points for r in results],
            "points_exact": [r.points_exact for r in results],
            "max_rent": [r.max_rent for r in results],
            "surcharge_pct": [r.surcharge_pct for r in results],
            "max_rent_with_surcharge": [r.max_rent_with_surcharge for r in results],
            "sector": [r.sector for r in results],
            "woz_source": [r.woz_source for r in results],
            "woz_value_used": [r.woz_value_used for r in results],
            "woz_valuation_year_used": [r.woz_valuation_year_used for r in results],
            "current_rent": [current_rent.get(r.dwelling_id) for r in results],
        },
        schema=O.SCORES,
        strict=False,
    )
    names = RUBRIEKEN
    breakdown = pl.DataFrame(
        [
            (r.dwelling_id, code, names[r.kind][code], pts)
            for r in results
            for code, pts in r.rubrieken.items()
        ],
        schema=O.BREAKDOWN,
        orient="row",
        strict=False,
    )
    line_frame = None
    if lines:
        raw = pl.DataFrame(
            [
                (r.dwelling_id, ln.rubriek, ln.line, ln.quantity, ln.points)
                for r in results
                for ln in r.lines
            ],
            schema={
                "dwelling_id": pl.String,
                "rubriek": pl.String,
                "line": pl.String,
                "quantity": O.QUANTITY,
                "points": O.LINE_POINTS,
            },
            orient="row",
            strict=False,
        )
        line_frame = attach_labels(raw).select(list(O.LINES))
    return O.ScoredFrames(scores, breakdown, line_frame)


def score_frames(
    frames: dict[str, pl.DataFrame], peildatum: dt.date, rules=None, *, lines: bool = True
) -> O.ScoredFrames:
    """Score every dwelling of the normalised frames, one at a time (the oracle)."""
    dwellings = frames["dwellings"]
    sources = (
        dict(zip(dwellings["dwelling_id"], dwellings["woz_source"], strict=True))
        if "woz_source" in dwellings.columns
        else {}
    )
    results = [
        score_dwelling(
            d,
            peildatum,
            rules if d.kind.value == "independent" else None,
            sources.get(d.dwelling_id),
        )
        for d in from_frames(frames)
    ]
    rents = dict(zip(dwellings["dwelling_id"], dwellings["current_rent"], strict=True))
    return results_to_frames(results, rents, lines=lines)
