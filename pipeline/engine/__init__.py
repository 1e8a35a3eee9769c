"""The vectorised engine: whole portfolios scored as polars columns (issue 3).

Entry point: :func:`score_frames` (same contract as ``pipeline.reference.score_frames``).
Layout and the pattern for adding rubrieken or kinds: ``docs/engine.md``.
"""

from pipeline.engine.registry import supported_kinds
from pipeline.engine.score import score_frames

#: dwelling kinds this engine scores (``pipeline.run`` routes the others elsewhere)
SUPPORTED_KINDS = supported_kinds()

__all__ = ["SUPPORTED_KINDS", "score_frames"]
