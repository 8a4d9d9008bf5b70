"""The contract's IRIs, minted in one place (kg.iris), as DESIGN.md writes them."""

from __future__ import annotations

from kg.iris import Iris, in_space, mesh, part, study_of


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
