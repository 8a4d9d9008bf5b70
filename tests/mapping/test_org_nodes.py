"""Organisation nodes in a release built from real corpus records: a site's facility is an institution of
that name in its country, a sponsor is one node per name; a position is no organisation; one preferred
name per organisation. Queried with SPARQL over the release, as a consumer would."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.publish import converting
from kg.publish.build import build
from kg.query import LocalStore, open_store, resolve, run

T = "https://w3id.org/trialkg/"
P = """PREFIX tkg: <https://w3id.org/trialkg/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
RECORDS = [
    "ctgov-xml/NCT00001186.xml",  # lead sponsor National Cancer Institute (NCI), the US institute
    "ctgov-json/NCT05419375.json",  # a site "National Cancer Institute" in Thailand (Bangkok)
    "ctgov-xml/NCT00003991.xml",  # a site "Queen Elizabeth Hospital" in Australia
    "ctgov-xml/NCT00003578.xml",  # a site "Queen Elizabeth Hospital" in the United Kingdom
    "ctgov-json/NCT04482309.json",  # collaborator "Daiichi Sankyo Co., Ltd."
    "ctgov-json/NCT06350097.json",  # collaborator "Daiichi Sankyo"
    "ctgov-xml/NCT00004045.xml",  # lead sponsor "Daiichi Sankyo, Inc."
    "ctgov-json/NCT05382585.json",  # an official whose affiliation is "Professor"
    "ctgov-json/NCT02682511.json",  # API v2: "Hypertension, Pulmonary" is D006976
    "ctgov-xml/NCT00495638.xml",  # legacy XML: the heading "Hypertension, Pulmonary", by name (mapped in a worker)
]


@pytest.fixture(scope="module")
def release(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStore]:
    out = tmp_path_factory.mktemp("orgs") / "release"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(converting, "WARM", 3)  # the workers map the rest: they need the pairs too
        summary = build([str(corpus / r) for r in RECORDS], str(out), progress=False, jobs=2)
    assert summary.published == len(RECORDS) and summary.violations == 0, summary.quarantine
    yield LocalStore(open_store(str(out)))


def _rows(store: LocalStore, query: str) -> list[dict[str, str]]:
    return store.select(P + query)[1]


def test_a_sponsor_and_a_site_of_its_name_in_another_country_are_two_nodes(release: LocalStore) -> None:
    """Regression: org:national-cancer-institute was both the US sponsor and a Thai site."""
    (sponsor,) = _rows(release, 'SELECT ?org WHERE { ?s dcterms:identifier "NCT00001186" ; tkg:leadSponsor ?org }')
    (site,) = _rows(
        release,
        """SELECT ?org WHERE { ?s dcterms:identifier "NCT05419375" ; tkg:site ?site .
             ?site schema:name "National Cancer Institute" ; schema:addressCountry "Thailand" ; tkg:facility ?org }""",
    )
    assert sponsor["org"] == f"{T}org/national-cancer-institute"
    assert site["org"] == f"{T}org/national-cancer-institute--th"


def test_sites_of_one_name_in_two_countries_are_two_institutions(release: LocalStore) -> None:
    """Regression: org:queen-elizabeth-hospital joined Adelaide and Birmingham."""
    rows = _rows(
        release,
        """SELECT DISTINCT ?country ?org WHERE {
             ?site schema:name "Queen Elizabeth Hospital" ; schema:addressCountry ?country ; tkg:facility ?org }""",
    )
    assert {(r["country"], r["org"]) for r in rows} == {
        ("Australia", f"{T}org/queen-elizabeth-hospital--au"),
        ("United Kingdom", f"{T}org/queen-elizabeth-hospital--gb"),
    }


def test_a_position_is_no_organisation(release: LocalStore) -> None:
    """Regression: the affiliation "Professor" was an organisation node shared by every such official."""
    rows = _rows(
        release,
        """SELECT ?official ?org WHERE { ?s dcterms:identifier "NCT05382585" ; tkg:official ?official .
             ?official tkg:affiliationName "Professor" OPTIONAL { ?official tkg:affiliation ?org } }""",
    )
    assert rows and all(r["org"] == "" for r in rows)
    assert _rows(release, 'SELECT ?org WHERE { ?org a schema:Organization ; schema:name "Professor" }') == []


def test_one_preferred_name_per_organisation_and_the_others_as_alternatives(release: LocalStore) -> None:
    counts = _rows(
        release,
        """SELECT ?org (COUNT(DISTINCT ?pref) AS ?n) WHERE {
             ?org a schema:Organization OPTIONAL { ?org skos:prefLabel ?pref } } GROUP BY ?org""",
    )
    assert counts and {r["n"] for r in counts} == {"1"}
    labels = _rows(
        release,
        """SELECT ?org ?name ?kind WHERE { ?org a schema:Organization .
             { ?org skos:prefLabel ?name BIND("pref" AS ?kind) } UNION { ?org skos:altLabel ?name BIND("alt" AS ?kind) }
             UNION { ?org schema:name ?name BIND("name" AS ?kind) } }""",
    )
    by_org: dict[str, dict[str, set[str]]] = {}
    for r in labels:
        by_org.setdefault(r["org"], {"pref": set(), "alt": set(), "name": set()})[r["kind"]].add(r["name"])
    for org, kinds in by_org.items():  # every name is the preferred one or an alternative, never both
        assert kinds["pref"] | kinds["alt"] == kinds["name"] and not kinds["pref"] & kinds["alt"], org
    assert by_org[f"{T}org/daiichi-sankyo"] == {
        "pref": {"Daiichi Sankyo"},
        "alt": {"Daiichi Sankyo Co., Ltd.", "Daiichi Sankyo, Inc."},
        "name": {"Daiichi Sankyo", "Daiichi Sankyo Co., Ltd.", "Daiichi Sankyo, Inc."},
    }


def test_top_sponsors_still_groups_by_organisation(release: LocalStore) -> None:
    _, rows = run(release, resolve("top-sponsors"))
    daiichi = [r for r in rows if r["sponsor"] == f"{T}org/daiichi-sankyo"]
    assert [(r["name"], r["studies"], r["lead_studies"]) for r in daiichi] == [("Daiichi Sankyo", "3", "1")]


def test_workers_resolve_legacy_headings_through_the_json_records(release: LocalStore) -> None:
    rows = _rows(release, 'SELECT ?m WHERE { ?s dcterms:identifier "NCT00495638" ; tkg:conditionMesh ?m }')
    assert {r["m"] for r in rows} >= {"http://id.nlm.nih.gov/mesh/D006976", "http://id.nlm.nih.gov/mesh/D006973"}
