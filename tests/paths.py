"""Where the tests find the spec's example bodies (copied into the repository)."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SPEC_EXAMPLES = REPO / "tests/data/spec_examples"
SHARED_SPEC = REPO.parent / "shared/spec"
