"""API v2 ``resultsSection`` as :class:`~kg.model.ResultsSummary` with its :class:`~kg.results_model.PostedResults`.

Every module is read: participant flow, baseline characteristics, outcome measures (with their analyses),
adverse events and more info. Text is kept as written (the markdown fields with API v2's escapes undone,
:mod:`kg.sources.markup`); counts (API v2 writes some as text, ``"12"``) become whole numbers, and a count
that is not one is the record's fault (:class:`~kg.errors.RecordError`).
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
from kg.sources.json_values import items, obj, objs
from kg.sources.markup import plain

J = dict[str, Any]
WHERE = "resultsSection: "  # where the keys read here stand, for the messages


def results(section: J, status: J) -> ResultsSummary | None:
    """The results of a record (``None`` without a ``resultsSection``): the counts and every table."""
    if not section:
        return None
    flow = obj(section, "participantFlowModule", WHERE)
    events = obj(section, "adverseEventsModule", WHERE)
    measures = objs(obj(section, "outcomeMeasuresModule", WHERE), "outcomeMeasures", WHERE)
    first = obj(status, "resultsFirstPostDateStruct", WHERE).get("date")
    return ResultsSummary(
        first_posted=first,
        outcome_measure_count=len(measures),
        group_count=len(objs(flow, "groups", WHERE)),
        serious_adverse_event_count=len(objs(events, "seriousEvents", WHERE)),
        other_adverse_event_count=len(objs(events, "otherEvents", WHERE)),
        posted=PostedResults(
            flow=_flow(flow) if flow else None,
            baseline=_baseline(obj(section, "baselineCharacteristicsModule", WHERE)),
            outcome_measures=[_outcome(m) for m in measures],
            adverse_events=_events(events) if events else None,
            more_info=_more_info(obj(section, "moreInfoModule", WHERE)),
        ),
    )


# --- readers ----------------------------------------------------------------------------------------------


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
    groups = objs(module, "groups", WHERE)
    return [ResultGroup(g.get("id") or "", g.get("title"), plain(g.get("description"))) for g in groups]


def _denoms(parent: J) -> list[Denominator]:
    return [
        Denominator(d.get("units"), _counts(objs(d, "counts", WHERE), "value", "denoms.counts.value"))
        for d in objs(parent, "denoms", WHERE)
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
                        for m in objs(k, "measurements", WHERE)
                    ],
                )
                for k in objs(c, "categories", WHERE)
            ],
        )
        for c in objs(measure, "classes", WHERE)
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
                        _counts(objs(m, "achievements", WHERE), "numSubjects", "milestones.achievements.numSubjects"),
                    )
                    for m in objs(p, "milestones", WHERE)
                ],
                [
                    DropReason(
                        d.get("type") or "",
                        d.get("comment"),
                        _counts(objs(d, "reasons", WHERE), "numSubjects", "dropWithdraws.reasons.numSubjects"),
                    )
                    for d in objs(p, "dropWithdraws", WHERE)
                ],
            )
            for p in objs(module, "periods", WHERE)
        ],
    )


def _baseline(module: J) -> Baseline | None:
    if not module:
        return None
    return Baseline(
        population=plain(module.get("populationDescription")),
        groups=_groups(module),
        denominators=_denoms(module),
        measures=[
            BaselineMeasure(
                title=m.get("title") or "",
                description=plain(m.get("description")),
                population=plain(m.get("populationDescription")),
                param_type=m.get("paramType"),
                dispersion_type=m.get("dispersionType"),
                unit=m.get("unitOfMeasure"),
                units_analyzed=m.get("denomUnitsSelected"),
                denominators=_denoms(m),
                classes=_classes(m),
            )
            for m in objs(module, "measures", WHERE)
        ],
    )


def _outcome(m: J) -> OutcomeMeasure:
    return OutcomeMeasure(
        type=m.get("type") or "",
        title=m.get("title") or "",
        description=plain(m.get("description")),
        time_frame=m.get("timeFrame"),
        population=plain(m.get("populationDescription")),
        reporting_status=m.get("reportingStatus"),
        param_type=m.get("paramType"),
        dispersion_type=m.get("dispersionType"),
        unit=m.get("unitOfMeasure"),
        units_analyzed=m.get("typeUnitsAnalyzed"),
        groups=_groups(m),
        denominators=_denoms(m),
        classes=_classes(m),
        analyses=[_analysis(a) for a in objs(m, "analyses", WHERE)],
    )


def _analysis(a: J) -> Analysis:
    comments = [c for c in (a.get("ciLowerLimitComment"), a.get("ciUpperLimitComment")) if c]
    return Analysis(
        group_ids=list(items(a, "groupIds", WHERE)),
        group_description=plain(a.get("groupDescription")),
        non_inferiority_type=a.get("nonInferiorityType"),
        non_inferiority_comment=a.get("nonInferiorityComment"),
        p_value=a.get("pValue"),
        p_value_comment=a.get("pValueComment"),
        method=a.get("statisticalMethod"),
        method_comment=a.get("statisticalComment"),
        estimate_type=a.get("paramType"),
        estimate_value=a.get("paramValue"),
        estimate_comment=plain(a.get("estimateComment")),
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
        return EventGroup(g.get("id") or "", g.get("title"), plain(g.get("description")), *n.values())

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
                for s in objs(e, "stats", WHERE)
            ],
        )

    return AdverseEvents(
        time_frame=module.get("timeFrame"),
        description=plain(module.get("description")),
        frequency_threshold=module.get("frequencyThreshold"),
        groups=[group(g) for g in objs(module, "eventGroups", WHERE)],
        serious=[event(e) for e in objs(module, "seriousEvents", WHERE)],
        other=[event(e) for e in objs(module, "otherEvents", WHERE)],
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
    agreement = obj(module, "certainAgreement", WHERE)
    poc = obj(module, "pointOfContact", WHERE)
    phone, ext = poc.get("phone"), poc.get("phoneExt")
    return MoreInfo(
        limitations=obj(module, "limitationsAndCaveats", WHERE).get("description"),
        pi_sponsor_employee=agreement.get("piSponsorEmployee"),
        restrictive_agreement=agreement.get("restrictiveAgreement"),
        restriction_type=agreement.get("restrictionType"),
        agreement_details=plain(agreement.get("otherDetails")),
        contact_organization=poc.get("organization"),
        contact_name=poc.get("title"),
        contact_email=poc.get("email"),
        contact_phone=f"{phone} ext {ext}" if phone and ext else phone,
    )
