"""An exception of ours while mapping or validating one record quarantines that record, loudly, and the
build goes on; ``strict`` makes it fatal."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from kg.mapping.rdf import Mapper
from kg.publish import release as layout
from kg.publish.build import build
from kg.validation.engine import Validator
from tests.fixtures import api_study, write_json

BAD = "NCT00000002"


def _inputs(folder: Path) -> Path:
    write_json(folder / "a.json", [api_study(f"NCT0000000{n}") for n in (1, 2, 3)])
    return folder


def _published(out: Path) -> set[str]:
    report = json.loads((out / layout.REPORT).read_text(encoding="utf-8"))
    assert report["records_read"] == report["published"] + report["quarantined"] + report["superseded"]
    return {row["nct_id"] for row in report["quarantine"]}


@pytest.fixture
def mapping_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    real = Mapper.map

    def failing(self: Mapper, study: Any) -> Any:
        if study.nct_id == BAD:
            raise ZeroDivisionError("a bug met on this record")
        return real(self, study)

    monkeypatch.setattr(Mapper, "map", failing)


class _FailingValidator(Validator):
    def validate_ntriples(self, lines: Iterable[str]) -> Any:
        lines = list(lines)
        if any(f"/trial/{BAD}>" in line for line in lines):
            raise KeyError("a bug met while validating")
        return super().validate_ntriples(lines)


def test_a_mapping_bug_quarantines_its_record_only(tmp_path: Path, mapping_fails: None) -> None:
    summary = build([str(_inputs(tmp_path / "in"))], str(tmp_path / "out"), validate=False, progress=False)
    assert (summary.published, summary.quarantined, summary.internal_errors) == (2, 1, 1)
    (entry,) = summary.quarantine
    assert entry["internal"] and entry["nct_id"] == BAD and "ZeroDivisionError: a bug met" in entry["reason"]
    assert any("for an internal error" in line for line in summary.lines())


def test_strict_makes_a_mapping_bug_fatal(tmp_path: Path, mapping_fails: None) -> None:
    with pytest.raises(ZeroDivisionError):
        build([str(_inputs(tmp_path / "in"))], str(tmp_path / "out"), validate=False, progress=False, strict=True)
    assert not (tmp_path / "out").exists()


def test_a_validation_bug_quarantines_its_record_only(tmp_path: Path) -> None:
    summary = build(
        [str(_inputs(tmp_path / "in"))], str(tmp_path / "out"), progress=False, validator_factory=_FailingValidator
    )
    assert (summary.published, summary.quarantined, summary.internal_errors) == (2, 1, 1)
    (entry,) = summary.quarantine
    assert entry["stage"] == "validate" and "KeyError" in entry["reason"]
    assert _published(tmp_path / "out") == {BAD}


def test_strict_makes_a_validation_bug_fatal(tmp_path: Path) -> None:
    with pytest.raises(KeyError):
        build(
            [str(_inputs(tmp_path / "in"))],
            str(tmp_path / "out"),
            progress=False,
            validator_factory=_FailingValidator,
            strict=True,
        )
