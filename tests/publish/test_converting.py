"""Mapping in worker processes gives the very same release as mapping in the build's own process."""

from __future__ import annotations

from pathlib import Path

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
