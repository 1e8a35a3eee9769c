"""Engine == reference, proven with generated dwellings (issue 3, item 4).

Every property compares whole output frames: ``scores`` (points, exact points, rent,
surcharge, sector, WOZ source/value/year), ``breakdown`` (every rubriek, zeros included)
and ``breakdown_lines`` (every line id, quantity, points, label, unit).

Default run is modest (the suite stays fast). Deep run::

    WWS_PROPTEST=deep .venv/bin/python -m pytest tests/test_equivalence.py

(``deep``: 2 000 portfolios for the main property; ``WWS_PROPTEST_EXAMPLES=N`` overrides.)
"""

from __future__ import annotations

import datetime as dt
import os

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from pipeline.engine import score_frames as engine
from pipeline.reference import score_frames as reference
from pipeline.reshape import to_frames
from tests.strategies import independent_dwellings, peildata, portfolios

_DEEP = os.environ.get("WWS_PROPTEST") == "deep"
EXAMPLES = int(os.environ.get("WWS_PROPTEST_EXAMPLES", 2000 if _DEEP else 25))


def _settings(max_examples: int) -> settings:
    return settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


KEYS = {
    "scores": ["dwelling_id"],
    "breakdown": ["dwelling_id", "rubriek"],
    "lines": ["dwelling_id", "rubriek", "line"],
}


def _sorted(result) -> dict[str, pl.DataFrame]:
    return {name: getattr(result, name).sort(keys) for name, keys in KEYS.items()}


def assert_same(a, b) -> None:
    """Two ScoredFrames are equal row for row (order of rows irrelevant)."""
    sa, sb = _sorted(a), _sorted(b)
    for name in KEYS:
        left, right = sa[name], sb[name]
        if name == "lines" and not left.equals(right):
            diff = left.join(right, on=KEYS["lines"], how="full", suffix="_ref", coalesce=True)
            bad = diff.filter(
                ~(
                    pl.col("points").eq_missing(pl.col("points_ref"))
                    & pl.col("quantity").eq_missing(pl.col("quantity_ref"))
                )
            )
            raise AssertionError(f"lines differ:\n{bad}")
        assert_frame_equal(left, right, check_exact=True)


@_settings(EXAMPLES)
@given(pd=peildata, data=st.data())
def test_engine_equals_reference(pd, data):
    dwellings = data.draw(portfolios(1, 4, pd))
    frames = to_frames(dwellings)
    if data.draw(st.booleans()):  # the WOZ cache resolver's column (portfolio/api/import)
        sources = st.sampled_from([None, "portfolio", "api", "import"])
        frames["dwellings"] = frames["dwellings"].with_columns(
            pl.Series("woz_source", [data.draw(sources) for _ in dwellings], dtype=pl.String)
        )
    assert_same(engine(frames, pd), reference(frames, pd))


@_settings(max(EXAMPLES // 3, 8))
@given(data=st.data())
def test_both_sides_of_new_year(data):
    """The same dwelling on 2025-12-31 and 2026-01-01 (rent table, WOZ years, minimum WOZ)."""
    dwellings = data.draw(portfolios(1, 2, dt.date(2026, 1, 1)))
    frames = to_frames(dwellings)
    for pd in (dt.date(2025, 12, 31), dt.date(2026, 1, 1)):
        assert_same(engine(frames, pd), reference(frames, pd))


def _shuffle(frames: dict[str, pl.DataFrame], seed: int) -> dict[str, pl.DataFrame]:
    return {name: df.sample(fraction=1.0, shuffle=True, seed=seed) for name, df in frames.items()}


@_settings(max(EXAMPLES // 3, 8))
@given(pd=peildata, data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_row_order_is_irrelevant(pd, data, seed):
    frames = to_frames(data.draw(portfolios(2, 6, pd)))
    assert_same(engine(frames, pd), engine(_shuffle(frames, seed), pd))


@pytest.fixture(scope="module")
def batch_10000(tmp_path_factory):
    """10 000 realistic dwellings (the benchmark generator), validated into frames."""
    from bench.generate import generate, write
    from pipeline.validate import load_portfolio

    folder = write(generate(10_000, seed=7), tmp_path_factory.mktemp("batch"))
    return load_portfolio(folder, dt.date(2026, 7, 1)).frames


def _one(result, dwelling_id: str):
    return type(result)(
        *(getattr(result, name).filter(pl.col("dwelling_id") == dwelling_id) for name in KEYS)
    )


def test_alone_equals_in_a_batch_of_10000(batch_10000):
    """A dwelling scores the same alone as in a batch of 10 000 (and shuffled)."""
    pd = dt.date(2026, 7, 1)
    examples = []

    @_settings(max(EXAMPLES // 6, 4))
    @given(d=independent_dwellings("PROBE", pd))
    def collect(d):
        examples.append(d)

    collect()
    for i, d in enumerate(examples):
        probe = to_frames([d.model_copy(update={"dwelling_id": f"PROBE-{i}"})])
        alone = engine(probe, pd)
        frames = {
            name: pl.concat(
                [batch_10000[name], probe[name].select(batch_10000[name].columns)],
                how="vertical_relaxed",
            )
            for name in batch_10000
        }
        together = engine(_shuffle(frames, seed=i), pd)
        assert together.scores.height == 10_001
        assert_same(alone, _one(together, f"PROBE-{i}"))
        assert_same(alone, reference(probe, pd))


def test_batch_invariants(batch_10000):
    """Lines sum to their rubriek; rubrieken sum to points_exact; points = rint(points_exact)."""
    pd = dt.date(2026, 7, 1)
    r = engine(batch_10000, pd)
    per_rubriek = r.lines.group_by("dwelling_id", "rubriek").agg(pl.col("points").sum())
    joined = r.breakdown.join(per_rubriek, on=["dwelling_id", "rubriek"], how="left", suffix="_l")
    assert joined.filter(
        pl.col("points_l").fill_null(0).cast(pl.Decimal(14, 4))
        != pl.col("points").cast(pl.Decimal(14, 4))
    ).is_empty()
    total = r.breakdown.group_by("dwelling_id").agg(pl.col("points").sum().alias("sum"))
    check = r.scores.join(total, on="dwelling_id")
    assert (
        check["sum"].cast(pl.Decimal(12, 2)) == check["points_exact"].cast(pl.Decimal(12, 2))
    ).all()
    assert r.breakdown.height == 13 * 10_000
    assert set(r.scores["sector"].unique()) <= {"social", "mid", "free"}
