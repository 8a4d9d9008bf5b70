"""Rebuilding the release being served: the whole site (store, workers, pages, downloads) switches to
the new release together, and none of it answers from the deleted one."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import httpx

from kg.publish.build import build
from tests.fixtures import write_json
from tests.htmlpage import Page
from tests.serve.conftest import Server
from tests.serve.known_release import known_studies

COUNT = "PREFIX tkg: <https://w3id.org/trialkg/ontology#> SELECT (COUNT(*) AS ?n) { ?s a tkg:ClinicalStudy }"


def _count(http: httpx.Client) -> int:
    response = http.get("/sparql", params={"query": COUNT})
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_a_rebuild_switches_the_whole_site(tmp_path: Path) -> None:
    write_json(tmp_path / "five" / "known.json", known_studies())
    write_json(tmp_path / "three" / "known.json", known_studies()[:3])
    out = tmp_path / "release"
    build([str(tmp_path / "five")], str(out), validate=False, progress=False)
    running = Server(out, "--workers", "2", "--timeout", "3")
    try:
        with httpx.Client(base_url=running.url, timeout=30) as http:
            assert _count(http) == 5 and http.get("/trial/NCT00000005").status_code == 200
            before = running.children() if sys.platform.startswith("linux") else set()
            build([str(tmp_path / "three")], str(out), validate=False, progress=False)
            assert _count(http) == 3  # the very next request sees the new release
            assert http.get("/trial/NCT00000005").status_code == 404
            assert http.get("/trial/NCT00000003").status_code == 200
            files = {f["name"]: f for f in http.get("/downloads").json()["files"]}
            dump = http.get("/downloads/trialkg.nt.gz")
            assert len(dump.content) == files["trialkg.nt.gz"]["size"] == (out / "trialkg.nt.gz").stat().st_size
            home = Page(http.get("/", headers={"Accept": "text/html"}).text)  # its examples: the new release's
            assert "/trial/NCT00000001" in home.links and "/trial/NCT00000005" not in home.links
            for _ in range(6):  # every worker answers from the new store
                assert _count(http) == 3
            if before:
                deadline = time.monotonic() + 60
                while running.children() & before and time.monotonic() < deadline:
                    time.sleep(0.5)  # the old workers stop once their queries have had their time
                assert not running.children() & before
    finally:
        running.stop()
