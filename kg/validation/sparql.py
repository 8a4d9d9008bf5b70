"""SPARQL-based constraints (sh:sparql) run set-wise: one query per constraint per batch.

pySHACL runs a constraint's SELECT once per focus node with ``$this`` pre-bound. Here ``$this`` becomes
a variable bound by the shape's targets, joined first in the query's WHERE group, so one query finds the
rows of every focus node at once. Queries whose meaning that join could change (sub-selects, VALUES,
MINUS, aggregates, LIMIT ...) are refused at start-up.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from kg.validation.shapes_model import SH, NotCompiled, Shape
from kg.validation.terms import Term, to_rdflib

_REFUSED = re.compile(
    r"(?<![?$\w])(MINUS|VALUES|SERVICE|GROUP\s+BY|HAVING|LIMIT|OFFSET|ORDER\s+BY)\b|\$(PATH|currentShape|shapesGraph|value)\b",
    re.I,
)
_THIS = re.compile(r"[$?]this\b")
_HEAD = re.compile(r"^\s*SELECT\s+(DISTINCT\s+|REDUCED\s+)?(?P<vars>[^{]*?)\s*(WHERE\s*)?\{", re.I | re.S)


def path_sparql(graph: rdflib.Graph, node: Node) -> str:
    """A SHACL path as a SPARQL property path."""
    if isinstance(node, rdflib.URIRef):
        return node.n3()
    if (node, RDF.first, None) in graph:
        return "(" + "/".join(path_sparql(graph, n) for n in graph.items(node)) + ")"  # type: ignore[arg-type]
    forms = {SH.inversePath: "(^{})", SH.zeroOrMorePath: "({})*", SH.oneOrMorePath: "({})+", SH.zeroOrOnePath: "({})?"}
    for prop, form in forms.items():
        inner = graph.value(node, prop)
        if inner is not None:
            return form.format(path_sparql(graph, inner))
    alternatives = graph.value(node, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(path_sparql(graph, n) for n in graph.items(alternatives)) + ")"  # type: ignore[arg-type]
    raise NotCompiled(f"{node.n3()} is not a SHACL path")


def focus_pattern(shape: Shape) -> str:
    """A group pattern binding ?this to each focus node of ``shape``'s targets, once."""
    parts = []
    for predicate, value in shape.targets:
        if predicate == SH.targetClass:
            parts.append(f"{{ ?this {RDF.type.n3()}/{RDFS.subClassOf.n3()}* {value.n3()} }}")
        elif predicate == SH.targetSubjectsOf:
            parts.append(f"{{ ?this {value.n3()} ?tkg_o }}")
        elif predicate == SH.targetObjectsOf:
            parts.append(f"{{ ?tkg_s {value.n3()} ?this }}")
        else:
            parts.append(f"{{ BIND ({value.n3()} AS ?this) }}")
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"


@dataclass(frozen=True)
class Row:
    focus: Term
    path: Term | None
    value: Term | None
    bound: dict[str, Node]  # the other projected variables bound in the row (rdflib terms), for the messages
    failure: bool = False  # the row binds ?failure: the focus node fails, whatever the other variables


class SparqlConstraint:
    """One sh:SPARQLConstraint of a node shape, compiled to a set-wise query."""

    def __init__(self, graph: rdflib.Graph, shape: Shape, node: Node) -> None:
        if shape.path is not None:
            raise NotCompiled(f"{shape.n3}: sh:sparql on a property shape is not compiled")
        self.shape, self.node = shape, node
        self.messages = tuple(m for m in graph.objects(node, SH.message) if isinstance(m, rdflib.Literal))
        selects = list(graph.objects(node, SH.select))
        if len(selects) != 1 or graph.value(node, SH.ask) is not None:
            raise NotCompiled(f"{shape.n3}: only sh:SPARQLConstraint with one sh:select is compiled")
        self.deactivated = any(bool(getattr(d, "value", d)) for d in graph.objects(node, SH.deactivated))
        self.query = self._compile(str(selects[0]), self._prefixes(graph, node))

    def _prefixes(self, graph: rdflib.Graph, node: Node) -> str:
        lines = []
        for source in graph.objects(node, SH.prefixes):
            for declaration in graph.objects(source, SH.declare):
                prefix, namespace = graph.value(declaration, SH.prefix), graph.value(declaration, SH.namespace)
                lines.append(f"PREFIX {prefix}: <{namespace}>")
        return "\n".join(lines)

    def _compile(self, select: str, prefixes: str) -> str:
        if _REFUSED.search(select) or len(re.findall(r"\bSELECT\b", select, re.I)) != 1:
            raise NotCompiled(f"{self.shape.n3}: this SPARQL constraint cannot run set-wise; use --engine pyshacl")
        head = _HEAD.match(select)
        if head is None:
            raise NotCompiled(f"{self.shape.n3}: cannot read the SELECT of its SPARQL constraint")
        names = head.group("vars")
        self.projects_this = names.strip() == "*" or _THIS.search(names) is not None
        text = _THIS.sub("?this", select)
        head = _HEAD.match(text)
        assert head is not None
        start, end = head.span("vars")
        projection = head.group("vars") if self.projects_this else f"?this {head.group('vars')}"
        text = text[:start] + projection + text[end : head.end()] + " " + focus_pattern(self.shape) + text[head.end() :]
        return f"{prefixes}\n{text}"

    def rows(self, store: ox.Store) -> Iterator[Row]:
        """The rows of the query on the batch, as pySHACL reads them (one per distinct this/path/value)."""
        if self.deactivated:
            return
        try:
            solutions = store.query(self.query)
        except SyntaxError as exc:
            raise NotCompiled(f"{self.shape.n3}: its SPARQL constraint does not parse: {exc}") from exc
        names = [v.value for v in solutions.variables]  # type: ignore[union-attr]
        seen_failure: set[Term] = set()
        for solution in solutions:  # type: ignore[union-attr]
            focus = solution["this"]
            bound = {n: to_rdflib(t) for n in names if (t := solution[n]) is not None}
            if not self.projects_this:
                bound.pop("this", None)
            if bound.pop("failure", None) is not None:
                if focus not in seen_failure:
                    seen_failure.add(focus)
                    yield Row(focus, None, None, bound, failure=True)
                continue
            path, value = solution["path"] if "path" in names else None, solution["value"] if "value" in names else None
            bound.pop("path", None), bound.pop("value", None)
            this = bound.pop("this", None)
            if path is None and value is None and this is None:
                continue  # pySHACL ignores such rows
            yield Row(focus, path, value, bound)


def format_message(message: str, row: Row, this: Node | None, value: Node | None) -> str:
    """pySHACL's substitution of ``{?var}`` / ``{$var}`` in the message of a SPARQL result."""
    variables = dict(row.bound)
    if this is not None:
        variables["this"] = this
    if row.path is not None:
        variables["path"] = to_rdflib(row.path)
    if value is not None:
        variables["value"] = value
    for name, term in variables.items():
        message = re.sub(f"{{[?$]{name}}}", str(term), message)
    return message
