"""The result parsers on small hand-made records: legacy forms normalised to the API v2 model."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import RecordError
from kg.model import Study
from kg.sources import Rejected, read
from kg.sources.ctgov_json_results import count
from tests.fixtures import api_study, write_json

XML = """<clinical_study>
  <id_info><nct_id>NCT00000021</nct_id></id_info>
  <brief_title>Old results</brief_title>
  <clinical_results>
    <outcome_list><outcome>
      <type>Other Pre-specified</type><title>Responders</title>
      <group_list><group group_id="O1"><title>Drug</title></group></group_list>
      <measure_list>
        <measure><title>Number of Participants</title><units>participants</units><param>Number</param>
          <category_list><category><measurement_list><measurement group_id="O1" value="54"/></measurement_list>
          </category></category_list></measure>
        <measure><title>Responders</title><units>percent</units><param>Count of Participants</param>
          <category_list><category><sub_title>Complete response</sub_title>
            <measurement_list><measurement group_id="O1" value="0.50" spread="NA">not all assessed</measurement>
            </measurement_list></category></category_list></measure>
      </measure_list>
      <analysis_list><analysis><group_id_list><group_id>O1</group_id></group_id_list>
        <non_inferiority_type>Superiority or Other (legacy)</non_inferiority_type><p_value>&lt;0.001</p_value>
        <ci_n_sides>2-Sided</ci_n_sides><dispersion_type>Standard Error of the Mean</dispersion_type>
      </analysis></analysis_list>
    </outcome></outcome_list>
    <reported_events>
      <group_list><group group_id="E1"><title>Drug</title></group></group_list>
      <serious_events><default_vocab>MedDRA 10</default_vocab>
        <default_assessment>Systematic Assessment</default_assessment>
        <category_list>
          <category><title>Total</title><event_list>
            <event><sub_title>Total, serious adverse events</sub_title>
              <counts group_id="E1" subjects_affected="3" subjects_at_risk="54"/></event>
            <event><sub_title>Total, all-cause mortality</sub_title>
              <counts group_id="E1" subjects_affected="1" subjects_at_risk="54"/></event></event_list></category>
          <category><title>Cardiac disorders</title><event_list>
            <event><sub_title vocab="MedDRA 12">Angina</sub_title>
              <counts group_id="E1" subjects_affected="2" subjects_at_risk="54" events="3"/></event>
            <event><sub_title>MI</sub_title><assessment>Non-systematic Assessment</assessment>
              <counts group_id="E1" subjects_affected="1" subjects_at_risk="54"/></event></event_list></category>
        </category_list></serious_events>
    </reported_events>
    <certain_agreements>
      <pi_employee>Principal Investigators are NOT employed by the organization sponsoring the study.</pi_employee>
      <restrictive_agreement>The only disclosure restriction on the PI is that the sponsor can review results
        communications prior to public release and can embargo communications regarding trial results for a
        period that is less than or equal to 60 days.</restrictive_agreement>
    </certain_agreements>
  </clinical_results>
</clinical_study>
"""


def _one(path: Path) -> Study:
    (study,) = list(read([str(path)]))
    assert isinstance(study, Study), study
    return study


def test_legacy_xml_in_the_api_v2_model(tmp_path: Path) -> None:
    path = tmp_path / "NCT00000021.xml"
    path.write_text(XML, encoding="utf-8")
    results = _one(path).results
    assert results is not None and results.posted is not None
    assert (results.serious_adverse_event_count, results.other_adverse_event_count) == (2, 0)
    (measure,) = results.posted.outcome_measures
    assert (measure.type, measure.param_type, measure.unit) == (
        "OTHER_PRE_SPECIFIED",
        "COUNT_OF_PARTICIPANTS",
        "percent",
    )
    assert [(d.units, [(c.group_id, c.count) for c in d.counts]) for d in measure.denominators] == [
        ("participants", [("O1", 54)])
    ]
    (klass,) = measure.classes
    (category,) = klass.categories
    assert (klass.title, category.title) == (None, "Complete response")
    (m,) = category.measurements
    assert (m.group_id, m.value, m.spread, m.comment) == ("O1", "0.50", "NA", "not all assessed")
    (a,) = measure.analyses
    assert (a.non_inferiority_type, a.p_value, a.ci_sides, a.dispersion_type) == (
        "SUPERIORITY_OR_OTHER_LEGACY",
        "<0.001",
        "TWO_SIDED",
        "STANDARD_ERROR_OF_MEAN",
    )
    events = results.posted.adverse_events
    assert events is not None
    (group,) = events.groups
    assert (group.serious_affected, group.serious_at_risk, group.deaths_affected, group.deaths_at_risk) == (
        3,
        54,
        1,
        54,
    )
    assert [(e.term, e.organ_system, e.source_vocabulary, e.assessment_type) for e in events.serious] == [
        ("Angina", "Cardiac disorders", "MedDRA 12", "SYSTEMATIC_ASSESSMENT"),
        ("MI", "Cardiac disorders", "MedDRA 10", "NON_SYSTEMATIC_ASSESSMENT"),
    ]
    assert [(c.affected, c.at_risk, c.events) for c in events.serious[0].counts] == [(2, 54, 3)]
    info = results.posted.more_info
    assert info is not None
    assert (info.pi_sponsor_employee, info.restrictive_agreement, info.restriction_type) == (False, True, "LTE60")


def test_a_count_that_is_no_count_rejects_the_record(tmp_path: Path) -> None:
    path = tmp_path / "NCT00000021.xml"
    path.write_text(XML.replace('subjects_affected="2"', 'subjects_affected="two"'), encoding="utf-8")
    (record,) = list(read([str(path)]))
    assert isinstance(record, Rejected) and "counts/@subjects_affected: not a count: 'two'" in record.reason


def test_an_unknown_code_rejects_the_record(tmp_path: Path) -> None:
    study = api_study("NCT00000022")
    study["resultsSection"] = {"outcomeMeasuresModule": {"outcomeMeasures": [{"type": "TERTIARY", "title": "X"}]}}
    (record,) = list(read([str(write_json(tmp_path / "s.json", study))]))
    assert isinstance(record, Rejected) and "TERTIARY" in record.reason and "outcome-type" in record.reason


@pytest.mark.parametrize(("value", "expected"), [(12, 12), (12.0, 12), ("12", 12), (" 7 ", 7), (None, None)])
def test_api_v2_counts(value: object, expected: int | None) -> None:
    assert count(value, "x") == expected


@pytest.mark.parametrize("value", [-1, 1.5, "1.5", "NA", True, float("nan")])
def test_api_v2_values_that_are_no_counts(value: object) -> None:
    with pytest.raises(RecordError, match="not a count"):
        count(value, "x")
