"""The ontology and the shapes: they parse, the generated parts are up to date, every code of kg.codes has
its concept, every term is documented, OWL 2 RL finds no contradiction, and every class and predicate
the mapped corpus uses is declared here or comes from a listed external vocabulary."""

from __future__ import annotations

import itertools
from pathlib import Path

import owlrl
import pyoxigraph as ox
import pytest
import rdflib
from owlrl.Namespaces import ERRNS
from rdflib import OWL, RDF, RDFS, SKOS, URIRef
from rdflib.namespace import DCTERMS

from kg import ontology_build
from kg.codes import ENUMS
from kg.ontology_build import CODED, EXTERNAL_VOCABULARIES, SCHEMES, TKG, TKGV
from kg.packaged import ONTOLOGY, SHAPES_DIR
from tests.validation.conftest import MappedStudy

SCHEMA = rdflib.Namespace("https://schema.org/")
OBO = rdflib.Namespace("http://purl.obolibrary.org/obo/")


@pytest.fixture(scope="module")
def onto() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY, format="turtle")


def ours(graph: rdflib.Graph, kind: URIRef) -> set[URIRef]:
    return {n for n in graph.subjects(RDF.type, kind) if isinstance(n, URIRef) and str(n).startswith(TKG)}


def test_ontology_and_shapes_parse_with_two_parsers() -> None:
    for path in [ONTOLOGY, *sorted(SHAPES_DIR.glob("*.ttl"))]:
        assert len(rdflib.Graph().parse(path, format="turtle")) > 0, path
        assert len(list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))) > 0, path


def test_generated_parts_are_up_to_date() -> None:
    """Run ``trialkg ontology`` after changing kg/codes.py. Compared as text: the committed files are
    what the generator writes, byte for byte (so that regenerating changes nothing in git)."""
    current = ONTOLOGY.read_text(encoding="utf-8")
    assert ontology_build.ontology_text(current) == current
    assert ontology_build.code_shapes() == (SHAPES_DIR / "enumerations.ttl").read_text(encoding="utf-8")
    assert ontology_build.generate(check=True) == []


def test_ontology_metadata(onto: rdflib.Graph) -> None:
    iri = URIRef("https://w3id.org/trialkg/ontology")
    assert (iri, RDF.type, OWL.Ontology) in onto
    assert onto.value(iri, OWL.versionIRI) == URIRef("https://w3id.org/trialkg/ontology/0.1.0")
    assert str(onto.value(iri, OWL.versionInfo)) == "0.1.0"
    assert onto.value(iri, DCTERMS.license) == URIRef("https://creativecommons.org/publicdomain/zero/1.0/")
    assert str(onto.value(iri, DCTERMS.creator)) == "trialkg contributors"
    assert onto.value(iri, DCTERMS.title) and onto.value(iri, DCTERMS.description)


def test_every_code_has_its_concept(onto: rdflib.Graph) -> None:
    for scheme, codes in ENUMS.items():
        scheme_iri = URIRef(TKGV + scheme)
        assert (scheme_iri, RDF.type, SKOS.ConceptScheme) in onto, scheme
        assert onto.value(scheme_iri, SKOS.prefLabel), scheme
        for code, label in codes.items():
            concept = URIRef(f"{TKGV}{scheme}/{code}")
            assert (concept, RDF.type, SKOS.Concept) in onto, concept
            assert str(onto.value(concept, SKOS.notation)) == code
            assert str(onto.value(concept, SKOS.prefLabel)) == label
            assert (concept, SKOS.inScheme, scheme_iri) in onto
            assert (concept, SKOS.topConceptOf, scheme_iri) in onto
            assert (scheme_iri, SKOS.hasTopConcept, concept) in onto
        assert {c for c in onto.subjects(SKOS.inScheme, scheme_iri)} == {URIRef(f"{TKGV}{scheme}/{c}") for c in codes}
    assert set(onto.subjects(RDF.type, SKOS.ConceptScheme)) == {URIRef(TKGV + s) for s in ENUMS}


def test_every_scheme_is_described_and_used(onto: rdflib.Graph) -> None:
    assert set(SCHEMES) == set(ENUMS)
    assert set(CODED.values()) == set(ENUMS)
    for prop in CODED:
        assert (URIRef(TKG + prop), RDF.type, OWL.ObjectProperty) in onto, prop
        assert onto.value(URIRef(TKG + prop), RDFS.range) == SKOS.Concept, prop


def test_every_term_is_documented(onto: rdflib.Graph) -> None:
    properties = ours(onto, OWL.ObjectProperty) | ours(onto, OWL.DatatypeProperty)
    for term in ours(onto, OWL.Class) | properties | ours(onto, RDFS.Datatype):
        assert onto.value(term, RDFS.label) is not None, term
        assert onto.value(term, RDFS.comment) is not None, term
    for prop in properties:
        assert onto.value(prop, RDFS.domain) is not None, prop
        assert onto.value(prop, RDFS.range) is not None, prop
    assert not ours(onto, OWL.ObjectProperty) & ours(onto, OWL.DatatypeProperty)


def test_alignments(onto: rdflib.Graph) -> None:
    t = rdflib.Namespace(TKG)
    assert (t.ClinicalStudy, RDFS.subClassOf, SCHEMA.MedicalStudy) in onto
    assert (t.InterventionalStudy, RDFS.subClassOf, SCHEMA.MedicalTrial) in onto
    assert (t.ObservationalStudy, RDFS.subClassOf, SCHEMA.MedicalObservationalStudy) in onto
    assert (t.ClinicalStudy, SKOS.closeMatch, OBO.OBI_0003697) in onto
    assert (t.InterventionalStudy, SKOS.closeMatch, OBO.OBI_0003699) in onto
    assert (t.leadSponsor, RDFS.subPropertyOf, SCHEMA.sponsor) in onto
    assert (t.condition, RDFS.subPropertyOf, SCHEMA.healthCondition) in onto
    phase = rdflib.Namespace(TKGV + "phase/")
    fhir = rdflib.Namespace("http://terminology.hl7.org/CodeSystem/research-study-phase#")
    for code, ncit, fhir_code in (
        ("PHASE1", "C15600", "phase-1"),
        ("PHASE2", "C15601", "phase-2"),
        ("PHASE3", "C15602", "phase-3"),
        ("PHASE4", "C15603", "phase-4"),
        ("EARLY_PHASE1", "C54721", "early-phase-1"),
    ):
        assert (phase[code], SKOS.exactMatch, OBO["NCIT_" + ncit]) in onto
        assert (phase[code], SKOS.exactMatch, fhir[fhir_code]) in onto


def _owl_rl_problems(graph: rdflib.Graph) -> list[str]:
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    problems = [str(graph.value(e, ERRNS.error)) for e in graph.subjects(RDF.type, ERRNS.ErrorMessage)]
    problems += [f"{n} is an owl:Nothing" for n in graph.subjects(RDF.type, OWL.Nothing)]
    problems += [
        f"{a} sameAs and differentFrom {b}"
        for a, b in graph.subject_objects(OWL.sameAs)
        if (a, OWL.differentFrom, b) in graph
    ]
    return problems


def test_owl_rl_closure_of_the_ontology_finds_no_contradiction(onto: rdflib.Graph) -> None:
    graph = rdflib.Graph()
    graph += onto
    assert _owl_rl_problems(graph) == []


def test_owl_rl_closure_of_ontology_and_data_finds_no_contradiction(
    onto: rdflib.Graph, json_corpus: list[MappedStudy]
) -> None:
    """Domains, ranges and disjoint classes agree with the data (a sample of 25 studies)."""
    graph = rdflib.Graph()
    graph += onto
    lines = {line for s in itertools.islice(json_corpus, 25) for line in (*s.own, *s.shared)}
    graph.parse(data="\n".join(sorted(lines)), format="nt")
    assert _owl_rl_problems(graph) == []


def test_every_class_and_predicate_of_the_corpus_is_declared_or_external(
    onto: rdflib.Graph, json_corpus_lines: list[str]
) -> None:
    data = rdflib.Graph().parse(data="\n".join(json_corpus_lines), format="nt")
    declared = ours(onto, OWL.Class) | ours(onto, OWL.ObjectProperty) | ours(onto, OWL.DatatypeProperty)
    external = tuple(EXTERNAL_VOCABULARIES.values())
    used = set(data.predicates()) | {c for c in data.objects(None, RDF.type) if isinstance(c, URIRef)}
    assert sorted(str(t) for t in used if t not in declared and not str(t).startswith(external)) == []
    for prop in {p for p in data.predicates() if str(p).startswith(TKG)}:
        objects = set(data.objects(None, prop))
        if all(isinstance(o, rdflib.Literal) for o in objects):
            assert (prop, RDF.type, OWL.DatatypeProperty) in onto, prop
        else:
            assert (prop, RDF.type, OWL.ObjectProperty) in onto, prop


def test_every_concept_the_corpus_uses_is_in_the_ontology(onto: rdflib.Graph, json_corpus_lines: list[str]) -> None:
    concepts = set(onto.subjects(RDF.type, SKOS.Concept))
    used = {URIRef(line.split(" ")[2][1:-1]) for line in json_corpus_lines if line.split(" ")[2].startswith(f"<{TKGV}")}
    assert used and used <= concepts, sorted(used - concepts)[:10]


def test_ontology_file_is_where_the_release_takes_it_from() -> None:
    assert Path(ontology_build.ONTOLOGY) == ONTOLOGY and ONTOLOGY.is_file()
