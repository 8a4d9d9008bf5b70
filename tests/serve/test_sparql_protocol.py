"""The SPARQL 1.1 Protocol at /sparql (the app in process): forms of request, result formats by Accept
and by parameter, the service description, CORS, and what is refused (updates, SERVICE)."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from starlette.testclient import TestClient

from tests.htmlpage import Page
from tests.serve.conftest import TEST_URL

STUDIES = """PREFIX tkg: <https://w3id.org/trialkg/ontology#>
SELECT ?study WHERE { ?study a tkg:ClinicalStudy } ORDER BY ?study"""
IDS = [f"https://w3id.org/trialkg/trial/NCT0000000{i}" for i in range(1, 6)]
DESCRIBE = "DESCRIBE <https://w3id.org/trialkg/country/FR>"
SRX = "{http://www.w3.org/2005/sparql-results#}"


def _studies_from(response: httpx.Response) -> list[str]:
    kind = response.headers["content-type"].split(";")[0]
    if kind == "application/sparql-results+json":
        return [b["study"]["value"] for b in response.json()["results"]["bindings"]]
    if kind == "application/sparql-results+xml":
        return [u.text or "" for u in ET.fromstring(response.content).iter(SRX + "uri")]
    if kind == "text/csv":
        return [row["study"] for row in csv.DictReader(io.StringIO(response.text))]
    assert kind == "text/tab-separated-values"
    return [line.strip("<>") for line in response.text.splitlines()[1:]]


@pytest.mark.parametrize(
    "accept",
    [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
        "application/json",
        "*/*",
        "",
    ],
)
def test_select_by_accept(client: TestClient, accept: str) -> None:
    response = client.get("/sparql", params={"query": STUDIES}, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200, response.text
    assert _studies_from(response) == IDS
    assert "Accept" in response.headers["vary"]


@pytest.mark.parametrize(
    ("fmt", "media"),
    [
        ("json", "application/sparql-results+json"),
        ("xml", "application/sparql-results+xml"),
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
    ],
)
def test_select_by_format_parameter_wins_over_accept(client: TestClient, fmt: str, media: str) -> None:
    response = client.get("/sparql", params={"query": STUDIES, "format": fmt}, headers={"Accept": "text/html"})
    assert response.headers["content-type"].startswith(media)
    assert _studies_from(response) == IDS


def test_post_form_and_direct_body(client: TestClient) -> None:
    form = client.post("/sparql", data={"query": STUDIES}, headers={"Accept": "text/csv"})
    direct = client.post(
        "/sparql",
        content=STUDIES.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+xml"},
    )
    assert _studies_from(form) == _studies_from(direct) == IDS


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ],
)
def test_describe_and_construct_as_rdf(client: TestClient, accept: str, fmt: ox.RdfFormat) -> None:
    response = client.get("/sparql", params={"query": DESCRIBE}, headers={"Accept": accept})
    assert response.headers["content-type"].startswith(accept)
    triples = {quad.triple for quad in ox.parse(response.content, format=fmt)}
    fr = ox.NamedNode("https://w3id.org/trialkg/country/FR")
    assert ox.Triple(fr, ox.NamedNode("http://purl.org/dc/terms/identifier"), ox.Literal("FR")) in triples
    construct = "CONSTRUCT { ?s a ?t } WHERE { ?s a ?t . FILTER(?s = <https://w3id.org/trialkg/country/FR>) }"
    response = client.get("/sparql", params={"query": construct, "format": "ntriples"})
    assert response.headers["content-type"].startswith("application/n-triples")
    (only,) = ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)
    assert only.triple == ox.Triple(fr, ox.NamedNode(PREFIX_RDF + "type"), ox.NamedNode("https://schema.org/Country"))


def test_ask(client: TestClient) -> None:
    ask = "ASK { <https://w3id.org/trialkg/trial/NCT00000001> ?p ?o }"
    assert client.get("/sparql", params={"query": ask}).json()["boolean"] is True
    xml = client.get("/sparql", params={"query": ask.replace("01>", "99>"), "format": "xml"})
    assert ET.fromstring(xml.content).find(SRX + "boolean").text == "false"  # type: ignore[union-attr]


def _error(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()["error"]
    assert set(body) == {"status", "title", "detail", "hint"} and body["status"] == status
    return body


UPDATES = [
    "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }",
    "PREFIX ex: <http://example.org/>\n# a comment\ndelete where { ?s ?p ?o }",
    "DROP ALL",
    "LOAD <http://example.org/data.ttl>",
    "WITH <http://example.org/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "CLEAR DEFAULT ; INSERT DATA { <http://example.org/a> <http://example.org/b> 1 }",
]


@pytest.mark.parametrize("update", UPDATES)
def test_updates_are_refused_in_every_form(client: TestClient, known_release: Path, update: str) -> None:
    attempts = [
        client.get("/sparql", params={"query": update}),
        client.post("/sparql", data={"query": update}),
        client.post("/sparql", data={"update": update}),
        client.post("/sparql", content=update.encode(), headers={"Content-Type": "application/sparql-update"}),
        client.post("/sparql", content=update.encode(), headers={"Content-Type": "application/sparql-query"}),
    ]
    for response in attempts:
        body = _error(response, 403)
        assert body["title"] == "SPARQL Update is not allowed" and "read-only" in str(body["detail"])
    count = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    triples = len(ox.Store.read_only(str(known_release / "store")))
    assert count.json()["results"]["bindings"][0]["n"]["value"] == str(triples)  # nothing changed


def test_update_words_inside_strings_and_names_are_not_updates(client: TestClient) -> None:
    query = 'PREFIX drop: <http://example.org/>\n# DELETE\nSELECT ?x { BIND("INSERT DATA { }" AS ?x) '
    query += "FILTER(?x != drop:load) }"
    rows = client.get("/sparql", params={"query": query}).json()["results"]["bindings"]
    assert rows == [{"x": {"type": "literal", "value": "INSERT DATA { }"}}]


def test_federated_query_is_refused(client: TestClient) -> None:
    query = "SELECT * WHERE { service <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    assert _error(client.get("/sparql", params={"query": query}), 403)["title"] == "Federated query is disabled"
    fine = 'SELECT ?service WHERE { BIND("SERVICE" AS ?service) }'
    assert client.get("/sparql", params={"query": fine}).status_code == 200


def test_bad_requests_get_clear_errors(client: TestClient) -> None:
    malformed = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert "expected" in str(_error(malformed, 400)["detail"])
    _error(client.get("/sparql", params={"query": "  "}), 400)
    _error(client.get("/sparql", params=[("query", STUDIES), ("query", STUDIES)]), 400)
    _error(client.post("/sparql", content=b"x", headers={"Content-Type": "text/plain"}), 415)
    _error(client.get("/sparql", params={"query": STUDIES, "format": "yaml"}), 406)
    assert "SELECT" in str(_error(client.get("/sparql", params={"query": STUDIES, "format": "turtle"}), 406)["detail"])
    _error(client.put("/sparql", content=b""), 405)


def test_service_description(client: TestClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    graph = ox.Store()
    graph.load(response.content, format=ox.RdfFormat.TURTLE)
    triples = {q.triple for q in ox.parse(response.content, format=ox.RdfFormat.TURTLE)}
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoint = ox.NamedNode(f"{TEST_URL}/sparql")
    assert ox.Quad(endpoint, ox.NamedNode(PREFIX_RDF + "type"), ox.NamedNode(sd + "Service")) in graph
    assert ox.Quad(endpoint, ox.NamedNode(sd + "endpoint"), endpoint) in graph
    assert ox.Quad(endpoint, ox.NamedNode(sd + "supportedLanguage"), ox.NamedNode(sd + "SPARQL11Query")) in graph
    formats = list(graph.quads_for_pattern(endpoint, ox.NamedNode(sd + "resultFormat"), None))
    assert len(formats) == 8
    assert len(list(graph.quads_for_pattern(endpoint, ox.NamedNode(sd + "feature"), None))) == 4
    others = (("application/n-triples", ox.RdfFormat.N_TRIPLES), ("application/ld+json", ox.RdfFormat.JSON_LD))
    for accept, fmt in others:
        again = client.get("/sparql", headers={"Accept": accept})
        assert {q.triple for q in ox.parse(again.content, format=fmt)} == triples
    page = Page(client.get("/sparql", headers={"Accept": "text/html"}).text)  # shows the description
    (shown,) = page.find("pre")
    assert {q.triple for q in ox.parse(shown.text.encode(), format=ox.RdfFormat.TURTLE)} == triples


PREFIX_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def test_cors(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": STUDIES}, headers={"Origin": "https://example.org"})
    assert response.headers["access-control-allow-origin"] == "*"
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200 and "POST" in preflight.headers["access-control-allow-methods"]


def test_browsers_get_a_page(client: TestClient) -> None:
    page = client.get("/sparql", params={"query": STUDIES}, headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.headers["content-type"].startswith("text/html")
    results = Page(page.text)
    linked = {href for href in results.links if href.startswith("/trial/")}  # each study, linked to its page
    assert "5 rows" in results.texts("p") and linked == {f"/trial/NCT0000000{i}" for i in range(1, 6)}
    error = client.get("/sparql", params={"query": "DROP ALL"}, headers={"Accept": "text/html"})
    assert error.status_code == 403 and error.headers["content-type"].startswith("text/html")
    assert Page(error.text).h1 == "SPARQL Update is not allowed"
    assert json.loads(client.get("/sparql", params={"query": "DROP ALL"}).text)["error"]["status"] == 403
