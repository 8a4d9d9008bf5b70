"""The typed model of posted results: participant flow, baseline, outcome measures, adverse events, more info.

It follows the ClinicalTrials.gov API v2 ``resultsSection``; the legacy XML ``clinical_results`` is read into
the same classes (:mod:`kg.sources.ctgov_xml_results`). A :class:`PostedResults` hangs on
:attr:`kg.model.ResultsSummary.posted`.

Values are kept as the registry wrote them: measured values, spreads and limits are text (``12.5``, ``NA``,
``>90``), since the registry writes numbers, ``NA`` and ranges alike; the mapping types them
(:mod:`kg.mapping.results`). Counts of participants and events are whole numbers. Group ids are the
source's own (``OG000`` in API v2, ``O1`` in legacy XML). Coded fields hold API v2 codes (see the tables of
:mod:`kg.sources.checks`).

The annotations here are real types (no ``from __future__ import annotations``): the record checks resolve
the model's annotations in :mod:`kg.model`'s namespace, where these classes' names are not.
"""

from dataclasses import dataclass, field


@dataclass
class ResultGroup:
    """A group of participants as one results module reports it (``FG000``, ``BG000``, ``OG000``, ``O1``)."""

    id: str
    title: str | None = None
    description: str | None = None


@dataclass
class GroupCount:
    """A number of participants (or units) of one group: a milestone, a drop-out reason, a denominator."""

    group_id: str
    count: int
    comment: str | None = None


@dataclass
class Milestone:
    type: str  # STARTED, COMPLETED, NOT COMPLETED or the record's own, as written
    comment: str | None = None
    counts: list[GroupCount] = field(default_factory=list)


@dataclass
class DropReason:
    type: str  # "Adverse Event", "Withdrawal by Subject", ... as written
    comment: str | None = None
    counts: list[GroupCount] = field(default_factory=list)


@dataclass
class FlowPeriod:
    title: str | None = None
    milestones: list[Milestone] = field(default_factory=list)
    drop_reasons: list[DropReason] = field(default_factory=list)


@dataclass
class ParticipantFlow:
    recruitment_details: str | None = None
    pre_assignment_details: str | None = None
    units_analyzed: str | None = None
    groups: list[ResultGroup] = field(default_factory=list)
    periods: list[FlowPeriod] = field(default_factory=list)


@dataclass
class Denominator:
    """The number analysed per group (``Participants``, or other units such as ``eyes``)."""

    units: str | None = None
    counts: list[GroupCount] = field(default_factory=list)


@dataclass
class Measurement:
    group_id: str
    value: str | None = None
    spread: str | None = None
    lower_limit: str | None = None
    upper_limit: str | None = None
    comment: str | None = None


@dataclass
class MeasureCategory:
    title: str | None = None
    measurements: list[Measurement] = field(default_factory=list)


@dataclass
class MeasureClass:
    title: str | None = None
    denominators: list[Denominator] = field(default_factory=list)
    categories: list[MeasureCategory] = field(default_factory=list)


@dataclass
class BaselineMeasure:
    title: str
    description: str | None = None
    population: str | None = None
    param_type: str | None = None  # MEAN, MEDIAN, COUNT_OF_PARTICIPANTS, ...
    dispersion_type: str | None = None  # STANDARD_DEVIATION, FULL_RANGE, INTER_QUARTILE_RANGE, ...
    unit: str | None = None
    units_analyzed: str | None = None
    denominators: list[Denominator] = field(default_factory=list)
    classes: list[MeasureClass] = field(default_factory=list)


@dataclass
class Baseline:
    population: str | None = None
    groups: list[ResultGroup] = field(default_factory=list)
    denominators: list[Denominator] = field(default_factory=list)
    measures: list[BaselineMeasure] = field(default_factory=list)


@dataclass
class Analysis:
    """A statistical analysis of an outcome measure: the groups compared, the test and the estimate."""

    group_ids: list[str] = field(default_factory=list)
    group_description: str | None = None
    non_inferiority_type: str | None = None  # SUPERIORITY, NON_INFERIORITY, EQUIVALENCE, ...
    non_inferiority_comment: str | None = None
    p_value: str | None = None  # as written: "0.03", "<0.001"
    p_value_comment: str | None = None
    method: str | None = None  # "ANCOVA", "Log Rank", ... as written
    method_comment: str | None = None
    estimate_type: str | None = None  # "Hazard Ratio (HR)", "Mean Difference (Final Values)", ... as written
    estimate_value: str | None = None
    estimate_comment: str | None = None
    dispersion_type: str | None = None  # STANDARD_DEVIATION, STANDARD_ERROR_OF_MEAN
    dispersion_value: str | None = None
    ci_percent: str | None = None
    ci_sides: str | None = None  # ONE_SIDED, TWO_SIDED
    ci_lower_limit: str | None = None
    ci_upper_limit: str | None = None
    ci_comment: str | None = None  # why a limit is not given (API v2 ciLower/UpperLimitComment)
    other_description: str | None = None


@dataclass
class OutcomeMeasure:
    type: str  # PRIMARY, SECONDARY, OTHER_PRE_SPECIFIED, POST_HOC
    title: str
    description: str | None = None
    time_frame: str | None = None
    population: str | None = None
    reporting_status: str | None = None  # POSTED, NOT_POSTED (API v2 only)
    param_type: str | None = None
    dispersion_type: str | None = None  # as written: "Standard Deviation", "84% Confidence Interval"
    unit: str | None = None
    units_analyzed: str | None = None
    groups: list[ResultGroup] = field(default_factory=list)
    denominators: list[Denominator] = field(default_factory=list)
    classes: list[MeasureClass] = field(default_factory=list)
    analyses: list[Analysis] = field(default_factory=list)


@dataclass
class EventGroup:
    """A group of the adverse events module, with its totals: deaths, serious and other events."""

    id: str
    title: str | None = None
    description: str | None = None
    deaths_affected: int | None = None
    deaths_at_risk: int | None = None
    serious_affected: int | None = None
    serious_at_risk: int | None = None
    other_affected: int | None = None
    other_at_risk: int | None = None


@dataclass
class EventCount:
    group_id: str
    affected: int | None = None
    at_risk: int | None = None
    events: int | None = None


@dataclass
class AdverseEvent:
    """One serious or other adverse event term (MedDRA or other vocabulary, as the registry writes it)."""

    term: str | None = None
    organ_system: str | None = None
    source_vocabulary: str | None = None
    assessment_type: str | None = None  # SYSTEMATIC_ASSESSMENT, NON_SYSTEMATIC_ASSESSMENT
    notes: str | None = None
    counts: list[EventCount] = field(default_factory=list)


@dataclass
class AdverseEvents:
    time_frame: str | None = None
    description: str | None = None
    frequency_threshold: str | None = None  # percent, as written
    groups: list[EventGroup] = field(default_factory=list)
    serious: list[AdverseEvent] = field(default_factory=list)
    other: list[AdverseEvent] = field(default_factory=list)


@dataclass
class MoreInfo:
    limitations: str | None = None
    pi_sponsor_employee: bool | None = None
    restrictive_agreement: bool | None = None
    restriction_type: str | None = None  # LTE60, GT60, OTHER
    agreement_details: str | None = None
    contact_organization: str | None = None
    contact_name: str | None = None  # a name or a title ("Director, Clinical Trials")
    contact_email: str | None = None
    contact_phone: str | None = None  # with its extension, "555 0100 ext 12"


@dataclass
class PostedResults:
    flow: ParticipantFlow | None = None
    baseline: Baseline | None = None
    outcome_measures: list[OutcomeMeasure] = field(default_factory=list)
    adverse_events: AdverseEvents | None = None
    more_info: MoreInfo | None = None
