"""The core constraint components, checked value by value exactly as pySHACL checks them.

Each check takes a shape's focus node and its value nodes (pyoxigraph terms, in rdflib's normal form:
see :mod:`.terms`) and says which fail. Datatypes, patterns and comparisons use rdflib's literals and
Python's ``re``, as pySHACL does, so that ill-typed literals and regular expressions behave alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Protocol

import pyoxigraph as ox
from pyshacl.rdfutil import compare_literal
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from kg.validation.shapes_model import SH, Constraint, NotCompiled, Shape
from kg.validation.terms import LANG_STRING, XSD_STRING, Term, from_rdflib, to_rdflib

#: One failure: (shape, focus node, value node or None, constraint component).
Failure = tuple[Shape, Term, Term | None, str]
_VALUE_TYPES: dict[Any, type | tuple[type, ...]] = {
    XSD.string: (str, bytes),
    RDF.langString: (str, bytes),
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
    XSD.date: date,
    XSD.time: time,
    XSD.dateTime: datetime,
}
_KINDS: dict[Node, tuple[type, ...]] = {
    SH.IRI: (ox.NamedNode,),
    SH.BlankNode: (ox.BlankNode,),
    SH.Literal: (ox.Literal,),
    SH.BlankNodeOrIRI: (ox.BlankNode, ox.NamedNode),
    SH.BlankNodeOrLiteral: (ox.BlankNode, ox.Literal),
    SH.IRIOrLiteral: (ox.NamedNode, ox.Literal),
}


class Data(Protocol):
    """What the checks need to know of the batch."""

    def path_index(self, path: Any) -> dict[Term, list[Term]]: ...

    def classes(self, node: Term) -> set[str]: ...


def datatype_ok(value: Term, rule: Any) -> bool:
    """pySHACL's sh:datatype: the literal's datatype is ``rule`` and (where rdflib knows it) well-formed."""
    if not isinstance(value, ox.Literal):
        return False
    if rule == RDFS.Literal:
        return True
    if rule == RDFS.Datatype:
        return not value.language and value.datatype.value != XSD_STRING
    dt = LANG_STRING if value.language else value.datatype.value
    if dt != str(rule):
        return False
    if dt in (XSD_STRING, LANG_STRING):
        return True
    lit = to_rdflib(value)
    if getattr(lit, "ill_typed", None) is True:
        return False
    kind = _VALUE_TYPES.get(rule)
    return kind is None or isinstance(getattr(lit, "value", None), kind)


def pattern_ok(value: Term, constraint: Constraint) -> bool:
    if isinstance(value, ox.BlankNode):
        return False
    if isinstance(value, ox.Literal):
        text = value.value
        if not value.language and value.datatype.value != XSD_STRING:
            text = str(to_rdflib(value))
    else:
        text = value.value
    assert constraint.regex is not None
    return bool(constraint.regex.match(text) or constraint.regex.search(text))


def _range_ok(value: Term, bound: Any, test: Callable[[int], bool]) -> bool:
    if not isinstance(value, ox.Literal):
        return False
    lit = to_rdflib(value)
    if isinstance(getattr(bound, "value", None), str) != isinstance(getattr(lit, "value", None), str):
        return False
    try:
        return test(compare_literal(lit, bound))
    except (TypeError, NotImplementedError):
        return False


_RANGES: dict[Any, Callable[[int], bool]] = {
    SH.minInclusive: lambda c: c >= 0,
    SH.maxInclusive: lambda c: c <= 0,
    SH.minExclusive: lambda c: c > 0,
    SH.maxExclusive: lambda c: c < 0,
}


#: A check on a focus node's value nodes, all at once: (focus, values) pairs -> failures (focus, value or None,
#: component); a value test says whether one value node passes.
PairsTest = Callable[[list[tuple[Term, Sequence[Term]]]], Iterator[tuple[Term, Term | None, str]]]
ValueTest = Callable[[Term], bool]
_MIN_COUNT, _MAX_COUNT, _HAS_VALUE, _QUALIFIED = SH.minCount, SH.maxCount, SH.hasValue, SH.qualifiedValueShape
_CLASS, _DATATYPE, _NODE_KIND, _PATTERN, _IN = SH["class"], SH.datatype, SH.nodeKind, SH.pattern, SH["in"]
_NODE, _OR, _NOT = SH.node, SH["or"], SH["not"]
_QUALIFIED_MIN = f"<{SH}QualifiedMinCountConstraintComponent>"
_QUALIFIED_MAX = f"<{SH}QualifiedMaxCountConstraintComponent>"
_STRING = ox.NamedNode(XSD_STRING)


class Checker:
    """Checks shapes on focus nodes; each constraint compiled once into a test, ``data`` set per batch."""

    def __init__(self) -> None:
        self.data: Data
        self._tests: dict[int, tuple[list[tuple[ValueTest, str]], list[PairsTest]]] = {}

    def failures(self, shape: Shape, focus: Term) -> Iterator[Failure]:
        """Every failure of ``shape`` (and of its property shapes) on ``focus``."""
        return self.run(shape, (focus,))

    def run(self, shape: Shape, focus_nodes: Iterable[Term]) -> Iterator[Failure]:
        """Every failure of ``shape`` (and of its property shapes) on each of ``focus_nodes``, set-wise:
        the values of its path read once for all of them, each constraint checked on all of them."""
        if shape.path is None:
            pairs: list[tuple[Term, Sequence[Term]]] = [(f, (f,)) for f in focus_nodes]
        else:
            index = self.data.path_index(shape.path)
            pairs = [(f, index.get(f, ())) for f in focus_nodes]
        value_tests, pair_tests = self._compiled(shape)
        if value_tests:
            valued = [(f, values) for f, values in pairs if values]
            for ok, component in value_tests:
                for focus, values in valued:
                    for value in values:
                        if not ok(value):
                            yield shape, focus, value, component
        for test in pair_tests:
            for failing, missing, component in test(pairs):
                yield shape, failing, missing, component
        for prop in shape.properties:
            if shape.path is None:
                yield from self.run(prop, [f for f, _ in pairs])
            else:  # a property shape of a property shape checks each value node
                yield from self.run(prop, list(dict.fromkeys(v for _, values in pairs for v in values)))

    def conforms(self, shape: Shape, focus: Term) -> bool:
        if shape.sparql:
            raise NotCompiled(f"{shape.n3}: sh:sparql in a shape that other shapes refer to is not compiled")
        return next(iter(self.failures(shape, focus)), None) is None

    def _compiled(self, shape: Shape) -> tuple[list[tuple[ValueTest, str]], list[PairsTest]]:
        tests = self._tests.get(id(shape))
        if tests is None:
            value_tests, pair_tests = [], []
            for c in shape.constraints:
                test = self._pairs_test(c)
                if test is None:
                    value_tests.append((self._value_test(c), c.component))
                else:
                    pair_tests.append(test)
            tests = self._tests[id(shape)] = (value_tests, pair_tests)
        return tests

    def _pairs_test(self, c: Constraint) -> PairsTest | None:
        """The test of a constraint on the focus node's values as a whole (None: a test per value)."""
        p, component = c.parameter, c.component
        if p == _MIN_COUNT:
            low = int(c.value)  # type: ignore[call-overload]
            return lambda pairs: ((f, None, component) for f, values in pairs if len(values) < low)
        if p == _MAX_COUNT:
            high = int(c.value)  # type: ignore[call-overload]
            return lambda pairs: ((f, None, component) for f, values in pairs if len(values) > high)
        if p == _HAS_VALUE:
            wanted = from_rdflib(c.value)
            return lambda pairs: ((f, None, component) for f, values in pairs if wanted not in values)
        if p == _QUALIFIED:
            return lambda pairs: ((f, None, comp) for f, values in pairs for comp in self._qualified(c, values))
        return None

    def _qualified(self, c: Constraint, values: Sequence[Term]) -> list[str]:
        """The components of the qualified cardinality failures (max before min, as pySHACL)."""
        low, high = c.counts
        if not values and (low is None or low < 1):
            return []
        n = sum(1 for v in values if self.conforms(c.shapes[0], v))
        out = []
        if high is not None and n > high:
            out.append(_QUALIFIED_MAX)
        if low is not None and n < low:
            out.append(_QUALIFIED_MIN)
        return out

    def _value_test(self, c: Constraint) -> ValueTest:
        p = c.parameter
        if p == _CLASS:
            cls = str(c.value)
            return lambda v: not isinstance(v, ox.Literal) and cls in self.data.classes(v)
        if p == _DATATYPE:
            rule = c.value
            if rule == XSD.string:
                return lambda v: isinstance(v, ox.Literal) and v.language is None and v.datatype == _STRING
            if rule == RDF.langString:
                return lambda v: isinstance(v, ox.Literal) and bool(v.language)
            return lambda v: datatype_ok(v, rule)
        if p == _NODE_KIND:
            kinds = _KINDS.get(c.value)
            if kinds is None:
                raise NotCompiled(f"sh:nodeKind {c.value.n3()} is not a node kind")
            return lambda v: isinstance(v, kinds)
        if p == _PATTERN:
            return lambda v: pattern_ok(v, c)
        if p == _IN:
            members = {from_rdflib(i) for i in c.items}
            return lambda v: v in members
        if p in _RANGES:
            test, bound = _RANGES[p], c.value
            return lambda v: _range_ok(v, bound, test)
        if p == _NODE:
            return lambda v: self.conforms(c.shapes[0], v)
        if p == _OR:
            return lambda v: any(self.conforms(s, v) for s in c.shapes)
        if p == _NOT:
            return lambda v: not self.conforms(c.shapes[0], v)
        raise NotCompiled(f"{p.n3()} is not compiled")  # pragma: no cover - CONSTRAINTS lists what is here
