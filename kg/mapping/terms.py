"""Small helpers that turn model values into RDF terms (pyoxigraph), and the triple collector."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Triple

from kg.errors import RecordError
from kg.mapping.namespaces import TKGV, XSD

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


def english(text: str) -> Literal:
    return Literal(text, language="en")


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
