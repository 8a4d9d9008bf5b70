"""``trialkg fetch`` against the stand-in: exactly the studies the filters select (the stand-in's own
selection), each once, whole, as the API sent it; paging done right, faults survived, re-runs and
interrupted runs ending in the same directory."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.fetch import FetchError
from kg.fetch.bulk import fetch_all
from kg.fetch.fetch import fetch
from kg.fetch.paging import Query
from kg.fetch.writer import MANIFEST, FetchDir
from tests.conftest import ROOT
from tests.fetch.conftest import Start, client
from tests.fetch.standin import StandIn, nct

QUERIES = [
    Query(condition="asthma"),
    Query(intervention="placebo", statuses=("COMPLETED",)),
    Query(sponsor="pfizer"),
    Query(statuses=("COMPLETED", "RECRUITING")),
    Query(term="diabetes", location="france"),
    Query(since="2024-06-01"),
    Query(condition="cancer", statuses=("completed",), since="2015-01-01"),
]


def studies_in(folder: Path) -> dict[str, Any]:
    """The study files of a fetch directory, parsed; and a check that nothing else (no partial file) is there."""
    names = {p.name for p in folder.iterdir()}
    assert names - {MANIFEST} == {p.name for p in folder.glob("NCT*.json")}, names
    return {p.stem: json.loads(p.read_bytes()) for p in folder.glob("NCT*.json")}


def manifest(folder: Path) -> dict[str, Any]:
    return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))


def expected(server: StandIn, query: Query) -> dict[str, Any]:
    return {nct(s): s for s in server.select(query.params())}


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: ",".join(f"{k}={v}" for k, v in q.params().items()))
def test_fetch_gets_exactly_what_the_filters_select(standin: Start, tmp_path: Path, query: Query) -> None:
    server = standin()
    want = expected(server, query)
    assert 0 < len(want) < len(server.studies)
    with client(server) as api:
        result = fetch(api, str(tmp_path), query, progress=False, page_size=50)
    assert studies_in(tmp_path) == want  # the API's objects, unchanged
    m = manifest(tmp_path)
    assert (m["count"], m["total"], m["written"]) == (len(want), len(want), len(want))
    assert (m["data_timestamp"], m["api_version"]) == (server.timestamp, server.api_version)
    assert Query.from_record(m["query"]) == query and m["parameters"] == query.params()
    assert result.lines()[1].startswith(f"studies        {len(want):,} of")


def test_every_page_repeats_the_parameters_and_only_the_first_counts(standin: Start, tmp_path: Path) -> None:
    server = standin()
    query = Query(statuses=("COMPLETED",))
    with client(server) as api:
        fetch(api, str(tmp_path), query, progress=False, page_size=100)
    asked = [r.params for r in server.requests("/studies")]
    assert len(asked) == -(-len(expected(server, query)) // 100)
    assert asked[0].get("countTotal") == "true" and "pageToken" not in asked[0]
    for later in asked[1:]:
        assert "countTotal" not in later and later.pop("pageToken")
        assert later == {k: v for k, v in asked[0].items() if k != "countTotal"}


def test_the_empty_page_after_a_full_last_page_is_the_end(standin: Start, records: list, tmp_path: Path) -> None:
    server = standin(records[:60])
    with client(server) as api:
        fetch(api, str(tmp_path), Query(), progress=False, page_size=20)
    assert len(studies_in(tmp_path)) == 60
    assert len(server.requests("/studies")) == 4  # three full pages, each with a token, then an empty one


def test_faults_change_nothing(standin: Start, tmp_path: Path) -> None:
    plain, faulty = standin(), standin()
    faulty.fault("429", retry_after="1", after=1)
    faulty.fault("503", after=3, times=2)
    faulty.fault("drop", after=5)
    faulty.fault("truncate", after=7)
    faulty.fault("garble", after=9)
    query = Query(since="2020-01-01")
    with client(plain) as api:
        fetch(api, str(tmp_path / "plain"), query, progress=False, page_size=40)
    with client(faulty) as api:
        fetch(api, str(tmp_path / "faulty"), query, progress=False, page_size=40)
        assert api.retries == 6
    assert studies_in(tmp_path / "faulty") == studies_in(tmp_path / "plain") == expected(plain, query)
    assert manifest(tmp_path / "faulty")["retries"] == 6


def test_a_rerun_writes_nothing_that_did_not_change(standin: Start, tmp_path: Path) -> None:
    server = standin()
    query = Query(condition="asthma")
    with client(server) as api:
        fetch(api, str(tmp_path), query, progress=False)
    first = {p.name: p.stat().st_mtime_ns for p in tmp_path.glob("NCT*.json")}
    changed = sorted(first)[0][:-5]
    study = server.studies[changed]
    study["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] = "2026-08-11"
    with client(server) as api:
        fetch(api, str(tmp_path), query, progress=False)
    m = manifest(tmp_path)
    assert (m["written"], m["unchanged"]) == (1, len(first) - 1)
    again = {p.name: p.stat().st_mtime_ns for p in tmp_path.glob("NCT*.json")}
    assert [n for n in first if first[n] != again[n]] == [f"{changed}.json"]
    assert studies_in(tmp_path)[changed] == study


def test_max(standin: Start, tmp_path: Path) -> None:
    server = standin()
    with client(server) as api:
        fetch(api, str(tmp_path), Query(statuses=("COMPLETED",), max=25), progress=False, page_size=10)
    want = sorted(expected(server, Query(statuses=("COMPLETED",))))[:25]
    assert sorted(studies_in(tmp_path)) == want and manifest(tmp_path)["total"] == 25


def test_ids_with_an_unknown_one_and_an_alias(standin: Start, records: list, tmp_path: Path) -> None:
    server = standin(records[:50])
    chosen = sorted(server.studies)[:5]
    server.aliases["NCT09999998"] = chosen[4]  # an old id the registry redirects (301) to a study
    with client(server) as api:
        fetch(api, str(tmp_path), Query(ids=(*chosen[:3], "NCT09999998", "NCT09999999")), progress=False)
    assert sorted(studies_in(tmp_path)) == [*chosen[:3], chosen[4]]
    m = manifest(tmp_path)
    assert m["missing"] == ["NCT09999999"] and m["aliases"] == {"NCT09999998": chosen[4]}
    alone = [r.path for r in server.requests("/studies/")]  # looked up alone, the redirect followed
    assert alone == ["/studies/NCT09999998", f"/studies/{chosen[4]}", "/studies/NCT09999999"]


def test_a_fetch_killed_halfway_resumes_and_ends_the_same(standin: Start, tmp_path: Path) -> None:
    server = standin(delay=0.2)  # a page every 0.2 s at least: time to see the fetch halfway on a loaded machine
    command = [sys.executable, "-m", "kg", "fetch", "--api-url", server.url, "--rate", "0", "--page-size", "20"]
    command += ["--status", "COMPLETED", "--quiet"]
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    subprocess.run([*command, "--out", str(whole)], check=True, cwd=ROOT, capture_output=True, timeout=300)
    process = subprocess.Popen([*command, "--out", str(killed)], cwd=ROOT, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    half = len(studies_in(whole)) // 2
    while len(list(killed.glob("NCT*.json"))) < half and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert not (killed / MANIFEST).exists() and len(list(killed.glob("NCT*.json"))) < len(studies_in(whole))
    before = len(server.requests("/studies"))
    done = subprocess.run([*command, "--out", str(killed)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    resumed = server.requests("/studies")[before:]
    assert "pageToken" in resumed[0].params  # from the page it had reached, not from the start
    assert studies_in(killed) == studies_in(whole) == expected(server, Query(statuses=("COMPLETED",)))
    for name in ("count", "total", "query", "data_timestamp"):
        assert manifest(killed)[name] == manifest(whole)[name]
    assert sorted(p.name for p in killed.iterdir()) == sorted(p.name for p in whole.iterdir())  # no state left


def test_all_downloads_the_bulk_zip_again_when_it_arrives_cut_short(standin: Start, records: list, tmp_path) -> None:  # noqa: ANN001
    server = standin(records[:40])
    server.fault("truncate", path="/studies/download")
    server.fault("garble", path="/studies/download")
    with client(server) as api:
        result = fetch_all(api, str(tmp_path), progress=False)
    assert len(server.requests("/studies/download")) == 3
    with zipfile.ZipFile(tmp_path / "ctg-studies.json.zip") as archive:
        members = {name: json.loads(archive.read(name)) for name in archive.namelist()}
    assert members == {f"{k[-2:]}/{k}.json": v for k, v in server.studies.items()}
    assert result.manifest["count"] == 40 and result.manifest["all"] is True
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ctg-studies.json.zip", MANIFEST]


def test_cli(standin: Start, tmp_path: Path) -> None:
    server = standin()
    args = ["fetch", "--out", str(tmp_path), "--api-url", server.url, "--condition", "asthma", "--quiet"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert sorted(studies_in(tmp_path)) == sorted(expected(server, Query(condition="asthma")))
    assert "studies        15 of 15 selected" in result.output
    bad = CliRunner().invoke(main, ["fetch", "--out", str(tmp_path / "x"), "--api-url", server.url, "--since", "May"])
    assert bad.exit_code == 2 and "trialkg: --since May: not a date; write it as YYYY-MM-DD" in bad.output
    both = CliRunner().invoke(main, ["fetch", "--out", str(tmp_path / "y"), "--all", "--condition", "asthma"])
    assert both.exit_code == 2 and "give no filters" in both.output


def test_bad_ids_are_refused() -> None:
    with pytest.raises(FetchError, match="NCT123 is not an NCT id"):
        Query(ids=("NCT123",))


def test_a_temporary_file_left_by_a_killed_write_is_removed(tmp_path: Path) -> None:
    """A fetch killed between writing a file's temporary copy and renaming it leaves ``.NAME.tmp-XXXXXXXX``:
    the next fetch into the directory removes it (and nothing else)."""
    left = tmp_path / ".fetch-state.json.tmp-b0155a7e"
    left.write_text("{")
    (tmp_path / "NCT00000001.json").write_text("{}\n")
    (tmp_path / ".notes.tmp").write_text("mine")
    FetchDir(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".notes.tmp", "NCT00000001.json"]
