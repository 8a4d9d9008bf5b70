"""Dereferenceable IRIs on a running server: content negotiation, suffixes, Link headers, the HTML page,
the vocabulary, and 404s."""

from __future__ import annotations

from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

T = "https://w3id.org/trialkg/"
STUDY = f"{T}trial/NCT00000002"
FORMATS = {
    "text/turtle": (".ttl", ox.RdfFormat.TURTLE),
    "application/n-triples": (".nt", ox.RdfFormat.N_TRIPLES),
    "application/ld+json": (".jsonld", ox.RdfFormat.JSON_LD),
    "application/rdf+xml": (".rdf", ox.RdfFormat.RDF_XML),
}


def _triples(response: httpx.Response, fmt: ox.RdfFormat) -> set[ox.Triple]:
    return {q.triple for q in ox.parse(response.content, format=fmt)}


def _own(release: Path, iri: str) -> set[ox.Triple]:
    store = ox.Store.read_only(str(release / "store"))
    return {q.triple for q in store.quads_for_pattern(ox.NamedNode(iri), None, None, ox.DefaultGraph())}


@pytest.mark.parametrize("media", list(FORMATS))
def test_rdf_by_accept_and_by_suffix(http: httpx.Client, known_release: Path, media: str) -> None:
    suffix, fmt = FORMATS[media]
    by_accept = http.get("/trial/NCT00000002", headers={"Accept": media})
    by_suffix = http.get(f"/trial/NCT00000002{suffix}", headers={"Accept": "text/html"})
    for response in (by_accept, by_suffix):
        assert response.status_code == 200 and response.headers["content-type"].startswith(media)
    assert _triples(by_accept, fmt) == _triples(by_suffix, fmt)
    # every triple about the study, and the links to it (none for a study nobody cites)
    assert _triples(by_accept, fmt) == _own(known_release, STUDY)


def test_link_headers_advertise_every_alternate(http: httpx.Client) -> None:
    for accept in ("text/html", "text/turtle"):
        link = http.get("/trial/NCT00000002", headers={"Accept": accept}).headers["link"]
        for media, (suffix, _) in FORMATS.items():
            assert f'</trial/NCT00000002{suffix}>; rel="alternate"; type="{media}"' in link
        assert f'<{STUDY}>; rel="canonical"' in link
    page = http.get("/trial/NCT00000002", headers={"Accept": "text/html"}).text
    assert '<link rel="alternate" type="text/turtle" href="/trial/NCT00000002.ttl">' in page


def test_the_html_page_shows_label_types_properties_and_links(http: httpx.Client) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = http.get("/trial/NCT00000002", headers={"Accept": browser})
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "<h1>Aspirin and Breathing</h1>" in page
    assert 'href="/ontology#ClinicalStudy"' in page and "clinical study" in page  # type, with its label
    assert 'href="/org/acme-pharma"' in page and ">Acme Pharma<" in page  # internal links: local paths
    assert 'href="/vocab/status/RECRUITING"' in page and ">Recruiting<" in page  # enumeration concepts
    assert 'href="https://clinicaltrials.gov/study/NCT00000002"' in page  # external links stay external
    assert 'href="/trial/NCT00000002/site/1"' in page and ">Acme Clinical Unit<" in page
    assert "tkg:leadSponsor" in page and "NCT00000002" in page


def test_incoming_links(http: httpx.Client) -> None:
    page = http.get("/country/FR", headers={"Accept": "text/html"}).text
    assert "<h1>France</h1>" in page and "Incoming links (3)" in page
    for site in ("/trial/NCT00000003/site/2", "/trial/NCT00000004/site/1", "/trial/NCT00000004/site/2"):
        assert f'href="{site}"' in page
    turtle = _triples(http.get("/country/FR.nt"), ox.RdfFormat.N_TRIPLES)
    country = ox.NamedNode(f"{T}country/FR")
    assert sum(1 for t in turtle if t.object == country) == 3


def test_org_and_shared_nodes(http: httpx.Client) -> None:
    page = http.get("/org/acme-pharma", headers={"Accept": "text/html"}).text
    assert "<h1>Acme Pharma</h1>" in page and 'href="/trial/NCT00000002/sponsor/lead"' in page
    for path in ("/condition/asthma", "/intervention/aspirin", "/trial/NCT00000001/arm/1"):
        assert http.get(path, headers={"Accept": "text/turtle"}).status_code == 200, path


def test_the_vocabulary_answers_too(http: httpx.Client) -> None:
    concept = http.get("/vocab/phase/PHASE1", headers={"Accept": "text/html"}).text
    assert "<h1>Phase 1</h1>" in concept and 'href="/trial/NCT00000003"' in concept  # studies in phase 1
    triples = _triples(http.get("/vocab/phase/PHASE1.nt"), ox.RdfFormat.N_TRIPLES)
    notation = ox.NamedNode("http://www.w3.org/2004/02/skos/core#notation")
    assert ox.Triple(ox.NamedNode(f"{T}vocab/phase/PHASE1"), notation, ox.Literal("PHASE1")) in triples
    ontology = http.get("/ontology", headers={"Accept": "text/html"}).text
    assert '<section id="leadSponsor">' in ontology and "lead sponsor" in ontology
    document = _triples(http.get("/ontology.ttl"), ox.RdfFormat.TURTLE)
    assert len(document) > 500 and any(t.subject == ox.NamedNode(f"{T}ontology#phase") for t in document)


@pytest.mark.parametrize("path", ["/trial/NCT99999999", "/org/nobody", "/trial/NCT00000002/arm/9", "/nothing.ttl",
                                  "/vocab/phase/PHASE9", "/trial/NCT00000002%20x", "/%3Cx%3E"])  # fmt: skip
def test_unknown_iris_give_404(http: httpx.Client, path: str) -> None:
    response = http.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["status"] == 404 and error["title"] == "Not found" and error["hint"]
    page = http.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 404 and "<h1>Not found</h1>" in page.text


def test_iris_that_are_not_web_addresses_are_not_links(http: httpx.Client) -> None:
    page = http.get("/trial/NCT00000004", headers={"Accept": "text/html"}).text
    assert "javascript:alert(document.cookie)" in page  # shown, as text
    assert 'href="javascript:' not in page.lower()


def test_iris_beyond_ascii(http: httpx.Client) -> None:
    org = "/org/北京协和医院"
    response = http.get(org, headers={"Accept": "text/html"})
    assert response.status_code == 200 and "<h1>北京协和医院</h1>" in response.text
    encoded = "/org/%E5%8C%97%E4%BA%AC%E5%8D%8F%E5%92%8C%E5%8C%BB%E9%99%A2"
    assert f'<{encoded}.ttl>; rel="alternate"' in response.headers["link"]
    assert f'<{T.rstrip("/")}{encoded}>; rel="canonical"' in response.headers["link"]
    assert 'href="/trial/NCT00000003/official/1"' in response.text  # incoming: the official
    triples = _triples(http.get(org + ".nt"), ox.RdfFormat.N_TRIPLES)
    assert ox.Triple(ox.NamedNode(f"{T}org/北京协和医院"), ox.NamedNode("https://schema.org/name"),
                     ox.Literal("北京协和医院")) in triples  # fmt: skip
