"""Shared helpers of the non-independent tests: which scorers to run, how to score one.

The reference always; the vectorised engine once it scores non-independent dwellings
(``pipeline.engine.onzelfstandig`` exists).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from decimal import Decimal

from pipeline.reference import score_dwelling
from pipeline.reshape import to_frames
from schemas.dwelling import Dwelling
from tests.scorers import SCORERS


def n_scorers() -> list[str]:
    names = ["reference"]
    if "engine" in SCORERS and importlib.util.find_spec("pipeline.engine.onzelfstandig"):
        names.append("engine")
    return names


def score_n(scorer: str, d: Dwelling, peildatum: dt.date) -> tuple[dict, dict[str, Decimal]]:
    """(scores row, {rubriek: points}) of one dwelling, through the normalised frames."""
    result = SCORERS[scorer](to_frames([d]), peildatum)
    row = result.scores.row(0, named=True)
    rubrieken = dict(result.breakdown.select("rubriek", "points").iter_rows())
    return row, rubrieken


def score_direct(scorer: str, d: Dwelling, peildatum: dt.date) -> tuple[dict, dict[str, Decimal]]:
    """As :func:`score_n`, but the reference scores the pydantic object itself (for bodies
    the frames round trip cannot carry, e.g. a spec example without build year)."""
    if scorer != "reference":
        return score_n(scorer, d, peildatum)
    r = score_dwelling(d, peildatum)
    row = {
        "points": r.points,
        "points_exact": r.points_exact,
        "max_rent": r.max_rent,
        "surcharge_pct": r.surcharge_pct,
        "max_rent_with_surcharge": r.max_rent_with_surcharge,
        "sector": r.sector,
        "kind": r.kind,
    }
    return row, dict(r.rubrieken)
