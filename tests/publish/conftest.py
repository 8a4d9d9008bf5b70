"""A small hand-made release, built once per module that uses it."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.publish.build import BuildSummary, build
from tests.fixtures import api_study, write_json


def small_inputs(folder: Path) -> Path:
    """Three studies in two files, with a non-ASCII site, a second sponsor and an observational study."""
    one, two, three = api_study("NCT00000001"), api_study("NCT00000002"), api_study("NCT00000003")
    two["protocolSection"]["sponsorCollaboratorsModule"]["leadSponsor"] = {"name": "Acme Pharma", "class": "INDUSTRY"}
    three["protocolSection"]["designModule"]["studyType"] = "OBSERVATIONAL"
    three["protocolSection"]["descriptionModule"]["briefSummary"] = 'Quotes " and \\ and tabs\tand ünïcödé.'
    write_json(folder / "a.json", [one, three])
    write_json(folder / "b.json", two)
    return folder


@pytest.fixture(scope="module")
def small_release(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildSummary]:
    root = tmp_path_factory.mktemp("small")
    inputs = small_inputs(root / "in")
    summary = build([str(inputs)], str(root / "release"), validate=False, progress=False)
    return root / "release", summary
