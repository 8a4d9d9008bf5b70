"""The legacy ClinicalTrials.gov XML parser: hand-written fixtures, then the whole corpus."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest

from kg import codes
from kg.model import Study
from kg.sources import Entry, Parsed, Rejected, detect, entries
from kg.sources.ctgov_xml import parse

HEADER = """<required_header>
    <download_date>ClinicalTrials.gov processed this data on February 03, 2023</download_date>
    <url>https://clinicaltrials.gov/show/{nct}</url>
  </required_header>"""


def study_xml(body: str = "", nct: str = "NCT01234567", declaration: bool = True) -> str:
    decl = '<?xml version="1.0" encoding="UTF-8"?>\n' if declaration else ""
    return f"""{decl}<clinical_study>
  {HEADER.format(nct=nct)}
  <id_info>
    <org_study_id>ORG-1</org_study_id>
    <nct_id>{nct}</nct_id>
  </id_info>
  <brief_title>A study</brief_title>
  {body}
</clinical_study>
"""


def parse_text(tmp_path: Path, text: str, name: str = "study.xml") -> list[Parsed]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return list(parse(Entry(str(path), lambda: open(path, "rb"))))


def one_study(tmp_path: Path, body: str) -> Study:
    records = parse_text(tmp_path, study_xml(body))
    assert len(records) == 1
    study = records[0]
    assert isinstance(study, Study), study
    return study


# --- identification, status, dates ---------------------------------------------------------------------


def test_identification_and_status(tmp_path: Path) -> None:
    study = one_study(
        tmp_path,
        """<acronym>ACR</acronym>
  <official_title>The   official
     title</official_title>
  <overall_status>Unknown status</overall_status>
  <last_known_status>Active, not recruiting</last_known_status>
  <why_stopped>
    Funding ended&#xD;
    early&#xD;
  </why_stopped>""",
    )
    assert study.nct_id == "NCT01234567"
    assert study.org_study_id == "ORG-1"
    assert study.brief_title == "A study"
    assert study.official_title == "The official title"
    assert study.acronym == "ACR"
    assert study.overall_status == "UNKNOWN"
    assert study.last_known_status == "ACTIVE_NOT_RECRUITING"
    assert study.why_stopped == "Funding ended\nearly"
    assert study.version_holder == "2023-02-03"
    assert study.source is not None
    assert study.source.format == "legacy-xml"
    assert study.source.location == str(tmp_path / "study.xml")
    assert len(study.source.sha256) == 64


def test_secondary_ids_and_aliases(tmp_path: Path) -> None:
    text = study_xml().replace(
        "<nct_id>",
        "<secondary_id>R01 CA12345</secondary_id><secondary_id>2004-1234</secondary_id>"
        "<nct_alias>NCT00000001</nct_alias><nct_id>",
    )
    (study,) = parse_text(tmp_path, text)
    assert isinstance(study, Study)
    assert [s.id for s in study.secondary_ids] == ["R01 CA12345", "2004-1234"]
    assert all(s.type is None for s in study.secondary_ids)
    assert study.nct_aliases == ["NCT00000001"]
    assert [(r.nct_id, r.kind) for r in study.related_studies] == [("NCT00000001", "alias")]


def test_dates_keep_their_precision_and_type(tmp_path: Path) -> None:
    study = one_study(
        tmp_path,
        """<start_date type="Actual">March 2002</start_date>
  <completion_date type="Anticipated">December 31, 2030</completion_date>
  <primary_completion_date>June 5, 2029</primary_completion_date>
  <verification_date>January 2004</verification_date>
  <study_first_submitted>November 3, 1999</study_first_submitted>
  <study_first_posted type="Estimate">November 4, 1999</study_first_posted>
  <last_update_submitted>June 23, 2005</last_update_submitted>
  <last_update_posted type="Actual">June 24, 2005</last_update_posted>""",
    )
    assert (study.start_date.date, study.start_date.type) == ("2002-03", "ACTUAL")  # type: ignore[union-attr]
    assert (study.completion_date.date, study.completion_date.type) == ("2030-12-31", "ESTIMATED")  # type: ignore[union-attr]
    assert (study.primary_completion_date.date, study.primary_completion_date.type) == ("2029-06-05", None)  # type: ignore[union-attr]
    assert study.status_verified_date == "2004-01"
    assert study.first_submitted == "1999-11-03"
    assert (study.first_posted.date, study.first_posted.type) == ("1999-11-04", "ESTIMATED")  # type: ignore[union-attr]
    assert study.last_update_submitted == "2005-06-23"
    assert (study.last_update_posted.date, study.last_update_posted.type) == ("2005-06-24", "ACTUAL")  # type: ignore[union-attr]


def test_old_schema(tmp_path: Path) -> None:
    """Before 2017: firstreceived/lastchanged dates, a free-text study_design, gender Both."""
    study = one_study(
        tmp_path,
        """<study_type>Interventional</study_type>
  <study_design>Allocation:  Randomized, Endpoint Classification: Safety/Efficacy Study, \
Intervention Model: Parallel Assignment, \
Masking: Double Blind (Subject, Caregiver, Investigator, Outcomes Assessor), Primary Purpose: Treatment</study_design>
  <eligibility><gender>Both</gender><minimum_age>N/A</minimum_age><maximum_age>65 Years</maximum_age></eligibility>
  <lastchanged_date>June 4, 2012</lastchanged_date>
  <firstreceived_date>July 3, 2001</firstreceived_date>""",
    )
    d = study.design
    assert d.study_type == "INTERVENTIONAL"
    assert d.allocation == "RANDOMIZED"
    assert d.intervention_model == "PARALLEL"
    assert d.primary_purpose == "TREATMENT"
    assert d.masking == "DOUBLE"
    assert d.who_masked == ["PARTICIPANT", "CARE_PROVIDER", "INVESTIGATOR", "OUTCOMES_ASSESSOR"]
    assert study.first_submitted == "2001-07-03"
    assert study.last_update_submitted == "2012-06-04"
    assert study.last_update == "2012-06-04"
    assert study.eligibility.sex == "ALL"
    assert study.eligibility.minimum_age is None
    assert study.eligibility.maximum_age == "65 Years"


def test_old_observational_design(tmp_path: Path) -> None:
    study = one_study(
        tmp_path,
        """<study_type>Observational</study_type>
  <study_design>Observational Model: Case Control, Time Perspective: Retrospective/Prospective</study_design>""",
    )
    assert study.design.observational_models == ["CASE_CONTROL"]
    assert study.design.time_perspectives == ["RETROSPECTIVE", "PROSPECTIVE"]
    assert study.design.patient_registry is False


# --- design codes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phase", "expected"),
    [
        ("Phase 1/Phase 2", ["PHASE1", "PHASE2"]),
        ("Phase 2/Phase 3", ["PHASE2", "PHASE3"]),
        ("Phase 4", ["PHASE4"]),
        ("N/A", ["NA"]),
        ("Phase 0", ["EARLY_PHASE1"]),
        ("Early Phase 1", ["EARLY_PHASE1"]),
    ],
)
def test_phases(tmp_path: Path, phase: str, expected: list[str]) -> None:
    assert one_study(tmp_path, f"<phase>{phase}</phase>").design.phases == expected


@pytest.mark.parametrize(
    ("masking", "level", "who"),
    [
        ("None (Open Label)", "NONE", []),
        ("Open Label", "NONE", []),
        ("No masking", "NONE", []),
        ("Double", "DOUBLE", []),
        ("Double (Participant, Investigator)", "DOUBLE", ["PARTICIPANT", "INVESTIGATOR"]),
        ("Single Blind (Subject)", "SINGLE", ["PARTICIPANT"]),
        ("Double-Blind", "DOUBLE", []),
        (
            "Triple (Participant, Caregiver, Outcomes Assessor)",
            "TRIPLE",
            ["PARTICIPANT", "CARE_PROVIDER", "OUTCOMES_ASSESSOR"],
        ),
        ("Participant, Investigator", "DOUBLE", ["PARTICIPANT", "INVESTIGATOR"]),  # a bare list: level by count
    ],
)
def test_masking(tmp_path: Path, masking: str, level: str, who: list[str]) -> None:
    design = one_study(tmp_path, f"<study_design_info><masking>{masking}</masking></study_design_info>").design
    assert (design.masking, design.who_masked) == (level, who)


@pytest.mark.parametrize(
    ("study_type", "code", "registry"),
    [
        ("Interventional", "INTERVENTIONAL", None),
        ("Observational", "OBSERVATIONAL", False),
        ("Observational [Patient Registry]", "OBSERVATIONAL", True),
        ("Expanded Access", "EXPANDED_ACCESS", None),
        ("N/A", None, None),
    ],
)
def test_study_type(tmp_path: Path, study_type: str, code: str | None, registry: bool | None) -> None:
    design = one_study(tmp_path, f"<study_type>{study_type}</study_type>").design
    assert (design.study_type, design.patient_registry) == (code, registry)


def test_design_info(tmp_path: Path) -> None:
    study = one_study(
        tmp_path,
        """<study_type>Observational</study_type>
  <study_design_info>
    <observational_model>Case Control, Natural History</observational_model>
    <time_perspective>Cross-Sectional, Retrospective</time_perspective>
    <masking_description>Nobody
      knows</masking_description>
  </study_design_info>
  <target_duration>5 Years</target_duration>
  <enrollment type="Anticipated">120</enrollment>
  <biospec_retention>Samples With DNA</biospec_retention>
  <biospec_descr><textblock>
      Blood&#xD;
    </textblock></biospec_descr>""",
    )
    d = study.design
    assert d.observational_models == ["CASE_CONTROL", "NATURAL_HISTORY"]
    assert d.time_perspectives == ["CROSS_SECTIONAL", "RETROSPECTIVE"]
    assert d.masking_description == "Nobody\nknows"
    assert (d.enrollment, d.enrollment_type) == (120, "ESTIMATED")
    assert d.target_duration == "5 Years"
    assert (d.biospec_retention, d.biospec_description) == ("SAMPLES_WITH_DNA", "Blood")


# --- people, places, arms ---------------------------------------------------------------------------------


def test_sponsors_and_oversight(tmp_path: Path) -> None:
    study = one_study(
        tmp_path,
        """<sponsors>
    <lead_sponsor><agency>VA Office</agency><agency_class>U.S. Fed</agency_class></lead_sponsor>
    <collaborator><agency>Acme</agency><agency_class>Industry</agency_class></collaborator>
    <collaborator><agency>Uni</agency><agency_class>Other</agency_class></collaborator>
  </sponsors>
  <oversight_info><has_dmc>Yes</has_dmc><is_fda_regulated_drug>No</is_fda_regulated_drug></oversight_info>
  <responsible_party>
    <responsible_party_type>Principal Investigator</responsible_party_type>
    <investigator_affiliation>Uni</investigator_affiliation>
    <investigator_full_name>Ann Smith</investigator_full_name>
    <investigator_title>Professor</investigator_title>
  </responsible_party>
  <has_expanded_access>No</has_expanded_access>""",
    )
    assert (study.lead_sponsor.name, study.lead_sponsor.org_class) == ("VA Office", "FED")  # type: ignore[union-attr]
    assert [(o.name, o.org_class) for o in study.collaborators] == [("Acme", "INDUSTRY"), ("Uni", "OTHER")]
    assert (study.has_dmc, study.is_fda_regulated_drug, study.is_fda_regulated_device) == (True, False, None)
    rp = study.responsible_party
    assert rp is not None
    assert (rp.type, rp.investigator_name, rp.investigator_title, rp.investigator_affiliation) == (
        "PRINCIPAL_INVESTIGATOR",
        "Ann Smith",
        "Professor",
        "Uni",
    )
    assert study.has_expanded_access is False


def test_arms_interventions_outcomes(tmp_path: Path) -> None:
    study = one_study(
        tmp_path,
        """<primary_outcome>
    <measure>Pain</measure><time_frame>12 weeks</time_frame><description>VAS</description>
  </primary_outcome>
  <secondary_outcome><measure>QoL</measure></secondary_outcome>
  <other_outcome><measure>Cost</measure></other_outcome>
  <condition>Back Pain</condition><condition>Sciatica</condition>
  <arm_group>
    <arm_group_label>A</arm_group_label><arm_group_type>Experimental</arm_group_type><description>Gets it</description>
  </arm_group>
  <arm_group><arm_group_label>B</arm_group_label><arm_group_type>Placebo Comparator</arm_group_type></arm_group>
  <intervention>
    <intervention_type>Dietary Supplement</intervention_type>
    <intervention_name>Vitamin D</intervention_name>
    <description>Daily</description>
    <arm_group_label>A</arm_group_label>
    <other_name>Cholecalciferol</other_name>
  </intervention>
  <intervention><intervention_type>Diagnostic Test</intervention_type><intervention_name>Scan</intervention_name>
    <arm_group_label>A</arm_group_label><arm_group_label>B</arm_group_label></intervention>
  <intervention><intervention_type>Drug</intervention_type><intervention_name>Placebo</intervention_name></intervention>
  <keyword>pain</keyword>""",
    )
    assert [(o.kind, o.measure) for o in study.outcomes] == [
        ("PRIMARY", "Pain"),
        ("SECONDARY", "QoL"),
        ("OTHER", "Cost"),
    ]
    assert (study.outcomes[0].time_frame, study.outcomes[0].description) == ("12 weeks", "VAS")
    assert study.conditions == ["Back Pain", "Sciatica"]
    assert study.keywords == ["pain"]
    assert [(i.name, i.type) for i in study.interventions] == [
        ("Vitamin D", "DIETARY_SUPPLEMENT"),
        ("Scan", "DIAGNOSTIC_TEST"),
        ("Placebo", "DRUG"),
    ]
    assert study.interventions[0].other_names == ["Cholecalciferol"]
    assert study.interventions[1].arm_group_labels == ["A", "B"]
    assert [(a.label, a.type, a.intervention_names) for a in study.arm_groups] == [
        ("A", "EXPERIMENTAL", ["Dietary Supplement: Vitamin D", "Diagnostic Test: Scan"]),
        ("B", "PLACEBO_COMPARATOR", ["Diagnostic Test: Scan"]),
    ]


def test_eligibility_and_text(tmp_path: Path) -> None:
    study = one_study(
        tmp_path,
        """<brief_summary>
    <textblock>
      First paragraph runs&#xD;
      over two lines.&#xD;
&#xD;
&#xD;
      Second paragraph.&#xD;
    </textblock>
  </brief_summary>
  <eligibility>
    <criteria>
      <textblock>
        Inclusion Criteria:&#xD;
&#xD;
          -  adults&#xD;
      </textblock>
    </criteria>
    <gender>Female</gender>
    <gender_based>Yes</gender_based>
    <gender_description>Women only</gender_description>
    <minimum_age>18 Years</minimum_age>
    <maximum_age>N/A</maximum_age>
    <healthy_volunteers>Accepts Healthy Volunteers</healthy_volunteers>
    <study_pop><textblock>Outpatients</textblock></study_pop>
    <sampling_method>Non-Probability Sample</sampling_method>
  </eligibility>""",
    )
    assert study.brief_summary == "First paragraph runs\nover two lines.\n\nSecond paragraph."
    e = study.eligibility
    assert e.criteria == "Inclusion Criteria:\n\n  -  adults"
    assert (e.sex, e.gender_based, e.gender_description) == ("FEMALE", True, "Women only")
    assert (e.minimum_age, e.maximum_age) == ("18 Years", None)
    assert e.healthy_volunteers is True
    assert (e.study_population, e.sampling_method) == ("Outpatients", "NON_PROBABILITY_SAMPLE")


def test_contacts_locations_references(tmp_path: Path) -> None:
    study = one_study(
        tmp_path,
        """<overall_official>
    <last_name>Jane Doe, MD</last_name><role>Principal Investigator</role><affiliation>Uni</affiliation>
  </overall_official>
  <overall_official><last_name>Joe Roe</last_name><role>Study Chair</role></overall_official>
  <overall_contact><last_name>Desk</last_name><phone>555</phone><phone_ext>12</phone_ext><email>d@x.org</email></overall_contact>
  <overall_contact_backup><last_name>Backup</last_name></overall_contact_backup>
  <location>
    <facility><name>City Hospital</name>
      <address><city>Lyon</city><state>Rhone</state><zip>69000</zip><country>France</country></address></facility>
    <status>Recruiting</status>
    <contact><last_name>Site Desk</last_name><email>s@x.org</email></contact>
    <contact_backup><last_name>Site Backup</last_name></contact_backup>
    <investigator><last_name>Dr Who</last_name><role>Sub-Investigator</role></investigator>
  </location>
  <location><facility><address><city>Paris</city><country>France</country></address></facility></location>
  <location_countries><country>France</country></location_countries>
  <removed_countries><country>Spain</country></removed_countries>
  <link><url>https://example.org</url><description>Site</description></link>
  <reference><citation>Background paper.</citation><PMID>123</PMID></reference>
  <results_reference><citation>Results paper.</citation><PMID>456</PMID></results_reference>
  <patient_data><sharing_ipd>Undecided</sharing_ipd><ipd_description>Maybe later</ipd_description></patient_data>
  <condition_browse><mesh_term>Back Pain</mesh_term></condition_browse>
  <intervention_browse><mesh_term>Vitamin D</mesh_term></intervention_browse>""",
    )
    assert [(o.name, o.role, o.affiliation) for o in study.officials] == [
        ("Jane Doe, MD", "PRINCIPAL_INVESTIGATOR", "Uni"),
        ("Joe Roe", "STUDY_CHAIR", None),
    ]
    desk, backup = study.central_contacts
    assert (desk.name, desk.role, desk.phone, desk.phone_ext, desk.email) == ("Desk", "CONTACT", "555", "12", "d@x.org")
    assert (backup.name, backup.role) == ("Backup", "CONTACT")
    site, other = study.locations
    assert (site.facility, site.status, site.city, site.state, site.zip, site.country) == (
        "City Hospital",
        "RECRUITING",
        "Lyon",
        "Rhone",
        "69000",
        "France",
    )
    assert [(c.name, c.role) for c in site.contacts] == [
        ("Site Desk", "CONTACT"),
        ("Site Backup", "CONTACT"),
        ("Dr Who", "SUB_INVESTIGATOR"),
    ]
    assert (other.facility, other.city, other.contacts) == (None, "Paris", [])
    assert study.countries == ["France"]
    assert [(k.url, k.label) for k in study.see_also] == [("https://example.org", "Site")]
    assert [(r.citation, r.pmid, r.type) for r in study.references] == [
        ("Background paper.", "123", "BACKGROUND"),
        ("Results paper.", "456", "RESULT"),
    ]
    assert (study.ipd_sharing, study.ipd_description) == ("UNDECIDED", "Maybe later")
    assert [(m.ui, m.term) for m in study.condition_mesh] == [(None, "Back Pain")]
    assert [(m.ui, m.term) for m in study.intervention_mesh] == [(None, "Vitamin D")]


def test_results_summary(tmp_path: Path) -> None:
    events = """<category_list>
        <category><title>Total</title>
          <event_list><event><sub_title>Total, serious adverse events</sub_title></event></event_list></category>
        <category><title>Cardiac disorders</title>
          <event_list><event><sub_title>Angina</sub_title></event><event><sub_title>MI</sub_title></event></event_list>
        </category>
        <category><title>Infections</title><event_list><event><sub_title>Sepsis</sub_title></event></event_list></category>
      </category_list>"""
    study = one_study(
        tmp_path,
        f"""<results_first_posted type="Estimate">June 6, 2014</results_first_posted>
  <clinical_results>
    <participant_flow><group_list><group group_id="P1"/><group group_id="P2"/></group_list></participant_flow>
    <outcome_list><outcome/><outcome/><outcome/></outcome_list>
    <reported_events>
      <serious_events>{events}</serious_events>
      <other_events><category_list><category><title>Total</title><event_list><event/></event_list></category></category_list></other_events>
    </reported_events>
  </clinical_results>""",
    )
    assert study.has_results is True
    assert study.results is not None
    r = study.results
    assert (r.first_posted, r.outcome_measure_count, r.group_count) == ("2014-06-06", 3, 2)
    assert (r.serious_adverse_event_count, r.other_adverse_event_count) == (3, 0)
    assert one_study(tmp_path, "").has_results is False


# --- files and failures ---------------------------------------------------------------------------------


def test_two_studies_in_a_root(tmp_path: Path) -> None:
    text = (
        "<studies>\n"
        + study_xml(nct="NCT00000001", declaration=False)
        + study_xml(nct="NCT00000002", declaration=False)
        + "</studies>\n"
    )
    records = parse_text(tmp_path, '<?xml version="1.0"?>\n' + text, "two.xml")
    assert [r.nct_id for r in records if isinstance(r, Study)] == ["NCT00000001", "NCT00000002"]
    assert [r.source.location for r in records if isinstance(r, Study) and r.source] == [
        f"{tmp_path / 'two.xml'}#0",
        f"{tmp_path / 'two.xml'}#1",
    ]


def test_concatenated_documents(tmp_path: Path) -> None:
    text = "\ufeff" + study_xml(nct="NCT00000001") + study_xml(nct="NCT00000002") + study_xml(nct="NCT00000003")
    records = parse_text(tmp_path, text)
    assert [r.nct_id for r in records] == ["NCT00000001", "NCT00000002", "NCT00000003"]
    assert all(isinstance(r, Study) for r in records)


def test_broken_file_is_rejected(tmp_path: Path) -> None:
    (record,) = parse_text(tmp_path, study_xml().replace("</brief_title>", ""))
    assert isinstance(record, Rejected)
    assert "not well-formed XML" in record.reason
    (record,) = parse_text(tmp_path, "")
    assert isinstance(record, Rejected)


def test_broken_after_a_record(tmp_path: Path) -> None:
    text = study_xml(nct="NCT00000001") + study_xml(nct="NCT00000002")[:200]
    first, broken = parse_text(tmp_path, text)
    assert isinstance(first, Study) and first.nct_id == "NCT00000001"
    assert isinstance(broken, Rejected) and broken.location.endswith("#1")
    assert "after record 1" in broken.reason


def test_records_that_are_not_studies(tmp_path: Path) -> None:
    (record,) = parse_text(tmp_path, "<clinical_study><brief_title>No id</brief_title></clinical_study>")
    assert isinstance(record, Rejected) and "nct_id" in record.reason
    (record,) = parse_text(tmp_path, "<search_results><study/></search_results>")
    assert isinstance(record, Rejected) and "no <clinical_study>" in record.reason


@pytest.mark.parametrize(
    ("body", "field", "value"),
    [
        ("<overall_status>Sort of done</overall_status>", "overall_status", "Sort of done"),
        ("<phase>Phase 1/Phase 9</phase>", "phase", "Phase 9"),
        ("<study_design_info><masking>Double (Participant, Cat)</masking></study_design_info>", "masking", "Cat"),
        ("<start_date>Someday 2020</start_date>", "start_date", "Someday 2020"),
        ("<start_date>February 30, 2020</start_date>", "start_date", "February 30, 2020"),
        ("<enrollment>about 100</enrollment>", "enrollment", "about 100"),
        ("<has_expanded_access>Perhaps</has_expanded_access>", "has_expanded_access", "Perhaps"),
    ],
)
def test_unmappable_values_are_rejected(tmp_path: Path, body: str, field: str, value: str) -> None:
    (record,) = parse_text(tmp_path, study_xml(body))
    assert isinstance(record, Rejected)
    assert record.nct_id == "NCT01234567"
    assert field in record.reason and value in record.reason


def test_digest_ignores_layout_not_content(tmp_path: Path) -> None:
    def digest(text: str) -> str:
        (record,) = parse_text(tmp_path, text)
        assert isinstance(record, Study) and record.source is not None
        return record.source.sha256

    base = digest(study_xml("<phase>Phase 2</phase>"))
    assert digest(study_xml("<phase>Phase 2</phase>").replace("\n  ", "\n        ")) == base
    assert digest(study_xml("<phase>Phase 3</phase>")) != base


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
