"""``trialkg build`` on the command line: the release options reach the build."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from rdflib import URIRef

from kg.cli import main
from kg.publish import release as layout
from tests.fixtures import api_study, write_json
from tests.publish.voidcheck import DCAT, VOID, load_void


def test_build_with_previous_endpoint_and_version(tmp_path: Path) -> None:
    write_json(tmp_path / "in" / "a.json", [api_study("NCT00000001"), api_study("NCT00000002")])
    runner = CliRunner()
    first = runner.invoke(
        main, ["build", str(tmp_path / "in"), "--out", str(tmp_path / "rel"), "--no-validate", "--quiet"]
    )
    assert first.exit_code == 0, first.output
    write_json(tmp_path / "in" / "a.json", [api_study("NCT00000001"), api_study("NCT00000003")])
    args = ["build", str(tmp_path / "in"), "--out", str(tmp_path / "rel"), "--previous", str(tmp_path / "rel")]
    args += ["--no-validate", "--quiet", "--endpoint-url", "https://example.org/sparql", "--release-version", "v2"]
    second = runner.invoke(main, args)
    assert second.exit_code == 0, second.output
    assert "1 converted, 1 reused" in second.output
    assert "1 studies added, 0 changed, 0 restated, 1 withdrawn" in second.output
    void = load_void(tmp_path / "rel")
    version = URIRef("https://w3id.org/trialkg/dataset/v2")
    assert (version, VOID.sparqlEndpoint, URIRef("https://example.org/sparql")) in void
    assert void.value(version, DCAT.previousVersion) is not None
    report = json.loads((tmp_path / "rel" / layout.REPORT).read_text(encoding="utf-8"))
    assert report["version"] == "v2" and report["reused"] == 1 and report["delta"]["added"] == 1


def test_previous_that_is_not_a_release_is_a_clear_error(tmp_path: Path) -> None:
    write_json(tmp_path / "in" / "a.json", api_study())
    (tmp_path / "empty").mkdir()
    args = ["build", str(tmp_path / "in"), "--out", str(tmp_path / "rel"), "--previous", str(tmp_path / "empty")]
    result = CliRunner().invoke(main, [*args, "--no-validate", "--quiet"])
    assert result.exit_code == 2 and "not a trialkg release" in result.output
