"""Rule sets: the numbers of the law as dated data files, chosen by peildatum.

Layout: ``data/<kind folder>/<legal date>/*.csv`` plus a ``manifest.toml`` naming the
sources, and ``data/<kind folder>/coverage.toml`` with the covered peildatum range.
The rule set of a peildatum is the latest folder on or before it; a peildatum outside
the covered range raises :class:`PeildatumNotCovered` (exit code 3), never a silent
fallback to the nearest table (``shared/spec/README.md``, "Rule versions").
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import tomllib
from importlib import resources

from pipeline.rules.zelfstandig import ZelfstandigRules

KIND_FOLDERS = {"independent": "zelfstandig", "non_independent": "onzelfstandig"}


class PeildatumNotCovered(ValueError):
    """The peildatum has no rule set in this package."""


def _data_root(kind: str):
    return resources.files("pipeline.rules").joinpath("data", KIND_FOLDERS[kind])


def read_csv(folder, name: str) -> list[dict[str, str]]:
    text = folder.joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@functools.cache
def coverage(kind: str) -> tuple[dt.date, dt.date]:
    cov = tomllib.loads(_data_root(kind).joinpath("coverage.toml").read_text(encoding="utf-8"))
    return dt.date.fromisoformat(cov["covered_from"]), dt.date.fromisoformat(cov["covered_until"])


@functools.cache
def legal_dates(kind: str) -> tuple[dt.date, ...]:
    root = _data_root(kind)
    dates = []
    for entry in root.iterdir():
        try:
            dates.append(dt.date.fromisoformat(entry.name))
        except ValueError:
            continue
    return tuple(sorted(dates))


def legal_date_for(kind: str, peildatum: dt.date) -> dt.date:
    first, last = coverage(kind)
    if not (first <= peildatum <= last):
        raise PeildatumNotCovered(
            f"peildatum {peildatum.isoformat()} has no rule set for {kind} dwellings; "
            f"this version covers {first.isoformat()} to {last.isoformat()}"
        )
    candidates = [d for d in legal_dates(kind) if d <= peildatum]
    if not candidates:  # pragma: no cover - coverage.toml and folders disagree
        raise PeildatumNotCovered(f"no rule folder on or before {peildatum} for {kind}")
    return candidates[-1]


@functools.cache
def _load(kind: str, legal_date: dt.date):
    folder = _data_root(kind).joinpath(legal_date.isoformat())
    manifest = tomllib.loads(folder.joinpath("manifest.toml").read_text(encoding="utf-8"))
    if kind == "independent":
        return ZelfstandigRules.from_folder(folder, manifest, read_csv)
    from pipeline.rules.onzelfstandig import OnzelfstandigRules  # added by the N issue

    return OnzelfstandigRules.from_folder(folder, manifest, read_csv)


def rules_for(kind: str, peildatum: dt.date):
    """The frozen rule set that applies to ``kind`` dwellings on ``peildatum``."""
    return _load(kind, legal_date_for(kind, peildatum))


def rules_label(peildatum: dt.date, kinds=("independent", "non_independent")) -> str:
    """The ``runs.rules`` value, e.g. ``independent=2026-01-01;non_independent=2026-01-01``."""
    parts = []
    for kind in kinds:
        try:
            parts.append(f"{kind}={legal_date_for(kind, peildatum).isoformat()}")
        except (PeildatumNotCovered, FileNotFoundError, KeyError):
            continue
    return ";".join(parts)
