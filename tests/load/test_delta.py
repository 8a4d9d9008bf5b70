"""`trialkg load --delta`: release A loaded, B's delta (built with ``--previous A``) applied, and the store
compared with a fresh load of B in another server: by count, by CONSTRUCT queries, and quad by quad."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import LoadError
from kg.load.loader import Target, release_info
from kg.publish.build import build
from tests.fixtures import write_json
from tests.load.conftest import Factory, OxigraphServer
from tests.serve.known_release import known_studies

T = "https://w3id.org/trialkg/"

#: CONSTRUCT queries sampling what a delta touches: a changed, a withdrawn, an added and an untouched study,
#: the shared organisations, and everything.
SAMPLES = [
    *(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), '{T}trial/{nct}')) }}"
        for nct in ("NCT00000001", "NCT00000002", "NCT00000005", "NCT00000003")
    ),
    f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), '{T}org/')) }}",
    "CONSTRUCT { ?study <https://schema.org/name> ?t } WHERE { ?study <https://schema.org/name> ?t }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
]


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A: studies 1-4. B: study 1 changed (status, a new collaborator), 2 withdrawn, 5 added, 3 and 4 as in A."""
    root = tmp_path_factory.mktemp("delta")
    s1, s2, s3, s4, s5 = known_studies()
    write_json(root / "a" / "studies.json", [s1, s2, s3, s4])
    build([str(root / "a")], str(root / "A"), validate=False, progress=False)
    s1["protocolSection"]["statusModule"]["overallStatus"] = "TERMINATED"
    s1["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"] = {"date": "2024-05-01", "type": "ACTUAL"}
    s1["protocolSection"]["sponsorCollaboratorsModule"]["collaborators"].append(
        {"name": "Gamma Labs", "class": "OTHER"}
    )
    write_json(root / "b" / "studies.json", [s1, s3, s4, s5])
    build([str(root / "b")], str(root / "B"), validate=False, progress=False, previous=str(root / "A"))
    log = json.loads((root / "B" / "delta" / "changelog.json").read_text())["summary"]
    assert (log["added"], log["changed"], log["withdrawn"]) == (1, 1, 1)
    assert log["triples_added"] > 0 and log["triples_removed"] > 0
    return root / "A", root / "B"


def same_store(patched: OxigraphServer, fresh: OxigraphServer, target: Target) -> None:
    a, b = patched.source(target), fresh.source(target)
    assert a.count() == b.count()
    for text in SAMPLES:
        assert a.construct(text) == b.construct(text), text
    assert patched.quads() == fresh.quads()


@pytest.mark.parametrize("method", ["gsp", "update"])
@pytest.mark.parametrize(
    "target", [Target(), Target(graph="urn:x:trialkg"), Target(per_study=True)], ids=["default", "graph", "per-study"]
)
def test_a_delta_gives_the_store_a_fresh_load_of_the_new_release_would(
    oxigraph: Factory, releases: tuple[Path, Path], target: Target, method: str
) -> None:
    a, b = releases
    patched, fresh = oxigraph(), oxigraph(union=True)
    patched.loader(target, method=method).load(a)
    before = patched.quads()
    report = patched.loader(target, method=method, chunk=50).delta(b)
    assert report.found == report.expected == release_info(b)[2]
    assert patched.quads() != before
    fresh.loader(target).load(b)
    same_store(patched, fresh, target)


def test_the_cli_applies_a_delta(oxigraph: Factory, releases: tuple[Path, Path]) -> None:
    a, b = releases
    patched, fresh = oxigraph(union=True), oxigraph()
    runner = CliRunner()
    assert runner.invoke(main, ["load", str(a), "--endpoint", patched.url, "--quiet"]).exit_code == 0
    done = runner.invoke(main, ["load", str(b), "--endpoint", patched.url, "--delta", "--quiet"])
    assert done.exit_code == 0, done.output
    assert "delta from" in done.output and "1 added, 1 changed" in done.output and ": ok" in done.output
    assert runner.invoke(main, ["load", str(b), "--endpoint", fresh.url, "--quiet"]).exit_code == 0
    same_store(patched, fresh, Target())


def test_a_delta_on_the_wrong_store_content_is_reported(oxigraph: Factory, releases: tuple[Path, Path]) -> None:
    _, b = releases
    server = oxigraph()
    with pytest.raises(LoadError, match="verification failed"):
        server.loader().delta(b)  # the store never held A


def test_a_release_without_delta_is_refused(oxigraph: Factory, releases: tuple[Path, Path]) -> None:
    a, _ = releases
    with pytest.raises(LoadError, match="has no delta; build it with"):
        oxigraph().loader().delta(a)
