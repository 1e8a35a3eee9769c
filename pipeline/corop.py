"""COROP regions: resolve what a portfolio writes in ``corop_region`` to one of the 40.

Accepted spellings (``portfolio-format.md``, ``corop_region``; ``onzelfstandig.md`` §9.1),
matched case-, accent- and punctuation-insensitively:

- the CBS name (``Groot-Amsterdam``, ``Agglomeratie 's-Gravenhage``),
- the name as printed in the 2026 policy book (``Groot Amsterdam``, ``Friesland (Noord)``),
- the slug of the table (``groot-amsterdam``, ``agglomeratie-s-gravenhage``),
- the CBS code: ``CR23``, ``cr 23``, ``CR-23``, ``COROP23``, or the bare number ``23`` / ``023``.

The answer is the region's slug, the key of the COROP averages in the rule sets; ``None``
when the text names no region. The regions themselves are static data
(``pipeline/rules/data/onzelfstandig/corop_regions.csv``, CBS COROP 2024 classification).
"""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources

__all__ = ["CoropRegion", "corop_regions", "normalise", "resolve_corop", "region"]


@dataclass(frozen=True, slots=True)
class CoropRegion:
    code: str  # "01".."40"
    cbs_code: str  # "CR01".."CR40"
    name: str  # CBS name
    name_beleidsboek: str  # as printed in the 2026 policy book
    slug: str


def normalise(text: str) -> str:
    """Lower case, accents stripped, everything but letters and digits removed."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z]", "", ascii_only.lower())


@functools.cache
def corop_regions() -> tuple[CoropRegion, ...]:
    path = resources.files("pipeline.rules").joinpath("data", "onzelfstandig", "corop_regions.csv")
    rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))
    return tuple(
        CoropRegion(
            code=r["corop_code"],
            cbs_code=r["cbs_code"],
            name=r["corop_name_cbs"],
            name_beleidsboek=r["corop_name_beleidsboek_2026"],
            slug=r["slug"],
        )
        for r in rows
    )


@functools.cache
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for reg in corop_regions():
        for spelling in (reg.name, reg.name_beleidsboek, reg.slug):
            key = normalise(spelling)
            if index.setdefault(key, reg.slug) != reg.slug:  # pragma: no cover - data error
                raise ValueError(f"COROP spelling {spelling!r} names two regions")
    return index


_CODE = re.compile(r"^(?:cr|corop)?0*([0-9]{1,2})$")


def resolve_corop(text: str | None) -> str | None:
    """The slug of the COROP region ``text`` names (name, CBS code or slug), else None."""
    if text is None:
        return None
    key = normalise(str(text))
    if not key:
        return None
    m = _CODE.match(key)
    if m:
        number = int(m.group(1))
        if 1 <= number <= len(corop_regions()):
            return corop_regions()[number - 1].slug
        return None
    return _index().get(key)


def region(slug: str) -> CoropRegion:
    """The region of a resolved slug (KeyError when it is not one)."""
    for reg in corop_regions():
        if reg.slug == slug:
            return reg
    raise KeyError(slug)
