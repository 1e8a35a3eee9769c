"""The independent kind (zelfstandige woonruimten): its rubrieken and their dependencies.

Order of the tuple = order of the breakdown rows (the law's numbering); evaluation order
comes from ``needs`` only (``registry.KindSpec.levels``).
"""

from __future__ import annotations

from pipeline.engine import (
    bij,
    bui,
    context,
    ene,
    geh,
    gpa,
    gvr,
    keu,
    ooz,
    ovz,
    pmn,
    san,
    totals,
    vkv,
    woz,
)
from pipeline.engine.registry import KindSpec, Rubriek
from pipeline.engine.zelfstandig_deps import R1_R10

SPEC = KindSpec(
    kind="independent",
    rubrieken=(
        Rubriek("OVZ", ovz.compute),
        Rubriek("OOZ", ooz.compute),
        Rubriek("VKV", vkv.compute),
        Rubriek("ENE", ene.compute),
        Rubriek("KEU", keu.compute),
        Rubriek("SAN", san.compute),
        Rubriek("GEH", geh.compute),
        Rubriek("BUI", bui.compute),
        Rubriek("GVR", gvr.compute),
        Rubriek("GPA", gpa.compute),
        # 11.2 and 11.3 need the quarter-rounded R1-R10 (§2.5, §3.11.5-6)
        Rubriek("WOZ", woz.compute, needs=R1_R10),
        # the care-home 35 % is taken over R1-R10 and R11 without the 11.2 uplift (§3.12)
        Rubriek("BIJ", bij.compute, needs=(*R1_R10, "WOZ")),
        Rubriek("PMN", pmn.compute),
    ),
    prepare=context.prepare,
    finish=totals.finish,
)
