"""Acceptance: every corpus record's ``trial-summary`` row matches an independent reading of its source file.

The expected rows are read here, straight from the files, with ``json`` and ``xml.etree.ElementTree`` and a
few small tables of our own: deliberately *not* through ``kg.sources`` or the mapping, so that the test
checks the whole pipeline (parse -> map -> validate -> publish -> query) against the registry's own text.

Column semantics (DESIGN.md, "The flat summary"): codes are API v2 codes whatever the input format;
multi-valued cells are the distinct values, sorted (code-point order), joined with ``|``; absent values are
empty.  XML text is stripped of leading and trailing whitespace and, as the project's XML reader does for
names and labels (``kg.sources.ctgov_xml_values.line``: a decision we follow, not code we reuse), an inner run of
whitespace counts as one space (``School of Medicine,  Slovenia`` in NCT02147249).  The legacy XML carries
MeSH terms by name only: its ``condition_mesh`` holds the UIs of the names that have exactly one UI
among the (UI, name) pairs of the corpus's API v2 records (their condition and intervention ``meshes``
and ``ancestors``, read here with ``json``) and the names the shipped default lexicon
(``kg/lexicons/*.sssom.tsv``, read here with ``csv``) maps with ``skos:exactMatch``; the others are empty.
A study present in several inputs is published once, from the copy with the newest last-update date (JSON
wins a tie); the expected row comes from that copy.
"""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures import TRIAL_SUMMARY_COLUMNS

COLUMNS = TRIAL_SUMMARY_COLUMNS
SEED_NCT = "NCT04282928"
SHOW = 20  # mismatches shown in a failure message

Row = dict[str, str]
Release = tuple[Path, Any]  # the corpus_release fixture: (release directory, BuildSummary)


@dataclass(frozen=True)
class Expected:
    row: Row
    file: Path
    fmt: str  # "json" | "xml"
    last_update: str  # ISO date, "" if the record has none


def _cell(values: Iterable[str | None]) -> str:
    """A multi-valued cell: distinct non-empty values, sorted by code point, joined with ``|``."""
    return "|".join(sorted({v for v in values if v}))


# --- API v2 JSON -----------------------------------------------------------------------------------------

_PADDED_MESH = re.compile(r"^([CD])(\d{9})$")
_OLD_MESH_LIMIT = {"D": 66491, "C": 589000}  # padded UIs below these were 7-character UIs (D + 6 digits)


def canonical_mesh(ui: str) -> str:
    """API v2 pads MeSH UIs to 10 characters; descriptors from before May 2014 had 7 (``D001249``)."""
    match = _PADDED_MESH.match(ui)
    if match and int(match.group(2)) < _OLD_MESH_LIMIT[match.group(1)]:
        return f"{match.group(1)}{int(match.group(2)):06d}"
    return ui


def _get(obj: object, *keys: str) -> object:
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _list(obj: object, *keys: str) -> list[dict]:
    value = _get(obj, *keys)
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def read_json(path: Path) -> Expected:
    study = json.loads(path.read_text(encoding="utf-8"))
    ps = study["protocolSection"]
    status = ps.get("statusModule") or {}
    design = ps.get("designModule") or {}
    count = _get(design, "enrollmentInfo", "count")
    locations = _list(ps, "contactsLocationsModule", "locations")
    interventions = _list(ps, "armsInterventionsModule", "interventions")
    row = {
        "nct_id": ps["identificationModule"]["nctId"],
        "title": (_get(ps, "identificationModule", "briefTitle") or "").strip(),
        "status": status.get("overallStatus") or "",
        "study_type": design.get("studyType") or "",
        "phases": _cell(design.get("phases") or []),
        "enrollment": str(int(count)) if count is not None else "",
        "start_date": _get(status, "startDateStruct", "date") or "",
        "completion_date": _get(status, "completionDateStruct", "date") or "",
        "lead_sponsor": _get(ps, "sponsorCollaboratorsModule", "leadSponsor", "name") or "",
        "lead_sponsor_class": _get(ps, "sponsorCollaboratorsModule", "leadSponsor", "class") or "",
        "collaborators": _cell(c.get("name") for c in _list(ps, "sponsorCollaboratorsModule", "collaborators")),
        "conditions": _cell(_get(ps, "conditionsModule", "conditions") or []),
        "condition_mesh": _cell(
            canonical_mesh(m["id"])
            for m in _list(study, "derivedSection", "conditionBrowseModule", "meshes")
            if m.get("id")
        ),
        "interventions": _cell(i.get("name") for i in interventions),
        "intervention_types": _cell(i.get("type") for i in interventions),
        "countries": _cell(loc.get("country") for loc in locations),
        "site_count": str(len(locations)),
    }
    last = _get(status, "lastUpdatePostDateStruct", "date") or status.get("lastUpdateSubmitDate") or ""
    return Expected(row, path, "json", str(last))


# --- legacy XML ------------------------------------------------------------------------------------------

_STATUS_LABELS = {"Unknown status": "UNKNOWN"}  # the rest: upper case, commas dropped, spaces -> "_"
_STUDY_TYPES = {"Observational [Patient Registry]": "OBSERVATIONAL", "N/A": ""}
_PHASES = {"N/A": "NA", "Early Phase 1": "EARLY_PHASE1", "Phase 0": "EARLY_PHASE1"}
_SPONSOR_CLASSES = {"U.S. Fed": "FED", "Individual": "INDIV"}


def _code(label: str, table: dict[str, str]) -> str:
    if label in table:
        return table[label]
    return re.sub(r"\s+", "_", label.replace(",", "").strip()).upper()


def _phases(label: str) -> list[str]:
    """``Phase 1/Phase 2`` -> ``PHASE1``, ``PHASE2``; ``N/A`` -> ``NA``."""
    if label in _PHASES:
        return [_PHASES[label]]
    return [_PHASES.get(part.strip()) or part.strip().upper().replace(" ", "") for part in label.split("/")]


def xml_date(text: str) -> str:
    """``March 2002`` -> ``2002-03``; ``March 15, 2002`` -> ``2002-03-15``; anything else unchanged."""
    for pattern, iso in (("%B %Y", "%Y-%m"), ("%B %d, %Y", "%Y-%m-%d")):
        try:
            return datetime.strptime(text, pattern).strftime(iso)
        except ValueError:
            continue
    return text


def _one_line(text: str | None) -> str:
    """XML text of a name or label: stripped, inner runs of whitespace as one space (see the module doc)."""
    return " ".join((text or "").split())


def _text(elem: ET.Element, path: str) -> str:
    found = elem.find(path)
    return _one_line(found.text) if found is not None else ""


def _texts(elem: ET.Element, path: str) -> list[str]:
    return [_one_line(e.text) for e in elem.findall(path)]


def _norm(name: str | None) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", (name or "").casefold().replace("&", " and ")).split())


def _default_lexicon() -> dict[str, str]:
    """Heading name -> MeSH UI from the shipped SSSOM defaults (exact matches only; the XML gives names)."""
    names: dict[str, str] = {}
    for path in sorted((Path(__file__).resolve().parent.parent / "kg" / "lexicons").glob("*.sssom.tsv")):
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
        for row in csv.DictReader(lines, delimiter="\t"):
            if row["predicate_id"] == "skos:exactMatch" and row["object_id"].startswith("MESH:"):
                names.setdefault(_norm(row["subject_label"]), row["object_id"][5:])
    return names


_LEXICON = _default_lexicon()


def registry_headings(corpus: Path) -> dict[str, set[str]]:
    """Heading name -> the UIs the corpus's API v2 records give it (normally one)."""
    names: dict[str, set[str]] = {}
    for path in sorted((corpus / "ctgov-json").glob("*.json")):
        study = json.loads(path.read_text(encoding="utf-8"))
        for module in ("conditionBrowseModule", "interventionBrowseModule"):
            for key in ("meshes", "ancestors"):
                for m in _list(study, "derivedSection", module, key):
                    if m.get("id") and m.get("term"):
                        names.setdefault(_norm(m["term"]), set()).add(canonical_mesh(m["id"]))
    return names


def _heading_ui(name: str, headings: dict[str, set[str]]) -> str | None:
    found = headings.get(_norm(name), set()) | ({_LEXICON[_norm(name)]} if _norm(name) in _LEXICON else set())
    return next(iter(found)) if len(found) == 1 else None


def read_xml(path: Path, headings: dict[str, set[str]]) -> Expected:
    root = ET.parse(path).getroot()
    locations = root.findall("location")
    enrollment = _text(root, "enrollment")
    lead_class = _text(root, "sponsors/lead_sponsor/agency_class")
    status = _text(root, "overall_status")
    row = {
        "nct_id": _text(root, "id_info/nct_id"),
        "title": _text(root, "brief_title"),
        "status": _code(status, _STATUS_LABELS) if status else "",
        "study_type": _code(_text(root, "study_type"), _STUDY_TYPES),
        "phases": _cell(p for label in _texts(root, "phase") if label for p in _phases(label)),
        "enrollment": str(int(enrollment)) if enrollment else "",
        "start_date": xml_date(_text(root, "start_date")),
        "completion_date": xml_date(_text(root, "completion_date")),
        "lead_sponsor": _text(root, "sponsors/lead_sponsor/agency"),
        "lead_sponsor_class": _code(lead_class, _SPONSOR_CLASSES) if lead_class else "",
        "collaborators": _cell(_texts(root, "sponsors/collaborator/agency")),
        "conditions": _cell(_texts(root, "condition")),
        "condition_mesh": _cell(_heading_ui(t, headings) for t in _texts(root, "condition_browse/mesh_term")),
        "interventions": _cell(_texts(root, "intervention/intervention_name")),
        "intervention_types": _cell(_code(t, {}) for t in _texts(root, "intervention/intervention_type") if t),
        "countries": _cell(_text(loc, "facility/address/country") for loc in locations),
        "site_count": str(len(locations)),
    }
    last = _text(root, "last_update_posted") or _text(root, "last_update_submitted") or _text(root, "lastchanged_date")
    return Expected(row, path, "xml", xml_date(last))


# --- the study-page text (the seed) ----------------------------------------------------------------------

_SEED_HEADINGS = [
    "Study Results",
    "Basic Information",
    "Brief Summary",
    "Related Clinical Trials",
    "Detailed Description",
    "Conditions",
    "Study Design",
    "Study Groups",
    "Interventions",
    "Eligibility Criteria",
    "Sponsors",
    "Responsible Party",
    "Principal Investigators",
    "Locations",
    "Countries",
    "Central Contacts",
    "Other Identifiers",
    "More Related Trials",
]


def read_seed(path: Path) -> Row:
    """The few values of the summary that the page text gives, read by position (DESIGN.md, Inputs)."""
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    sections: dict[str, list[str]] = {}
    current: list[str] = []
    for line in lines[1:]:
        if line in _SEED_HEADINGS and line not in sections:
            current = sections.setdefault(line, [])
            continue
        current.append(line)
    # each heading is followed by its helper sentence (the Study Results one by the "no results" sentence)
    body = {name: [v for v in values[1:] if v] for name, values in sections.items()}
    basic = body["Basic Information"]
    dates = [v for v in basic if re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", v)]
    enrollment = next(v.split()[0] for v in basic if v.endswith(" participants"))
    locations = body.get("Locations", [])
    return {
        "nct_id": next(line.removeprefix("NCT ID:").strip() for line in lines if line.startswith("NCT ID:")),
        "title": lines[0],
        "status": basic[0],
        "study_type": next(v for v in basic if v in ("INTERVENTIONAL", "OBSERVATIONAL", "EXPANDED_ACCESS")),
        "phases": _cell(v for v in basic if re.fullmatch(r"(EARLY_)?PHASE\d|NA", v)),
        "enrollment": enrollment,
        "start_date": dates[0],
        "completion_date": dates[1],
        "lead_sponsor": body["Sponsors"][0],
        "lead_sponsor_class": body["Sponsors"][1],
        "collaborators": _cell(body["Sponsors"][2::2]),
        "conditions": _cell(body.get("Conditions", [])),
        "condition_mesh": "",
        "interventions": _cell(body.get("Interventions", [])[0::2]),
        "intervention_types": "",  # the page text names interventions without their types
        "countries": _cell(place.rsplit(",", 1)[-1].strip() for place in locations[1::2]),
        "site_count": str(len(locations) // 2),
    }


# --- the expected table and the comparison ---------------------------------------------------------------


def winner(a: Expected, b: Expected) -> Expected:
    """The copy the release publishes: newest last-update date; on a tie JSON beats XML."""
    rank = {"json": 2, "xml": 1}
    return max(a, b, key=lambda e: (e.last_update, rank[e.fmt]))


def expected_rows(corpus: Path) -> tuple[dict[str, Expected], list[tuple[Expected, Expected]]]:
    """Every corpus study's expected row (by NCT id), and the (published, superseded) pairs of duplicates."""
    table: dict[str, Expected] = {}
    duplicates: list[tuple[Expected, Expected]] = []
    headings = registry_headings(corpus)
    files = [(read_json, p) for p in sorted((corpus / "ctgov-json").glob("*.json"))]
    files += [(lambda p: read_xml(p, headings), p) for p in sorted((corpus / "ctgov-xml").glob("*.xml"))]
    for reader, path in files:
        record = reader(path)
        nct = record.row["nct_id"]
        if nct in table:
            kept = winner(table[nct], record)
            duplicates.append((kept, record if kept is table[nct] else table[nct]))
            record = kept
        table[nct] = record
    return table, duplicates


def mismatches(expected: dict[str, Expected], rows: dict[str, Row]) -> list[tuple[str, str, str, str, str]]:
    """(NCT, column, expected, got, file) for every cell that differs, and for every missing row."""
    found = []
    for nct, want in sorted(expected.items()):
        got = rows.get(nct)
        if got is None:
            found.append((nct, "<row>", "present", "missing", str(want.file)))
            continue
        found += [
            (nct, c, want.row[c], got.get(c, "<no column>"), want.file.name)
            for c in COLUMNS
            if want.row[c] != got.get(c)
        ]
    return found


def report(found: list[tuple[str, str, str, str, str]], quarantine: dict[str, str]) -> str:
    by_column: dict[str, int] = {}
    for _, column, *_ in found:
        by_column[column] = by_column.get(column, 0) + 1
    counts = ", ".join(f"{c}: {n}" for c, n in sorted(by_column.items()))
    lines = [f"{len(found)} mismatching cells ({counts}); first {SHOW}, as NCT / column / expected / got / file:"]
    for nct, column, want, got, file in found[:SHOW]:
        why = f"  [quarantined: {quarantine[nct]}]" if column == "<row>" and nct in quarantine else ""
        lines.append(f"  {nct} / {column} / expected {want!r} / got {got!r} / {file}{why}")
    return "\n".join(lines)


# --- fixtures and tests ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def expected(corpus: Path) -> tuple[dict[str, Expected], list[tuple[Expected, Expected]]]:
    return expected_rows(corpus)


@pytest.fixture(scope="module")
def summary_rows(corpus_release: Release) -> tuple[list[str], list[Row]]:
    from kg.query import open_store, resolve, run

    release, _ = corpus_release
    return run(open_store(str(release)), resolve("trial-summary"))


@pytest.fixture(scope="module")
def quarantine(corpus_release: Release) -> dict[str, str]:
    _, summary = corpus_release
    return {q["nct_id"]: f"{q['stage']}: {q['reason']}" for q in summary.quarantine if q.get("nct_id")}


@pytest.mark.parametrize(
    ("ui", "canonical"),
    [
        ("D000001249", "D001249"),
        ("D000086382", "D000086382"),
        ("D001249", "D001249"),
        ("D000066490", "D066490"),
        ("D000066491", "D000066491"),
        ("C000588999", "C588999"),
        ("C000589000", "C000589000"),
    ],
)
def test_own_mesh_canonicalisation(ui: str, canonical: str) -> None:
    assert canonical_mesh(ui) == canonical


@pytest.mark.parametrize(
    ("text", "iso"),
    [("March 2002", "2002-03"), ("March 15, 2002", "2002-03-15"), ("December 1, 1999", "1999-12-01"), ("", "")],
)
def test_own_xml_dates(text: str, iso: str) -> None:
    assert xml_date(text) == iso


@pytest.mark.slow  # builds the whole corpus (minutes), once per session
def test_columns_are_the_contract(summary_rows: tuple[list[str], list[Row]]) -> None:
    columns, _ = summary_rows
    assert columns == COLUMNS


@pytest.mark.slow  # builds the whole corpus (minutes), once per session
def test_one_row_per_study(
    summary_rows: tuple[list[str], list[Row]], expected: tuple[dict[str, Expected], list], seeds: Path
) -> None:
    _, rows = summary_rows
    ids = [r["nct_id"] for r in rows]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    assert not repeated, f"studies with several rows: {repeated[:SHOW]}"
    want = set(expected[0]) | {SEED_NCT}
    assert (seeds / f"{SEED_NCT}.txt").is_file()
    missing, extra = sorted(want - set(ids)), sorted(set(ids) - want)
    assert not missing and not extra, (
        f"missing rows: {missing[:SHOW]} ({len(missing)}); unexpected rows: {extra[:SHOW]}"
    )
    assert len(rows) == len(want)


@pytest.mark.slow  # builds the whole corpus (minutes), once per session
def test_duplicate_published_from_newest_copy(
    expected: tuple[dict[str, Expected], list[tuple[Expected, Expected]]],
    corpus_release: Release,
) -> None:
    """The corpus holds a study in both JSON and XML; the release keeps the newest copy, as we expect."""
    _, duplicates = expected
    assert duplicates, "the corpus was expected to hold one study in both ctgov-json and ctgov-xml"
    _, summary = corpus_release
    superseded = {(d["nct_id"], Path(d["location"]).name) for d in summary.duplicates}
    for kept, lost in duplicates:
        assert (lost.row["nct_id"], lost.file.name) in superseded, (
            f"{lost.row['nct_id']}: expected {lost.file.name} (last update {lost.last_update}) to be superseded by "
            f"{kept.file.name} (last update {kept.last_update}); the build reports {summary.duplicates}"
        )


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_rows_match_sources(
    fmt: str,
    summary_rows: tuple[list[str], list[Row]],
    expected: tuple[dict[str, Expected], list],
    quarantine: dict[str, str],
) -> None:
    _, rows = summary_rows
    mine = {nct: e for nct, e in expected[0].items() if e.fmt == fmt}
    assert mine, f"no {fmt} records found in the corpus"
    found = mismatches(mine, {r["nct_id"]: r for r in rows})
    assert not found, report(found, quarantine)


@pytest.mark.slow  # builds the whole corpus (minutes), once per session
def test_seed_row(summary_rows: tuple[list[str], list[Row]], seeds: Path) -> None:
    _, rows = summary_rows
    want = read_seed(seeds / f"{SEED_NCT}.txt")
    # what our own reading of the seed must give (guards the reader above)
    assert want["status"] == "UNKNOWN" and want["phases"] == "PHASE1" and want["enrollment"] == "40"
    assert want["study_type"] == "INTERVENTIONAL"
    assert (want["start_date"], want["completion_date"]) == ("2020-02-29", "2021-03-31")
    assert (want["lead_sponsor"], want["lead_sponsor_class"]) == ("Shanghai East Hospital", "OTHER")
    assert want["collaborators"] == ""
    assert want["conditions"] == ""
    assert want["interventions"] == "Human umbilical cord mesenchymal stem cells|Routine treatment"
    assert (want["countries"], want["site_count"]) == ("China", "1")
    got = next((r for r in rows if r["nct_id"] == SEED_NCT), None)
    assert got is not None, f"no row for the seed {SEED_NCT}"
    diff = [f"  {c} / expected {want[c]!r} / got {got[c]!r}" for c in COLUMNS if want[c] != got[c]]
    assert not diff, f"{SEED_NCT} ({seeds / f'{SEED_NCT}.txt'}):\n" + "\n".join(diff)


@pytest.mark.slow  # builds the whole corpus (minutes), once per session
def test_streamed_batch_by_batch_it_gives_the_same_rows(
    corpus_release: Release, summary_rows: tuple[list[str], list[Row]]
) -> None:
    """``trialkg query trial-summary`` evaluates it for 500 studies at a time (its ``batch`` header): the
    rows are those of the whole query, in the same order."""
    from kg.query import open_store, resolve, stream

    release, _ = corpus_release
    query = resolve("trial-summary")
    assert query.batch == 500 and summary_rows[1] and len(summary_rows[1]) > 2 * query.batch
    columns, rows = stream(open_store(str(release)), query)
    assert (columns, list(rows)) == summary_rows
