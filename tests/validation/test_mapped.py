"""What the mapping writes conforms to the shapes, without the corpus: the hand-written test record, and
variants of it that real records have, mapped and validated as the build does (own + shared lines)."""

from __future__ import annotations

from collections import Counter

import pytest

from kg.mapping.rdf import Mapper
from kg.publish.provenance import study_lines
from kg.sources.ctgov_json import parse_study
from kg.validation.engine import Validator
from kg.validation.report import short
from tests.fixtures import api_study


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator()


def lines(study: dict, base: str = "https://w3id.org/trialkg/") -> list[str]:  # type: ignore[type-arg]
    """The study's triples as the build validates them: mapped, with its provenance (kg.publish)."""
    record = parse_study(study, "test.json")  # type: ignore[arg-type]
    triples = Mapper(base).map(record)
    return [f"{t.subject} {t.predicate} {t.object} ." for t in triples.own | triples.shared] + study_lines(record, base)


def test_the_mapped_test_record_conforms_without_any_result(validator: Validator) -> None:
    report = validator.validate_ntriples(lines(api_study()))
    assert [(r.severity, short(r.shape), r.focus) for r in report] == []


def test_a_different_base_iri_conforms_too(validator: Validator) -> None:
    report = validator.validate_ntriples(lines(api_study(), base="http://example.org/kg/"))
    assert [(r.severity, short(r.shape), r.focus) for r in report] == []


def test_a_recruiting_record_past_its_completion_is_a_warning_only(validator: Validator) -> None:
    study = api_study(
        overallStatus="RECRUITING",
        completionDateStruct={"date": "2021-03", "type": "ESTIMATED"},
        lastUpdatePostDateStruct={"date": "2021-06-03", "type": "ACTUAL"},
    )
    report = validator.validate_ntriples(lines(study))
    assert report.conforms
    assert Counter(short(r.shape) for r in report) == Counter({"tkgsh:RecruitingAfterCompletionWarning": 1})
