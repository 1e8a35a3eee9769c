"""Every line id the scorers emit on the sample portfolio has a human label (not the raw
id) and a rubriek name, for both kinds."""

from __future__ import annotations

import datetime as dt

from pipeline.engine import score_frames
from pipeline.validate import load_portfolio
from tests.paths import REPO


def test_every_sample_line_has_a_label():
    p = load_portfolio(REPO / "data/sample", dt.date(2026, 7, 1))
    kinds = set(p.frames["dwellings"]["kind"])
    assert kinds == {"independent", "non_independent"}
    out = score_frames(p.frames, dt.date(2026, 7, 1))
    raw = out.lines.filter(out.lines["label"] == out.lines["line"])
    assert raw.height == 0, sorted(set(raw["line"]))[:20]
    assert out.breakdown["rubriek_name"].null_count() == 0
