"""RDF terms as both SHACL engines see them: parsed by pyoxigraph, literals put in rdflib's normal form.

Both engines validate the very same terms. N-Triples lines are parsed by pyoxigraph (linear in a
literal's length; rdflib's own N-Triples parser is quadratic), and every typed literal is rewritten as
rdflib writes it (``"01"^^xsd:integer`` is ``"1"``, ``"1"^^xsd:boolean`` is ``"true"``): pySHACL works
on rdflib terms, so the fast engine works on the same lexical forms, and the results of both read alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import pyoxigraph as ox
import rdflib
from rdflib.term import Node

from kg.errors import ValidationError

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
Term = ox.NamedNode | ox.BlankNode | ox.Literal


@lru_cache(maxsize=65536)
def typed(lexical: str, datatype: str) -> rdflib.Literal:
    """The rdflib literal of a typed literal (cached: dates, counts and booleans repeat a lot)."""
    return rdflib.Literal(lexical, datatype=rdflib.URIRef(datatype))


def to_rdflib(term: Term) -> Node:
    """The rdflib term of a pyoxigraph term (blank nodes keep their id)."""
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    if datatype == XSD_STRING:
        return rdflib.Literal(term.value)
    return typed(term.value, datatype)


_XSD = "http://www.w3.org/2001/XMLSchema#"
#: Lexical forms rdflib keeps as they are (``tests/validation/test_terms.py`` checks it): no need to ask it.
CANONICAL = {
    _XSD + "integer": re.compile(r"(0|-?[1-9][0-9]{0,17})\Z"),
    _XSD + "decimal": re.compile(r"-?(0|[1-9][0-9]{0,14})\.[0-9]{1,12}\Z"),
    _XSD + "boolean": re.compile(r"(true|false)\Z"),
    _XSD + "date": re.compile(r"[12][0-9]{3}-[01][0-9]-[0-3][0-9]\Z"),
    _XSD + "gYearMonth": re.compile(r"[12][0-9]{3}-[01][0-9]\Z"),
    _XSD + "gYear": re.compile(r"[12][0-9]{3}\Z"),
}


def _normal(term: ox.Literal) -> ox.Literal:
    """``term`` with the lexical form rdflib gives it."""
    if term.language:
        return term
    datatype = term.datatype.value
    if datatype == XSD_STRING:
        return term
    canonical = CANONICAL.get(datatype)
    if canonical is not None and canonical.match(term.value):
        return term
    lexical = str(typed(term.value, datatype))
    return term if lexical == term.value else ox.Literal(lexical, datatype=term.datatype)


def parse_lines(lines: Iterable[str]) -> list[ox.Quad]:
    """N-Triples lines as triples (quads of the default graph), typed literals in rdflib's normal form."""
    text = "\n".join(lines)
    if not text.strip():
        return []
    try:
        quads = list(ox.parse(text, format=ox.RdfFormat.N_TRIPLES))
    except SyntaxError as exc:
        raise ValidationError(f"the batch is not valid N-Triples: {exc}") from exc
    return normal_quads(quads)


def normal_quads(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """``quads`` with their literals in rdflib's normal form."""
    out = []
    for quad in quads:
        obj = quad.object
        if isinstance(obj, ox.Literal):
            normal = _normal(obj)
            if normal is not obj:
                quad = ox.Quad(quad.subject, quad.predicate, normal)
        out.append(quad)
    return out


def rdflib_graph(triples: Iterable[ox.Quad]) -> rdflib.Graph:
    """An rdflib graph of ``triples`` (built term by term: no rdflib parser involved)."""
    graph = rdflib.Graph()
    add = graph.add
    for t in triples:
        add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))  # type: ignore[arg-type]
    return graph


def from_rdflib(term: Node) -> Term:
    """The pyoxigraph term of an rdflib term (blank nodes keep their id)."""
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD_STRING)))
    raise ValidationError(f"cannot validate the RDF term {term!r}")


def graph_quads(graph: rdflib.Graph) -> list[ox.Quad]:
    """The triples of an rdflib graph (or the union of a dataset's graphs) as pyoxigraph quads."""
    if isinstance(graph, rdflib.ConjunctiveGraph):  # a dataset: every graph's triples, each once
        triples: Iterable[tuple[Node, Node, Node]] = dict.fromkeys(q[:3] for q in graph.quads((None, None, None, None)))
    else:
        triples = graph.triples((None, None, None))
    return normal_quads(
        ox.Quad(from_rdflib(s), from_rdflib(p), from_rdflib(o))  # type: ignore[arg-type]
        for s, p, o in triples
    )


def n3(term: Term | None) -> str | None:
    """A term in the N-Triples syntax of the results (rdflib's, as pySHACL's report has it)."""
    return None if term is None else to_rdflib(term).n3()
