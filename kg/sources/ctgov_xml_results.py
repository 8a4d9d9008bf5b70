"""Legacy XML ``clinical_results`` as a :class:`~kg.model.ResultsSummary` with its posted result tables.

The same model as API v2 (:mod:`kg.sources.ctgov_json_results`), with the legacy forms normalised:

- labels become API v2 codes (``Other Pre-specified`` -> ``OTHER_PRE_SPECIFIED``, ``Count of Participants``
  -> ``COUNT_OF_PARTICIPANTS``, ``2-Sided`` -> ``TWO_SIDED``);
- the ``Total`` category of ``reported_events`` holds the event groups' totals (``Total, serious adverse
  events``, ``Total, other adverse events``, ``Total, all-cause mortality``), not events: they go on the
  groups, as API v2 has them;
- an event without its own ``vocab`` or ``assessment`` takes the list's ``default_vocab`` /
  ``default_assessment``, as API v2 gives every event its own;
- the pre-2017 measures (``measure_list`` of an outcome or of the baseline, whose first measure is the
  ``Number of Participants`` analysed) become denominators and one measure with categories, no classes;
- the standard sentences of ``certain_agreements`` become API v2's flags and restriction type.

Counts are whole numbers (a count that is not is the record's fault); values, spreads and limits stay text.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from kg.errors import RecordError
from kg.model import ResultsSummary
from kg.results_model import (
    AdverseEvent,
    AdverseEvents,
    Analysis,
    Baseline,
    BaselineMeasure,
    Denominator,
    DropReason,
    EventCount,
    EventGroup,
    FlowPeriod,
    GroupCount,
    MeasureCategory,
    MeasureClass,
    Measurement,
    Milestone,
    MoreInfo,
    OutcomeMeasure,
    ParticipantFlow,
    PostedResults,
    ResultGroup,
)
from kg.sources.ctgov_xml_values import block, code, iso, line

E = ET.Element
_PARTICIPANTS = "number of participants"  # the first measure of a pre-2017 measure_list: the denominators


def results(elem: E) -> ResultsSummary | None:
    """The ``clinical_results`` of a study (``None`` without): API v2's counts and every table."""
    node = elem.find("clinical_results")
    if node is None:
        return None
    events = node.find("reported_events")
    flow = node.find("participant_flow")
    adverse = _events(events) if events is not None else None
    return ResultsSummary(
        first_posted=iso("results_first_posted", line(elem, "results_first_posted")),
        outcome_measure_count=len(node.findall("outcome_list/outcome")),
        group_count=len(node.findall("participant_flow/group_list/group")),
        serious_adverse_event_count=len(adverse.serious) if adverse else 0,
        other_adverse_event_count=len(adverse.other) if adverse else 0,
        posted=PostedResults(
            flow=_flow(flow) if flow is not None else None,
            baseline=_baseline(node.find("baseline")),
            outcome_measures=[_outcome(o) for o in node.findall("outcome_list/outcome")],
            adverse_events=adverse,
            more_info=_more_info(node),
        ),
    )


# --- readers ----------------------------------------------------------------------------------------------


def _attr(node: E, name: str) -> str | None:
    return " ".join((node.get(name) or "").split()) or None


def _count(text: str | None, where: str) -> int | None:
    text = (text or "").strip().replace(",", "")
    if not text:
        return None
    if not text.isdigit():
        raise RecordError(f"{where}: not a count: {text[:60]!r}")
    return int(text)


def _groups(node: E) -> list[ResultGroup]:
    return [
        ResultGroup(g.get("group_id") or "", line(g, "title"), block(g, "description"))
        for g in node.findall("group_list/group")
    ]


def _group_counts(node: E, path: str, attribute: str, where: str) -> list[GroupCount]:
    return [
        GroupCount(p.get("group_id") or "", n, line(p, "."))
        for p in node.findall(path)
        if (n := _count(p.get(attribute), where)) is not None
    ]


def _denoms(node: E) -> list[Denominator]:
    return [
        Denominator(line(a, "units"), _group_counts(a, "count_list/count", "value", "analyzed/count/@value"))
        for a in node.findall("analyzed_list/analyzed")
    ]


def _measurements(category: E) -> list[Measurement]:
    return [
        Measurement(
            m.get("group_id") or "",
            _attr(m, "value"),
            _attr(m, "spread"),
            _attr(m, "lower_limit"),
            _attr(m, "upper_limit"),
            line(m, "."),
        )
        for m in category.findall("measurement_list/measurement")
    ]


def _classes(measure: E) -> list[MeasureClass]:
    """A measure's classes; a pre-2017 measure has categories (``sub_title``) and no class."""
    if measure.find("class_list") is None:
        categories = measure.findall("category_list/category")
        return [MeasureClass(None, [], [MeasureCategory(line(c, "sub_title"), _measurements(c)) for c in categories])]
    return [
        MeasureClass(
            line(c, "title"),
            _denoms(c),
            [MeasureCategory(line(k, "title"), _measurements(k)) for k in c.findall("category_list/category")],
        )
        for c in measure.findall("class_list/class")
    ]


def _split_old(measures: list[E]) -> tuple[list[Denominator], list[E]]:
    """A pre-2017 measure list: its ``Number of Participants`` measure as denominators, and the others."""
    if len(measures) < 2 or (line(measures[0], "title") or "").lower() != _PARTICIPANTS:
        return [], measures
    first = measures[0]
    counts = [
        GroupCount(m.group_id, n)
        for c in first.findall("category_list/category")
        for m in _measurements(c)
        if (n := _count(m.value, "measure_list/measure/measurement/@value")) is not None
    ]
    return [Denominator(line(first, "units"), counts)], measures[1:]


def _param(node: E) -> str | None:
    return code("param-type", f"{node.tag}/param", line(node, "param"))


# --- the modules ------------------------------------------------------------------------------------------


def _flow(node: E) -> ParticipantFlow:
    def counts(parent: E, where: str) -> list[GroupCount]:
        return _group_counts(parent, "participants_list/participants", "count", where)

    return ParticipantFlow(
        recruitment_details=block(node, "recruitment_details"),
        pre_assignment_details=block(node, "pre_assignment_details"),
        groups=_groups(node),
        periods=[
            FlowPeriod(
                line(p, "title"),
                [
                    Milestone(line(m, "title") or "", None, counts(m, "milestone/participants/@count"))
                    for m in p.findall("milestone_list/milestone")
                ],
                [
                    DropReason(line(d, "title") or "", None, counts(d, "drop_withdraw_reason/participants/@count"))
                    for d in p.findall("drop_withdraw_reason_list/drop_withdraw_reason")
                ],
            )
            for p in node.findall("period_list/period")
        ],
    )


def _baseline(node: E | None) -> Baseline | None:
    if node is None:
        return None
    old_denoms, measures = _split_old(node.findall("measure_list/measure"))
    return Baseline(
        population=block(node, "population"),
        groups=_groups(node),
        denominators=_denoms(node) + old_denoms,
        measures=[
            BaselineMeasure(
                title=line(m, "title") or "",
                description=block(m, "description"),
                population=block(m, "population"),
                param_type=_param(m),
                dispersion_type=code("dispersion-type", "baseline/measure/dispersion", line(m, "dispersion")),
                unit=line(m, "units"),
                units_analyzed=line(m, "units_analyzed"),
                denominators=_denoms(m),
                classes=_classes(m),
            )
            for m in measures
        ],
    )


def _outcome(node: E) -> OutcomeMeasure:
    measure = node.find("measure")
    denoms: list[Denominator] = []
    extra: list[E] = []
    if measure is None:
        denoms, rest = _split_old(node.findall("measure_list/measure"))
        measure, extra = (rest[0], rest[1:]) if rest else (None, [])
    return OutcomeMeasure(
        type=code("outcome-type", "outcome/type", line(node, "type")) or "",
        title=line(node, "title") or "",
        description=block(node, "description"),
        time_frame=block(node, "time_frame"),
        population=block(node, "population"),
        param_type=_param(measure) if measure is not None else None,
        dispersion_type=line(measure, "dispersion") if measure is not None else None,
        unit=line(measure, "units") if measure is not None else None,
        units_analyzed=line(measure, "units_analyzed") if measure is not None else None,
        groups=_groups(node),
        denominators=(_denoms(measure) if measure is not None else []) + denoms,
        classes=[c for m in ([measure] if measure is not None else []) + extra for c in _classes(m)],
        analyses=[_analysis(a) for a in node.findall("analysis_list/analysis")],
    )


def _analysis(a: E) -> Analysis:
    return Analysis(
        group_ids=[g for g in (" ".join((n.text or "").split()) for n in a.findall("group_id_list/group_id")) if g],
        group_description=block(a, "groups_desc"),
        non_inferiority_type=code("non-inferiority-type", "non_inferiority_type", line(a, "non_inferiority_type")),
        non_inferiority_comment=block(a, "non_inferiority_desc"),
        p_value=line(a, "p_value"),
        p_value_comment=block(a, "p_value_desc"),
        method=line(a, "method"),
        method_comment=block(a, "method_desc"),
        estimate_type=line(a, "param_type"),
        estimate_value=line(a, "param_value"),
        estimate_comment=block(a, "estimate_desc"),
        dispersion_type=code("analysis-dispersion-type", "analysis/dispersion_type", line(a, "dispersion_type")),
        dispersion_value=line(a, "dispersion_value"),
        ci_percent=line(a, "ci_percent"),
        ci_sides=code("ci-sides", "analysis/ci_n_sides", line(a, "ci_n_sides")),
        ci_lower_limit=line(a, "ci_lower_limit"),
        ci_upper_limit=line(a, "ci_upper_limit"),
        ci_comment=block(a, "ci_upper_limit_na_comment") or block(a, "ci_lower_limit_na_comment"),
        other_description=block(a, "other_analysis_desc"),
    )


#: The rows of the ``Total`` category: which totals of the groups each one gives.
_TOTALS = {
    "total, serious adverse events": ("serious_affected", "serious_at_risk"),
    "total, other adverse events": ("other_affected", "other_at_risk"),
    "total, all-cause mortality": ("deaths_affected", "deaths_at_risk"),
}


def _events(node: E) -> AdverseEvents:
    groups = [EventGroup(g.id, g.title, g.description) for g in _groups(node)]
    by_id = {g.id: g for g in groups}
    lists: dict[str, list[AdverseEvent]] = {"serious_events": [], "other_events": []}
    for kind, found in lists.items():
        events = node.find(kind)
        if events is None:
            continue
        vocab, assessment = line(events, "default_vocab"), line(events, "default_assessment")
        for category in events.findall("category_list/category"):
            organ = line(category, "title")
            for event in category.findall("event_list/event"):
                term = line(event, "sub_title")
                if organ != "Total":
                    found.append(_event(event, term, organ, vocab, assessment))
                elif (term or "").lower() in _TOTALS:  # the groups' totals; any other row there is no event
                    _set_totals(event, _TOTALS[(term or "").lower()], by_id)
    other = node.find("other_events")
    return AdverseEvents(
        time_frame=block(node, "time_frame"),
        description=block(node, "desc"),
        frequency_threshold=line(other, "frequency_threshold") if other is not None else None,
        groups=groups,
        serious=lists["serious_events"],
        other=lists["other_events"],
    )


def _set_totals(event: E, fields: tuple[str, str], groups: dict[str, EventGroup]) -> None:
    for c in event.findall("counts"):
        group = groups.get(c.get("group_id") or "")
        if group is None:
            raise RecordError(f"reported_events: a Total row names group {c.get('group_id')!r}, not in the group list")
        setattr(group, fields[0], _count(c.get("subjects_affected"), "counts/@subjects_affected"))
        setattr(group, fields[1], _count(c.get("subjects_at_risk"), "counts/@subjects_at_risk"))


def _event(event: E, term: str | None, organ: str | None, vocab: str | None, assessment: str | None) -> AdverseEvent:
    sub = event.find("sub_title")
    own_vocab = _attr(sub, "vocab") if sub is not None else None
    return AdverseEvent(
        term=term,
        organ_system=organ,
        source_vocabulary=own_vocab or vocab,
        assessment_type=code("assessment-type", "event/assessment", line(event, "assessment") or assessment),
        notes=block(event, "description"),
        counts=[
            EventCount(
                c.get("group_id") or "",
                _count(c.get("subjects_affected"), "counts/@subjects_affected"),
                _count(c.get("subjects_at_risk"), "counts/@subjects_at_risk"),
                _count(c.get("events"), "counts/@events"),
            )
            for c in event.findall("counts")
        ],
    )


def _more_info(node: E) -> MoreInfo | None:
    agreements, poc = node.find("certain_agreements"), node.find("point_of_contact")
    limitations = block(node, "limitations_and_caveats")
    if agreements is None and poc is None and limitations is None:
        return None
    employee = line(node, "certain_agreements/pi_employee")
    restrictive, kind, details = _agreement(line(node, "certain_agreements/restrictive_agreement"))
    phone, ext = (line(poc, "phone"), line(poc, "phone_ext")) if poc is not None else (None, None)
    return MoreInfo(
        limitations=limitations,
        pi_sponsor_employee=None if employee is None else " NOT " not in f" {employee} ",
        restrictive_agreement=restrictive,
        restriction_type=kind,
        agreement_details=details,
        contact_organization=line(poc, "organization") if poc is not None else None,
        contact_name=line(poc, "name_or_title") if poc is not None else None,
        contact_email=line(poc, "email") if poc is not None else None,
        contact_phone=f"{phone} ext {ext}" if phone and ext else phone,
    )


def _agreement(text: str | None) -> tuple[bool | None, str | None, str | None]:
    """The registry's standard sentences as (restrictive, restriction type, details); other text is OTHER."""
    if text is None:
        return None, None, None
    if text.startswith("There is NOT an agreement"):
        return False, None, None
    if text.startswith("The only disclosure restriction on the PI"):
        return True, "GT60" if "more than 60 days" in text else "LTE60", None
    return True, "OTHER", text
