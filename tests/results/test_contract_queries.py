"""Acceptance: for every corpus record with results, JSON and XML alike, the rows of the three contract
queries equal an independent reading of its source file (:mod:`tests.results.sources`).

A study in several inputs is published from one copy (``tests/test_trial_summary.winner``); its rows are
read from that copy."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from tests.results.sources import EVENT_COLUMNS, FLOW_COLUMNS, OUTCOME_COLUMNS, Tables, has_results, read_json, read_xml
from tests.test_trial_summary import expected_rows

pytestmark = pytest.mark.slow
QUERIES = {
    "outcome-measurements": (OUTCOME_COLUMNS, "outcomes"),
    "adverse-events": (EVENT_COLUMNS, "events"),
    "participant-flow": (FLOW_COLUMNS, "flow"),
}
SHOW = 5


@pytest.fixture(scope="module")
def expected(corpus: Path) -> dict[str, tuple[str, Tables]]:
    """NCT id -> (format, tables) for every published record with results."""
    published, _ = expected_rows(corpus)
    tables = {}
    for nct, record in published.items():
        if has_results(record.file):
            tables[nct] = (record.fmt, (read_json if record.fmt == "json" else read_xml)(record.file)[1])
    return tables


@pytest.fixture(scope="module")
def answers(corpus_release: Any) -> dict[str, tuple[list[str], dict[str, Counter[tuple[str, ...]]]]]:
    from kg.query import open_store, resolve, run

    release, _ = corpus_release
    store = open_store(str(release))
    found = {}
    for name, (columns, _) in QUERIES.items():
        got_columns, rows = run(store, resolve(name))
        by_study: dict[str, Counter[tuple[str, ...]]] = defaultdict(Counter)
        for row in rows:
            by_study[row["nct_id"]][tuple(row[c] for c in columns)] += 1
        found[name] = (got_columns, by_study)
    return found


def test_the_corpus_has_results_in_both_formats(expected: dict[str, tuple[str, Tables]]) -> None:
    formats = Counter(fmt for fmt, _ in expected.values())
    assert formats["json"] >= 40 and formats["xml"] >= 400, formats


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_columns_are_the_contract(answers: dict, name: str) -> None:  # type: ignore[type-arg]
    assert answers[name][0] == QUERIES[name][0]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("name", sorted(QUERIES))
def test_rows_match_sources(answers: dict, expected: dict[str, tuple[str, Tables]], name: str, fmt: str) -> None:  # type: ignore[type-arg]
    _, by_study = answers[name]
    attribute = QUERIES[name][1]
    wrong = []
    rows = 0
    for nct, (record_fmt, tables) in sorted(expected.items()):
        if record_fmt != fmt:
            continue
        want, got = getattr(tables, attribute), by_study.get(nct, Counter())
        rows += sum(want.values())
        if want != got:
            missing, unexpected = list((want - got).items())[:2], list((got - want).items())[:2]
            wrong.append(f"{nct}: missing {missing}, unexpected {unexpected}")
    assert rows > 0, f"no {name} rows expected from the {fmt} records"
    assert not wrong, f"{len(wrong)} {fmt} studies differ; first {SHOW}:\n" + "\n".join(wrong[:SHOW])


def test_no_rows_for_studies_without_results(answers: dict, expected: dict[str, tuple[str, Tables]]) -> None:  # type: ignore[type-arg]
    for name in QUERIES:
        extra = sorted(set(answers[name][1]) - set(expected))
        assert not extra, f"{name}: rows for studies without results: {extra[:SHOW]}"
