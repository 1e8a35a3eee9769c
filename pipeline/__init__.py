"""wws-batch: score whole housing portfolios with the Dutch woningwaarderingsstelsel."""

import os
import sys

__version__ = "0.1.0"

#: Options for polars' allocator (jemalloc), which reads them once, when polars is first
#: imported; a value the user set in ``_RJEM_MALLOC_CONF`` wins. polars hands freed pages
#: back to the kernel after 0.5-1 s. A batch run frees and takes back the same few GiB for
#: every batch, so it paid about 2 million page faults per million dwellings (3-4 CPU-s
#: of kernel time, a tenth of the run). Freed pages kept for 30 s cost about 0.5 GiB of
#: peak RSS at a million dwellings (``docs/bench.md``, item 8).
ALLOCATOR_CONF = "dirty_decay_ms:30000,muzzy_decay_ms:30000"
if "polars" not in sys.modules:
    os.environ.setdefault("_RJEM_MALLOC_CONF", ALLOCATOR_CONF)
