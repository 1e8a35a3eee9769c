"""The non-independent kind (onzelfstandige woonruimten, Bhw Bijlage I onder B) in the
vectorised engine: its rubrieken and their dependencies (onzelfstandig.md, profile H with
overrides O1-O8; choices in ``docs/onzelfstandig.md``).

Order of the tuple = order of the breakdown rows (the law's numbering); evaluation order
comes from ``needs`` only. Every divided value is an exact fraction over the batch's common
denominator (``context``), so the engine agrees with ``pipeline.reference.onzelfstandig``
line by line.
"""

from __future__ import annotations

from pipeline.engine.onzelfstandig import (
    aft,
    bij,
    bui,
    context,
    ene,
    gba,
    geh,
    gpa,
    keu,
    ooz,
    ovz,
    pmo,
    san,
    totals,
    vkv,
    woz,
)
from pipeline.engine.registry import KindSpec, Rubriek

SPEC = KindSpec(
    kind=context.KIND,
    rubrieken=(
        Rubriek("OVZ", ovz.compute),
        Rubriek("OOZ", ooz.compute),
        Rubriek("VKV", vkv.compute),
        Rubriek("ENE", ene.compute),
        Rubriek("KEU", keu.compute),
        Rubriek("SAN", san.compute),
        Rubriek("GEH", geh.compute),
        Rubriek("BUI", bui.compute),
        Rubriek("GBA", gba.compute),
        Rubriek("GPA", gpa.compute),
        Rubriek("WOZ", woz.compute),
        # the care-home 35 % is taken over the quarter-rounded rubrieken 1-11 (§2.12)
        Rubriek("BIJ", bij.compute, needs=bij.BASE),
        Rubriek("AFT", aft.compute),
        Rubriek("PMO", pmo.compute),
    ),
    prepare=context.prepare,
    finish=totals.finish,
)
