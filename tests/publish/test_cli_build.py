"""``trialkg build`` on the command line: the release options reach the build; a build that cannot write
(a full disk, files that may not grow) says so in one line and leaves the previous release as it was."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from click.testing import CliRunner
from rdflib import URIRef

from kg.cli import main
from kg.publish import release as layout
from tests.fixtures import api_study, write_json
from tests.publish.voidcheck import DCAT, VOID, load_void
from tests.test_cli_errors import ROOT, one_line, run_trialkg, tmpfs

EXAMPLES = ROOT / "examples"


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


def _fingerprint(release: Path) -> dict[str, bytes]:
    return {str(p.relative_to(release)): p.read_bytes() for p in sorted(release.rglob("*")) if p.is_file()}


def _partials(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if ".partial-" in p.name)


def test_a_build_that_may_not_grow_its_files_leaves_the_previous_release(tmp_path: Path) -> None:
    """RLIMIT_FSIZE: every write past a few bytes fails (EFBIG), as on a full disk, without privileges."""
    from kg.publish.build import build

    out = tmp_path / "rel"
    build([str(EXAMPLES)], str(out), validate=False, progress=False)
    before = _fingerprint(out)
    result = run_trialkg(["build", str(EXAMPLES), "--out", str(out), "--quiet", "--no-validate"], fsize=4096)
    line = one_line(result)
    assert f"{out}: cannot write the release" in line and f"the previous release in {out} is unchanged" in line
    assert "or choose another --out" in line
    assert _fingerprint(out) == before and _partials(tmp_path) == []


def test_a_full_disk_leaves_the_previous_release_and_says_so(tmp_path: Path) -> None:
    """A real full disk: a tmpfs holding the previous release with room for half of another one."""
    from kg.publish.build import build

    reference = tmp_path / "reference"
    build([str(EXAMPLES)], str(reference), validate=False, progress=False)
    with tmpfs(tmp_path / "disk", "size=64m") as disk:
        shutil.copytree(reference, disk / "rel")
        used = shutil.disk_usage(disk).used
        subprocess.run(["mount", "-o", f"remount,size={used * 3 // 2}", str(disk)], check=True)
        before = _fingerprint(disk / "rel")
        line = one_line(run_trialkg(["build", str(EXAMPLES), "--out", str(disk / "rel"), "--quiet", "--no-validate"]))
        assert "no space left on the device" in line and "free some space or choose another --out" in line
        assert f"nothing was published, the previous release in {disk / 'rel'} is unchanged" in line
        assert _fingerprint(disk / "rel") == before and _partials(disk) == []
