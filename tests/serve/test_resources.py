"""Dereferenceable IRIs (the app in process): content negotiation, suffixes, Link headers, the HTML page,
the vocabulary, and 404s. Pages are parsed (:class:`tests.htmlpage.Page`): their headings, links and text."""

from __future__ import annotations

from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Namespace, URIRef
from rdflib.compare import isomorphic
from starlette.testclient import TestClient

from tests.htmlpage import Page

T = "https://w3id.org/trialkg/"
VOID, DCAT = Namespace("http://rdfs.org/ns/void#"), Namespace("http://www.w3.org/ns/dcat#")
STUDY = f"{T}trial/NCT00000002"
FORMATS = {
    "text/turtle": (".ttl", ox.RdfFormat.TURTLE),
    "application/n-triples": (".nt", ox.RdfFormat.N_TRIPLES),
    "application/ld+json": (".jsonld", ox.RdfFormat.JSON_LD),
    "application/rdf+xml": (".rdf", ox.RdfFormat.RDF_XML),
}


def _triples(response: httpx.Response, fmt: ox.RdfFormat) -> set[ox.Triple]:
    return {q.triple for q in ox.parse(response.content, format=fmt)}


def _page(client: TestClient, path: str, accept: str = "text/html") -> Page:
    response = client.get(path, headers={"Accept": accept})
    assert response.headers["content-type"].startswith("text/html"), response.headers["content-type"]
    return Page(response.text)


def _own(release: Path, iri: str) -> set[ox.Triple]:
    store = ox.Store.read_only(str(release / "store"))
    return {q.triple for q in store.quads_for_pattern(ox.NamedNode(iri), None, None, ox.DefaultGraph())}


@pytest.mark.parametrize("media", list(FORMATS))
def test_rdf_by_accept_and_by_suffix(client: TestClient, known_release: Path, media: str) -> None:
    suffix, fmt = FORMATS[media]
    by_accept = client.get("/trial/NCT00000002", headers={"Accept": media})
    by_suffix = client.get(f"/trial/NCT00000002{suffix}", headers={"Accept": "text/html"})
    for response in (by_accept, by_suffix):
        assert response.status_code == 200 and response.headers["content-type"].startswith(media)
    assert _triples(by_accept, fmt) == _triples(by_suffix, fmt)
    # every triple about the study, and the links to it (none for a study nobody cites)
    assert _triples(by_accept, fmt) == _own(known_release, STUDY)


def test_link_headers_advertise_every_alternate(client: TestClient) -> None:
    for accept in ("text/html", "text/turtle"):
        link = client.get("/trial/NCT00000002", headers={"Accept": accept}).headers["link"]
        for media, (suffix, _) in FORMATS.items():
            assert f'</trial/NCT00000002{suffix}>; rel="alternate"; type="{media}"' in link
        assert f'<{STUDY}>; rel="canonical"' in link
    page = _page(client, "/trial/NCT00000002")
    alternates = {(e.attrs["type"], e.attrs["href"]) for e in page.find("link", rel="alternate")}
    assert alternates == {(media, f"/trial/NCT00000002{suffix}") for media, (suffix, _) in FORMATS.items()}


def test_the_html_page_shows_label_types_properties_and_links(client: TestClient) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = _page(client, "/trial/NCT00000002", browser)
    assert page.h1 == "Aspirin and Breathing"
    links = page.links
    assert "clinical study" in links["/ontology#ClinicalStudy"]  # the type, with its label
    assert "Acme Pharma" in links["/org/acme-pharma"]  # internal links: local paths
    assert "Recruiting" in links["/vocab/status/RECRUITING"]  # enumeration concepts, with their labels
    assert "https://clinicaltrials.gov/study/NCT00000002" in links  # external links stay external
    assert "Acme Clinical Unit" in links["/trial/NCT00000002/site/1"]
    assert "tkg:leadSponsor" in links["/ontology#leadSponsor"] and "NCT00000002" in page.text


def test_incoming_links(client: TestClient) -> None:
    page = _page(client, "/country/FR")
    assert page.h1 == "France" and "Incoming links (3)" in page.texts("h2")
    for site in ("/trial/NCT00000003/site/2", "/trial/NCT00000004/site/1", "/trial/NCT00000004/site/2"):
        assert site in page.links
    turtle = _triples(client.get("/country/FR.nt"), ox.RdfFormat.N_TRIPLES)
    country = ox.NamedNode(f"{T}country/FR")
    assert sum(1 for t in turtle if t.object == country) == 3


def test_org_and_shared_nodes(client: TestClient) -> None:
    page = _page(client, "/org/acme-pharma")
    assert page.h1 == "Acme Pharma" and "/trial/NCT00000002/sponsor/lead" in page.links
    for path in ("/condition/asthma", "/intervention/aspirin", "/trial/NCT00000001/arm/1"):
        assert client.get(path, headers={"Accept": "text/turtle"}).status_code == 200, path


def test_the_vocabulary_answers_too(client: TestClient) -> None:
    concept = _page(client, "/vocab/phase/PHASE1")
    assert concept.h1 == "Phase 1" and "/trial/NCT00000003" in concept.links  # studies in phase 1
    triples = _triples(client.get("/vocab/phase/PHASE1.nt"), ox.RdfFormat.N_TRIPLES)
    notation = ox.NamedNode("http://www.w3.org/2004/02/skos/core#notation")
    assert ox.Triple(ox.NamedNode(f"{T}vocab/phase/PHASE1"), notation, ox.Literal("PHASE1")) in triples
    ontology = _page(client, "/ontology")
    (section,) = ontology.find("section", id="leadSponsor")
    assert "lead sponsor" in section.text
    document = _triples(client.get("/ontology.ttl"), ox.RdfFormat.TURTLE)
    assert len(document) > 500 and any(t.subject == ox.NamedNode(f"{T}ontology#phase") for t in document)


def test_the_shapes_answer_as_a_document(client: TestClient, known_release: Path) -> None:
    served = Graph().parse(data=client.get("/shapes.ttl").text, format="turtle")
    release = Graph()
    for path in sorted((known_release / "shapes").glob("*.ttl")):
        release.parse(path, format="turtle")
    assert len(served) > 500 and isomorphic(served, release)
    page = _page(client, "/shapes")
    (section,) = page.find("section", id="StudyShape")
    assert "tkgsh:StudyShape" in section.text


def _void(release: Path) -> Graph:
    """The release's VoID, its relative IRIs (the files) resolved where the server offers them."""
    return Graph().parse(release / "void.ttl", format="turtle", publicID=f"{T}downloads/void.ttl")


def test_the_dataset_its_versions_files_and_publisher_answer(client: TestClient, known_release: Path) -> None:
    void = _void(known_release)
    dataset = URIRef(f"{T}dataset")
    (version,) = void.objects(dataset, DCAT.hasVersion)
    files = list(void.objects(version, DCAT.distribution))
    partition = next(void.objects(files[0], VOID.classPartition))
    assert files and isinstance(partition, URIRef)
    for iri in [dataset, version, *files, partition, URIRef(f"{T}publisher")]:
        path = str(iri).removeprefix(T.rstrip("/"))
        response = client.get(path, headers={"Accept": "application/n-triples"})
        assert response.status_code == 200, path
        served = Graph().parse(data=response.text, format="nt")
        own = {(p, o) for p, o in void.predicate_objects(iri) if not isinstance(o, BNode)}
        assert own and own <= set(served.predicate_objects(iri)), path
        assert client.get(path, headers={"Accept": "text/html"}).status_code == 200, path
    # the links into the dataset's description from elsewhere in it are shown too
    incoming = ox.Triple(ox.NamedNode(dataset), ox.NamedNode(DCAT.hasVersion), ox.NamedNode(version))
    path = str(version).removeprefix(T.rstrip("/"))
    assert incoming in _triples(client.get(path, headers={"Accept": "text/turtle"}), ox.RdfFormat.TURTLE)


@pytest.mark.parametrize(
    "path",
    [
        "/trial/NCT99999999",
        "/org/nobody",
        "/trial/NCT00000002/arm/9",
        "/nothing.ttl",
        "/vocab/phase/PHASE9",
        "/dataset/1999-01-01-00000000",
        "/shapes/x",
        "/trial/NCT00000002%20x",
        "/%3Cx%3E",
    ],
)
def test_unknown_iris_give_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["status"] == 404 and error["title"] == "Not found" and error["hint"]
    page = client.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 404 and Page(page.text).h1 == "Not found"


def test_iris_that_are_not_web_addresses_are_not_links(client: TestClient) -> None:
    page = _page(client, "/trial/NCT00000004")
    assert "javascript:alert(document.cookie)" in page.text  # shown, as text
    hrefs = [e.attrs["href"] for e in page.elements if "href" in e.attrs]
    assert hrefs and not [h for h in hrefs if h.strip().lower().startswith("javascript:")]


def test_iris_beyond_ascii(client: TestClient) -> None:
    org = "/org/北京协和医院"
    response = client.get(org, headers={"Accept": "text/html"})
    assert response.status_code == 200 and Page(response.text).h1 == "北京协和医院"
    encoded = "/org/%E5%8C%97%E4%BA%AC%E5%8D%8F%E5%92%8C%E5%8C%BB%E9%99%A2"
    assert f'<{encoded}.ttl>; rel="alternate"' in response.headers["link"]
    assert f'<{T.rstrip("/")}{encoded}>; rel="canonical"' in response.headers["link"]
    assert "/trial/NCT00000003/official/1" in Page(response.text).links  # incoming: the official
    triples = _triples(client.get(org + ".nt"), ox.RdfFormat.N_TRIPLES)
    assert (
        ox.Triple(
            ox.NamedNode(f"{T}org/北京协和医院"), ox.NamedNode("https://schema.org/name"), ox.Literal("北京协和医院")
        )
        in triples
    )
