from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from kg.sources import Rejected, detect, entries, read
from kg.sources.ctgov_json import parse
from tests.fixtures import api_study, write_json


def _studies(path: Path) -> list:
    return [r for e in entries(str(path)) for r in parse(e)]


def test_single_study_maps_every_module(tmp_path: Path) -> None:
    (study,) = _studies(write_json(tmp_path / "one.json", api_study()))
    assert study.nct_id == "NCT01234567"
    assert study.design.phases == ["PHASE2", "PHASE3"]
    assert study.design.enrollment == 120 and study.design.who_masked == ["PARTICIPANT", "INVESTIGATOR"]
    assert study.start_date.date == "2020-02-29" and study.primary_completion_date.date == "2021-03"
    assert study.lead_sponsor.name == "Example University Hospital" and study.collaborators[0].org_class == "INDUSTRY"
    assert [i.other_names for i in study.interventions] == [["ASA"], []]
    assert study.condition_mesh[0].ui == "D000001249"
    assert study.locations[0].lat == pytest.approx(52.15833)
    assert study.secondary_ids[0].type == "EUDRACT_NUMBER"
    assert study.source.format == "api-v2-json" and len(study.source.sha256) == 64


@pytest.mark.parametrize(
    "shape",
    [
        lambda studies: studies,  # the website's ctg-studies.json: a JSON array
        lambda studies: {"studies": studies, "nextPageToken": "abc"},  # an API page
        lambda studies: {"nextPageToken": None, "totalCount": 2, "studies": studies},  # keys in another order
    ],
)
def test_arrays_and_pages_stream_every_study(tmp_path: Path, shape) -> None:
    path = write_json(tmp_path / "many.json", shape([api_study("NCT00000001"), api_study("NCT00000002")]))
    assert [s.nct_id for s in _studies(path)] == ["NCT00000001", "NCT00000002"]
    assert [s.source.location for s in _studies(path)] == [f"{path}#0", f"{path}#1"]


def test_directory_and_zip(tmp_path: Path) -> None:
    write_json(tmp_path / "d" / "b.json", api_study("NCT00000002"))
    write_json(tmp_path / "d" / "a.json", api_study("NCT00000001"))
    with zipfile.ZipFile(tmp_path / "s.zip", "w") as archive:
        archive.write(tmp_path / "d" / "b.json", "x/b.json")
        archive.write(tmp_path / "d" / "a.json", "x/a.json")
    assert [s.nct_id for s in read([str(tmp_path / "d")])] == ["NCT00000001", "NCT00000002"]
    assert [s.nct_id for s in read([str(tmp_path / "s.zip")])] == ["NCT00000001", "NCT00000002"]


def test_bad_records_are_rejected_not_raised(tmp_path: Path) -> None:
    no_id = api_study()
    del no_id["protocolSection"]["identificationModule"]["nctId"]
    results = _studies(write_json(tmp_path / "a.json", [api_study("NCT00000001"), no_id, 5]))
    assert [type(r).__name__ for r in results] == ["Study", "Rejected", "Rejected"]
    assert "nctId" in results[1].reason
    (tmp_path / "broken.json").write_text('[{"protocolSection": ', encoding="utf-8")
    (broken,) = _studies(tmp_path / "broken.json")
    assert isinstance(broken, Rejected) and "JSON" in broken.reason


def test_format_detection(tmp_path: Path) -> None:
    (tmp_path / "x.xml").write_text("<?xml version='1.0'?>\n<clinical_study></clinical_study>")
    (tmp_path / "p.txt").write_text("Some title\nNCT ID: NCT01234567\n")
    (tmp_path / "j.json").write_text("  [ ]")
    kinds = {Path(e.location).name: detect(e) for e in entries(str(tmp_path))}
    assert kinds == {"x.xml": "xml", "p.txt": "text", "j.json": "json"}


def test_whole_json_corpus_parses(corpus: Path) -> None:
    records = list(read([str(corpus / "ctgov-json")]))
    assert not [r for r in records if isinstance(r, Rejected)]
    assert {r.nct_id for r in records} == {p.stem for p in (corpus / "ctgov-json").glob("*.json")}
