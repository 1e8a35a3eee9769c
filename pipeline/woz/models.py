"""Typed models of the WOZ API's HAL responses (``openapi.yaml``, version 1.0.0).

Haal Centraal leaves out properties without a value, so every field is optional.
Unknown properties are ignored (the API may grow). Names are the API's (camelCase
aliases), attributes are snake_case.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import AliasGenerator, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

_CFG = ConfigDict(
    extra="ignore",
    populate_by_name=True,
    frozen=True,
    alias_generator=AliasGenerator(validation_alias=to_camel, serialization_alias=to_camel),
)

#: statuses that make a value "in objection or appeal" (waarden.feature, indicatieBezwaarBeroep)
OBJECTION_STATUSES = frozenset(
    {"bezwaar_ingediend", "beroep_aangetekend", "hoger_beroep_aangetekend", "cassatie_ingesteld"}
)
ANNULLED = "beschikking_vernietigd"


class _M(BaseModel):
    model_config = _CFG


class HalLink(_M):
    href: str
    templated: bool | None = None
    title: str | None = None


class Aanduiding(_M):
    straat: str | None = None
    huisnummer: int | None = None
    huisletter: str | None = None
    huisnummertoevoeging: str | None = None
    postcode: str | None = None
    woonplaats: str | None = None
    locatieomschrijving: str | None = None
    nummeraanduiding_identificatie: str | None = None


class Waardetabel(_M):
    code: str | None = None
    omschrijving: str | None = None


class Belanghebbende(_M):
    """Owner or user. The client does not ask for these (data minimisation)."""

    burgerservicenummer: str | None = None
    geheimhouding_persoonsgegevens: bool | None = None
    kvk_nummer: str | None = None
    naam: str | None = None
    rsin: str | None = None
    type: str | None = None
    vestigingsnummer: str | None = None


class Waarde(_M):
    vastgestelde_waarde: int | None = None
    waardepeildatum: dt.date | None = None
    ingangsdatum: dt.date | None = None
    beschikkings_statussen: list[str] = Field(default_factory=list)
    indicatie_bezwaar_beroep: bool | None = None


class WozObjectLinks(_M):
    self_: HalLink | None = Field(None, alias="self")
    adres: HalLink | None = None


class WozObject(_M):
    identificatie: str
    aanduiding: Aanduiding | None = None
    adresseerbaar_object_identificaties: list[str] = Field(default_factory=list)
    belanghebbende_eigenaar: Belanghebbende | None = None
    belanghebbende_gebruiker: Belanghebbende | None = None
    grondoppervlakte: int | None = None
    pand_identificaties: list[str] = Field(default_factory=list)
    verantwoordelijke_gemeente: Waardetabel | None = None
    waarden: list[Waarde] = Field(default_factory=list)
    links: WozObjectLinks | None = Field(None, alias="_links")

    def established_values(self) -> list[EstablishedValue]:
        return established_values(self.waarden)


class PaginationLinks(_M):
    self_: HalLink | None = Field(None, alias="self")
    first: HalLink | None = None
    previous: HalLink | None = None
    next: HalLink | None = None


class _Embedded(_M):
    woz_objecten: list[WozObject] | None = None


class WozObjectCollection(_M):
    links: PaginationLinks | None = Field(None, alias="_links")
    embedded: _Embedded | None = Field(None, alias="_embedded")

    @property
    def objects(self) -> list[WozObject]:
        """The objects of this page; ``_embedded: {}`` (nothing found) gives []."""
        if self.embedded is None or self.embedded.woz_objecten is None:
            return []
        return list(self.embedded.woz_objecten)


class EstablishedValue(BaseModel):
    """The value that counts for one waardepeildatum (see :func:`established_values`)."""

    model_config = ConfigDict(frozen=True)

    waardepeildatum: dt.date
    value: int
    ingangsdatum: dt.date | None
    in_objection: bool

    @property
    def valuation_year(self) -> int:
        return self.waardepeildatum.year


def established_values(waarden: list[Waarde]) -> list[EstablishedValue]:
    """One value per waardepeildatum, newest peildatum first.

    The VNG proxy's rule (README §3.3, ``waarden.feature``): per waardepeildatum keep
    the value with the latest ingangsdatum, skipping values whose statuses are all
    ``beschikking_vernietigd`` (annulled decisions). A value without amount or
    peildatum is ignored.
    """
    usable = [
        w
        for w in waarden
        if w.vastgestelde_waarde is not None
        and w.waardepeildatum is not None
        and not (w.beschikkings_statussen and all(s == ANNULLED for s in w.beschikkings_statussen))
    ]
    usable.sort(
        key=lambda w: (w.waardepeildatum, w.ingangsdatum or dt.date.min), reverse=True
    )
    out: list[EstablishedValue] = []
    seen: set[dt.date] = set()
    for w in usable:
        assert w.waardepeildatum is not None and w.vastgestelde_waarde is not None
        if w.waardepeildatum in seen:
            continue
        seen.add(w.waardepeildatum)
        out.append(
            EstablishedValue(
                waardepeildatum=w.waardepeildatum,
                value=w.vastgestelde_waarde,
                ingangsdatum=w.ingangsdatum,
                in_objection=bool(
                    w.indicatie_bezwaar_beroep
                    or OBJECTION_STATUSES.intersection(w.beschikkings_statussen)
                ),
            )
        )
    return out


def relevant_years(peildatum: dt.date) -> tuple[int, int]:
    """The valuation years that count for a peildatum (zelfstandig.md §3.11.1)."""
    return (peildatum.year - 1, peildatum.year - 2)


def parse_object(data: Any) -> WozObject:
    return WozObject.model_validate(data)


def parse_collection(data: Any) -> WozObjectCollection:
    return WozObjectCollection.model_validate(data)
