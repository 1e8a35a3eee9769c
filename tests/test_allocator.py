"""polars' allocator keeps freed pages for a batch run (``pipeline.ALLOCATOR_CONF``).

Each case starts a fresh interpreter, as ``wws`` does, and asks jemalloc itself (its
statistics, printed at exit) which decay times it runs with.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from pipeline import _POLARS_DEFAULT, ALLOCATOR_CONF, _allocator_conf


def _decay(env_value: str | None, first: str = "pipeline") -> dict[str, int]:
    env = {k: v for k, v in os.environ.items() if k != "_RJEM_MALLOC_CONF"}
    if env_value is not None:
        env["_RJEM_MALLOC_CONF"] = env_value
    code = f"import {first}; import pipeline, polars as pl; pl.DataFrame({{'a': [1]}})"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    found = dict(re.findall(r"opt\.(dirty_decay_ms|muzzy_decay_ms): (-?\d+)", out.stderr))
    assert set(found) == {"dirty_decay_ms", "muzzy_decay_ms"}, out.stderr[-2000:]
    return {k: int(v) for k, v in found.items()}


@pytest.mark.parametrize(
    "inherited",
    [
        "stats_print:true",  # nothing chosen
        f"{_POLARS_DEFAULT},stats_print:true",  # a child of a process that imported polars
    ],
)
def test_a_run_keeps_freed_pages(inherited):
    assert _decay(inherited) == {"dirty_decay_ms": 30000, "muzzy_decay_ms": 30000}


def test_the_users_choice_wins():
    assert _decay("dirty_decay_ms:0,muzzy_decay_ms:0,stats_print:true") == {
        "dirty_decay_ms": 0,
        "muzzy_decay_ms": 0,
    }


def test_too_late_once_polars_is_imported():
    # a library user who imported polars first keeps polars' own setting
    assert _decay("stats_print:true", first="polars") == {
        "dirty_decay_ms": 500,
        "muzzy_decay_ms": 1000,
    }


def test_conf_text():
    assert _allocator_conf("") == ALLOCATOR_CONF
    assert _allocator_conf(_POLARS_DEFAULT) == f"{_POLARS_DEFAULT},{ALLOCATOR_CONF}"
    assert _allocator_conf("muzzy_decay_ms:5") == "muzzy_decay_ms:5"
