"""The shapes, case by case, with both engines: every file in valid/ conforms with no result at all; every
file in invalid/ gives exactly the results its ``# expect:`` lines name, with the right severity and count.

An expect line is ``# expect: <Severity> <source shape> [xN]``: N results (default 1) of that severity
from that shape. Together the invalid cases make every shape fire at least once (a test checks it).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import RDF, SH

from kg.validation.engine import Validator
from kg.validation.engines import ENGINES, new_validator
from kg.validation.report import short

HERE = Path(__file__).parent
VALID = sorted((HERE / "valid").glob("*.ttl"))
INVALID = sorted((HERE / "invalid").glob("*.ttl"))
EXPECT = re.compile(r"^# expect: (Violation|Warning|Info) (\S+)(?: x(\d+))?\s*$", re.M)
TARGETS = (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf)


@pytest.fixture(scope="module", params=ENGINES)
def validator(request: pytest.FixtureRequest) -> Validator:
    """Each case passes with both engines: fast (the default) and pySHACL (the reference)."""
    return new_validator(request.param)  # type: ignore[no-any-return]


def expectations(path: Path) -> Counter[tuple[str, str]]:
    """What an invalid case says must fire: (severity, shape) -> count."""
    return Counter({(sev, shape): int(n or 1) for sev, shape, n in EXPECT.findall(path.read_text(encoding="utf-8"))})


def fired(validator: Validator, path: Path) -> Counter[tuple[str, str]]:
    report = validator.validate(rdflib.Graph().parse(path, format="turtle"))
    return Counter((r.severity, short(r.shape)) for r in report)


def test_there_are_cases() -> None:
    assert len(VALID) >= 3 and len(INVALID) >= 20


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_case_has_no_results(validator: Validator, path: Path) -> None:
    report = validator.validate(rdflib.Graph().parse(path, format="turtle"))
    assert [(r.severity, short(r.shape), short(r.focus), r.message) for r in report] == []


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_case_fires_exactly_what_it_expects(validator: Validator, path: Path) -> None:
    expected = expectations(path)
    assert expected, f"{path.name} has no '# expect: <Severity> <shape>' line"
    assert fired(validator, path) == expected


def test_every_shape_fires_in_some_invalid_case(validator: Validator) -> None:
    """Each property shape, and each node shape with constraints of its own, is shown firing."""
    shapes = validator.shapes
    covered = {shape for path in INVALID for _, shape in expectations(path)}
    property_shapes = {short(s.n3()) for s in shapes.subjects(RDF.type, SH.PropertyShape)}
    node_shapes = {
        short(s.n3())
        for s in shapes.subjects(RDF.type, SH.NodeShape)
        if isinstance(s, rdflib.URIRef) and any((s, t, None) in shapes for t in TARGETS)
    }
    own_constraints = {
        short(s.n3())
        for s in shapes.subjects(RDF.type, SH.NodeShape)
        for p in shapes.predicates(s, None)
        if p in (SH.pattern, SH.nodeKind, SH["class"], SH["not"], SH["or"], SH.sparql)
    }
    never = sorted(s for s in property_shapes | (node_shapes & own_constraints) if s not in covered)
    assert never == []
    without_own = node_shapes - own_constraints
    for node_shape in without_own:  # covered through one of its property shapes
        members = {short(p.n3()) for p in shapes.objects(rdflib.URIRef(_expand(node_shape)), SH.property)}
        assert members & covered, node_shape


def test_every_warning_has_its_own_case() -> None:
    warnings = Validator().shapes
    names = {short(s.n3()) for s in warnings.subjects(SH.severity, SH.Warning) if str(s).endswith("Warning")}
    own_case = {shape for p in INVALID if p.stem.startswith("warning-") for _, shape in expectations(p)}
    assert names and names <= own_case


def test_the_seed_pattern_open_label_but_masked_is_a_warning_not_a_violation(validator: Validator) -> None:
    counts = fired(validator, HERE / "invalid" / "warning-open-label-masked.ttl")
    assert counts == Counter({("Warning", "tkgsh:OpenLabelButMaskedWarning"): 1})


def _expand(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    assert prefix == "tkgsh"
    return "https://w3id.org/trialkg/shapes#" + local
