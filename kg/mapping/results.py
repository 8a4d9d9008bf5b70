"""Posted results (:class:`~kg.results_model.PostedResults`) as RDF, every node an IRI under ``{study}/results``.

``{study}/results`` (the results summary, :mod:`kg.mapping.rdf`) links the participant flow (``/flow``),
the baseline (``/baseline``), each outcome measure (``/outcome/{n}``), the adverse events
(``/adverse-events``) and more info (``/more-info``). Groups are named by the source's group ids
(``/flow/group/FG000``, ``/outcome/1/group/O1``), counts and measurements by their group under the row
they belong to (``/flow/period/1/milestone/2/FG000``).

Typed values: counts are ``xsd:integer``; a measured value, spread, limit, p-value, estimate or threshold
is ``xsd:decimal`` where it is a number and the registry's text otherwise (``NA``, ``>90``, ``2-4``).
Since stores write decimals in canonical form (``20.0`` reads back ``20``), a measurement's value, spread
and limits also keep the registry's spelling (``tkg:valueText`` ...) where it differs from that form.

Links: a result group to the protocol arm it reports on (``tkg:reportsOnArm``), an outcome measure to the
planned outcome it reports (``tkg:reportsOutcome``), where :mod:`kg.mapping.result_links` finds them
unambiguous. The arms and planned outcomes are read from the study's triples mapped so far, so that this
module does not depend on how their IRIs are minted.

Personal data: the results point of contact is published with its organisation only; its name (or title),
e-mail and telephone only with ``contact_details`` (``build --contact-details``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from pyoxigraph import Literal, NamedNode

from kg.iris import part
from kg.mapping.namespaces import DCTERMS, RDF, RDFS, SCHEMA, TKG, XSD
from kg.mapping.result_links import arm_for, outcome_for
from kg.mapping.terms import Triples, boolean, english, integer
from kg.model import Study
from kg.naming import local
from kg.results_model import (
    AdverseEvent,
    AdverseEvents,
    Analysis,
    Baseline,
    Denominator,
    GroupCount,
    MeasureClass,
    MoreInfo,
    OutcomeMeasure,
    ParticipantFlow,
    ResultGroup,
)

_DECIMAL = re.compile(r"[+-]?(?:(\d+)(?:\.(\d*))?|\.(\d+))")
_READ = (RDFS.label, TKG.outcomeKind, TKG.measure)  # what the links need of the arms and planned outcomes
_P_VALUE = re.compile(r"\s*(<=|>=|≤|≥|<|>|=)\s*(.*)")


def number(text: str) -> tuple[Literal, str | None]:
    """The registry's text as ``xsd:decimal`` (canonical form) where it is a number that stores hold
    exactly (up to 19 integer and 18 fractional digits), else as the text; and the text again where the
    decimal's canonical form spells it otherwise (``20.0``), else ``None``."""
    match = _DECIMAL.fullmatch(text.strip())
    if match is None:
        return Literal(text), None
    whole, fraction = (match.group(1) or "").lstrip("0"), (match.group(2) or match.group(3) or "").rstrip("0")
    if len(whole) > 19 or len(fraction) > 18:
        return Literal(text), None
    negative = text.strip().startswith("-") and (whole or fraction)
    canonical = ("-" if negative else "") + (whole or "0") + (f".{fraction}" if fraction else "")
    return Literal(canonical, datatype=XSD.decimal), None if canonical == text else text


class ResultsMapper:
    """The triples of one study's posted results."""

    def __init__(self, t: Triples, study_iri: NamedNode, study: Study, *, contact_details: bool) -> None:
        self.t = t
        self.root = part(study_iri.value, "results")
        self.contact_details = contact_details
        arms: list[NamedNode] = []
        outcomes: list[NamedNode] = []
        texts: dict[tuple[NamedNode, NamedNode], str] = {}  # (node, rdfs:label / tkg:outcomeKind / tkg:measure)
        for x in t.own:
            if x.subject == study_iri and isinstance(x.object, NamedNode):
                if x.predicate == TKG.arm:
                    arms.append(x.object)
                elif x.predicate == TKG.outcome:
                    outcomes.append(x.object)
            elif x.predicate in _READ and isinstance(x.subject, NamedNode) and isinstance(x.object, Literal):
                texts[(x.subject, x.predicate)] = x.object.value
            elif (
                x.predicate == TKG.outcomeKind and isinstance(x.subject, NamedNode) and isinstance(x.object, NamedNode)
            ):
                texts[(x.subject, x.predicate)] = x.object.value.rsplit("/", 1)[-1]  # tkgv:outcome-kind/PRIMARY
        self.arms = [(n, texts.get((n, RDFS.label), "")) for n in sorted(arms, key=_arm_order)]
        self.planned = [
            (n, texts.get((n, TKG.outcomeKind), ""), texts.get((n, TKG.measure), ""))
            for n in sorted(outcomes, key=lambda o: o.value)
        ]

    def map(self, study: Study) -> None:
        posted = study.results.posted if study.results else None
        if posted is None:
            return
        root = NamedNode(self.root)
        if posted.flow:
            self.t.add(root, TKG.participantFlow, self._flow(posted.flow))
        if posted.baseline:
            self.t.add(root, TKG.baseline, self._baseline(posted.baseline))
        for i, measure in enumerate(posted.outcome_measures, 1):
            self.t.add(root, TKG.outcomeMeasure, self._outcome(part(self.root, "outcome", i), measure))
        if posted.adverse_events:
            self.t.add(root, TKG.adverseEvents, self._events(posted.adverse_events))
        if posted.more_info:
            self.t.add(root, TKG.moreInfo, self._more_info(posted.more_info))

    # -- shared pieces -----------------------------------------------------------------------------
    def _node(self, iri: str, cls: NamedNode) -> NamedNode:
        node = NamedNode(iri)
        self.t.add(node, RDF.type, cls)
        return node

    def _groups(self, owner: str, groups: Sequence[ResultGroup], events: bool = False) -> dict[str, str]:
        """The group nodes of one group list, linked from ``owner``; group id -> IRI."""
        iris: dict[str, str] = {}
        labels = [label for _, label in self.arms]
        for group in groups:
            node = self._group_node(_unique(part(owner, "group", local(group.id)), iris.values()), events)
            iris.setdefault(group.id, node.value)
            self.t.add(NamedNode(owner), TKG.resultGroup, node)
            self.t.add(node, DCTERMS.identifier, Literal(group.id))
            self.t.add(node, RDFS.label, english(group.title))
            self.t.add(node, DCTERMS.description, english(group.description))
            arm = arm_for(group, groups, labels)
            if arm is not None:
                self.t.add(node, TKG.reportsOnArm, self.arms[arm][0])
        return iris

    def _group(self, owner: str, groups: dict[str, str], group_id: str) -> NamedNode:
        """The node of a group id; an id the list lacks gets a node of its own (its id, no title)."""
        if group_id not in groups:
            groups[group_id] = _unique(part(owner, "group", local(group_id)), groups.values())
            node = self._group_node(groups[group_id], owner.endswith("/adverse-events"))
            self.t.add(NamedNode(owner), TKG.resultGroup, node)
            self.t.add(node, DCTERMS.identifier, Literal(group_id))
        return NamedNode(groups[group_id])

    def _group_node(self, iri: str, events: bool) -> NamedNode:
        node = self._node(iri, TKG.ResultGroup)
        if events:
            self.t.add(node, RDF.type, TKG.EventGroup)
        return node

    def _counts(self, row: NamedNode, owner: str, groups: dict[str, str], counts: Sequence[GroupCount]) -> None:
        done: list[str] = []
        for c in counts:
            node = self._node(_unique(part(row.value, local(c.group_id)), done), TKG.GroupCount)
            done.append(node.value)
            self.t.add(row, TKG.perGroup, node)
            self.t.add(node, TKG.group, self._group(owner, groups, c.group_id))
            self.t.add(node, TKG.count, integer(c.count))
            self.t.add(node, TKG.comment, english(c.comment))

    def _denoms(self, at: str, owner: str, groups: dict[str, str], denoms: Sequence[Denominator]) -> None:
        for i, d in enumerate(denoms, 1):
            node = self._node(part(at, "denominator", i), TKG.Denominator)
            self.t.add(NamedNode(at), TKG.denominator, node)
            self.t.add(node, TKG.unitsAnalyzed, d.units)
            self._counts(node, owner, groups, d.counts)

    def _classes(self, at: str, owner: str, groups: dict[str, str], classes: Sequence[MeasureClass]) -> None:
        for i, c in enumerate(classes, 1):
            klass = self._node(part(at, "class", i), TKG.MeasureClass)
            self.t.add(NamedNode(at), TKG.measureClass, klass)
            self.t.add(klass, DCTERMS.title, english(c.title))
            self._denoms(klass.value, owner, groups, c.denominators)
            for j, category in enumerate(c.categories, 1):
                cat = self._node(part(klass.value, "category", j), TKG.MeasureCategory)
                self.t.add(klass, TKG.category, cat)
                self.t.add(cat, DCTERMS.title, english(category.title))
                done: list[str] = []
                for m in category.measurements:
                    node = self._node(_unique(part(cat.value, local(m.group_id)), done), TKG.Measurement)
                    done.append(node.value)
                    self.t.add(cat, TKG.measurement, node)
                    self.t.add(node, TKG.group, self._group(owner, groups, m.group_id))
                    for prop, text_prop, text in (
                        (TKG.value, TKG.valueText, m.value),
                        (TKG.spread, TKG.spreadText, m.spread),
                        (TKG.lowerLimit, TKG.lowerLimitText, m.lower_limit),
                        (TKG.upperLimit, TKG.upperLimitText, m.upper_limit),
                    ):
                        self._number(node, prop, text, text_prop)
                    self.t.add(node, TKG.comment, english(m.comment))

    def _number(self, node: NamedNode, prop: NamedNode, text: str | None, text_prop: NamedNode | None = None) -> None:
        if text is None or not text.strip():
            return
        value, spelling = number(text)
        self.t.add(node, prop, value)
        if text_prop is not None:
            self.t.add(node, text_prop, spelling)

    # -- the modules -------------------------------------------------------------------------------
    def _flow(self, flow: ParticipantFlow) -> NamedNode:
        node = self._node(part(self.root, "flow"), TKG.ParticipantFlow)
        self.t.add(node, TKG.recruitmentDetails, english(flow.recruitment_details))
        self.t.add(node, TKG.preAssignmentDetails, english(flow.pre_assignment_details))
        self.t.add(node, TKG.unitsAnalyzed, flow.units_analyzed)
        groups = self._groups(node.value, flow.groups)
        for i, period in enumerate(flow.periods, 1):
            p = self._node(part(node.value, "period", i), TKG.FlowPeriod)
            self.t.add(node, TKG.period, p)
            self.t.add(p, DCTERMS.title, english(period.title))
            for j, milestone in enumerate(period.milestones, 1):
                m = self._node(part(p.value, "milestone", j), TKG.Milestone)
                self.t.add(p, TKG.milestone, m)
                self.t.add(m, TKG.milestoneType, english(milestone.type))
                self.t.add(m, TKG.comment, english(milestone.comment))
                self._counts(m, node.value, groups, milestone.counts)
            for j, reason in enumerate(period.drop_reasons, 1):
                d = self._node(part(p.value, "drop-reason", j), TKG.DropReason)
                self.t.add(p, TKG.dropReason, d)
                self.t.add(d, TKG.reasonType, english(reason.type))
                self.t.add(d, TKG.comment, english(reason.comment))
                self._counts(d, node.value, groups, reason.counts)
        return node

    def _baseline(self, baseline: Baseline) -> NamedNode:
        node = self._node(part(self.root, "baseline"), TKG.Baseline)
        self.t.add(node, TKG.population, english(baseline.population))
        groups = self._groups(node.value, baseline.groups)
        self._denoms(node.value, node.value, groups, baseline.denominators)
        for i, measure in enumerate(baseline.measures, 1):
            m = self._node(part(node.value, "measure", i), TKG.BaselineMeasure)
            self.t.add(node, TKG.baselineMeasure, m)
            self.t.add(m, DCTERMS.title, english(measure.title))
            self.t.add(m, DCTERMS.description, english(measure.description))
            self.t.add(m, TKG.population, english(measure.population))
            self.t.code(m, TKG.paramType, "param-type", measure.param_type)
            self.t.code(m, TKG.dispersionType, "dispersion-type", measure.dispersion_type)
            self.t.add(m, TKG.unit, measure.unit)
            self.t.add(m, TKG.unitsAnalyzed, measure.units_analyzed)
            self._denoms(m.value, node.value, groups, measure.denominators)
            self._classes(m.value, node.value, groups, measure.classes)
        return node

    def _outcome(self, iri: str, measure: OutcomeMeasure) -> NamedNode:
        node = self._node(iri, TKG.OutcomeMeasure)
        self.t.code(node, TKG.outcomeType, "outcome-type", measure.type)
        self.t.add(node, DCTERMS.title, english(measure.title))
        self.t.add(node, DCTERMS.description, english(measure.description))
        self.t.add(node, TKG.timeFrame, english(measure.time_frame))
        self.t.add(node, TKG.population, english(measure.population))
        self.t.code(node, TKG.reportingStatus, "reporting-status", measure.reporting_status)
        self.t.code(node, TKG.paramType, "param-type", measure.param_type)
        self.t.add(node, TKG.dispersion, measure.dispersion_type)
        self.t.add(node, TKG.unit, measure.unit)
        self.t.add(node, TKG.unitsAnalyzed, measure.units_analyzed)
        planned = outcome_for(measure.type, measure.title, [(k, m) for _, k, m in self.planned])
        if planned is not None:
            self.t.add(node, TKG.reportsOutcome, self.planned[planned][0])
        groups = self._groups(iri, measure.groups)
        self._denoms(iri, iri, groups, measure.denominators)
        self._classes(iri, iri, groups, measure.classes)
        for i, analysis in enumerate(measure.analyses, 1):
            self._analysis(node, part(iri, "analysis", i), groups, analysis)
        return node

    def _analysis(self, outcome: NamedNode, iri: str, groups: dict[str, str], a: Analysis) -> None:
        node = self._node(iri, TKG.StatisticalAnalysis)
        self.t.add(outcome, TKG.analysis, node)
        for group_id in dict.fromkeys(a.group_ids):
            self.t.add(node, TKG.comparedGroup, self._group(outcome.value, groups, group_id))
        self.t.add(node, TKG.groupDescription, english(a.group_description))
        self.t.code(node, TKG.nonInferiorityType, "non-inferiority-type", a.non_inferiority_type)
        self.t.add(node, TKG.nonInferiorityComment, english(a.non_inferiority_comment))
        if a.p_value:
            modifier = _P_VALUE.fullmatch(a.p_value)
            self._number(node, TKG.pValue, modifier.group(2) if modifier else a.p_value)
            self.t.add(node, TKG.pValueModifier, modifier.group(1) if modifier else None)
        self.t.add(node, TKG.pValueComment, english(a.p_value_comment))
        self.t.add(node, TKG.statisticalMethod, english(a.method))
        self.t.add(node, TKG.statisticalMethodComment, english(a.method_comment))
        self.t.add(node, TKG.estimateType, english(a.estimate_type))
        self._number(node, TKG.estimateValue, a.estimate_value)
        self.t.add(node, TKG.estimateComment, english(a.estimate_comment))
        self.t.code(node, TKG.estimateDispersionType, "analysis-dispersion-type", a.dispersion_type)
        self._number(node, TKG.estimateDispersionValue, a.dispersion_value)
        self._number(node, TKG.ciPercent, a.ci_percent)
        self.t.code(node, TKG.ciSides, "ci-sides", a.ci_sides)
        self._number(node, TKG.ciLowerLimit, a.ci_lower_limit)
        self._number(node, TKG.ciUpperLimit, a.ci_upper_limit)
        self.t.add(node, TKG.ciComment, english(a.ci_comment))
        self.t.add(node, TKG.otherAnalysisDescription, english(a.other_description))

    def _events(self, events: AdverseEvents) -> NamedNode:
        node = self._node(part(self.root, "adverse-events"), TKG.AdverseEventReport)
        self.t.add(node, TKG.timeFrame, english(events.time_frame))
        self.t.add(node, DCTERMS.description, english(events.description))
        self._number(node, TKG.frequencyThreshold, events.frequency_threshold)
        groups = self._groups(node.value, [ResultGroup(g.id, g.title, g.description) for g in events.groups], True)
        for g in events.groups:
            group = NamedNode(groups[g.id])
            for prop, value in (
                (TKG.deathsAffected, g.deaths_affected),
                (TKG.deathsAtRisk, g.deaths_at_risk),
                (TKG.seriousAffected, g.serious_affected),
                (TKG.seriousAtRisk, g.serious_at_risk),
                (TKG.otherAffected, g.other_affected),
                (TKG.otherAtRisk, g.other_at_risk),
            ):
                self.t.add(group, prop, integer(value) if value is not None else None)
        for prop, kind, found in (
            (TKG.seriousEvent, "serious", events.serious),
            (TKG.otherEvent, "other", events.other),
        ):
            for i, event in enumerate(found, 1):
                self.t.add(node, prop, self._event(part(node.value, kind, i), node.value, groups, event))
        return node

    def _event(self, iri: str, owner: str, groups: dict[str, str], event: AdverseEvent) -> NamedNode:
        node = self._node(iri, TKG.AdverseEvent)
        self.t.add(node, TKG.term, english(event.term))
        self.t.add(node, TKG.organSystem, english(event.organ_system))
        self.t.add(node, TKG.sourceVocabulary, event.source_vocabulary)
        self.t.code(node, TKG.assessmentType, "assessment-type", event.assessment_type)
        self.t.add(node, TKG.comment, english(event.notes))
        done: list[str] = []
        for c in event.counts:
            count = self._node(_unique(part(iri, local(c.group_id)), done), TKG.EventCount)
            done.append(count.value)
            self.t.add(node, TKG.eventCount, count)
            self.t.add(count, TKG.group, self._group(owner, groups, c.group_id))
            for prop, value in ((TKG.numAffected, c.affected), (TKG.numAtRisk, c.at_risk), (TKG.numEvents, c.events)):
                self.t.add(count, prop, integer(value) if value is not None else None)
        return node

    def _more_info(self, info: MoreInfo) -> NamedNode:
        node = self._node(part(self.root, "more-info"), TKG.ResultsMoreInfo)
        self.t.add(node, TKG.limitationsAndCaveats, english(info.limitations))
        for prop, flag in (
            (TKG.piSponsorEmployee, info.pi_sponsor_employee),
            (TKG.restrictiveAgreement, info.restrictive_agreement),
        ):
            self.t.add(node, prop, boolean(flag) if flag is not None else None)
        self.t.code(node, TKG.restrictionType, "restriction-type", info.restriction_type)
        self.t.add(node, TKG.agreementDetails, english(info.agreement_details))
        details = (info.contact_name, info.contact_email, info.contact_phone) if self.contact_details else ()
        if info.contact_organization or any(details):
            contact = self._node(part(node.value, "point-of-contact"), TKG.ResultsContact)
            self.t.add(node, TKG.pointOfContact, contact)
            self.t.add(contact, TKG.organizationName, info.contact_organization)
            if details:
                self.t.add(contact, SCHEMA.name, info.contact_name)
                self.t.add(contact, SCHEMA.email, info.contact_email)
                self.t.add(contact, SCHEMA.telephone, info.contact_phone)
        return node


def map_results(t: Triples, study_iri: NamedNode, study: Study, *, contact_details: bool = False) -> None:
    """Add the triples of ``study``'s posted results (if any) to ``t``, which holds its arms and outcomes."""
    if study.results is not None and study.results.posted is not None:
        ResultsMapper(t, study_iri, study, contact_details=contact_details).map(study)


def _unique(iri: str, taken: Iterable[str]) -> str:
    """``iri``, or ``iri-2``, ``iri-3``... where a row repeats a group id (no two nodes share an IRI)."""
    seen = set(taken)
    if iri not in seen:
        return iri
    n = 2
    while f"{iri}-{n}" in seen:
        n += 1
    return f"{iri}-{n}"


def _arm_order(node: NamedNode) -> tuple[int, str]:
    """Arms in the order of the record: by their number where the IRI ends in one."""
    value = node.value
    tail = value.rsplit("/", 1)[-1]
    return (int(tail), value) if tail.isdigit() else (1 << 30, value)
