"""The engine's one-pass energy fallback equals scoring again without label or index.

``label_expiry`` needs, per labelled dwelling, the points, maximum rent and sector it would
get with rubriek 4 from the build-year table. The vectorised engine computes them in the
main pass by re-running only ENE and its dependants (``pipeline.engine.score.
_energy_fallback``); the reference scores the dwelling again with ``energy_label`` emptied
and ``energy_index_existence`` false. Generated portfolios (both kinds, mixed) must agree.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import given
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from pipeline.engine import score_frames as engine
from pipeline.engine.registry import kind_spec
from pipeline.engine.score import dependants
from pipeline.reference import score_frames as reference
from pipeline.reshape import to_frames
from tests.strategies import peildata, portfolios
from tests.test_equivalence import EXAMPLES, _settings
from tests.test_onzelfstandig_equivalence import n_portfolios

COLUMNS = ["dwelling_id", "points", "max_rent", "sector"]


def _without_energy(frames: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    out = dict(frames)
    out["dwellings"] = frames["dwellings"].with_columns(
        pl.lit("").alias("energy_label"), pl.lit(False).alias("energy_index_existence")
    )
    return out


def _check(frames: dict[str, pl.DataFrame], pd: dt.date) -> None:
    got = engine(frames, pd, lines=False, energy_fallback=True)
    assert got.energy_fallback is not None
    want = reference(_without_energy(frames), pd, lines=False).scores.select(COLUMNS)
    assert_frame_equal(
        got.energy_fallback.select(COLUMNS).sort("dwelling_id"),
        want.sort("dwelling_id"),
        check_exact=True,
    )
    # the main scores are those of the normal pass
    assert_frame_equal(got.scores, engine(frames, pd, lines=False).scores, check_exact=True)


@_settings(EXAMPLES)
@given(pd=peildata, data=st.data())
def test_independent_fallback_equals_rescoring(pd, data):
    _check(to_frames(data.draw(portfolios(1, 5, pd))), pd)


@_settings(max(EXAMPLES // 2, 10))
@given(pd=peildata, data=st.data())
def test_mixed_fallback_equals_rescoring(pd, data):
    _check(to_frames(data.draw(n_portfolios(pd, mixed=True))), pd)


def test_fallback_changes_something_for_a_labelled_sample_dwelling():
    """Guards against a fallback that silently returns the main scores: on the sample,
    some labelled dwellings must score differently from the build-year table."""
    from pipeline.validate import load_portfolio
    from tests.paths import REPO

    pd = dt.date(2026, 7, 1)
    frames = load_portfolio(REPO / "data/sample", pd).frames
    got = engine(frames, pd, lines=False, energy_fallback=True)
    joined = got.scores.join(got.energy_fallback, on="dwelling_id", suffix="_after")
    assert joined.filter(pl.col("points") != pl.col("points_after")).height > 0


def test_dependants_of_energy():
    assert dependants(kind_spec("independent"), "ENE") == {"ENE", "WOZ", "BIJ"}
    assert dependants(kind_spec("non_independent"), "ENE") == {"ENE", "BIJ"}
