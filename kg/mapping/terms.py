"""Small helpers that turn model values into RDF terms (pyoxigraph), and the triple collector."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Triple

from kg.errors import RecordError
from kg.mapping.namespaces import DCTERMS, TKG, TKGV, XSD

Term = NamedNode | Literal

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")
_YEAR = re.compile(r"^\d{4}$")


def date(value: str) -> Literal:
    """``2020-02-29`` as ``xsd:date``, ``2020-02`` as ``xsd:gYearMonth``, ``2020`` as ``xsd:gYear``."""
    if _DAY.match(value):
        return Literal(value, datatype=XSD.date)
    if _MONTH.match(value):
        return Literal(value, datatype=XSD.gYearMonth)
    if _YEAR.match(value):
        return Literal(value, datatype=XSD.gYear)
    raise RecordError(f"{value!r} is not an ISO date (YYYY-MM-DD, YYYY-MM or YYYY)")


#: The precision (a code of tkgv:date-precision) of a registry date by its datatype, and what makes it a day.
_PRECISIONS = {XSD.date: ("DAY", ""), XSD.gYearMonth: ("MONTH", "-01"), XSD.gYear: ("YEAR", "-01-01")}

#: The registry dates: each is published as given (:func:`date`), and beside it normalised (:func:`normalized`).
REGISTRY_DATES = tuple(
    TKG[name]
    for name in (
        "statusVerifiedDate",
        "startDate",
        "primaryCompletionDate",
        "completionDate",
        "firstPostedDate",
        "lastUpdatePostedDate",
        "lastUpdateSubmittedDate",
        "resultsFirstPostedDate",
    )
) + (DCTERMS.dateSubmitted,)


def normalized(prop: NamedNode) -> tuple[NamedNode, NamedNode]:
    """The properties of a registry date's normalised form: ``tkg:startDate`` -> (``tkg:startDateNormalized``,
    ``tkg:startDatePrecision``); ``dcterms:dateSubmitted`` -> ``tkg:dateSubmittedNormalized`` ..."""
    name = re.split(r"[#/]", prop.value)[-1]
    return TKG[f"{name}Normalized"], TKG[f"{name}Precision"]


def first_day(value: str) -> tuple[Literal, str]:
    """A registry date as the ``xsd:date`` of the first day of the period it gives, and its precision code:
    ``2020-03`` -> (``2020-03-01``, ``MONTH``), ``2020`` -> (``2020-01-01``, ``YEAR``), ``2020-03-15`` -> DAY."""
    precision, suffix = _PRECISIONS[date(value).datatype]
    return Literal(value + suffix, datatype=XSD.date), precision


def integer(value: int) -> Literal:
    return Literal(str(value), datatype=XSD.integer)


def boolean(value: bool) -> Literal:
    return Literal("true" if value else "false", datatype=XSD.boolean)


def decimal(value: float) -> Literal:
    return (
        Literal(repr(float(value)), datatype=XSD.decimal)
        if "e" not in repr(float(value))
        else Literal(f"{value:.10f}".rstrip("0"), datatype=XSD.decimal)
    )


def english(text: str | None) -> Literal | None:
    """Free text from the registry as an English literal, ``"..."@en`` (``None`` for none or blank).

    The one rule for language tags: every free-text literal from the registry is English (the language it is
    submitted in) and tagged ``@en``: titles, summaries, descriptions, criteria, arm and group labels,
    intervention and condition names, keywords, measures, time frames, comments, reasons. Names of
    organisations, people and places, identifiers and codes, e-mail addresses, telephone numbers,
    bibliographic citations, units and the registry's quantities as written (``18 Years``) are not tagged."""
    return Literal(text, language="en") if text and text.strip() else None


_AGE = re.compile(r"([0-9]+) (year|month|week|day|hour|minute)s?", re.IGNORECASE)
#: A unit of an age limit -> the part of an xsd:duration it becomes, and by what the number is multiplied.
_DURATION_PARTS = {
    "year": ("P", "Y", 1),
    "month": ("P", "M", 1),
    "week": ("P", "D", 7),  # xsd:duration has no weeks (ISO 8601's W)
    "day": ("P", "D", 1),
    "hour": ("PT", "H", 1),
    "minute": ("PT", "M", 1),
}


def duration(text: str | None) -> Literal | None:
    """An age limit as the registry writes it (``18 Years``, ``6 Months``, ``18 years``, ``2 Weeks``, ``12 Hours``)
    as an ``xsd:duration`` (``P18Y``, ``P6M``, ``P18Y``, ``P14D``, ``PT12H``); ``None`` for anything else."""
    match = _AGE.fullmatch(" ".join((text or "").split()))
    if match is None:
        return None
    prefix, designator, factor = _DURATION_PARTS[match.group(2).lower()]
    return Literal(f"{prefix}{int(match.group(1)) * factor}{designator}", datatype=XSD.duration)


def concept(scheme: str, code: str) -> NamedNode:
    """The SKOS concept of an enumeration code: ``tkgv:phase/PHASE2``."""
    return TKGV[f"{scheme}/{code}"]


@dataclass
class Triples:
    """The triples of one study: its own (about the study and its parts) and shared ones (about nodes
    many studies point to: organisations, conditions, countries, MeSH descriptors)."""

    own: set[Triple] = field(default_factory=set)
    shared: set[Triple] = field(default_factory=set)

    def add(self, s: NamedNode, p: NamedNode, o: Term | str | None, *, shared: bool = False) -> None:
        """Add a triple; ``None`` or blank ``o`` adds nothing, a ``str`` becomes a plain literal."""
        if o is None:
            return
        if isinstance(o, str):
            if not o.strip():
                return
            o = Literal(o)
        (self.shared if shared else self.own).add(Triple(s, p, o))

    def code(self, s: NamedNode, p: NamedNode, scheme: str, code: str | None) -> None:
        if code:
            self.add(s, p, concept(scheme, code))

    def registry_date(self, s: NamedNode, p: NamedNode, value: str | None) -> None:
        """A registry date (one of :data:`REGISTRY_DATES`) as given, ``tkg:startDate "2020-03"^^xsd:gYearMonth``,
        and beside it normalised, so that comparisons and arithmetic work on every study:
        ``tkg:startDateNormalized "2020-03-01"^^xsd:date ; tkg:startDatePrecision tkgv:date-precision/MONTH``."""
        if not value:
            return
        day, precision = first_day(value)
        normalized_prop, precision_prop = normalized(p)
        self.add(s, p, date(value))
        self.add(s, normalized_prop, day)
        self.code(s, precision_prop, "date-precision", precision)
