"""The whole corpus (API v2 JSON, legacy XML and the seed page) as one validated release."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kg.publish import release as layout
from tests.fixtures import rapper_count


def test_every_study_is_published_with_nothing_quarantined(corpus_release, corpus: Path) -> None:
    release, summary = corpus_release
    ids = {p.stem for p in (corpus / "ctgov-json").glob("*.json")} | {p.stem for p in (corpus / "ctgov-xml").glob("*.xml")}
    assert summary.quarantined == 0, summary.quarantine[:5]
    assert summary.published == len(ids | {"NCT04282928"})
    assert summary.reconciles()
    assert (release / layout.QUARANTINE / "quarantine.jsonl").exists() is False


def test_a_study_in_two_formats_is_published_once_from_the_newest(corpus_release, corpus: Path) -> None:
    _, summary = corpus_release
    both = {p.stem for p in (corpus / "ctgov-json").glob("*.json")} & {p.stem for p in (corpus / "ctgov-xml").glob("*.xml")}
    assert both and {d["nct_id"] for d in summary.duplicates} == both
    report = json.loads((corpus_release[0] / layout.REPORT).read_text())
    assert report["superseded"] == len(both) and report["duplicates"] == summary.duplicates


def test_no_shacl_violations(corpus_release) -> None:
    release, summary = corpus_release
    text = (release / layout.VALIDATION / "report.txt").read_text()
    assert "Violation" not in text.split("Warning")[0] or "0 violations" in text.lower()


@pytest.mark.skipif(shutil.which("rapper") is None, reason="rapper (Debian raptor2-utils) is not installed")
@pytest.mark.parametrize(("dump", "syntax"), [(layout.TURTLE, "turtle"), (layout.NTRIPLES, "ntriples")])
def test_dumps_parse_with_a_third_party_parser(corpus_release, dump: str, syntax: str) -> None:
    release, summary = corpus_release
    assert rapper_count(release / dump, syntax) == summary.triples
