from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic

from kg.publish import release as layout
from kg.publish.build import build
from tests.fixtures import api_study, rapper_count, write_json

needs_rapper = pytest.mark.skipif(
    shutil.which("rapper") is None, reason="rapper (Debian raptor2-utils) is not installed"
)


def _build(inputs: list[Path], out: Path, **kwargs):  # noqa: ANN202
    return build([str(p) for p in inputs], str(out), validate=False, progress=False, **kwargs)


def _nt_graph(release: Path) -> rdflib.Graph:
    with gzip.open(release / layout.NTRIPLES, "rt", encoding="utf-8") as dump:
        return rdflib.Graph().parse(data=dump.read(), format="nt")


def test_newest_version_of_a_study_wins_and_the_report_says_so(tmp_path: Path) -> None:
    old = write_json(
        tmp_path / "in" / "old.json", api_study(briefTitle="x", lastUpdatePostDateStruct={"date": "2020-01-01"})
    )
    new = write_json(tmp_path / "in" / "new.json", api_study(lastUpdatePostDateStruct={"date": "2022-01-01"}))
    other = write_json(tmp_path / "in" / "other.json", api_study("NCT07654321"))
    summary = _build([old, new, other], tmp_path / "rel")
    assert (summary.records_read, summary.published, summary.superseded, summary.quarantined) == (3, 2, 1, 0)
    assert summary.duplicates == [
        {
            "nct_id": "NCT01234567",
            "location": str(old),
            "format": "api-v2-json",
            "last_update": "2020-01-01",
            "published_from": str(new),
        }
    ]
    g = _nt_graph(tmp_path / "rel")
    dates = set(g.objects(None, rdflib.URIRef("https://w3id.org/trialkg/ontology#lastUpdatePostedDate")))
    assert {str(d) for d in dates} == {"2022-01-01", "2021-06-03"}
    report = json.loads((tmp_path / "rel" / layout.REPORT).read_text())
    assert report["duplicates"][0]["published_from"] == str(new)


def test_bad_records_are_quarantined_and_the_rest_published(tmp_path: Path) -> None:
    bad = api_study("NCT00000002", startDateStruct={"date": "sometime in 2020"})
    write_json(tmp_path / "in" / "a.json", [api_study("NCT00000001"), {"protocolSection": {}}, bad])
    (tmp_path / "in" / "b.json").write_text("{ not json", encoding="utf-8")
    summary = _build([tmp_path / "in"], tmp_path / "rel")
    assert summary.records_read == 4 and summary.published == 1 and summary.quarantined == 3
    assert summary.reconciles()
    lines = (tmp_path / "rel" / layout.QUARANTINE / "quarantine.jsonl").read_text().splitlines()
    stages = sorted(json.loads(line)["stage"] for line in lines)
    assert stages == ["parse", "parse", "parse"]  # a date that is no date is the record's fault, found when parsing
    assert any("sometime in 2020" in line and "start_date" in line for line in lines)


def test_two_builds_of_the_same_input_are_byte_identical(tmp_path: Path) -> None:
    write_json(tmp_path / "in" / "a.json", [api_study("NCT00000002"), api_study("NCT00000001")])
    _build([tmp_path / "in"], tmp_path / "one")
    _build([tmp_path / "in"], tmp_path / "two")
    for name in (layout.NTRIPLES, layout.TURTLE):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_turtle_and_ntriples_dumps_hold_the_same_graph(tmp_path: Path) -> None:
    write_json(tmp_path / "in" / "a.json", [api_study("NCT00000002"), api_study("NCT00000001")])
    summary = _build([tmp_path / "in"], tmp_path / "rel")
    nt = _nt_graph(tmp_path / "rel")
    ttl = rdflib.Graph().parse(tmp_path / "rel" / layout.TURTLE, format="turtle")
    assert len(nt) == summary.triples and isomorphic(nt, ttl)


def test_a_failed_build_leaves_the_previous_release_untouched(tmp_path: Path) -> None:
    write_json(tmp_path / "in" / "a.json", api_study())
    _build([tmp_path / "in"], tmp_path / "rel")
    before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "rel").iterdir()}

    def broken_factory() -> object:
        raise RuntimeError("validator exploded")

    with pytest.raises(RuntimeError):
        build([str(tmp_path / "in")], str(tmp_path / "rel"), progress=False, validator_factory=broken_factory)
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "rel").iterdir()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".rel")] == []


def test_refuses_to_replace_a_directory_that_is_not_a_release(tmp_path: Path) -> None:
    from kg.errors import ReleaseError

    write_json(tmp_path / "in" / "a.json", api_study())
    (tmp_path / "precious").mkdir()
    (tmp_path / "precious" / "thesis.tex").write_text("do not delete")
    with pytest.raises(ReleaseError, match="not a trialkg release"):
        _build([tmp_path / "in"], tmp_path / "precious")
    assert (tmp_path / "precious" / "thesis.tex").exists()


@needs_rapper
def test_dumps_parse_with_rapper(tmp_path: Path) -> None:
    write_json(tmp_path / "in" / "a.json", [api_study("NCT00000002"), api_study("NCT00000001")])
    summary = _build([tmp_path / "in"], tmp_path / "rel")
    assert rapper_count(tmp_path / "rel" / layout.TURTLE, "turtle") == summary.triples
    assert rapper_count(tmp_path / "rel" / layout.NTRIPLES, "ntriples") == summary.triples
