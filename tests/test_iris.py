"""The contract's IRIs, minted in one place (kg.iris), as DESIGN.md writes them."""

from __future__ import annotations

from kg.iris import Iris, curie, in_space, mesh, part, study_of


def test_the_contract_iris() -> None:
    iris = Iris("https://example.org/kg")  # a base without its slash gets one
    study = iris.study("NCT04282928")
    assert study == "https://example.org/kg/trial/NCT04282928"
    assert part(study, "arm", 0) == f"{study}/arm/0"
    assert iris.org("acme") == "https://example.org/kg/org/acme" and in_space(iris.org("acme"), "org")
    assert iris.country("FR") == "https://example.org/kg/country/FR"
    assert iris.shared_graph() == "https://example.org/kg/graph/shared"
    assert iris.distribution("v1", "trialkg.ttl") == "https://example.org/kg/dataset/v1/trialkg.ttl"
    assert mesh("D000001249") == "http://id.nlm.nih.gov/mesh/D001249"


def test_every_iri_under_a_study_belongs_to_it() -> None:
    study = Iris().study("NCT00000102")
    assert study_of(study) == study_of(part(study, "site", 3, "contact", 1)) == study
    assert study_of(Iris().org("acme")) is None


def test_one_converter_for_curies() -> None:
    assert curie("https://w3id.org/trialkg/ontology#phase") == "tkg:phase"
    assert curie("https://w3id.org/trialkg/trial/NCT04282928/arm/1") == "trial:NCT04282928/arm/1"
    assert curie("https://w3id.org/trialkg/trial/NCT04282928", term=True).startswith("https://")
    assert curie("http://purl.obolibrary.org/obo/STATO_0000076", term=True) == "obo:STATO_0000076"
    assert curie("http://example.org/unknown") == "http://example.org/unknown"
