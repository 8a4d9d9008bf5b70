"""API v2 ``resultsSection`` as :class:`~kg.model.ResultsSummary` with its :class:`~kg.results_model.PostedResults`.

Every module is read: participant flow, baseline characteristics, outcome measures (with their analyses),
adverse events and more info. Text is kept as written; counts (API v2 writes some as text, ``"12"``)
become whole numbers, and a count that is not one is the record's fault (:class:`~kg.errors.RecordError`).
The types of the rest are checked with the whole record (:mod:`kg.sources.checks`).
"""

from __future__ import annotations

import math
from typing import Any

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

J = dict[str, Any]


def results(section: J, status: J) -> ResultsSummary | None:
    """The results of a record (``None`` without a ``resultsSection``): the counts and every table."""
    if not section:
        return None
    flow = _obj(section, "participantFlowModule")
    events = _obj(section, "adverseEventsModule")
    measures = _objs(_obj(section, "outcomeMeasuresModule"), "outcomeMeasures")
    first = _obj(status, "resultsFirstPostDateStruct").get("date")
    return ResultsSummary(
        first_posted=first,
        outcome_measure_count=len(measures),
        group_count=len(_objs(flow, "groups")),
        serious_adverse_event_count=len(_objs(events, "seriousEvents")),
        other_adverse_event_count=len(_objs(events, "otherEvents")),
        posted=PostedResults(
            flow=_flow(flow) if flow else None,
            baseline=_baseline(_obj(section, "baselineCharacteristicsModule")),
            outcome_measures=[_outcome(m) for m in measures],
            adverse_events=_events(events) if events else None,
            more_info=_more_info(_obj(section, "moreInfoModule")),
        ),
    )


# --- readers ----------------------------------------------------------------------------------------------


def _obj(parent: J, key: str) -> J:
    value = parent.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RecordError(f"resultsSection: {key}: expected an object, got {type(value).__name__} {str(value)[:60]!r}")
    return value


def _objs(parent: J, key: str) -> list[J]:
    value = parent.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise RecordError(f"resultsSection: {key}: expected a list of objects, got {str(value)[:60]!r}")
    return value


def _strings(parent: J, key: str) -> list[Any]:
    value = parent.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"resultsSection: {key}: expected a list, got {type(value).__name__} {str(value)[:60]!r}")
    return value


def count(value: Any, where: str) -> int | None:
    """A whole number as API v2 writes it: ``12``, ``12.0`` or ``"12"``; ``None`` stays ``None``."""
    if value is None:
        return None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    number = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if number and value >= 0 and value == int(value):
        return int(value)
    raise RecordError(f"resultsSection: {where}: not a count: {value!r:.60}")


def _counts(items: list[J], key: str, where: str) -> list[GroupCount]:
    return [
        GroupCount(c.get("groupId") or "", n, c.get("comment"))
        for c in items
        if (n := count(c.get(key), where)) is not None
    ]


def _groups(module: J) -> list[ResultGroup]:
    return [ResultGroup(g.get("id") or "", g.get("title"), g.get("description")) for g in _objs(module, "groups")]


def _denoms(parent: J) -> list[Denominator]:
    return [
        Denominator(d.get("units"), _counts(_objs(d, "counts"), "value", "denoms.counts.value"))
        for d in _objs(parent, "denoms")
    ]


def _classes(measure: J) -> list[MeasureClass]:
    return [
        MeasureClass(
            c.get("title"),
            _denoms(c),
            [
                MeasureCategory(
                    k.get("title"),
                    [
                        Measurement(
                            m.get("groupId") or "",
                            m.get("value"),
                            m.get("spread"),
                            m.get("lowerLimit"),
                            m.get("upperLimit"),
                            m.get("comment"),
                        )
                        for m in _objs(k, "measurements")
                    ],
                )
                for k in _objs(c, "categories")
            ],
        )
        for c in _objs(measure, "classes")
    ]


# --- the modules ------------------------------------------------------------------------------------------


def _flow(module: J) -> ParticipantFlow:
    return ParticipantFlow(
        recruitment_details=module.get("recruitmentDetails"),
        pre_assignment_details=module.get("preAssignmentDetails"),
        units_analyzed=module.get("typeUnitsAnalyzed"),
        groups=_groups(module),
        periods=[
            FlowPeriod(
                p.get("title"),
                [
                    Milestone(
                        m.get("type") or "",
                        m.get("comment"),
                        _counts(_objs(m, "achievements"), "numSubjects", "milestones.achievements.numSubjects"),
                    )
                    for m in _objs(p, "milestones")
                ],
                [
                    DropReason(
                        d.get("type") or "",
                        d.get("comment"),
                        _counts(_objs(d, "reasons"), "numSubjects", "dropWithdraws.reasons.numSubjects"),
                    )
                    for d in _objs(p, "dropWithdraws")
                ],
            )
            for p in _objs(module, "periods")
        ],
    )


def _baseline(module: J) -> Baseline | None:
    if not module:
        return None
    return Baseline(
        population=module.get("populationDescription"),
        groups=_groups(module),
        denominators=_denoms(module),
        measures=[
            BaselineMeasure(
                title=m.get("title") or "",
                description=m.get("description"),
                population=m.get("populationDescription"),
                param_type=m.get("paramType"),
                dispersion_type=m.get("dispersionType"),
                unit=m.get("unitOfMeasure"),
                units_analyzed=m.get("denomUnitsSelected"),
                denominators=_denoms(m),
                classes=_classes(m),
            )
            for m in _objs(module, "measures")
        ],
    )


def _outcome(m: J) -> OutcomeMeasure:
    return OutcomeMeasure(
        type=m.get("type") or "",
        title=m.get("title") or "",
        description=m.get("description"),
        time_frame=m.get("timeFrame"),
        population=m.get("populationDescription"),
        reporting_status=m.get("reportingStatus"),
        param_type=m.get("paramType"),
        dispersion_type=m.get("dispersionType"),
        unit=m.get("unitOfMeasure"),
        units_analyzed=m.get("typeUnitsAnalyzed"),
        groups=_groups(m),
        denominators=_denoms(m),
        classes=_classes(m),
        analyses=[_analysis(a) for a in _objs(m, "analyses")],
    )


def _analysis(a: J) -> Analysis:
    comments = [c for c in (a.get("ciLowerLimitComment"), a.get("ciUpperLimitComment")) if c]
    return Analysis(
        group_ids=list(_strings(a, "groupIds")),
        group_description=a.get("groupDescription"),
        non_inferiority_type=a.get("nonInferiorityType"),
        non_inferiority_comment=a.get("nonInferiorityComment"),
        p_value=a.get("pValue"),
        p_value_comment=a.get("pValueComment"),
        method=a.get("statisticalMethod"),
        method_comment=a.get("statisticalComment"),
        estimate_type=a.get("paramType"),
        estimate_value=a.get("paramValue"),
        estimate_comment=a.get("estimateComment"),
        dispersion_type=a.get("dispersionType"),
        dispersion_value=a.get("dispersionValue"),
        ci_percent=a.get("ciPctValue"),
        ci_sides=a.get("ciNumSides"),
        ci_lower_limit=a.get("ciLowerLimit"),
        ci_upper_limit=a.get("ciUpperLimit"),
        ci_comment="\n\n".join(comments) or None,
        other_description=a.get("otherAnalysisDescription"),
    )


def _events(module: J) -> AdverseEvents:
    def group(g: J) -> EventGroup:
        n = {key: count(g.get(key), f"eventGroups.{key}") for key in _GROUP_COUNTS}
        return EventGroup(g.get("id") or "", g.get("title"), g.get("description"), *n.values())

    def event(e: J) -> AdverseEvent:
        return AdverseEvent(
            term=e.get("term"),
            organ_system=e.get("organSystem"),
            source_vocabulary=e.get("sourceVocabulary"),
            assessment_type=e.get("assessmentType"),
            notes=e.get("notes"),
            counts=[
                EventCount(
                    s.get("groupId") or "",
                    count(s.get("numAffected"), "stats.numAffected"),
                    count(s.get("numAtRisk"), "stats.numAtRisk"),
                    count(s.get("numEvents"), "stats.numEvents"),
                )
                for s in _objs(e, "stats")
            ],
        )

    return AdverseEvents(
        time_frame=module.get("timeFrame"),
        description=module.get("description"),
        frequency_threshold=module.get("frequencyThreshold"),
        groups=[group(g) for g in _objs(module, "eventGroups")],
        serious=[event(e) for e in _objs(module, "seriousEvents")],
        other=[event(e) for e in _objs(module, "otherEvents")],
    )


_GROUP_COUNTS = (
    "deathsNumAffected",
    "deathsNumAtRisk",
    "seriousNumAffected",
    "seriousNumAtRisk",
    "otherNumAffected",
    "otherNumAtRisk",
)


def _more_info(module: J) -> MoreInfo | None:
    if not module:
        return None
    agreement = _obj(module, "certainAgreement")
    poc = _obj(module, "pointOfContact")
    phone, ext = poc.get("phone"), poc.get("phoneExt")
    return MoreInfo(
        limitations=_obj(module, "limitationsAndCaveats").get("description"),
        pi_sponsor_employee=agreement.get("piSponsorEmployee"),
        restrictive_agreement=agreement.get("restrictiveAgreement"),
        restriction_type=agreement.get("restrictionType"),
        agreement_details=agreement.get("otherDetails"),
        contact_organization=poc.get("organization"),
        contact_name=poc.get("title"),
        contact_email=poc.get("email"),
        contact_phone=f"{phone} ext {ext}" if phone and ext else phone,
    )
