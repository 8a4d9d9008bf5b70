"""The release's files for download, VoID at /.well-known/void, and the home page (the app in process;
path traversal against the real server, whose HTTP layer reads the raw path)."""

from __future__ import annotations

import http.client
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
from starlette.testclient import TestClient

from kg.serve.app import STATIC, yasgui_installed
from tests.htmlpage import Page
from tests.serve.conftest import TEST_URL, Server, app_client

VOID = "http://rdfs.org/ns/void#"


def test_listing_and_downloads(client: TestClient, known_release: Path) -> None:
    files = {f["name"]: f for f in client.get("/downloads").json()["files"]}
    assert {"trialkg.ttl", "trialkg.nt.gz", "build-report.json"} <= set(files)
    assert not any(name.startswith("store/") or name == "studies.sqlite" for name in files)
    for name in ("trialkg.nt.gz", "build-report.json", "ontology/trialkg.ttl"):
        response = client.get(f"/downloads/{name}")
        assert response.status_code == 200 and response.content == (known_release / name).read_bytes()  # the file
        assert files[name]["size"] == (known_release / name).stat().st_size
    assert client.get("/downloads/trialkg.ttl").headers["content-type"].startswith("text/turtle")
    page = Page(client.get("/downloads", headers={"Accept": "text/html"}).text)
    assert {f"/downloads/{name}" for name in files} <= set(page.links)


def _raw_get(url: str, path: str) -> int:
    """A GET with the path sent exactly as given (no client-side normalisation of ../)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port)
    conn.request("GET", path)
    status = conn.getresponse().status
    conn.close()
    return status


@pytest.mark.parametrize(
    "path",
    [
        "/downloads/../build-report.json",
        "/downloads/%2e%2e/build-report.json",
        "/downloads/..%2fbuild-report.json",
        "/downloads/store/CURRENT",
        "/downloads/../../../../etc/passwd",
        "/downloads/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/downloads//etc/passwd",
        "/downloads/ontology/../build-report.json",
        "/static/../kg/serve/app.py",
    ],
)
def test_no_path_traversal(server: Server, path: str) -> None:
    assert _raw_get(server.url, path) == 404


def test_void_is_served(client: TestClient, known_release: Path) -> None:
    response = client.get("/.well-known/void")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    graph = {q.triple for q in ox.parse(response.content, format=ox.RdfFormat.TURTLE)}  # not a Store: it normalises
    assert any(t.object == ox.NamedNode(VOID + "Dataset") for t in graph)
    dumps = [t.object.value for t in graph if t.predicate == ox.NamedNode(VOID + "dataDump")]
    assert any(d.endswith("/downloads/trialkg.nt.gz") for d in dumps)  # relative IRIs resolved where they live
    for dump in dumps:
        assert client.get(urlsplit(dump).path).status_code == 200, dump
    jsonld = client.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    assert {q.triple for q in ox.parse(jsonld.content, format=ox.RdfFormat.JSON_LD)} == graph


def test_a_minimal_void_when_the_release_has_none(known_release: Path, tmp_path: Path) -> None:
    copy = tmp_path / "release"
    shutil.copytree(known_release, copy, ignore=shutil.ignore_patterns("void.ttl"))
    with app_client(copy, workers=1) as minimal:
        response = minimal.get("/.well-known/void", headers={"Accept": "application/n-triples"})
    triples = {q.triple for q in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)}
    (dataset,) = {t.subject for t in triples if t.object == ox.NamedNode(VOID + "Dataset")}
    assert ox.Triple(dataset, ox.NamedNode(VOID + "sparqlEndpoint"), ox.NamedNode(f"{TEST_URL}/sparql")) in triples
    dump = ox.NamedNode(f"{TEST_URL}/downloads/trialkg.nt.gz")
    assert ox.Triple(dataset, ox.NamedNode(VOID + "dataDump"), dump) in triples
    described = [t.object.value for t in triples if t.subject == dataset and isinstance(t.object, ox.Literal)]
    assert any("no void.ttl" in text for text in described), described  # it says why it is minimal


def test_home_page(client: TestClient) -> None:
    page = Page(client.get("/", headers={"Accept": "text/html"}).text)
    assert page.h1 == "ClinicalTrials.gov as a knowledge graph"
    (facts,) = page.find("table", class_="facts")
    assert ["studies", "5"] in facts.rows()
    assert "/downloads/trialkg.nt.gz" in page.links and "/.well-known/void" in page.links
    options = {e.attrs["value"] for e in page.find("option")}
    for name in ("trial-summary", "top-sponsors", "studies-of-sponsor"):
        assert f"/queries/{name}" in page.links and name in options
    assert page.find("textarea", id="query", name="query")
    editor = "/static/yasgui-editor.js" if yasgui_installed(STATIC) else "/static/editor.js"  # YASGUI, or the plain one
    assert editor in {e.attrs.get("src") for e in page.find("script")}
    prefilled = Page(client.get("/", params={"query": "ASK { ?s ?p ?o }"}).text)
    assert prefilled.texts("textarea", id="query") == ["ASK { ?s ?p ?o }"]
    assert client.get("/static/editor.js").status_code == 200
