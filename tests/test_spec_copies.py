"""The copied spec examples equal the originals (when ``../shared/spec`` is present)."""

import pytest

from tests.paths import SHARED_SPEC, SPEC_EXAMPLES


@pytest.mark.skipif(not SHARED_SPEC.exists(), reason="../shared/spec is not beside this clone")
def test_copies_equal_the_spec():
    originals = sorted((SHARED_SPEC / "wws/examples").glob("*.json"))
    assert originals
    for original in originals:
        assert (SPEC_EXAMPLES / original.name).read_bytes() == original.read_bytes()
