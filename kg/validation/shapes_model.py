"""The shapes of ``shapes/`` read into plain objects for the fast engine (:mod:`.compiled`).

Each shape keeps its targets, path, severity, messages and constraints, read as pySHACL reads them.
A constraint component the fast engine does not implement stops it at start-up
(:class:`NotCompiled`): it never skips a constraint silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import rdflib
from rdflib.namespace import RDF
from rdflib.term import Node

from kg.errors import ValidationError

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
TARGETS = (SH.targetNode, SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf)
#: Parameters that are constraints, each checked by :mod:`.checks` (sh:sparql by :mod:`.sparql`).
CONSTRAINTS: dict[Node, str] = {
    SH["class"]: "ClassConstraintComponent",
    SH.datatype: "DatatypeConstraintComponent",
    SH.nodeKind: "NodeKindConstraintComponent",
    SH.pattern: "PatternConstraintComponent",
    SH["in"]: "InConstraintComponent",
    SH.hasValue: "HasValueConstraintComponent",
    SH.minCount: "MinCountConstraintComponent",
    SH.maxCount: "MaxCountConstraintComponent",
    SH.minInclusive: "MinInclusiveConstraintComponent",
    SH.maxInclusive: "MaxInclusiveConstraintComponent",
    SH.minExclusive: "MinExclusiveConstraintComponent",
    SH.maxExclusive: "MaxExclusiveConstraintComponent",
    SH.node: "NodeConstraintComponent",
    SH["or"]: "OrConstraintComponent",
    SH["not"]: "NotConstraintComponent",
    SH.qualifiedValueShape: "QualifiedValueShapeConstraintComponent",
}
#: Predicates of a shape that are not constraints of their own (or are read with one).
OTHERS = {
    *TARGETS,
    SH.path,
    SH.severity,
    SH.message,
    SH.name,
    SH.description,
    SH.deactivated,
    SH.order,
    SH.group,
    SH.flags,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
    SH.property,
    SH.sparql,
    SH.declare,
    SH.defaultValue,
}


class NotCompiled(ValidationError):
    """The shapes use a SHACL feature the fast engine does not implement: use ``--engine pyshacl``."""


@dataclass(frozen=True)
class Constraint:
    parameter: Node  # the sh: parameter, e.g. sh:datatype
    value: Node  # its value in the shapes graph
    component: str  # the constraint component, in N-Triples syntax
    items: tuple[Node, ...] = ()  # sh:in, sh:or: the members of the list
    regex: re.Pattern[str] | None = None  # sh:pattern, compiled as pySHACL compiles it
    shapes: tuple[Shape, ...] = ()  # sh:node, sh:or, sh:not, sh:qualifiedValueShape: the shapes it refers to
    counts: tuple[int | None, int | None] = (None, None)  # sh:qualifiedMinCount, sh:qualifiedMaxCount


@dataclass(eq=False)
class Shape:
    node: Node
    severity: Node
    messages: tuple[rdflib.Literal, ...]
    path: Node | None  # a property shape's path; None for a node shape
    targets: tuple[tuple[Node, Node], ...]  # (target predicate, value)
    constraints: list[Constraint] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    sparql: list[Node] = field(default_factory=list)  # the sh:SPARQLConstraint nodes

    @property
    def n3(self) -> str:
        return self.node.n3()


class ShapesModel:
    """Every shape of a shapes graph, read once; ``shapes[node]`` for each shape node."""

    def __init__(self, graph: rdflib.Graph) -> None:
        self.graph = graph
        self.shapes: dict[Node, Shape] = {}
        starts = {s for p in TARGETS for s in graph.subjects(p, None)}
        starts |= set(graph.subjects(RDF.type, SH.NodeShape)) | set(graph.subjects(RDF.type, SH.PropertyShape))
        implicit = set(graph.subjects(RDF.type, rdflib.RDFS.Class)) & starts
        if implicit:
            raise NotCompiled(f"implicit class targets (a shape that is an rdfs:Class) are not compiled: {implicit}")
        for node in sorted(starts, key=str):
            self.shape(node)

    def shape(self, node: Node) -> Shape:
        found = self.shapes.get(node)
        if found is not None:
            return found
        g = self.graph
        shape = Shape(
            node=node,
            severity=g.value(node, SH.severity) or SH.Violation,
            messages=tuple(m for m in g.objects(node, SH.message) if isinstance(m, rdflib.Literal)),
            path=g.value(node, SH.path),
            targets=tuple((p, o) for p in TARGETS for o in g.objects(node, p)),
        )
        self.shapes[node] = shape  # before the shapes it refers to: shapes may refer back
        if any(bool(getattr(d, "value", d)) for d in g.objects(node, SH.deactivated)):
            return shape  # a deactivated shape gives no results (as pySHACL)
        for predicate, value in sorted(g.predicate_objects(node), key=lambda po: (str(po[0]), str(po[1]))):
            if predicate in CONSTRAINTS:
                shape.constraints.append(self._constraint(node, predicate, value))
            elif predicate == SH.property:
                shape.properties.append(self.shape(value))
            elif predicate == SH.sparql:
                shape.sparql.append(value)
            elif predicate == SH.qualifiedValueShapesDisjoint and bool(getattr(value, "value", False)):
                raise NotCompiled(f"{node.n3()}: sh:qualifiedValueShapesDisjoint true is not compiled")
            elif str(predicate).startswith(str(SH)) and predicate not in OTHERS:
                raise NotCompiled(f"{node.n3()}: {predicate.n3()} is not compiled; use --engine pyshacl")
        return shape

    def _constraint(self, node: Node, predicate: Node, value: Node) -> Constraint:
        g = self.graph
        component = f"<{SH}{CONSTRAINTS[predicate]}>"
        if predicate == SH.pattern:
            flags = g.value(node, SH.flags)
            re_flags = 0
            if flags is not None:
                text = str(getattr(flags, "value", flags)).lower()
                re_flags |= re.I if "i" in text else 0
                re_flags |= re.M if "m" in text else 0
            lit = value if isinstance(value, rdflib.Literal) else rdflib.Literal(str(value))
            source = str(lit.value) if lit.value is not None and len(lit.value) > 1 else str(lit)
            return Constraint(predicate, value, component, regex=re.compile(source, re_flags))
        if predicate in (SH["in"], SH["or"]):
            items = tuple(g.items(value))
            shapes = tuple(self.shape(i) for i in items) if predicate == SH["or"] else ()
            return Constraint(predicate, value, component, items=items, shapes=shapes)
        if predicate in (SH.node, SH["not"]):
            return Constraint(predicate, value, component, shapes=(self.shape(value),))
        if predicate == SH.qualifiedValueShape:
            low, high = (g.value(node, p) for p in (SH.qualifiedMinCount, SH.qualifiedMaxCount))
            counts = (None if low is None else int(low), None if high is None else int(high))  # type: ignore[call-overload]
            return Constraint(predicate, value, component, shapes=(self.shape(value),), counts=counts)
        return Constraint(predicate, value, component)

    def top(self) -> list[Shape]:
        """The shapes validation starts from: those with targets, in a stable order."""
        return [s for s in self.shapes.values() if s.targets]
