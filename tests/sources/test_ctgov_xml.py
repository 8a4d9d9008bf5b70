"""The legacy ClinicalTrials.gov XML parser: case files, then the whole corpus.

Each case in ``xml_cases/`` is an input, ``NAME.xml``, and what parsing it must give, ``NAME.json``:
``records``, one per record in order, each ``{"study": {...}}`` (a subset of the parsed
:class:`~kg.model.Study`'s fields, nested objects and lists compared the same way, lists element by
element and of the same length) or ``{"rejected": {...}}`` (fields of the
:class:`~kg.sources.Rejected`; ``reason``: the texts it must hold). ``{file}`` stands for the case's path.
A new case is two files, no code.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from kg import codes
from kg.model import Study
from kg.sources import Entry, Parsed, Rejected, detect, entries
from kg.sources.ctgov_xml import parse

CASES = Path(__file__).parent / "xml_cases"
NAMES = sorted(p.stem for p in CASES.glob("*.xml"))


def parse_file(path: Path) -> list[Parsed]:
    return list(parse(Entry(str(path), lambda: open(path, "rb"))))


def differences(expected: Any, actual: Any, where: str = "") -> list[str]:
    """How ``actual`` differs from ``expected``: an object's fields by name (only those expected), a list
    element by element (the same length), anything else by equality."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where}: expected an object, got {actual!r}"]
        found: list[str] = []
        for key, value in expected.items():
            if key not in actual:
                found.append(f"{where}.{key}: no such field")
            else:
                found += differences(value, actual[key], f"{where}.{key}")
        return found
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{where}: expected {len(expected)} items, got {actual!r}"]
        return [
            d for i, (e, a) in enumerate(zip(expected, actual, strict=True)) for d in differences(e, a, f"{where}[{i}]")
        ]
    return [] if expected == actual else [f"{where}: expected {expected!r}, got {actual!r}"]


def _located(value: Any, path: Path) -> Any:
    """The expectation with ``{file}`` replaced by the case's path."""
    if isinstance(value, dict):
        return {k: _located(v, path) for k, v in value.items()}
    if isinstance(value, list):
        return [_located(v, path) for v in value]
    return value.replace("{file}", str(path)) if isinstance(value, str) else value


def record_differences(expected: dict[str, Any], record: Parsed, where: str) -> list[str]:
    if "study" in expected:
        if not isinstance(record, Study):
            return [f"{where}: expected a study, got {record!r}"]
        assert record.source is not None and re.fullmatch("[0-9a-f]{64}", record.source.sha256), record.source
        return differences(expected["study"], dataclasses.asdict(record) | {"last_update": record.last_update}, where)
    if not isinstance(record, Rejected):
        return [f"{where}: expected a rejection, got the study {record.nct_id}"]
    fields = dict(expected["rejected"])
    missing = [
        f"{where}.reason: {text!r} not in {record.reason!r}"
        for text in fields.pop("reason", [])
        if text not in record.reason
    ]
    return missing + differences(fields | {"internal": False}, dataclasses.asdict(record), where)


def test_every_input_has_its_expectation() -> None:
    assert len(NAMES) >= 20
    assert {p.stem for p in CASES.glob("*.json")} == set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_case(name: str) -> None:
    path = CASES / f"{name}.xml"
    expected = _located(json.loads((CASES / f"{name}.json").read_text(encoding="utf-8")), path)
    records = parse_file(path)
    assert len(records) == len(expected["records"]), records
    found = [
        d
        for i, (e, r) in enumerate(zip(expected["records"], records, strict=True))
        for d in record_differences(e, r, f"record {i}")
    ]
    assert not found, f"{name}: {expected['about']}\n" + "\n".join(found)


def test_the_comparison_finds_differences() -> None:
    assert differences({"a": [1, {"b": 2}]}, {"a": [1, {"b": 2, "c": 3}], "d": 4}) == []
    assert differences({"a": [1, {"b": 2}]}, {"a": [1, {"b": 3}]}) == [".a[1].b: expected 2, got 3"]
    assert differences({"a": [1]}, {"a": [1, 2]}) == [".a: expected 1 items, got [1, 2]"]
    assert differences({"x": None}, {}) == [".x: no such field"]


def test_digest_ignores_layout_not_content(tmp_path: Path) -> None:
    def digest(text: str) -> str:
        path = tmp_path / "study.xml"
        path.write_text(text, encoding="utf-8")
        (record,) = parse_file(path)
        assert isinstance(record, Study) and record.source is not None
        return record.source.sha256

    text = (CASES / "minimal.xml").read_text(encoding="utf-8")
    base = digest(text)
    assert digest(text.replace("\n  ", "\n        ")) == base
    assert digest(text.replace("A study", "Another study")) != base


# --- the corpus ------------------------------------------------------------------------------------------


def corpus_dir() -> Path:
    root = os.environ.get("TRIALKG_CORPUS")
    corpus = Path(root) if root else Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
    if not (corpus / "ctgov-xml").is_dir():
        pytest.skip(f"no legacy XML corpus at {corpus / 'ctgov-xml'} (set TRIALKG_CORPUS to the corpus directory)")
    return corpus / "ctgov-xml"


def words(text: str | None) -> str:
    return " ".join((text or "").split())


def iso(text: str) -> str:
    for fmt, iso_fmt in (("%B %d, %Y", "%Y-%m-%d"), ("%B %Y", "%Y-%m")):
        try:
            return datetime.strptime(words(text), fmt).strftime(iso_fmt)
        except ValueError:
            pass
    raise AssertionError(f"unexpected date {text!r}")


def phases(text: str | None) -> list[str]:
    special = {"N/A": ["NA"], "Phase 0": ["EARLY_PHASE1"], "Early Phase 1": ["EARLY_PHASE1"]}
    if not text:
        return []
    return special.get(text, [p.strip().upper().replace(" ", "") for p in text.split("/")])


def test_corpus() -> None:
    folder = corpus_dir()
    assert any(folder.glob("*.xml"))
    problems: list[str] = []
    for entry in entries(str(folder)):
        records = list(parse(entry))
        name = Path(entry.location).stem
        if detect(entry) != "xml":
            problems.append(f"{name}: not detected as legacy XML")
        if len(records) != 1 or not isinstance(records[0], Study):
            problems.append(f"{name}: {records}")
            continue
        study = records[0]
        root = ET.parse(entry.location).getroot()
        expected = {
            "nct_id": name,
            "status": words(root.findtext("overall_status")),
            "phases": phases(root.findtext("phase")),
            "enrollment": int(root.findtext("enrollment")) if root.findtext("enrollment") else None,
            "start": iso(root.findtext("start_date", "")) if root.findtext("start_date") else None,
            "conditions": [words(c.text) for c in root.findall("condition")],
            "interventions": [words(i.findtext("intervention_name")) for i in root.findall("intervention")],
            "sponsor": (
                words(root.findtext("sponsors/lead_sponsor/agency")),
                words(root.findtext("sponsors/lead_sponsor/agency_class")) or None,
            ),
            "counts": [
                len(root.findall(t))
                for t in ("location", "overall_official", "arm_group", "reference", "results_reference")
            ],
            "outcomes": len(root.findall("primary_outcome"))
            + len(root.findall("secondary_outcome"))
            + len(root.findall("other_outcome")),
            "has_results": root.find("clinical_results") is not None or root.find("results_first_posted") is not None,
        }
        sponsor = study.lead_sponsor
        got = {
            "nct_id": study.nct_id,
            "status": codes.STATUS[study.overall_status] if study.overall_status else "",
            "phases": study.design.phases,
            "enrollment": study.design.enrollment,
            "start": study.start_date.date if study.start_date else None,
            "conditions": study.conditions,
            "interventions": [i.name for i in study.interventions],
            "sponsor": (sponsor.name, codes.SPONSOR_CLASS[sponsor.org_class] if sponsor.org_class else None)
            if sponsor
            else None,
            "counts": [
                len(study.locations),
                len(study.officials),
                len(study.arm_groups),
                sum(r.type == "BACKGROUND" for r in study.references),
                sum(r.type == "RESULT" for r in study.references),
            ],
            "outcomes": len(study.outcomes),
            "has_results": study.has_results,
        }
        for key, value in expected.items():
            if got[key] != value:
                problems.append(f"{name} {key}: XML says {value!r}, model has {got[key]!r}")
        if study.version_holder is None or study.source is None:
            problems.append(f"{name}: no version_holder or source")
    assert not problems, "\n".join(problems[:50])
