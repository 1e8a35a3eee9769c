"""wws-batch: score whole housing portfolios with the Dutch woningwaarderingsstelsel."""

import os
import sys

__version__ = "0.1.0"

#: Options for polars' allocator (jemalloc), which reads ``_RJEM_MALLOC_CONF`` once, when
#: polars is first imported. polars hands freed pages back to the kernel after 0.5-1 s. A
#: batch run frees and takes back the same few GiB for every batch, so it paid about 2
#: million page faults per million dwellings (3-4 CPU-s of kernel time, a tenth of the
#: run). Freed pages kept for 30 s cost about 0.6 GiB of peak RSS at a million dwellings
#: (``docs/bench.md``, item 8).
ALLOCATOR_CONF = "dirty_decay_ms:30000,muzzy_decay_ms:30000"
#: what polars itself puts in ``_RJEM_MALLOC_CONF``; a child of a process that imported
#: polars inherits it, and that is not the user's choice
_POLARS_DEFAULT = "dirty_decay_ms:500,muzzy_decay_ms:1000"


def _allocator_conf(current: str) -> str:
    """``current`` with :data:`ALLOCATOR_CONF` appended (jemalloc: a later option wins),
    unless the user chose the decay times."""
    if "decay_ms" in current.replace(_POLARS_DEFAULT, ""):
        return current
    return ",".join(filter(None, [current, ALLOCATOR_CONF]))


if "polars" not in sys.modules:
    os.environ["_RJEM_MALLOC_CONF"] = _allocator_conf(os.environ.get("_RJEM_MALLOC_CONF", ""))
