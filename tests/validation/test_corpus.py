"""The real API v2 JSON corpus: no violation, the data-quality warnings it triggers, and per-batch validation
(as the build streams it) finding exactly what validating the whole graph finds."""

from __future__ import annotations

from collections import Counter

import pytest

from kg.validation.report import short, text_report
from kg.validation.results import Report
from tests.validation.conftest import MappedStudy

pytestmark = pytest.mark.slow


def test_per_batch_validation_finds_exactly_what_whole_graph_validation_finds(
    batched_report: Report, whole_report: Report
) -> None:
    assert len(whole_report) > 0  # the corpus has warnings: the comparison is not between two empty sets
    assert batched_report.results == whole_report.results


def test_per_record_validation_finds_the_same_on_a_sample(
    json_corpus: list[MappedStudy], whole_report: Report, validator
) -> None:  # noqa: ANN001
    """Batches of one study each, for the studies that have results (and a few without)."""
    with_results = {r.study for r in whole_report if r.study}
    sample = [s for s in json_corpus if f"https://w3id.org/trialkg/trial/{s.nct_id}" in with_results][:10]
    sample += [s for s in json_corpus if f"https://w3id.org/trialkg/trial/{s.nct_id}" not in with_results][:5]
    per_record = validator.validate_batches([*s.own, *s.shared] for s in sample)
    iris = {f"https://w3id.org/trialkg/trial/{s.nct_id}" for s in sample}
    expected = {r for r in whole_report if r.study in iris}
    assert {r for r in per_record if r.study in iris} == expected


def test_the_corpus_has_no_violations(whole_report: Report) -> None:
    violations = [r for r in whole_report if r.severity == "Violation"]
    assert violations == [], text_report(Report(set(violations)))[:3000]


def test_the_corpus_triggers_data_quality_warnings(whole_report: Report, capsys: pytest.CaptureFixture[str]) -> None:
    counts = Counter(short(r.shape) for r in whole_report if r.severity == "Warning")
    with capsys.disabled():
        print("\nwarnings of the JSON corpus:", ", ".join(f"{shape} {n}" for shape, n in counts.most_common()))
    assert counts["tkgsh:OpenLabelButMaskedWarning"] > 0
    assert sum(counts.values()) == whole_report.warning_count()
