"""The small known release of the canned-query and serving tests: five hand-made API v2 records.

Every answer the tests expect is worked out by hand from this list, never by running a query.

NCT00000001 "Aspirin for Mild Asthma": COMPLETED, PHASE2+PHASE3, interventional, enrollment 120, start
    2020-02-29. Lead Example University Hospital (OTHER), collaborator Acme Pharma (INDUSTRY). Conditions
    Asthma, Mild Asthma (MeSH D001249; ancestor D012130). Interventions Aspirin, Placebo. Sites: Example
    University Hospital, Leiden, NL; Clinique Exemple, Liège, BE (no site status). PubMed 12345678 (RESULT).
NCT00000002 "Aspirin and Breathing": RECRUITING, PHASE2, interventional, enrollment 60, start 2021-06.
    Lead Acme Pharma; collaborators Example University Hospital, Beta Biotech (INDUSTRY). Condition Asthma
    (D001249; D012130). Interventions Aspirin, Breathing Exercise. Sites: Acme Clinical Unit, Boston, US
    (RECRUITING); Clinique Exemple, Liège, BE (RECRUITING). PubMed 12345678 (BACKGROUND), 23456789 (RESULT),
    and a reference without a PMID.
NCT00000003 "Vaccine X Against COVID-19": RECRUITING, PHASE1, interventional, enrollment 31, start 2022.
    Lead Acme Pharma, no collaborators. Condition COVID-19 (D000086382; D003141). Interventions Vaccine X,
    Aspirin. Sites: Acme Clinical Unit, Boston, US (NOT_YET_RECRUITING); Hôpital Test, Paris, FR
    (RECRUITING). Official Li Wei of 北京协和医院 (an organisation IRI that is not ASCII). No references.
NCT00000004 "Asthma and COVID-19 Registry": ACTIVE_NOT_RECRUITING, no phase, observational, enrollment
    500, start 2021-01-15. Lead Beta Biotech, collaborator Acme Pharma. Conditions Asthma, COVID-19
    (D001249, D000086382; no ancestors). No interventions. Sites: Hôpital Test, Paris, FR
    (ACTIVE_NOT_RECRUITING); Centre Lyon, Lyon, FR (no status). PubMed 34567890 (DERIVED). A see-also
    link to javascript:alert(document.cookie), which pages must not turn into a link.
NCT00000005 "A Bare Study": RECRUITING, PHASE1, interventional, no enrollment, start 2020-02-29. Lead
    Example University Hospital, no collaborators. No conditions, MeSH terms, interventions, sites or
    references.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kg.publish.build import build
from tests.fixtures import api_study, write_json

ACME, EUH, BETA = "Acme Pharma", "Example University Hospital", "Beta Biotech"


def _site(facility: str, city: str, country: str, status: str | None = None) -> dict[str, Any]:
    site = {"facility": facility, "city": city, "country": country}
    if status:
        site["status"] = status
    return site


def _study(nct: str, title: str, **status: Any) -> dict[str, Any]:
    study = api_study(nct, **status)
    study["protocolSection"]["identificationModule"]["briefTitle"] = title
    return study


def _set(study: dict[str, Any], module: str, **fields: Any) -> None:
    study["protocolSection"].setdefault(module, {}).update(fields)


def _sponsors(study: dict[str, Any], lead: tuple[str, str], *collaborators: tuple[str, str]) -> None:
    _set(
        study,
        "sponsorCollaboratorsModule",
        leadSponsor={"name": lead[0], "class": lead[1]},
        collaborators=[{"name": n, "class": c} for n, c in collaborators],
    )


def _interventions(study: dict[str, Any], *items: tuple[str, str]) -> None:
    study["protocolSection"]["armsInterventionsModule"] = {
        "armGroups": [{"label": "Arm", "type": "EXPERIMENTAL", "interventionNames": []}],
        "interventions": [{"type": kind, "name": name, "armGroupLabels": ["Arm"]} for kind, name in items],
    }


def _mesh(study: dict[str, Any], meshes: list[tuple[str, str]], ancestors: list[tuple[str, str]]) -> None:
    study["derivedSection"]["conditionBrowseModule"] = {
        "meshes": [{"id": i, "term": t} for i, t in meshes],
        "ancestors": [{"id": i, "term": t} for i, t in ancestors],
    }


ASTHMA = ("D000001249", "Asthma")
RESP = ("D000012130", "Respiratory Hypersensitivity")
COVID = ("D000086382", "COVID-19")
INFECTIONS = ("D000003141", "Communicable Diseases")


def known_studies() -> list[dict[str, Any]]:
    s1 = _study("NCT00000001", "Aspirin for Mild Asthma")

    s2 = _study(
        "NCT00000002",
        "Aspirin and Breathing",
        overallStatus="RECRUITING",
        startDateStruct={"date": "2021-06", "type": "ESTIMATED"},
    )
    _set(s2, "designModule", phases=["PHASE2"], enrollmentInfo={"count": 60, "type": "ESTIMATED"})
    _sponsors(s2, (ACME, "INDUSTRY"), (EUH, "OTHER"), (BETA, "INDUSTRY"))
    _set(s2, "conditionsModule", conditions=["Asthma"])
    _interventions(s2, ("DRUG", "Aspirin"), ("BEHAVIORAL", "Breathing Exercise"))
    _set(
        s2,
        "contactsLocationsModule",
        locations=[
            _site("Acme Clinical Unit", "Boston", "United States", "RECRUITING"),
            _site("Clinique Exemple", "Liège", "Belgium", "RECRUITING"),
        ],
    )
    _set(
        s2,
        "referencesModule",
        references=[
            {"pmid": "12345678", "type": "BACKGROUND", "citation": "Doe J. Aspirin. 2021."},
            {"pmid": "23456789", "type": "RESULT", "citation": "Roe R. Breathing. 2023."},
            {"type": "BACKGROUND", "citation": "A report without a PMID."},
        ],
    )

    s3 = _study(
        "NCT00000003",
        "Vaccine X Against COVID-19",
        overallStatus="RECRUITING",
        startDateStruct={"date": "2022", "type": "ESTIMATED"},
    )
    _set(s3, "designModule", phases=["PHASE1"], enrollmentInfo={"count": 31, "type": "ESTIMATED"})
    _sponsors(s3, (ACME, "INDUSTRY"))
    _set(s3, "conditionsModule", conditions=["COVID-19"])
    _mesh(s3, [COVID], [INFECTIONS])
    _interventions(s3, ("BIOLOGICAL", "Vaccine X"), ("DRUG", "Aspirin"))
    _set(
        s3,
        "contactsLocationsModule",
        locations=[
            _site("Acme Clinical Unit", "Boston", "United States", "NOT_YET_RECRUITING"),
            _site("Hôpital Test", "Paris", "France", "RECRUITING"),
        ],
    )
    _set(
        s3,
        "contactsLocationsModule",
        overallOfficials=[
            {"name": "Li Wei", "affiliation": "北京协和医院", "role": "STUDY_CHAIR"},  # an IRI that is not ASCII
        ],
    )
    del s3["protocolSection"]["referencesModule"]

    s4 = _study(
        "NCT00000004",
        "Asthma and COVID-19 Registry",
        overallStatus="ACTIVE_NOT_RECRUITING",
        startDateStruct={"date": "2021-01-15", "type": "ACTUAL"},
    )
    s4["protocolSection"]["designModule"] = {
        "studyType": "OBSERVATIONAL",
        "enrollmentInfo": {"count": 500, "type": "ESTIMATED"},
    }
    _sponsors(s4, (BETA, "INDUSTRY"), (ACME, "INDUSTRY"))
    _set(s4, "conditionsModule", conditions=["Asthma", "COVID-19"])
    _mesh(s4, [ASTHMA, COVID], [])
    del s4["protocolSection"]["armsInterventionsModule"]
    _set(
        s4,
        "contactsLocationsModule",
        locations=[
            _site("Hôpital Test", "Paris", "France", "ACTIVE_NOT_RECRUITING"),
            _site("Centre Lyon", "Lyon", "France"),
        ],
    )
    _set(
        s4,
        "referencesModule",
        references=[{"pmid": "34567890", "type": "DERIVED", "citation": "Poe P. 2024."}],
        seeAlsoLinks=[{"label": "not a web page", "url": "javascript:alert(document.cookie)"}],
    )

    s5 = _study("NCT00000005", "A Bare Study", overallStatus="RECRUITING")
    _set(s5, "designModule", phases=["PHASE1"])
    del s5["protocolSection"]["designModule"]["enrollmentInfo"]
    _sponsors(s5, (EUH, "OTHER"))
    for module in ("armsInterventionsModule", "contactsLocationsModule", "conditionsModule", "referencesModule"):
        del s5["protocolSection"][module]
    del s5["derivedSection"]["conditionBrowseModule"]
    return [s1, s2, s3, s4, s5]


def build_known_release(root: Path) -> Path:
    """Build the known release under ``root`` (no SHACL validation) and return its directory."""
    write_json(root / "in" / "known.json", known_studies())
    out = root / "release"
    summary = build([str(root / "in")], str(out), validate=False, progress=False)
    assert summary.published == 5, summary.quarantine
    return out
