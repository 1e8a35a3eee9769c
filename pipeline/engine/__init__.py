"""The vectorised engine: whole portfolios scored as polars columns (issue 3).

Entry point: :func:`score_frames` (same contract as ``pipeline.reference.score_frames``).
Layout and the pattern for adding rubrieken or kinds: ``docs/engine.md``.
"""

from pipeline.engine.score import score_frames

__all__ = ["score_frames"]
