"""The fast engine (kg.validation.compiled) gives pySHACL's results, result by result: focus node, source
shape, path, value, severity, message and component. On every shape case, on shapes without messages
(pySHACL's default texts), on corpus studies with faults injected, on the JSON corpus and on a release of
the whole corpus, batch by batch as the build validates it."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from kg.publish.checking import checked, default_jobs
from kg.validation.compiled import FastValidator
from kg.validation.engine import Validator, batches, load
from kg.validation.results import Report
from kg.validation.shapes_model import NotCompiled
from tests.validation.conftest import BATCH, MappedStudy

HERE = Path(__file__).parent
CASES = sorted((HERE.parent / "shapes").glob("*/*.ttl"))
TKG, DCT, SCHEMA = "https://w3id.org/trialkg/ontology#", "http://purl.org/dc/terms/", "https://schema.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def fast() -> FastValidator:
    return FastValidator()


@pytest.fixture(scope="module")
def reference() -> Validator:
    return Validator()


def rows(report: Report) -> list[tuple[str, ...]]:
    return sorted(r.key() for r in report)


@pytest.fixture(autouse=True)
def _quiet_rdflib() -> Iterator[None]:
    """rdflib logs a traceback for each ill-typed literal it meets; the faults below have many."""
    logging.disable(logging.WARNING)
    yield
    logging.disable(logging.NOTSET)


def test_every_shape_case_gives_the_same_results(fast: FastValidator, reference: Validator) -> None:
    compared = 0
    for case in CASES:
        graph = rdflib.Graph().parse(case, format="turtle")
        theirs = rows(reference.validate(graph))
        assert rows(fast.validate(graph)) == theirs, case.name
        compared += len(theirs)
    assert compared > 50


def test_default_messages_and_message_templates_are_pyshacl_s() -> None:
    shapes = [HERE / "data" / "generic-shapes.ttl"]
    graph = rdflib.Graph().parse(HERE / "data" / "generic-data.ttl", format="turtle")
    theirs = rows(Validator(shapes).validate(graph))
    assert rows(FastValidator(shapes).validate(graph)) == theirs
    components = {key[-1].rsplit("#", 1)[-1] for key in theirs}
    assert len(components) >= 14, components  # every kind of constraint fired, each with its default text
    assert any("counts" in key[5] for key in theirs)  # a {?value} template filled in


def test_a_component_it_does_not_compile_stops_it_at_start_up(tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<urn:s> a sh:NodeShape ; sh:targetClass <urn:C> ; sh:property [ sh:path <urn:p> ; sh:minLength 3 ] .\n"
    )
    with pytest.raises(NotCompiled, match="minLength"):
        FastValidator([shapes])


# --- faults injected into real studies -------------------------------------------------------------------


def _edit(lines: list[str], predicate: str, change: Callable[[ox.Triple], list[ox.Triple]]) -> list[str]:
    """``lines`` with the first triple of ``predicate`` replaced by ``change(triple)``."""
    out, done = [], False
    for line in lines:
        triple = next(iter(ox.parse(line, format=ox.RdfFormat.N_TRIPLES))).triple
        if not done and triple.predicate.value == predicate:
            out += [f"{t} ." for t in change(triple)]
            done = True
        else:
            out.append(line)
    return out


def _with(triple: ox.Triple, obj: ox.NamedNode | ox.Literal) -> list[ox.Triple]:
    return [ox.Triple(triple.subject, triple.predicate, obj)]


def _typed(lexical: str, datatype: str) -> ox.Literal:
    return ox.Literal(lexical, datatype=ox.NamedNode(XSD + datatype))


def _iri(iri: str) -> ox.NamedNode:
    return ox.NamedNode("https://w3id.org/trialkg/" + iri)


FAULTS: list[tuple[str, str, Callable[[ox.Triple], list[ox.Triple]]]] = [
    ("enrollment as a string", TKG + "enrollment", lambda t: _with(t, ox.Literal(t.object.value))),
    ("ill-typed enrollment", TKG + "enrollment", lambda t: _with(t, _typed("12x", "integer"))),
    ("negative enrollment", TKG + "enrollment", lambda t: _with(t, _typed("-5", "integer"))),
    ("no NCT id", DCT + "identifier", lambda t: []),
    ("bad NCT id", DCT + "identifier", lambda t: _with(t, ox.Literal("nct123"))),
    ("status not in the list", TKG + "overallStatus", lambda t: _with(t, _iri("vocab/status/BOGUS"))),
    ("completed, no participants", TKG + "overallStatus", lambda t: _with(t, _iri("vocab/status/COMPLETED"))),
    ("impossible start date", TKG + "startDate", lambda t: _with(t, _typed("2020-02-30", "date"))),
    ("late start date", TKG + "startDate", lambda t: _with(t, _typed("2099-01", "gYearMonth"))),
    ("url as a literal", SCHEMA + "url", lambda t: _with(t, ox.Literal(t.object.value))),
    ("two titles", SCHEMA + "name", lambda t: [t, *_with(t, ox.Literal("Autre", language="fr"))]),
    ("arm outside the study", TKG + "arm", lambda t: _with(t, _iri("elsewhere/arm"))),
    ("eligibility untyped", TKG + "eligibility", lambda t: _with(t, ox.NamedNode(t.object.value + "-none"))),
    ("other lead sponsor", TKG + "leadSponsor", lambda t: _with(t, _iri("org/nobody"))),
    ("study type not the class", TKG + "studyType", lambda t: _with(t, _iri("vocab/study-type/OBSERVATIONAL"))),
]


@pytest.mark.slow
def test_faults_injected_into_corpus_studies_give_the_same_results(
    json_corpus: list[MappedStudy], fast: FastValidator, reference: Validator
) -> None:
    sample = json_corpus[: 4 * len(FAULTS)]
    faulty = []
    for i, study in enumerate(sample):
        name, predicate, change = FAULTS[i % len(FAULTS)]
        faulty.append([*_edit(list(study.own), predicate, change), *study.shared])
    batch_lines = [[line for s in faulty[i : i + 20] for line in s] for i in range(0, len(faulty), 20)]
    theirs = reference.validate_batches(batch_lines)
    assert rows(fast.validate_batches(batch_lines)) == rows(theirs)
    components = Counter(r.component.rsplit("#", 1)[-1] for r in theirs if r.severity == "Violation")
    assert len(theirs.studies_with_violations()) > len(sample) // 2, components
    for expected in ("Datatype", "MinCount", "MaxCount", "In", "Pattern", "NodeKind", "Node", "Class", "SPARQL"):
        assert components[f"{expected}ConstraintComponent>"] > 0, components


def test_a_long_literal_validates_with_both_engines(fast: FastValidator, reference: Validator) -> None:
    """rdflib's N-Triples parser is quadratic in a literal's length; both engines parse with pyoxigraph."""
    study = "<https://w3id.org/trialkg/trial/NCT00000001>"
    text = ("A long description, open-label. " * 100_000)[:3_000_000]
    lines = [
        f"{study} <{DCT}description> {ox.Literal(text, language='en')} .",
        f"{study} <{TKG}masking> <https://w3id.org/trialkg/vocab/masking/DOUBLE> .",
        f"{study} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{TKG}ClinicalStudy> .",
    ]
    theirs = rows(reference.validate_ntriples(lines))
    assert rows(fast.validate_ntriples(lines)) == theirs
    assert any("OpenLabelButMasked" in key[1] for key in theirs)


# --- the corpus -------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_json_corpus_gives_the_same_results_batch_by_batch(
    json_corpus: list[MappedStudy], batched_report: Report, fast: FastValidator
) -> None:
    groups = [json_corpus[i : i + BATCH] for i in range(0, len(json_corpus), BATCH)]
    ours = fast.validate_batches([line for s in group for line in (*s.own, *s.shared)] for group in groups)
    assert len(batched_report) > 0
    assert rows(ours) == rows(batched_report)


@pytest.mark.slow
def test_a_release_of_the_whole_corpus_gives_the_same_results(corpus_release: tuple[Path, object]) -> None:
    """Every study of the corpus (JSON, XML, the seed), batched as the build batches them; pySHACL in
    worker processes (it takes minutes)."""
    release, _ = corpus_release
    groups = list(batches(load(release / "trialkg.nt.gz"), 40))
    ours = FastValidator().validate_batches(groups)
    theirs = Report()
    for _, report in checked(groups, lambda lines: lines, jobs=default_jobs(), engine="pyshacl"):
        assert isinstance(report, Report), report
        theirs.merge(report)
    assert len(groups) > 50 and len(theirs) > 0
    assert rows(ours) == rows(theirs)
