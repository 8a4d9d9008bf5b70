"""The research queries on posted results, against answers worked out by hand (tests/results/records.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.publish.build import build
from kg.query import open_store, resolve, run
from tests.results.records import write_records

T = "https://w3id.org/trialkg/"


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("results")
    out = work / "release"
    summary = build([str(write_records(work / "in"))], str(out), progress=False, jobs=1)
    assert summary.quarantine == [], summary.quarantine
    return out


def rows(release: Path, name: str, **params: str) -> list[tuple[str, ...]]:
    columns, found = run(open_store(str(release)), resolve(name), params)
    return [tuple(r[c] for c in columns) for r in found]


def test_reporting_compliance_by_sponsor_class(release: Path) -> None:
    # due (primary completion more than a year before 2024-06-01): 11 (OTHER, results), 12 (INDUSTRY, none),
    # 14 (INDUSTRY, results); 13 completed 2023-09, less than a year before
    assert rows(release, "results-reporting-compliance", as_of="2024-06-01") == [
        ("INDUSTRY", "2", "1", "50"),
        ("OTHER", "1", "0", "0"),
    ]
    # a year later 13 is due too, without results
    assert rows(release, "results-reporting-compliance", as_of="2025-06-01")[1] == ("OTHER", "2", "1", "50")


def test_time_to_results(release: Path) -> None:
    assert rows(release, "results-posting-delay") == [
        ("NCT00000011", "2021-03", "2022-01-15", "10"),
        ("NCT00000014", "2020-01-01", "2021-07-20", "18"),
    ]


def test_serious_adverse_event_rates_per_intervention(release: Path) -> None:
    # Aspirin: groups "Aspirin" of 11 (2/50) and " aspirin " of 14 (3/30): 5/80 = 6.25 % -> 6.3;
    # Placebo: 1/50 = 2 %; the "Total" group of 14 reports on no arm
    assert rows(release, "serious-adverse-event-rates") == [
        (f"{T}intervention/aspirin", "Aspirin", "2", "2", "5", "80", "6.3"),
        (f"{T}intervention/placebo", "Placebo", "1", "1", "1", "50", "2"),
    ]


def test_outcome_results_for_a_condition(release: Path) -> None:
    want = [("NCT00000011", "PRIMARY", "FEV1", "MEAN", "L", "Aspirin", "Aspirin", "", "", "20.0", "NA")]
    assert rows(release, "outcome-results-for-condition", mesh="D001249") == want
    assert rows(release, "outcome-results-for-condition", mesh="D000086382") == []
