"""The typed record model: one :class:`Study` per registry record, whatever its source format.

The model follows the ClinicalTrials.gov API v2 ``protocolSection`` closely (names are snake_case
versions of the API's), because API v2 is the richest and the canonical source. Coded values are
always the API v2 enumeration codes (``COMPLETED``, ``PHASE2``, ``INDUSTRY``...): parsers of older
formats normalise into them (see :mod:`kg.codes`).

Dates are kept as the registry wrote them, as ISO strings: ``2020-02-29`` (a day) or ``2020-02``
(a month). Every list defaults to empty and every scalar to ``None``: "absent" is never "".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.results_model import PostedResults


@dataclass
class DateStruct:
    """A date with its registry type (``ACTUAL`` or ``ESTIMATED``)."""

    date: str
    type: str | None = None


@dataclass
class Organization:
    name: str
    org_class: str | None = None  # API v2 AgencyClass: NIH, FED, INDUSTRY, OTHER, ...


@dataclass
class SecondaryId:
    id: str
    type: str | None = None  # API v2 SecondaryIdType: NIH, FDA, EUDRACT_NUMBER, CTIS, REGISTRY, OTHER_GRANT, OTHER, ...
    domain: str | None = None
    link: str | None = None


@dataclass
class ResponsibleParty:
    type: str | None = None  # SPONSOR, PRINCIPAL_INVESTIGATOR, SPONSOR_INVESTIGATOR
    investigator_name: str | None = None
    investigator_title: str | None = None
    investigator_affiliation: str | None = None


@dataclass
class ArmGroup:
    label: str
    type: str | None = (
        None  # EXPERIMENTAL, ACTIVE_COMPARATOR, PLACEBO_COMPARATOR, SHAM_COMPARATOR, NO_INTERVENTION, OTHER
    )
    description: str | None = None
    intervention_names: list[str] = field(default_factory=list)  # "Drug: Aspirin", as API v2 writes them


@dataclass
class Intervention:
    name: str
    type: str | None = None  # DRUG, DEVICE, BIOLOGICAL, PROCEDURE, RADIATION, BEHAVIORAL, GENETIC, ...
    description: str | None = None
    arm_group_labels: list[str] = field(default_factory=list)
    other_names: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    kind: str  # PRIMARY, SECONDARY, OTHER
    measure: str
    description: str | None = None
    time_frame: str | None = None


@dataclass
class Eligibility:
    criteria: str | None = None
    healthy_volunteers: bool | None = None
    sex: str | None = None  # ALL, FEMALE, MALE
    gender_based: bool | None = None
    gender_description: str | None = None
    minimum_age: str | None = None  # "18 Years", as written
    maximum_age: str | None = None
    std_ages: list[str] = field(default_factory=list)  # CHILD, ADULT, OLDER_ADULT
    study_population: str | None = None
    sampling_method: str | None = None  # PROBABILITY_SAMPLE, NON_PROBABILITY_SAMPLE


@dataclass
class Contact:
    name: str | None = None
    role: str | None = None  # CONTACT, PRINCIPAL_INVESTIGATOR, SUB_INVESTIGATOR, STUDY_CHAIR, STUDY_DIRECTOR
    phone: str | None = None
    phone_ext: str | None = None
    email: str | None = None


@dataclass
class Official:
    name: str
    role: str | None = None  # PRINCIPAL_INVESTIGATOR, STUDY_CHAIR, STUDY_DIRECTOR, SUB_INVESTIGATOR
    affiliation: str | None = None


@dataclass
class Location:
    facility: str | None = None
    status: str | None = None  # RECRUITING, COMPLETED, ...
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    contacts: list[Contact] = field(default_factory=list)


@dataclass
class Reference:
    citation: str | None = None
    pmid: str | None = None
    type: str | None = None  # BACKGROUND, RESULT, DERIVED


@dataclass
class Link:
    url: str
    label: str | None = None


@dataclass
class RelatedStudy:
    """A study the record (or the page) names as related; ``kind`` says where it was named."""

    nct_id: str
    title: str | None = None
    kind: str = "related"  # related | more-related | alias | expanded-access


@dataclass
class MeshTerm:
    """A MeSH descriptor the registry itself assigned, with the UI as the registry wrote it."""

    ui: str | None
    term: str


@dataclass
class Design:
    study_type: str | None = None  # INTERVENTIONAL, OBSERVATIONAL, EXPANDED_ACCESS
    patient_registry: bool | None = None
    phases: list[str] = field(default_factory=list)  # EARLY_PHASE1, PHASE1 .. PHASE4, NA
    allocation: str | None = None  # RANDOMIZED, NON_RANDOMIZED, NA
    intervention_model: str | None = None  # SINGLE_GROUP, PARALLEL, CROSSOVER, FACTORIAL, SEQUENTIAL
    intervention_model_description: str | None = None
    primary_purpose: str | None = None
    observational_models: list[str] = field(default_factory=list)
    time_perspectives: list[str] = field(default_factory=list)
    masking: str | None = None  # NONE, SINGLE, DOUBLE, TRIPLE, QUADRUPLE
    masking_description: str | None = None
    who_masked: list[str] = field(default_factory=list)
    enrollment: int | None = None
    enrollment_type: str | None = None  # ACTUAL, ESTIMATED
    target_duration: str | None = None
    biospec_retention: str | None = None
    biospec_description: str | None = None


@dataclass
class ResultsSummary:
    """What a record says about posted results: in summary (counts), and the tables in :attr:`posted`."""

    first_posted: str | None = None
    outcome_measure_count: int = 0
    group_count: int = 0
    serious_adverse_event_count: int = 0
    other_adverse_event_count: int = 0
    posted: PostedResults | None = None  # the result tables themselves (kg.results_model)


@dataclass
class Source:
    """Where a record came from: its format, the file (or zip member, or URL) and a content hash."""

    format: str  # api-v2-json | legacy-xml | page-text
    location: str
    sha256: str


@dataclass
class Study:
    nct_id: str
    brief_title: str | None = None
    official_title: str | None = None
    acronym: str | None = None
    org_study_id: str | None = None
    secondary_ids: list[SecondaryId] = field(default_factory=list)
    nct_aliases: list[str] = field(default_factory=list)
    # status and dates
    overall_status: str | None = None
    last_known_status: str | None = None
    why_stopped: str | None = None
    status_verified_date: str | None = None
    start_date: DateStruct | None = None
    primary_completion_date: DateStruct | None = None
    completion_date: DateStruct | None = None
    first_submitted: str | None = None
    first_posted: DateStruct | None = None
    last_update_submitted: str | None = None
    last_update_posted: DateStruct | None = None
    has_expanded_access: bool | None = None
    # sponsor and collaborators
    lead_sponsor: Organization | None = None
    collaborators: list[Organization] = field(default_factory=list)
    responsible_party: ResponsibleParty | None = None
    # oversight
    has_dmc: bool | None = None
    is_fda_regulated_drug: bool | None = None
    is_fda_regulated_device: bool | None = None
    # descriptions
    brief_summary: str | None = None
    detailed_description: str | None = None
    conditions: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    design: Design = field(default_factory=Design)
    arm_groups: list[ArmGroup] = field(default_factory=list)
    interventions: list[Intervention] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    eligibility: Eligibility = field(default_factory=Eligibility)
    central_contacts: list[Contact] = field(default_factory=list)
    officials: list[Official] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)  # as listed by the record (XML location_countries, page text)
    references: list[Reference] = field(default_factory=list)
    see_also: list[Link] = field(default_factory=list)
    related_studies: list[RelatedStudy] = field(default_factory=list)
    ipd_sharing: str | None = None  # YES, NO, UNDECIDED
    ipd_description: str | None = None
    # the registry's derived MeSH terms
    condition_mesh: list[MeshTerm] = field(default_factory=list)
    condition_mesh_ancestors: list[MeshTerm] = field(default_factory=list)
    intervention_mesh: list[MeshTerm] = field(default_factory=list)
    intervention_mesh_ancestors: list[MeshTerm] = field(default_factory=list)
    # record metadata
    has_results: bool = False
    results: ResultsSummary | None = None
    version_holder: str | None = None  # the registry's data version (API v2 derivedSection.miscInfoModule)
    source: Source | None = None

    @property
    def last_update(self) -> str:
        """The best "how new is this version" key: last update posted, else submitted, else ''."""
        if self.last_update_posted is not None:
            return self.last_update_posted.date
        return self.last_update_submitted or ""
