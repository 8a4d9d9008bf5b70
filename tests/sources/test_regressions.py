"""Inputs that once broke a build, kept as data files (``regressions/``), one test each.

``regressions/cases.json`` says what each file must give: ``study`` (read and mapped) or ``rejected``
(every record of it quarantined, for the reason quoted, never for an internal error). A new failure
found by the fuzz tests or by a user becomes a file here and a line there.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.mapping.rdf import Mapper
from kg.model import Study
from kg.sources import Rejected, read

HERE = Path(__file__).parent / "regressions"
CASES: dict[str, dict[str, str]] = json.loads((HERE / "cases.json").read_text(encoding="utf-8"))


def test_every_file_has_a_case_and_every_case_a_file() -> None:
    assert set(CASES) == {p.name for p in HERE.iterdir() if p.name != "cases.json"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_regression(name: str) -> None:
    expected = CASES[name]
    records = list(read([str(HERE / name)]))
    assert records
    if expected["outcome"] == "study":
        assert all(isinstance(r, Study) for r in records), records
        for record in records:
            assert isinstance(record, Study) and Mapper().map(record).own
        return
    assert all(isinstance(r, Rejected) and not r.internal for r in records), records
    assert all(expected["reason"] in r.reason for r in records if isinstance(r, Rejected)), records
