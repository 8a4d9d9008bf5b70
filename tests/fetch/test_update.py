"""``trialkg update`` against the stand-in: a release built from older versions of some studies, updated
after the registry changed (studies updated, one added, one gone, one now an alias), equals a fresh build
of the newest versions, its delta turns the old release into the new one, and a store patched with the
delta equals a fresh load (a real ``oxigraph serve``)."""

from __future__ import annotations

import copy
import gzip
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, Namespace, URIRef

from kg.cli import main
from kg.fetch.fetch import fetch
from kg.fetch.paging import Query
from kg.fetch.update import update
from kg.publish import release as layout
from kg.publish.build import build
from tests.fetch.conftest import Start, client
from tests.fetch.standin import nct
from tests.fetch.test_fetch import studies_in
from tests.load.conftest import Factory

THEN, NOW = "2026-08-10T09:00:05", "2026-08-11T09:00:07"
DCT = Namespace("http://purl.org/dc/terms/")
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"
_BUILD = re.compile(r"/build/[0-9a-f]{20}|build [0-9a-f]{20}")


def _dated(study: dict[str, Any], day: str) -> dict[str, Any]:
    study = copy.deepcopy(study)
    study["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"] = {"date": day, "type": "ACTUAL"}
    return study


def _older(study: dict[str, Any]) -> dict[str, Any]:
    study = copy.deepcopy(study)
    study["protocolSection"]["identificationModule"]["briefTitle"] += " (an older version)"
    return study


def lines(path: Path) -> set[str]:
    with gzip.open(path, "rt", encoding="utf-8") as dump:
        return {line.rstrip("\n") for line in dump}


def same_data(a: Path, b: Path, name: str) -> None:
    """The dumps hold the same triples, but for the IRIs of the build activities (an incremental build's
    reused studies keep the build that converted them, its converted ones name the incremental build)."""
    strip = lambda found: {_BUILD.sub("/build/*", line) for line in found}  # noqa: E731
    assert strip(lines(a / name)) == strip(lines(b / name)), name


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory, records: list[dict[str, Any]]) -> dict[str, Any]:
    """The releases and fetches of one update, shared by the tests (oxigraph servers started per test)."""
    root = tmp_path_factory.mktemp("update")
    served = sorted(copy.deepcopy(records[:30]), key=nct)
    newest = {nct(s): _dated(s, "2026-08-11") for s in served[:4]}
    first = [_older(s) if nct(s) in newest else s for s in served]
    return {
        "root": root,
        "served": served,
        "first": first,
        "newest": newest,
        "added": _dated(records[30], "2026-08-11"),
    }


def _run(scenario: dict[str, Any], standin: Start, oxigraph: Factory) -> dict[str, Any]:
    root: Path = scenario["root"]
    for leftover in root.iterdir():
        shutil.rmtree(leftover)
    server = standin(scenario["first"], timestamp=THEN)
    fetched, release = root / "fetched", root / "release"
    with client(server) as api:
        fetch(api, str(fetched), Query(), progress=False)
    build([str(fetched)], str(release), progress=False)
    shutil.copytree(release, root / "before")
    store = oxigraph()
    store.loader(progress=False).load(release)
    gone, aliased, target = (nct(s) for s in scenario["served"][4:7])
    for study in [*scenario["newest"].values(), scenario["added"]]:
        server.put(study)
    server.remove(gone)
    server.remove(aliased)
    server.aliases[aliased] = target
    server.timestamp = NOW
    args = ["update", str(release), "--api-url", server.url, "--rate", "0", "--quiet", "--endpoint", store.url]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return {"server": server, "store": store, "output": result.output, "gone": gone, "aliased": aliased, "to": target}


@pytest.fixture()
def updated(scenario: dict[str, Any], standin: Start, oxigraph: Factory) -> dict[str, Any]:
    return {**scenario, **_run(scenario, standin, oxigraph)}


def test_update_equals_a_fresh_build_and_the_store_a_fresh_load(updated: dict[str, Any], oxigraph: Factory) -> None:
    root: Path = updated["root"]
    fetched, release, before = root / "fetched", root / "release", root / "before"
    out = updated["output"]
    assert "withdrawn      2\n" in out and f"{updated['aliased']}: now an alias of {updated['to']}" in out
    assert f"{updated['gone']}: no longer in the registry (404)" in out
    assert "changed        5 studies updated since 2026-08-10, 5 newer here" in out
    # the fetch directory is what a fresh fetch of today's registry gives
    with client(updated["server"]) as api:
        fetch(api, str(root / "fresh-fetch"), Query(), progress=False)
    assert studies_in(fetched) == studies_in(root / "fresh-fetch")
    # the release is what a fresh build of the newest versions gives
    build([str(fetched)], str(root / "fresh"), progress=False)
    for name in (layout.NTRIPLES, layout.NQUADS):
        same_data(release, root / "fresh", name)
    report = json.loads((release / layout.REPORT).read_text())
    assert (report["converted"], report["reused"], report["published"]) == (5, 24, 29)
    assert report["data_timestamp"] == NOW and report["sources"][0]["fetch"]["data_timestamp"] == NOW
    withdrawn = report["sources"][0]["fetch"]["updated"]["withdrawn"]
    assert sorted(w["nct_id"] for w in withdrawn) == sorted([updated["gone"], updated["aliased"]])
    void = Graph().parse(release / layout.VOID)
    assert set(void.objects(None, DCT.modified)) == {Literal(NOW, datatype=URIRef(XSD_DATETIME))}
    # previous + delta = new, and the changelog names the studies
    added, removed = lines(release / layout.DELTA_ADDED), lines(release / layout.DELTA_REMOVED)
    assert (lines(before / layout.NTRIPLES) | added) - removed == lines(release / layout.NTRIPLES)
    log = json.loads((release / layout.CHANGELOG_JSON).read_text())
    assert sorted(c["nct_id"] for c in log["changed"]) == sorted(updated["newest"])
    assert [a["nct_id"] for a in log["added"]] == [nct(updated["added"])]
    assert sorted(w["nct_id"] for w in log["withdrawn"]) == sorted([updated["gone"], updated["aliased"]])
    # the store patched with the delta holds what a fresh load of the new release gives
    fresh = oxigraph()
    fresh.loader(progress=False).load(release)
    assert updated["store"].quads() == fresh.quads()


def test_nothing_new_nothing_rebuilt(updated: dict[str, Any]) -> None:
    release = updated["root"] / "release"
    report = (release / layout.REPORT).read_bytes()
    server = updated["server"]
    asked = len(server.requests("/studies"))
    result = update(str(release), api_url=server.url, rate=0, progress=False)  # the same data as the release's
    assert result.summary is None and result.changed == 0 and len(server.requests("/studies")) == asked
    server.timestamp = "2026-08-15T09:00:00"  # a weekend: new data, no study changed
    result = update(str(release), api_url=server.url, rate=0, progress=False)
    assert result.changed == 5  # those of 2026-08-11 again (the day of the release's data is asked for again)
    assert result.summary is None and (result.written, result.withdrawn) == (0, [])
    assert (release / layout.REPORT).read_bytes() == report
    assert "rebuild        none" in "\n".join(result.lines())


def test_a_release_not_built_from_a_fetch_is_refused(tmp_path: Path) -> None:
    from tests.fixtures import api_study, write_json

    write_json(tmp_path / "in" / "NCT00000001.json", api_study("NCT00000001"))
    build([str(tmp_path / "in")], str(tmp_path / "rel"), validate=False, progress=False)
    result = CliRunner().invoke(main, ["update", str(tmp_path / "rel"), "--api-url", "http://127.0.0.1:9/api/v2"])
    assert result.exit_code == 2 and "was not built from a fetch" in result.output
