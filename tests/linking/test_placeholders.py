"""Sponsors' placeholder facility names are told from institutions' names (real names from the corpus)."""

from __future__ import annotations

import pytest

from kg.linking.placeholders import is_placeholder
from kg.mapping.rdf import Mapper
from kg.model import Location, Study

PLACEHOLDERS = [
    "Research Site",
    "Research SIte",
    "Research Site 30056-013",
    "Research Site -30054-043",
    "GSK Investigational Site",
    "Novartis Investigative Site,",
    "Novartis Investigator site",
    "Teva Investigational Site 80127",
    "511.77.3314A Boehringer Ingelheim Investigational Site",
    "Local Institution",
    "Local Institution - 007-749-Ph3",
    "Investigational Site Number : 8260005",
    "Investigational Site Number :5280004",
    "Site Reference ID/Investigator# 22682",
    "Study Site 2",
    "Research Facility",
    "Investigational center",
    "Sanofi-Aventis Administrative Office",
    "GSK Clinical Trials Call Centre",
    "Contact CSL Behring for facility details",
    "For additional information regarding investigative sites for this trial, contact 1-877-CTLILLY",
    '"For additional information regarding investigative sites for this trial, contact 1-877-CTLILLY',
    "For additional information regarding sites, contact 844-687-8522",
]
INSTITUTIONS = [
    "Fred Hutchinson Cancer Research Center",
    "Tampa Bay Clinical Research Center",
    "Duke Clinical Research Institute",
    "Research Triangle Institute",
    "Alliance for Multispecialty Research, LLC",
    "Novartis",
    "Vitality Clinical Research- Site Number : 8400142",
    "Bon Secours St. Francis Medical Center-Oncology Research ( Site 0015)",
    "Wits Clinical Research Site /ID# 252931",
    "Chris Hani Baragwanath Clinical Trial Site",
    "Marinus Research Site",
    "Coordinating Research Site",
    "Site Management Associates",
    "Center for Clinical Studies",
]


@pytest.mark.parametrize("name", PLACEHOLDERS)
def test_placeholders(name: str) -> None:
    assert is_placeholder(name)


@pytest.mark.parametrize("name", INSTITUTIONS)
def test_institutions(name: str) -> None:
    assert not is_placeholder(name)


def test_a_placeholder_site_keeps_its_name_and_place_but_links_no_organisation() -> None:
    """Regression: 9,816 "Research Site" sites in 64 countries were one organisation node."""
    study = Study(
        "NCT00000009",
        locations=[
            Location("Research Site", city="Leiden", country="Netherlands"),
            Location("Research Site", city="Boston", country="United States"),
            Location("Leiden University Medical Center", city="Leiden", country="Netherlands"),
        ],
    )
    t = Mapper().map(study)
    sites = [f"https://w3id.org/trialkg/trial/NCT00000009/site/{i}" for i in (1, 2, 3)]
    facility = {(x.subject.value, x.object.value) for x in t.own if x.predicate.value.endswith("#facility")}
    assert facility == {(sites[2], "https://w3id.org/trialkg/org/leiden-university-medical-center--nl")}
    names = {(x.subject.value, x.object.value) for x in t.own if x.predicate.value == "https://schema.org/name"}
    assert {(sites[0], "Research Site"), (sites[1], "Research Site")} <= names
    orgs = {x.subject.value for x in t.shared if x.object.value == "https://schema.org/Organization"}
    assert orgs == {"https://w3id.org/trialkg/org/leiden-university-medical-center--nl"}
