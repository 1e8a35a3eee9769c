"""Rubriek names and the human side of breakdown lines (labels, units), from line ids.

Scorers emit ``(dwelling_id, rubriek, line, quantity, points)``; :func:`attach_labels`
adds ``label`` (Dutch, the tenant's language) and ``unit``, vectorised: the space
reference inside a line id (``kitchen[K1]``) is cut out, the remaining template
(``keu.{ref}.dishwasher``) is looked up, and the space is appended to the label.
"""

from __future__ import annotations

import polars as pl

#: VERA woningwaarderingstelselgroep codes and names, per kind (output-contract.md).
RUBRIEKEN: dict[str, dict[str, str]] = {
    "independent": {
        "OVZ": "Oppervlakte van vertrekken",
        "OOZ": "Oppervlakte van overige ruimten",
        "VKV": "Verkoeling en verwarming",
        "ENE": "Energieprestatie",
        "KEU": "Keuken",
        "SAN": "Sanitair",
        "GEH": "Woonvoorzieningen voor gehandicapten",
        "BUI": "Buitenruimten",
        "GVR": "Gemeenschappelijke vertrekken, overige ruimten en voorzieningen",
        "GPA": "Gemeenschappelijke parkeerruimten",
        "WOZ": "Punten voor de WOZ-waarde",
        "BIJ": "Bijzondere voorzieningen",
        "PMN": "Prijsopslag monumenten en nieuwbouw",
    },
    "non_independent": {
        "OVZ": "Oppervlakte van vertrekken",
        "OOZ": "Oppervlakte van overige ruimten",
        "VKV": "Verkoeling en verwarming",
        "ENE": "Energieprestatie",
        "KEU": "Keuken",
        "SAN": "Sanitair",
        "GEH": "Woonvoorzieningen voor gehandicapten",
        "BUI": "Buitenruimten",
        "GBA": "Gemeenschappelijke binnenruimten gedeeld met meerdere adressen",
        "GPA": "Gemeenschappelijke parkeerruimten",
        "WOZ": "Punten voor de WOZ-waarde",
        "BIJ": "Bijzondere voorzieningen",
        "AFT": "Aftrekpunten",
        "PMO": "Prijsopslag monumenten",
    },
}

#: The rubriek number of the law (Bhw Bijlage I) per code, for statements.
RUBRIEK_NUMBER = {
    "OVZ": "1", "OOZ": "2", "VKV": "3", "ENE": "4", "KEU": "5", "SAN": "6", "GEH": "7",
    "BUI": "8", "GVR": "9", "GBA": "9", "GPA": "10", "WOZ": "11", "BIJ": "12", "AFT": "13",
    "PMO": "14", "PMN": "art. 8a",
}  # fmt: skip

BLOCK_NL = {
    "rooms": "ruimte",
    "kitchen": "keuken",
    "sanitary": "sanitaire ruimte",
    "toilet": "toiletruimte",
    "outdoor": "buitenruimte",
    "parking": "parkeerplaats",
}

FEATURES_NL = {
    # kitchen (Bhw Bijlage I A rubriek 5)
    "aanrecht": ("Aanrecht", "m"),
    "extractor_system": ("Inbouw afzuiginstallatie", "stuks"),
    "induction_hob": ("Inbouw kookplaat inductie", "stuks"),
    "ceramic_hob": ("Inbouw kookplaat keramisch", "stuks"),
    "gas_hob": ("Inbouw kookplaat gas", "stuks"),
    "refrigerator": ("Inbouw koelkast", "stuks"),
    "freezer": ("Inbouw vrieskast", "stuks"),
    "oven_electric": ("Inbouw oven elektrisch", "stuks"),
    "oven_gas": ("Inbouw oven gas", "stuks"),
    "microwave": ("Inbouw magnetron", "stuks"),
    "dishwasher": ("Inbouw vaatwasmachine", "stuks"),
    "extra_cupboard_space_per_60cm": ("Extra kastruimte (per 60 cm)", "stuks"),
    "one_hand_mixer_tap": ("Eenhandsmengkraan", "stuks"),
    "thermostatic_mixer_tap": ("Thermostatische mengkraan", "stuks"),
    "one_hand_mixer_tap_with_boiling_function": (
        "Eenhandsmengkraan met kokendwaterfunctie",
        "stuks",
    ),
    "thermostatic_mixer_tap_with_boiling_function": (
        "Thermostatische mengkraan met kokendwaterfunctie",
        "stuks",
    ),
    "max_extras": ("Maximering extra voorzieningen", None),
    # sanitary (rubriek 6)
    "toilet": ("Staand toilet", "stuks"),
    "wall_hung_toilet": ("Hangend toilet", "stuks"),
    "washbasin": ("Wastafel", "stuks"),
    "multi_person_washbasin": ("Meerpersoonswastafel", "stuks"),
    "max_wastafel": ("Maximering wastafels (buiten badruimte)", None),
    "shower": ("Douche", "stuks"),
    "bath": ("Bad", "stuks"),
    "shower_bath": ("Bad en aparte douche", "stuks"),
    "bath_with_bubble_function": ("Bubbelfunctie van het bad", "stuks"),
    "complete_separation_of_shower": ("Volledige afscheiding van de douche", "stuks"),
    "towel_radiator": ("Handdoekenradiator", "stuks"),
    "build_in_cupboard": ("Ingebouwd kastje met wastafel", "stuks"),
    "cupboard_space": ("Kastruimte", "stuks"),
    "power_outlet": ("Stopcontact bij wastafel", "stuks"),
    "max_cupboard_space": ("Maximering kastruimte", None),
    "max_power_outlet": ("Maximering stopcontacten (2 per wastafel)", None),
    "max_meerpersoonswastafel": ("Maximering meerpersoonswastafels (buiten badruimte)", None),
    "laadpaal": ("Oplaadpunt", "stuks"),
}

#: template (line id with the space reference replaced by ``{ref}``) -> (label, unit)
TEMPLATES: dict[str, tuple[str, str | None]] = {
    "ovz.{ref}": ("Oppervlakte vertrek", "m2"),
    "ovz.afronding_m2": ("Afronding totale oppervlakte op hele m²", None),
    "ooz.{ref}": ("Oppervlakte overige ruimte (0,75 per m²)", "m2"),
    "ooz.afronding_m2": ("Afronding totale oppervlakte op hele m²", None),
    "ooz.zolder.{ref}": ("Aftrek zolder zonder vaste trap (max. 5 punten)", None),
    "vkv.verwarmd.{ref}": ("Verwarmd vertrek", "stuks"),
    "vkv.gekoeld.{ref}": ("Gekoeld vertrek", "stuks"),
    "vkv.max_koeling": ("Maximering koeling (2 punten)", None),
    "vkv.verwarmd_overig.{ref}": ("Verwarmde overige ruimte", "stuks"),
    "vkv.verkeersruimten": ("Verwarmde verkeersruimten", "stuks"),
    "vkv.max_overig": ("Maximering overige en verkeersruimten (4 punten)", None),
    "ene.epv": ("Energieprestatievergoeding overeengekomen", None),
    "ene.label": ("Energielabel", None),
    "ene.energie_index": ("Energie-index", "EI"),
    "ene.bouwjaar": ("Bouwjaar (geen geldig label of index)", "jaar"),
    "ene.monument_minimum": ("Monument: geen negatieve punten", None),
    "geh.kosten": ("Kosten woonvoorzieningen gehandicapten (per € 332)", "EUR"),
    "bui.{ref}": ("Buitenruimte", "m2"),
    "bui.prive_aanwezig": ("Aanwezigheid privé-buitenruimte", None),
    "bui.afronding_m2": ("Afronding oppervlakte op hele m² per categorie", None),
    "bui.geen_buitenruimte": ("Geen buitenruimte", None),
    "bui.maximum": ("Maximum 15 punten", None),
    "gpa.{ref}": ("Parkeerplaats, per adres", "stuks"),
    "woz.waarde": ("WOZ-waarde gedeeld door factor I", "EUR"),
    "woz.oppervlakte": ("WOZ-waarde per m² gedeeld door factor II", "m2"),
    "woz.minimum_nieuwbouw": ("Minimum 40 punten nieuwbouw 2015-2019", None),
    "woz.maximering": ("Maximering WOZ-punten (33 %) of bodem 186 punten", None),
    "bij.zorgwoning": ("Zorgwoning: 35 % van rubriek 1 t/m 11", "punten"),
    "bij.deurbel": ("Video- en audiodeurbel", "stuks"),
    "bij.laadpaal.{ref}": ("Eigen oplaadpunt bij parkeerplaats", "stuks"),
    "bij.laadpalen": ("Eigen oplaadpunten", "stuks"),
    "pmn.rijksmonument": ("Rijksmonument, huurovereenkomst vóór 1 juli 2024", None),
    # non-independent dwellings (Bijlage I onder B; docs/lines.md, second part)
    "ooz.afronding_groep": ("Afronding per groep gedeelde ruimten", None),
    "ene.epv_per_m2": ("Energieprestatievergoeding, punten per m²", "m2"),
    "ene.label_per_m2": ("Energielabel, punten per m²", "m2"),
    "ene.energie_index_per_m2": ("Energie-index, punten per m²", "m2"),
    "ene.bouwjaar_per_m2": ("Bouwjaar (geen geldig label of index), punten per m²", "m2"),
    "woz.boven_gemiddelde": ("WOZ-waarde per m² boven het COROP-gemiddelde", "EUR/m2"),
    "woz.rond_gemiddelde": ("WOZ-waarde per m² rond het COROP-gemiddelde", "EUR/m2"),
    "woz.onder_gemiddelde": ("WOZ-waarde per m² onder het COROP-gemiddelde", "EUR/m2"),
    "woz.geen_woz": ("Geen bruikbare WOZ-waarde of taxatie", None),
    "aft.oppervlakte_vertrekken": ("Aftrek: oppervlakte vertrekken kleiner dan 8 m²", "m2"),
    "aft.toegang_via_verhuurder": ("Aftrek: verhuurder heeft toegang via de woonruimte", None),
    "aft.glasoppervlak": ("Aftrek: glasoppervlak woonvertrek te klein", "m2"),
    "aft.raamkozijn": ("Aftrek: onderkant raamkozijn woonvertrek te hoog", "m"),
    "pmo.rijksmonument": ("Rijksmonument, huurovereenkomst vóór 1 juli 2024", None),
}

#: rubriek 9 (GVR, independent) and its non-independent counterpart (GBA) share their lines
_SHARED_INDOOR: dict[str, tuple[str, str | None]] = {
    "zorgwoning": ("Zorgwoning: vaste waardering", None),
    "{ref}": ("Gedeelde ruimte, per adres", "m2"),
    "afronding_m2": ("Afronding oppervlakte op hele m² per groep", None),
    "zolder.{ref}": ("Aftrek zolder zonder vaste trap, per adres", None),
    "verwarmd.{ref}": ("Verwarmde gedeelde ruimte, per adres", "stuks"),
    "gekoeld.{ref}": ("Gekoelde gedeelde ruimte, per adres", "stuks"),
    "verwarmd_overig.{ref}": ("Verwarmde gedeelde overige ruimte, per adres", "stuks"),
}
TEMPLATES.update(
    {f"{code}.{what}": v for code in ("gvr", "gba") for what, v in _SHARED_INDOOR.items()}
)

_REF = r"(rooms|kitchen|sanitary|toilet|outdoor|parking)\[([^\]]*)\]"


def _template_frame() -> pl.DataFrame:
    keys, labels, units = [], [], []
    for key, (label, unit) in TEMPLATES.items():
        keys.append(key)
        labels.append(label)
        units.append(unit)
    for prefix in ("keu", "san", "gvr", "gba"):
        for feat, (label, unit) in FEATURES_NL.items():
            keys.append(f"{prefix}.{{ref}}.{feat}")
            labels.append(label + (", per adres" if prefix in ("gvr", "gba") else ""))
            units.append(unit)
    keys.append("gpa.{ref}.laadpaal")
    labels.append("Oplaadpunt bij gedeelde parkeerplaats, per adres")
    units.append("stuks")
    return pl.DataFrame(
        {"_template": keys, "_label": labels, "_unit": units},
        schema={"_template": pl.String, "_label": pl.String, "_unit": pl.String},
    )


def attach_labels(lines: pl.DataFrame, templates: pl.DataFrame | None = None) -> pl.DataFrame:
    """Add ``label`` and ``unit`` columns derived from ``line`` (vectorised)."""
    templates = _template_frame() if templates is None else templates
    cols = lines.columns
    out = (
        lines.with_columns(
            pl.col("line").str.replace_all(_REF, "{ref}").alias("_template"),
            pl.col("line").str.extract(_REF, 1).alias("_block"),
            pl.col("line").str.extract(_REF, 2).alias("_ref"),
        )
        .with_columns(
            pl.when(pl.col("_template").str.ends_with(".afronding"))
            .then(pl.lit("Afronding op kwartpunten"))
            .otherwise(None)
            .alias("_afr")
        )
        .join(templates, on="_template", how="left")
        .join(
            pl.DataFrame({"_block": list(BLOCK_NL), "_block_nl": list(BLOCK_NL.values())}),
            on="_block",
            how="left",
        )
        .with_columns(
            pl.coalesce("_label", "_afr", pl.col("line")).alias("_label"),
        )
        .with_columns(
            pl.when(pl.col("_ref").is_not_null())
            .then(
                pl.concat_str(
                    pl.col("_label"),
                    pl.lit(" ("),
                    pl.col("_block_nl"),
                    pl.lit(" "),
                    pl.col("_ref"),
                    pl.lit(")"),
                )
            )
            .otherwise(pl.col("_label"))
            .alias("label"),
            pl.col("_unit").alias("unit"),
        )
    )
    keep = [c for c in cols if c not in ("label", "unit")]
    order = keep[: keep.index("line") + 1] + ["label"] + keep[keep.index("line") + 1 :] + ["unit"]
    return out.select(order)
