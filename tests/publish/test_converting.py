"""Mapping in worker processes gives the very same release as mapping in the build's own process."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.publish import converting
from kg.publish import release as layout
from kg.publish.build import build
from tests.fixtures import api_study, write_json


def test_workers_map_exactly_what_the_build_process_maps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_json(tmp_path / "in" / "a.json", [api_study(f"NCT0000{n:04d}") for n in range(40)])
    monkeypatch.setattr(converting, "WARM", 3)  # the workers take over after three studies
    monkeypatch.setattr(converting, "CHUNK", 4)
    here = build([str(tmp_path / "in")], str(tmp_path / "one"), validate=False, progress=False, jobs=1)
    there = build([str(tmp_path / "in")], str(tmp_path / "two"), validate=False, progress=False, jobs=2)
    assert here.published == there.published == 40 and there.reconciles()
    for dump in (layout.NTRIPLES, layout.NQUADS, layout.TURTLE, layout.JSONLD):
        assert (tmp_path / "one" / dump).read_bytes() == (tmp_path / "two" / dump).read_bytes(), dump


@pytest.mark.parametrize("jobs", [1, 2])
def test_contact_details_only_on_request_in_workers_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    studies = [api_study(f"NCT0000{n:04d}") for n in range(12)]
    for study in studies:
        study["protocolSection"]["contactsLocationsModule"]["centralContacts"] = [
            {"name": "Ada Lovelace", "role": "CONTACT", "phone": "+31 71 000 0000", "email": "ada@example.org"}
        ]
    write_json(tmp_path / "in" / "a.json", studies)
    monkeypatch.setattr(converting, "WARM", 3)
    found = {}
    for flag in (False, True):
        out = tmp_path / f"out-{flag}"
        build([str(tmp_path / "in")], str(out), validate=False, progress=False, jobs=jobs, contact_details=flag)
        with gzip.open(out / layout.NTRIPLES) as dump:
            objects = {t.object.value for t in ox.parse(dump, ox.RdfFormat.N_TRIPLES)}
        found[flag] = {"ada@example.org", "+31 71 000 0000"} & objects
    assert found == {False: set(), True: {"ada@example.org", "+31 71 000 0000"}}
