"""The scorer implementations every golden test runs against.

The reference (per dwelling, Decimal) always; the vectorised engine once it exists.
Both take normalised frames and return :class:`schemas.output.ScoredFrames`.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections.abc import Callable
from decimal import Decimal

import polars as pl

from pipeline.reshape import to_frames
from schemas.dwelling import Dwelling
from schemas.output import ScoredFrames

Scorer = Callable[[dict[str, pl.DataFrame], dt.date], ScoredFrames]


def _reference(frames, peildatum):
    from pipeline.reference import score_frames

    return score_frames(frames, peildatum)


def _engine(frames, peildatum):
    from pipeline.engine import score_frames

    return score_frames(frames, peildatum)


SCORERS: dict[str, Scorer] = {"reference": _reference}
if importlib.util.find_spec("pipeline.engine") is not None:
    SCORERS["engine"] = _engine


def score_one(scorer: str, d: Dwelling, peildatum: dt.date) -> tuple[dict, dict[str, Decimal]]:
    """Score one dwelling: (its scores row, {rubriek: points})."""
    result = SCORERS[scorer](to_frames([d]), peildatum)
    row = result.scores.row(0, named=True)
    rubrieken = dict(result.breakdown.select("rubriek", "points").iter_rows())
    return row, rubrieken
