from __future__ import annotations

import rdflib
from rdflib import RDF, Literal, URIRef
from rdflib.compare import isomorphic

from kg.mapping.rdf import Mapper
from kg.sources.ctgov_json import parse_study
from tests.fixtures import api_study

TKG = rdflib.Namespace("https://w3id.org/trialkg/ontology#")
SCHEMA = rdflib.Namespace("https://schema.org/")
STUDY = URIRef("https://w3id.org/trialkg/trial/NCT01234567")


def _graph(base: str = "https://w3id.org/trialkg/") -> rdflib.Graph:
    triples = Mapper(base).map(parse_study(api_study(), "test.json"))
    text = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples.own | triples.shared)
    return rdflib.Graph().parse(data=text, format="nt")


def test_study_core_vocabulary() -> None:
    g = _graph()
    assert {(STUDY, RDF.type, c) for c in (TKG.ClinicalStudy, TKG.InterventionalStudy, SCHEMA.MedicalTrial)} <= set(g)
    assert g.value(STUDY, rdflib.DCTERMS.identifier) == Literal("NCT01234567")
    assert g.value(STUDY, SCHEMA.name) == Literal("Aspirin for Mild Asthma", lang="en")
    assert g.value(STUDY, SCHEMA.url) == URIRef("https://clinicaltrials.gov/study/NCT01234567")
    assert set(g.objects(STUDY, TKG.phase)) == {
        URIRef("https://w3id.org/trialkg/vocab/phase/PHASE2"),
        URIRef("https://w3id.org/trialkg/vocab/phase/PHASE3"),
    }


def test_typed_literals() -> None:
    g = _graph()
    assert g.value(STUDY, TKG.startDate) == Literal("2020-02-29", datatype=rdflib.XSD.date)
    assert g.value(STUDY, TKG.primaryCompletionDate) == Literal("2021-03", datatype=rdflib.XSD.gYearMonth)
    assert g.value(STUDY, TKG.enrollment) == Literal(120, datatype=rdflib.XSD.integer)
    assert g.value(STUDY, TKG.hasResults) == Literal(False)


def test_no_blank_nodes_and_every_node_under_its_owner() -> None:
    g = _graph()
    nodes = {n for triple in g for n in (triple[0], triple[2]) if not isinstance(n, Literal)}
    assert not [n for n in nodes if isinstance(n, rdflib.BNode)]
    subjects = {str(s) for s in g.subjects()}
    own = {s for s in subjects if s.startswith("https://w3id.org/trialkg/trial/")}
    assert all(s == str(STUDY) or s.startswith(str(STUDY) + "/") for s in own)


def test_shared_nodes_and_external_links() -> None:
    g = _graph()
    org = URIRef("https://w3id.org/trialkg/org/example-university-hospital")
    assert g.value(STUDY, TKG.leadSponsor) == org
    assert (org, RDF.type, SCHEMA.Organization) in g
    assert (STUDY, TKG.conditionMesh, URIRef("http://id.nlm.nih.gov/mesh/D001249")) in g
    assert (STUDY, TKG.interventionMesh, URIRef("http://id.nlm.nih.gov/mesh/D001241")) in g
    site = URIRef(str(STUDY) + "/site/2")
    assert g.value(site, TKG.country) == URIRef("https://w3id.org/trialkg/country/BE")
    ref = URIRef(str(STUDY) + "/reference/1")
    assert g.value(ref, TKG.pubmed) == URIRef("https://pubmed.ncbi.nlm.nih.gov/12345678")


def test_arms_link_their_interventions() -> None:
    g = _graph()
    arm, placebo_arm = URIRef(str(STUDY) + "/arm/1"), URIRef(str(STUDY) + "/arm/2")
    assert set(g.objects(arm, TKG.armIntervention)) == {URIRef(str(STUDY) + "/intervention/1")}
    assert set(g.objects(placebo_arm, TKG.armIntervention)) == {URIRef(str(STUDY) + "/intervention/2")}


def test_mapping_is_deterministic_and_base_is_configurable() -> None:
    assert isomorphic(_graph(), _graph())
    other = _graph("http://example.org/kg")
    assert (URIRef("http://example.org/kg/trial/NCT01234567"), RDF.type, TKG.ClinicalStudy) in other


def test_links_lose_trailing_punctuation_and_never_keep_dot_segments() -> None:
    """Regression: NCT05450016 links ``…/yolov3-overview/.``, which Turtle parsers read as another IRI."""
    from kg.mapping.rdf import _iri

    assert _iri("https://viso.ai/deep-learning/yolov3-overview/.") == _iri(
        "https://viso.ai/deep-learning/yolov3-overview/"
    )
    assert _iri("https://example.org/a/../b") is None
    assert _iri("https://example.org/page.html") is not None
