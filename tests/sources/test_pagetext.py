"""The study-page text format: the seed parses exactly, every corpus record round-trips, edge cases."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from kg.errors import RecordError
from kg.model import ArmGroup, DateStruct, Eligibility, Intervention, Location, Organization, Study
from kg.sources import Entry, Parsed, Rejected, ctgov_json, detect, pagetext
from kg.sources.pagetext import parse_text
from kg.sources.pagetext_layout import HELPERS, NO_RESULTS
from kg.sources.pagetext_render import carried, render
from tests.conftest import CORPUS

JSON_FILES = sorted((CORPUS / "ctgov-json").glob("*.json")) if (CORPUS / "ctgov-json").is_dir() else []


def _entry(text: str, location: str = "pages.txt") -> Entry:
    data = text.encode()
    return Entry(location, lambda: io.BytesIO(data))


def _parse(text: str) -> list[Parsed]:
    return list(pagetext.parse(_entry(text)))


def _page(*sections: tuple[str, list[str]], header: str = "A Title\nNCT ID: NCT01234567\n") -> str:
    """A page with only the given sections (heading, helper sentence, lines)."""
    body = [line for heading, lines in sections for line in (heading, HELPERS[heading], *lines)]
    return header + "\n".join(body) + "\n"


def _round_trip(study: Study) -> Study:
    back = parse_text(render(study))
    assert carried(back) == carried(study)
    return back


# ---------------------------------------------------------------- (a) the seed
def test_seed_parses_exactly(seeds: Path) -> None:
    seed = seeds / "NCT04282928.txt"
    (study,) = pagetext.parse(Entry(str(seed), lambda: seed.open("rb")))
    assert isinstance(study, Study)
    text = seed.read_text(encoding="utf-8")
    assert study.nct_id == "NCT04282928"
    assert study.brief_title == (
        "Efficacy and Safety of Umbilical Cord Mesenchymal Stem Cells for the Treatment of Severe Viral Pneumonian"
    )
    assert study.last_update_posted == DateStruct("2020-02-25")
    assert study.has_results is False
    assert study.overall_status == "UNKNOWN"
    assert study.design.phases == ["PHASE1"]
    assert study.design.enrollment == 40
    assert study.design.study_type == "INTERVENTIONAL"
    assert study.start_date == DateStruct("2020-02-29") and study.completion_date == DateStruct("2021-03-31")
    assert study.brief_summary == (
        "1. Is the proposed intervention safe?\n2. Is the proposed intervention effective in improving the health "
        "of subjects with severe viral pneumonia?"
    )
    related = [(r.nct_id, r.kind) for r in study.related_studies]
    assert related == [
        (nct, "related") for nct in ("NCT07332858", "NCT03598296", "NCT06132997", "NCT02412332", "NCT06525272")
    ]
    assert study.related_studies[3].title == "Cell Therapy in Advanced Chronic Obstructive Pulmonary Disease Patients"
    description = (study.detailed_description or "").split("\n")
    assert len(description) == 3 and description[0].startswith("Umbilical cord mesenchymal stem cells (UC-MSCs)")
    assert description[2].endswith("and to evaluate the safety.")
    assert study.conditions == []
    design = study.design
    assert (design.allocation, design.intervention_model, design.primary_purpose, design.masking) == (
        "RANDOMIZED",
        "PARALLEL",
        "TREATMENT",
        "QUADRUPLE",
    )
    assert design.observational_models == [] and design.time_perspectives == []
    assert [(a.label, a.intervention_names) for a in study.arm_groups] == [
        ("Routine treatment group", ["Routine treatment"]),
        ("HUC-MSCs adjuvant Group", ["Human umbilical cord mesenchymal stem cells", "Routine treatment"]),
    ]
    assert study.arm_groups[0].description == (
        "Participants will receive the treatment according to the treatment principle of severe and critical cases "
        'in "Influenza diagnosis and treatment plan (2019 version)"'
    )
    assert (study.arm_groups[1].description or "").startswith("Participants will receive intravenous infusion")
    assert [(i.name, i.description) for i in study.interventions] == [
        (
            "Human umbilical cord mesenchymal stem cells",
            "Definitive Human umbilical cord mesenchymal stem cells selected by immunomodulatory assay through "
            "coculture with BV2 cell",
        ),
        ("Routine treatment", 'According to"Influenza diagnosis and treatment plan (2019 version)"'),
    ]
    criteria = (study.eligibility.criteria or "").split("\n")
    assert criteria[0] == "Inclusion Criteria" and criteria[1].startswith("2. According to the diagnosis standard")
    assert criteria[5] == "Exclusion Criteria" and len(criteria) == 12
    assert criteria[-1].startswith("7. There are other situations")
    eligibility = study.eligibility
    assert (eligibility.minimum_age, eligibility.maximum_age, eligibility.sex) == ("18 Years", "75 Years", "ALL")
    assert eligibility.healthy_volunteers is False
    assert study.lead_sponsor == Organization("Shanghai East Hospital", "OTHER") and study.collaborators == []
    assert study.responsible_party is None
    (official,) = study.officials
    assert (official.name, official.role, official.affiliation) == (
        "Zhongmin Liu, MD/Ph.D",
        "PRINCIPAL_INVESTIGATOR",
        "Shanghai East Hospital, Tongji University, Shanghai, China",
    )
    assert study.locations == [
        Location("Shanghai East Hospital", city="Shanghai", state="Shanghai Municipality", country="China")
    ]
    assert study.countries == [] and study.central_contacts == []
    assert study.org_study_id == "EC.D(BG).013.02.0" and study.secondary_ids == []
    assert study.source is not None and study.source.format == "page-text"
    assert study.source.sha256 == hashlib.sha256(text.encode()).hexdigest()
    # and the renderer writes the seed back line for line
    assert render(study) == text.rstrip("\n") + "\n"


# ---------------------------------------------------------------- (b) every corpus record round-trips
@pytest.mark.parametrize("path", JSON_FILES or [None], ids=lambda p: p.stem if p else "no-corpus")
def test_corpus_record_round_trips(path: Path | None) -> None:
    if path is None:
        pytest.skip(f"the real corpus is not at {CORPUS} (set TRIALKG_CORPUS to its folder)")
    (study,) = ctgov_json.parse(Entry(str(path), lambda: path.open("rb")))
    assert isinstance(study, Study)
    back = parse_text(render(study))
    assert carried(back) == carried(study)


# ---------------------------------------------------------------- (c) edge cases
def test_missing_and_empty_sections_give_defaults() -> None:
    text = _page(("Conditions", []), ("Sponsors", ["Acme", "INDUSTRY"]))
    (study,) = _parse(text)
    assert isinstance(study, Study)
    assert study.brief_title == "A Title" and study.last_update_posted is None
    assert study.conditions == [] and study.overall_status is None and study.design.phases == []
    assert study.lead_sponsor == Organization("Acme", "INDUSTRY") and study.eligibility == Eligibility()
    assert study.arm_groups == [] and study.locations == [] and study.has_results is False


def test_a_heading_needs_its_helper_sentence() -> None:
    summary = ["Conditions", "Study Design", "We look at conditions."]
    (study,) = _parse(_page(("Brief Summary", summary), ("Conditions", ["Asthma"])))
    assert isinstance(study, Study)
    assert study.brief_summary == "\n".join(summary) and study.conditions == ["Asthma"]


def test_broken_numbering_is_kept_as_written() -> None:
    lines = ["Inclusion Criteria", "3. Adults", "3. Asthma", "Exclusion Criteria", "1. Pregnancy", "18 Years"]
    (study,) = _parse(_page(("Eligibility Criteria", lines)))
    assert isinstance(study, Study)
    assert study.eligibility.criteria == "\n".join(lines[:-1]) and study.eligibility.minimum_age == "18 Years"


def test_basic_information_without_phase_and_with_placeholders() -> None:
    (study,) = _parse(
        _page(("Basic Information", ["RECRUITING", "120 participants", "OBSERVATIONAL", "N/A", "2022-06"]))
    )
    assert isinstance(study, Study)
    assert study.overall_status == "RECRUITING" and study.design.phases == []
    assert study.design.enrollment == 120 and study.design.study_type == "OBSERVATIONAL"
    assert study.start_date is None and study.completion_date == DateStruct("2022-06")


def test_a_single_date_is_the_start_date() -> None:
    (study,) = _parse(_page(("Basic Information", ["COMPLETED", "PHASE2", "PHASE3", "2019-05"])))
    assert isinstance(study, Study)
    assert study.design.phases == ["PHASE2", "PHASE3"]
    assert study.start_date == DateStruct("2019-05") and study.completion_date is None


def test_only_a_completion_date_is_written_after_a_placeholder() -> None:
    study = Study("NCT01234567", "T", overall_status="COMPLETED", completion_date=DateStruct("2021-03-31"))
    text = render(study)
    assert "Basic Information\n" + HELPERS["Basic Information"] + "\nCOMPLETED\n-\n2021-03-31\n" in text
    back = _round_trip(study)
    assert back.start_date is None and back.completion_date == DateStruct("2021-03-31")


def test_only_a_maximum_age() -> None:
    study = Study("NCT01234567", "T", eligibility=Eligibility(criteria="Adults", maximum_age="75 Years", sex="ALL"))
    assert "\nAdults\n-\n75 Years\nALL\nSponsors\n" in render(study)
    back = _round_trip(study)
    assert back.eligibility.minimum_age is None and back.eligibility.maximum_age == "75 Years"


def test_criteria_that_end_like_a_value_are_kept_apart() -> None:
    study = Study("NCT01234567", "T", eligibility=Eligibility(criteria="Age:\n18 Years", sex="FEMALE"))
    assert "\nAge:\n18 Years\n-\n-\nFEMALE\n-\nSponsors\n" in render(study)
    _round_trip(study)


def test_an_observational_design() -> None:
    (study,) = _parse(_page(("Basic Information", ["OBSERVATIONAL"]), ("Study Design", ["OTHER", "OTHER"])))
    assert isinstance(study, Study)
    assert study.design.observational_models == ["OTHER"] and study.design.time_perspectives == ["OTHER"]
    assert study.design.primary_purpose is None
    only_time = Study("NCT01234567", "T")
    only_time.design.study_type, only_time.design.time_perspectives = "OBSERVATIONAL", ["OTHER"]
    assert "\n-\nOTHER\nStudy Groups\n" in render(only_time)
    _round_trip(only_time)


def test_other_in_an_interventional_design_is_the_purpose() -> None:
    (study,) = _parse(_page(("Study Design", ["NA", "SINGLE_GROUP", "OTHER", "NONE"])))
    assert isinstance(study, Study)
    assert (study.design.allocation, study.design.primary_purpose, study.design.masking) == ("NA", "OTHER", "NONE")


def test_arms_split_from_their_interventions() -> None:
    study = Study("NCT01234567", "T")
    study.interventions = [
        Intervention("Melatonin", "DRUG", "3 mg at bedtime"),
        Intervention("Placebo", "DRUG", "One tablet at bedtime"),
    ]
    study.arm_groups = [
        ArmGroup("Control", description=None),
        ArmGroup("Melatonin", description="3 mg at bedtime", intervention_names=["Drug: Melatonin"]),
        ArmGroup("Placebo", description="One tablet at bedtime", intervention_names=["Drug: Placebo"]),
    ]
    back = _round_trip(study)
    assert [(a.label, a.intervention_names) for a in back.arm_groups] == [
        ("Control", []),
        ("Melatonin", ["Melatonin"]),
        ("Placebo", ["Placebo"]),
    ]
    assert back.arm_groups[0].description is None


def test_sponsors_collaborators_and_placeholders() -> None:
    study = Study("NCT01234567", "T", collaborators=[Organization("NIH"), Organization("Acme", "INDUSTRY")])
    back = _round_trip(study)
    assert back.lead_sponsor is None and back.collaborators == study.collaborators


def test_locations_with_commas_in_names() -> None:
    study = Study("NCT01234567", "T")
    study.locations = [
        Location("Site A", city="Seoul", country="Korea, Republic of"),
        Location("Site B", city="Izmir, Karsiyaka", country="Turkey"),
        Location("Site C", city="Prague", state="Praha, Hlavní Mešto", country="Czechia"),
        Location(None, city="Santiago", state="de Compostela", country="Spain"),
        Location("Site E"),
    ]
    text = render(study)
    assert "\nSite A\nSeoul, Korea, Republic of\n" in text and "\nSite E\n-\n" in text
    _round_trip(study)


def test_people_contacts_identifiers_and_related_trials() -> None:
    text = _page(
        ("Related Clinical Trials", ["NCT00000001", "Second", "NCT00000002"]),
        ("Responsible Party", ["PRINCIPAL_INVESTIGATOR", "Ann Lee", "Professor", "Example University"]),
        ("Principal Investigators", ["Ann Lee", "Role: STUDY_CHAIR", "Bob Roe", "Role: -", "Elsewhere"]),
        ("Central Contacts", ["Ann Lee", "Phone: 555-0100", "Email: ann@example.org", "-", "Phone: 555-0199"]),
        (
            "Other Identifiers",
            ["X-1", "Identifier Type: -", "Identifier Source: org_study_id"]
            + ["R01-1", "Identifier Type: NIH", "Identifier Source: -"],
        ),
        ("More Related Trials", ["Third", "NCT00000003"]),
    )
    (study,) = _parse(text)
    assert isinstance(study, Study)
    assert [(r.nct_id, r.title, r.kind) for r in study.related_studies] == [
        ("NCT00000001", None, "related"),
        ("NCT00000002", "Second", "related"),
        ("NCT00000003", "Third", "more-related"),
    ]
    rp = study.responsible_party
    assert rp is not None and (rp.type, rp.investigator_name, rp.investigator_affiliation) == (
        "PRINCIPAL_INVESTIGATOR",
        "Ann Lee",
        "Example University",
    )
    assert [(o.name, o.role, o.affiliation) for o in study.officials] == [
        ("Ann Lee", "STUDY_CHAIR", None),
        ("Bob Roe", None, "Elsewhere"),
    ]
    assert [(c.name, c.phone, c.email) for c in study.central_contacts] == [
        ("Ann Lee", "555-0100", "ann@example.org"),
        (None, "555-0199", None),
    ]
    assert study.org_study_id == "X-1" and [(s.id, s.type, s.domain) for s in study.secondary_ids] == [
        ("R01-1", "NIH", None)
    ]
    _round_trip(study)


def test_posted_results_are_carried() -> None:
    study = Study("NCT01234567", "T", has_results=True)
    assert NO_RESULTS not in render(study)
    assert _round_trip(study).has_results is True


def test_two_pages_in_one_file() -> None:
    first, second = Study("NCT00000001", "First"), Study("NCT00000002", "Second", conditions=["Asthma"])
    text = render(first) + "\n" + render(second)
    parsed = _parse(text)
    assert [(s.nct_id, s.brief_title) for s in parsed if isinstance(s, Study)] == [
        ("NCT00000001", "First"),
        ("NCT00000002", "Second"),
    ]
    sources = [s.source for s in parsed if isinstance(s, Study) and s.source]
    assert [s.location for s in sources] == ["pages.txt#0", "pages.txt#1"]
    assert sources[1].sha256 == hashlib.sha256(render(second).encode()).hexdigest()
    assert carried(parsed[1]) == carried(second)  # type: ignore[arg-type]


def test_a_page_without_nct_id_is_rejected() -> None:
    without = "A Title\nLast Updated: 2020-01-01\nConditions\n" + HELPERS["Conditions"] + "\nAsthma\n"
    (rejected,) = _parse(without)
    assert isinstance(rejected, Rejected) and "NCT ID" in rejected.reason and rejected.location == "pages.txt"
    with pytest.raises(RecordError, match="NCT ID"):
        parse_text(without)
    parsed = _parse("Some notes\n" + render(Study("NCT00000001", "One")))
    assert isinstance(parsed[0], Rejected) and isinstance(parsed[1], Study)


def test_empty_and_undecodable_files_are_rejected() -> None:
    (empty,) = _parse("\n\n")
    assert isinstance(empty, Rejected) and "empty" in empty.reason
    (broken,) = pagetext.parse(Entry("bad.txt", lambda: io.BytesIO(b"Title\nNCT ID: NCT00000001\n\xff\n")))
    assert isinstance(broken, Rejected) and "UTF-8" in broken.reason


def test_a_rendered_page_is_detected_as_text() -> None:
    assert detect(_entry(render(Study("NCT01234567", "Aspirin for Asthma")))) == "text"


def test_crlf_and_byte_order_mark() -> None:
    study = Study("NCT01234567", "T", conditions=["Asthma", "COPD"])
    data = ("\ufeff" + render(study).replace("\n", "\r\n")).encode()
    (back,) = pagetext.parse(Entry("crlf.txt", lambda: io.BytesIO(data)))
    assert isinstance(back, Study) and carried(back) == carried(study)
