"""The release's files for download, VoID at /.well-known/void, and the home page."""

from __future__ import annotations

import http.client
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pyoxigraph as ox
import pytest

from tests.serve.conftest import Server

VOID = "http://rdfs.org/ns/void#"


def test_listing_and_downloads(http: httpx.Client, known_release: Path) -> None:
    files = {f["name"]: f for f in http.get("/downloads").json()["files"]}
    assert {"trialkg.ttl", "trialkg.nt.gz", "build-report.json"} <= set(files)
    assert not any(name.startswith("store/") or name == "studies.sqlite" for name in files)
    for name in ("trialkg.nt.gz", "build-report.json", "ontology/trialkg.ttl"):
        response = http.get(f"/downloads/{name}")
        assert response.status_code == 200 and response.content == (known_release / name).read_bytes()
        assert files[name]["size"] == (known_release / name).stat().st_size
    assert http.get("/downloads/trialkg.ttl").headers["content-type"].startswith("text/turtle")
    page = http.get("/downloads", headers={"Accept": "text/html"}).text
    assert 'href="/downloads/trialkg.nt.gz"' in page


def _raw_get(url: str, path: str) -> int:
    """A GET with the path sent exactly as given (no client-side normalisation of ../)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port)
    conn.request("GET", path)
    status = conn.getresponse().status
    conn.close()
    return status


@pytest.mark.parametrize("path", [
    "/downloads/../build-report.json", "/downloads/%2e%2e/build-report.json", "/downloads/..%2fbuild-report.json",
    "/downloads/store/CURRENT", "/downloads/../../../../etc/passwd", "/downloads/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/downloads//etc/passwd", "/downloads/ontology/../build-report.json", "/static/../kg/serve/app.py",
])  # fmt: skip
def test_no_path_traversal(server: Server, path: str) -> None:
    assert _raw_get(server.url, path) == 404


def test_void_is_served(http: httpx.Client, known_release: Path) -> None:
    response = http.get("/.well-known/void")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    graph = {q.triple for q in ox.parse(response.content, format=ox.RdfFormat.TURTLE)}  # not a Store: it normalises
    assert any(t.object == ox.NamedNode(VOID + "Dataset") for t in graph)
    dumps = [t.object.value for t in graph if t.predicate == ox.NamedNode(VOID + "dataDump")]
    assert any(d.endswith("/downloads/trialkg.nt.gz") for d in dumps)  # relative IRIs resolved where they live
    for dump in dumps:
        assert http.get(urlsplit(dump).path).status_code == 200, dump
    jsonld = http.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    assert {q.triple for q in ox.parse(jsonld.content, format=ox.RdfFormat.JSON_LD)} == graph


def test_a_minimal_void_when_the_release_has_none(known_release: Path, tmp_path: Path) -> None:
    copy = tmp_path / "release"
    shutil.copytree(known_release, copy, ignore=shutil.ignore_patterns("void.ttl"))
    running = Server(copy, "--workers", "1")
    try:
        text = httpx.get(f"{running.url}/.well-known/void", headers={"Accept": "application/n-triples"}).text
    finally:
        running.stop()
    assert f"<{VOID}sparqlEndpoint> <{running.url}/sparql>" in text
    assert f"<{VOID}dataDump> <{running.url}/downloads/trialkg.nt.gz>" in text
    assert "no void.ttl" in text


def test_home_page(http: httpx.Client) -> None:
    page = http.get("/", headers={"Accept": "text/html"}).text
    assert "ClinicalTrials.gov as a knowledge graph" in page
    assert "<tr><th>studies</th><td>5</td></tr>" in page
    assert 'href="/downloads/trialkg.nt.gz"' in page and 'href="/.well-known/void"' in page
    for name in ("trial-summary", "top-sponsors", "studies-of-sponsor"):
        assert f'href="/queries/{name}"' in page and f'<option value="{name}">' in page
    assert '<textarea id="query" name="query"' in page and "/static/editor.js" in page
    prefilled = http.get("/", params={"query": "ASK { ?s ?p ?o }"}).text
    assert "ASK { ?s ?p ?o }</textarea>" in prefilled
    assert http.get("/static/editor.js").status_code == 200
