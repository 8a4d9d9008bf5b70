"""The fast SHACL engine: the shapes compiled once, each checked set-wise over a whole batch.

A batch's triples go into an in-memory pyoxigraph store and per-predicate indexes. Per batch, each
shape's focus nodes are found once from its targets, its paths' values are read once per path, the core
constraints are checked as pySHACL checks them (:mod:`.checks`), and each SPARQL-based constraint is one
query over the batch (:mod:`.sparql`). The results are pySHACL's, result by result
(``tests/validation/test_fast_engine.py`` compares both on the corpus); ``--engine pyshacl`` runs pySHACL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from kg.validation.checks import Checker, Failure
from kg.validation.engine import BATCH, _path, batches, load_shapes
from kg.validation.messages import GenericMessages
from kg.validation.results import Report, Result
from kg.validation.shapes_model import SH, Shape, ShapesModel
from kg.validation.sparql import Row, SparqlConstraint, format_message, path_sparql
from kg.validation.terms import Term, from_rdflib, graph_quads, n3, parse_lines, rdflib_graph, to_rdflib

_SEVERITY: dict[Node, str] = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
_TYPE, _SUBCLASS = RDF.type.toPython(), RDFS.subClassOf.toPython()


class BatchData:
    """One batch: its store (for SPARQL), and lookups by predicate, built once."""

    def __init__(self, quads: Sequence[ox.Quad], shapes: rdflib.Graph) -> None:
        self.triples = list(dict.fromkeys(quads))
        self.store = ox.Store()
        self.store.bulk_extend(self.triples)
        self.by_predicate: dict[str, list[ox.Quad]] = {}
        for t in self.triples:
            self.by_predicate.setdefault(t.predicate.value, []).append(t)
        self._shapes = shapes
        self._paths: dict[Node, dict[Term, list[Term]]] = {}
        self._classes: dict[Term, set[str]] = {}
        self._graph: rdflib.Graph | None = None
        self._instances: dict[str, list[Term]] | None = None

    def objects(self, predicate: str) -> dict[Term, list[Term]]:
        return self.path_index(rdflib.URIRef(predicate))

    def path_index(self, path: Node) -> dict[Term, list[Term]]:
        index = self._paths.get(path)
        if index is None:
            index = self._paths[path] = {}
            if isinstance(path, rdflib.URIRef):
                pairs: Iterable[tuple[Any, Any]] = ((t.subject, t.object) for t in self.by_predicate.get(str(path), []))
            else:
                query = f"SELECT DISTINCT ?s ?o WHERE {{ ?s {path_sparql(self._shapes, path)} ?o }}"
                pairs = ((row["s"], row["o"]) for row in self.store.query(query))  # type: ignore[union-attr]
            for subject, obj in pairs:
                index.setdefault(subject, []).append(obj)
        return index

    def classes(self, node: Term) -> set[str]:
        """The classes ``node`` is an instance of: its rdf:type values and their rdfs:subClassOf ancestors."""
        found = self._classes.get(node)
        if found is None:
            found = set()
            todo = [t for t in self.objects(_TYPE).get(node, ()) if not isinstance(t, ox.Literal)]
            supers = self.objects(_SUBCLASS)
            while todo:
                cls = todo.pop()
                if cls.value not in found:
                    found.add(cls.value)
                    todo.extend(s for s in supers.get(cls, ()) if not isinstance(s, ox.Literal))
            self._classes[node] = found
        return found

    def instances(self) -> dict[str, list[Term]]:
        """Each class -> its instances (through rdfs:subClassOf too), found once per batch."""
        if self._instances is None:
            self._instances = {}
            for node in self.objects(_TYPE):
                for cls in self.classes(node):
                    self._instances.setdefault(cls, []).append(node)
        return self._instances

    def focus_nodes(self, shape: Shape) -> list[Term]:
        focus: set[Term] = set()
        for predicate, value in shape.targets:
            if predicate == SH.targetNode:
                focus.add(from_rdflib(value))
            elif predicate == SH.targetClass:
                focus.update(self.instances().get(str(value), ()))
            elif predicate == SH.targetSubjectsOf:
                focus.update(self.objects(str(value)))
            else:
                focus.update(o for objs in self.objects(str(value)).values() for o in objs)
        return list(focus)

    def rdflib_graph(self) -> rdflib.Graph:
        """The batch as the rdflib graph pySHACL would see (for pySHACL's default messages)."""
        if self._graph is None:
            self._graph = rdflib_graph(self.triples)
        return self._graph


class FastValidator:
    """Validates RDF against the trialkg shapes like :class:`~kg.validation.engine.Validator`, faster."""

    name = "fast"

    def __init__(self, shapes: Iterable[str | Path] | None = None) -> None:
        self.shapes, self.files = load_shapes(shapes)
        self.model = ShapesModel(self.shapes)
        self.top = self.model.top()
        self.sparql = [SparqlConstraint(self.shapes, shape, node) for shape in self.top for node in shape.sparql]
        for shape in self.model.shapes.values():
            if shape.sparql and shape not in self.top:
                SparqlConstraint(self.shapes, shape, shape.sparql[0])  # refuses what it cannot compile
        self.generic = GenericMessages(self.shapes)
        self.checker = Checker()
        self.paths = {s.node: _path(self.shapes, s.path) for s in self.model.shapes.values()}

    def validate(self, graph: rdflib.Graph) -> Report:
        """Validate one graph (or dataset: the union of its graphs) and return the report."""
        return self._validate(graph_quads(graph))

    def validate_ntriples(self, lines: Iterable[str]) -> Report:
        """Validate N-Triples lines: one batch of studies, their own and their shared triples."""
        return self._validate(parse_lines(lines))

    def validate_batches(self, batch_lines: Iterable[Iterable[str]]) -> Report:
        report = Report()
        for lines in batch_lines:
            report.merge(self.validate_ntriples(lines))
        return report

    def validate_store(self, store: ox.Store, batch: int = BATCH) -> Report:
        return self.validate_batches(batches(store, batch))

    def _validate(self, triples: Sequence[ox.Quad]) -> Report:
        data = BatchData(triples, self.shapes)
        checker = self.checker
        checker.data = data
        results: set[Result] = set()
        for shape in self.top:
            if not shape.constraints and not shape.properties:
                continue
            results.update(self._result(f, data) for f in checker.run(shape, data.focus_nodes(shape)))
        for constraint in self.sparql:
            results.update(self._sparql_result(constraint, row, data) for row in constraint.rows(data.store))
        return Report(results)

    def _result(self, failure: Failure, data: BatchData) -> Result:
        shape, focus, value, component = failure
        if shape.messages:
            message = min(str(m) for m in shape.messages)
        else:
            message = self.generic.message(shape, component, focus, value, data.rdflib_graph)
        return Result(
            severity=_SEVERITY.get(shape.severity, "Violation"),
            shape=shape.n3,
            message=message,
            focus=n3(focus) or "",
            path=self.paths[shape.node],
            value=n3(value),
            component=component,
        )

    def _sparql_result(self, constraint: SparqlConstraint, row: Row, data: BatchData) -> Result:
        shape = constraint.shape
        value = row.value if row.value is not None else row.focus
        this = to_rdflib(row.focus) if constraint.projects_this and not row.failure else None
        shown = None if row.failure else to_rdflib(value)
        texts = [str(m) for m in (*constraint.messages, *(m for m in shape.messages if m not in constraint.messages))]
        if texts:
            message = min(format_message(t, row, this, shown) for t in texts)
        else:
            message = self.generic.message(
                shape, f"<{SH}SPARQLConstraintComponent>", row.focus, value, data.rdflib_graph
            )
        return Result(
            severity=_SEVERITY.get(shape.severity, "Violation"),
            shape=shape.n3,
            message=message,
            focus=n3(row.focus) or "",
            path=_path(self.shapes, to_rdflib(row.path)) if row.path is not None else self.paths[shape.node],
            value=n3(value),
            component=f"<{SH}SPARQLConstraintComponent>",
        )
