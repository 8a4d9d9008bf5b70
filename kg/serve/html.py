"""RDF terms as the server's pages show them: what a template needs to draw a link, a literal or a blank node.

No HTML here: the templates under ``kg/templates/serve/`` draw these (``macros.html``), escaping every value.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import pyoxigraph as ox

from kg.iris import curie as as_curie
from kg.mapping.namespaces import PREFIXES
from kg.templates import href

if TYPE_CHECKING:
    from kg.serve.site import Site

XSD_STRING = PREFIXES["xsd"] + "string"


class Term(NamedTuple):
    """One RDF term as shown: a ``link`` (to a local page or an http(s) IRI), an ``iri`` that is not a web
    address (shown as text), a ``literal`` (with its language or short datatype) or a ``bnode``."""

    kind: Literal["link", "iri", "literal", "bnode"]  # a tuple: quick to make, 100,000s for a big table
    text: str
    href: str = ""
    title: str = ""  # the full IRI
    external: bool = False
    lang: str = ""
    datatype: str = ""


def curie(site: Site, iri: str) -> str:
    """``tkg:phase`` for an IRI in a known namespace (the longest that fits), else the IRI."""
    return as_curie(iri, site.base)


def iri_term(site: Site, iri: str, text: str | None = None, *, label: bool = True) -> Term:
    """A link to an IRI: to its local page when it is one of ours, shown by its label if it has one.
    Only http(s) IRIs become links elsewhere: a ``javascript:`` IRI in the data stays text."""
    local = site.local(iri)
    shown = text or (site.resources.label(iri) if label else None) or curie(site, iri)
    if local is None and not iri.lower().startswith(("http://", "https://")):
        return Term("iri", shown, title=iri)
    return Term("link", shown, href=href(local) if local else iri, title=iri, external=local is None)


def literal(value: str, language: str | None = None, datatype: str | None = None) -> Term:
    short = datatype.rsplit("#", 1)[-1].rsplit("/", 1)[-1] if datatype and datatype != XSD_STRING else ""
    return Term("literal", value, lang=language or "", datatype="" if language else short)


def term(site: Site, t: Any) -> Term:
    if isinstance(t, ox.NamedNode):
        return iri_term(site, t.value)
    if isinstance(t, ox.Literal):
        return literal(t.value, t.language, t.datatype.value)
    return Term("bnode", t.value)


def json_term(site: Site, cell: dict[str, Any] | None) -> Term | None:
    """A cell of SPARQL JSON results (``None`` for an unbound one)."""
    if not cell:
        return None
    if cell["type"] == "uri":
        return iri_term(site, cell["value"], label=False)
    if cell["type"] == "literal":  # datatypes left out: a column's values share theirs
        return literal(cell["value"], cell.get("xml:lang"))
    return Term("bnode", cell["value"])


def result_rows(site: Site, columns: list[str], bindings: Iterable[dict[str, Any]]) -> list[list[Term | None]]:
    """SPARQL JSON bindings as rows of terms, one per column."""
    return [[json_term(site, b.get(c)) for c in columns] for b in bindings]
