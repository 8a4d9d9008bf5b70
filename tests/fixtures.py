"""Small hand-written records (not copied from the corpus) for unit tests."""

from __future__ import annotations

import copy
import gzip
import json
import re
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

#: The columns of the trial-summary contract query (DESIGN.md), in order.
TRIAL_SUMMARY_COLUMNS = [
    "nct_id",
    "title",
    "status",
    "study_type",
    "phases",
    "enrollment",
    "start_date",
    "completion_date",
    "lead_sponsor",
    "lead_sponsor_class",
    "collaborators",
    "conditions",
    "condition_mesh",
    "interventions",
    "intervention_types",
    "countries",
    "site_count",
]

_STUDY: dict[str, Any] = {
    "protocolSection": {
        "identificationModule": {
            "nctId": "NCT01234567",
            "orgStudyIdInfo": {"id": "TKG-001"},
            "organization": {"fullName": "Example University Hospital", "class": "OTHER"},
            "briefTitle": "Aspirin for Mild Asthma",
            "officialTitle": "A Randomised Trial of Aspirin in Adults With Mild Asthma",
            "secondaryIdInfos": [{"id": "2020-000001-11", "type": "EUDRACT_NUMBER"}],
        },
        "statusModule": {
            "statusVerifiedDate": "2021-05",
            "overallStatus": "COMPLETED",
            "startDateStruct": {"date": "2020-02-29", "type": "ACTUAL"},
            "primaryCompletionDateStruct": {"date": "2021-03", "type": "ACTUAL"},
            "completionDateStruct": {"date": "2021-03-31", "type": "ACTUAL"},
            "studyFirstSubmitDate": "2020-01-10",
            "lastUpdateSubmitDate": "2021-06-01",
            "lastUpdatePostDateStruct": {"date": "2021-06-03", "type": "ACTUAL"},
        },
        "sponsorCollaboratorsModule": {
            "responsibleParty": {"type": "SPONSOR"},
            "leadSponsor": {"name": "Example University Hospital", "class": "OTHER"},
            "collaborators": [{"name": "Acme Pharma", "class": "INDUSTRY"}],
        },
        "descriptionModule": {"briefSummary": "Does aspirin help?\n\nWe will see."},
        "conditionsModule": {"conditions": ["Asthma", "Mild Asthma"], "keywords": ["aspirin"]},
        "designModule": {
            "studyType": "INTERVENTIONAL",
            "phases": ["PHASE2", "PHASE3"],
            "designInfo": {
                "allocation": "RANDOMIZED",
                "interventionModel": "PARALLEL",
                "primaryPurpose": "TREATMENT",
                "maskingInfo": {"masking": "DOUBLE", "whoMasked": ["PARTICIPANT", "INVESTIGATOR"]},
            },
            "enrollmentInfo": {"count": 120, "type": "ACTUAL"},
        },
        "armsInterventionsModule": {
            "armGroups": [
                {"label": "Aspirin", "type": "EXPERIMENTAL", "interventionNames": ["Drug: Aspirin"]},
                {"label": "Placebo", "type": "PLACEBO_COMPARATOR", "interventionNames": ["Drug: Placebo"]},
            ],
            "interventions": [
                {"type": "DRUG", "name": "Aspirin", "armGroupLabels": ["Aspirin"], "otherNames": ["ASA"]},
                {"type": "DRUG", "name": "Placebo", "armGroupLabels": ["Placebo"]},
            ],
        },
        "outcomesModule": {"primaryOutcomes": [{"measure": "FEV1", "timeFrame": "12 weeks"}]},
        "eligibilityModule": {
            "eligibilityCriteria": "Inclusion Criteria:\n\n* adults\n\nExclusion Criteria:\n\n* smokers",
            "healthyVolunteers": False,
            "sex": "ALL",
            "minimumAge": "18 Years",
            "stdAges": ["ADULT", "OLDER_ADULT"],
        },
        "contactsLocationsModule": {
            "overallOfficials": [
                {
                    "name": "Ada Lovelace, MD",
                    "affiliation": "Example University Hospital",
                    "role": "PRINCIPAL_INVESTIGATOR",
                }
            ],
            "locations": [
                {
                    "facility": "Example University Hospital",
                    "city": "Leiden",
                    "country": "Netherlands",
                    "geoPoint": {"lat": 52.15833, "lon": 4.49306},
                },
                {"facility": "Clinique Exemple", "city": "Liège", "country": "Belgium"},
            ],
        },
        "referencesModule": {
            "references": [{"pmid": "12345678", "type": "RESULT", "citation": "Doe J. Aspirin. 2021."}]
        },
    },
    "derivedSection": {
        "miscInfoModule": {"versionHolder": "2024-01-02"},
        "conditionBrowseModule": {
            "meshes": [{"id": "D000001249", "term": "Asthma"}],
            "ancestors": [{"id": "D000012130", "term": "Respiratory Hypersensitivity"}],
        },
        "interventionBrowseModule": {"meshes": [{"id": "D000001241", "term": "Aspirin"}]},
    },
    "hasResults": False,
}


def api_study(nct_id: str = "NCT01234567", **status: Any) -> dict[str, Any]:
    """A complete API v2 study; keyword arguments override statusModule fields."""
    study = copy.deepcopy(_STUDY)
    study["protocolSection"]["identificationModule"]["nctId"] = nct_id
    study["protocolSection"]["statusModule"].update(status)
    return study


def write_json(path: Path, obj: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2), encoding="utf-8")
    return path


def rapper_count(path: Path, syntax: str) -> int:
    """Triples in a dump as counted by rapper (raptor2), a third-party parser; gzip is piped in.

    rapper exits non-zero on a syntax error (``check=True`` turns that into a test failure).
    """
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    done = subprocess.run(
        ["rapper", "-i", syntax, "-c", "-", "https://w3id.org/trialkg/"], input=data, capture_output=True, check=True
    )
    message = done.stderr.decode()
    if "Error" in message:
        raise AssertionError(f"rapper reported errors on {path}: {message[:500]}")
    match = re.search(r"Parsing returned (\d+) triple", message)
    assert match, message
    return int(match.group(1))


def stop(process: subprocess.Popen[Any]) -> None:
    """Stop a server started by a test, by its pid: SIGTERM, then SIGKILL if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def wait_until_answering(
    process: subprocess.Popen[Any],
    answers: Callable[[], bool],
    seconds: float,
    pause: float = 0.05,
    longest: float = 0.5,
) -> str | None:
    """Ask a server that ``process`` started (``answers``: an HTTP request, True when it answers as it
    should; a transport error is no answer) until it answers: ``None``; else why not, its exit or the
    time being up. The pauses grow from ``pause`` to ``longest``: a polling interval, not a wait for the
    server to be ready."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return f"exited with {process.returncode}"
        try:
            if answers():
                return None
        except httpx.TransportError:
            pass
        time.sleep(pause)
        pause = min(pause * 2, longest)
    return f"did not answer within {seconds} s"
