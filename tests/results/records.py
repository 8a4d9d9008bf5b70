"""Small hand-made API v2 records with posted results (not copied from the corpus), and their release.

Every record is :func:`tests.fixtures.api_study` (arms Aspirin and Placebo, the planned primary outcome
FEV1, condition Asthma D001249) with these changes; the tests' expected answers are worked out by hand
from this list:

NCT00000011  COMPLETED, primary completion 2021-03, lead class OTHER. Results first posted 2022-01-15.
             Adverse-event groups EG000 "Aspirin" (2 of 50 with a serious event), EG001 "Placebo"
             (1 of 50). Outcome PRIMARY "FEV1", MEAN in L, group OG000 "Aspirin": value 20.0, spread NA.
NCT00000012  TERMINATED, primary completion 2022-06-30, lead class INDUSTRY. No results.
NCT00000013  COMPLETED, primary completion 2023-09, lead class OTHER. No results.
NCT00000014  COMPLETED, primary completion 2020-01-01, lead class INDUSTRY. Results first posted
             2021-07-20. Adverse-event group EG000 " aspirin " (3 of 30), EG001 "Total" (no arm).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.fixtures import api_study, write_json

MEASUREMENT = {"groupId": "OG000", "value": "20.0", "spread": "NA"}


def _study(nct: str, status: str, completion: str, sponsor_class: str) -> dict[str, Any]:
    study = api_study(nct, overallStatus=status, primaryCompletionDateStruct={"date": completion, "type": "ACTUAL"})
    study["protocolSection"]["sponsorCollaboratorsModule"]["leadSponsor"]["class"] = sponsor_class
    return study


def _events(*groups: tuple[str, str, int, int]) -> dict[str, Any]:
    return {
        "frequencyThreshold": "5",
        "eventGroups": [
            {"id": i, "title": t, "seriousNumAffected": a, "seriousNumAtRisk": n, "otherNumAffected": 0}
            for i, t, a, n in groups
        ],
        "seriousEvents": [
            {
                "term": "Pneumonia",
                "organSystem": "Infections and infestations",
                "sourceVocabulary": "MedDRA 23.0",
                "assessmentType": "SYSTEMATIC_ASSESSMENT",
                "stats": [{"groupId": i, "numAffected": a, "numAtRisk": n} for i, _, a, n in groups],
            }
        ],
    }


def records() -> list[dict[str, Any]]:
    s1 = _study("NCT00000011", "COMPLETED", "2021-03", "OTHER")
    s1["protocolSection"]["statusModule"]["resultsFirstPostDateStruct"] = {"date": "2022-01-15", "type": "ACTUAL"}
    s1["hasResults"] = True
    s1["resultsSection"] = {
        "outcomeMeasuresModule": {
            "outcomeMeasures": [
                {
                    "type": "PRIMARY",
                    "title": "FEV1",
                    "timeFrame": "12 weeks",
                    "paramType": "MEAN",
                    "dispersionType": "Standard Deviation",
                    "unitOfMeasure": "L",
                    "groups": [{"id": "OG000", "title": "Aspirin"}],
                    "denoms": [{"units": "Participants", "counts": [{"groupId": "OG000", "value": "50"}]}],
                    "classes": [{"categories": [{"measurements": [MEASUREMENT]}]}],
                }
            ]
        },
        "adverseEventsModule": _events(("EG000", "Aspirin", 2, 50), ("EG001", "Placebo", 1, 50)),
        "moreInfoModule": {
            "pointOfContact": {
                "title": "Dr. Ada Lovelace",
                "organization": "Example University Hospital",
                "email": "ada@example.org",
                "phone": "555 0100",
                "phoneExt": "12",
            }
        },
    }
    s4 = _study("NCT00000014", "COMPLETED", "2020-01-01", "INDUSTRY")
    s4["protocolSection"]["statusModule"]["resultsFirstPostDateStruct"] = {"date": "2021-07-20", "type": "ACTUAL"}
    s4["hasResults"] = True
    s4["resultsSection"] = {"adverseEventsModule": _events(("EG000", " aspirin ", 3, 30), ("EG001", "Total", 3, 30))}
    return [
        s1,
        _study("NCT00000012", "TERMINATED", "2022-06-30", "INDUSTRY"),
        _study("NCT00000013", "COMPLETED", "2023-09", "OTHER"),
        s4,
    ]


def write_records(directory: Path) -> Path:
    for record in records():
        write_json(directory / f"{record['protocolSection']['identificationModule']['nctId']}.json", record)
    return directory
