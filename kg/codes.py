"""The registry's enumerations (API v2 codes, with their display labels) and the legacy-XML mappings.

Every coded value in the model is an API v2 code. :data:`ENUMS` names each enumeration; the ontology
publishes each as a SKOS concept scheme whose ``skos:notation`` is the code. Legacy XML writes display
labels (``Phase 1/Phase 2``, ``Unknown status``, ``None (Open Label)``); :func:`from_label` maps them
back, through the labels below plus the old spellings in :data:`LEGACY_ALIASES`.
"""

from __future__ import annotations

import re

from kg.errors import RecordError

Enum = dict[str, str]  # code -> display label

STATUS: Enum = {
    "ACTIVE_NOT_RECRUITING": "Active, not recruiting",
    "COMPLETED": "Completed",
    "ENROLLING_BY_INVITATION": "Enrolling by invitation",
    "NOT_YET_RECRUITING": "Not yet recruiting",
    "RECRUITING": "Recruiting",
    "SUSPENDED": "Suspended",
    "TERMINATED": "Terminated",
    "WITHDRAWN": "Withdrawn",
    "AVAILABLE": "Available",
    "NO_LONGER_AVAILABLE": "No longer available",
    "TEMPORARILY_NOT_AVAILABLE": "Temporarily not available",
    "APPROVED_FOR_MARKETING": "Approved for marketing",
    "WITHHELD": "Withheld",
    "UNKNOWN": "Unknown status",
}
PHASE: Enum = {
    "NA": "Not Applicable",
    "EARLY_PHASE1": "Early Phase 1",
    "PHASE1": "Phase 1",
    "PHASE2": "Phase 2",
    "PHASE3": "Phase 3",
    "PHASE4": "Phase 4",
}
STUDY_TYPE: Enum = {
    "INTERVENTIONAL": "Interventional",
    "OBSERVATIONAL": "Observational",
    "EXPANDED_ACCESS": "Expanded Access",
}
ALLOCATION: Enum = {"RANDOMIZED": "Randomized", "NON_RANDOMIZED": "Non-Randomized", "NA": "N/A"}
INTERVENTION_MODEL: Enum = {
    "SINGLE_GROUP": "Single Group Assignment",
    "PARALLEL": "Parallel Assignment",
    "CROSSOVER": "Crossover Assignment",
    "FACTORIAL": "Factorial Assignment",
    "SEQUENTIAL": "Sequential Assignment",
}
PRIMARY_PURPOSE: Enum = {
    "TREATMENT": "Treatment",
    "PREVENTION": "Prevention",
    "DIAGNOSTIC": "Diagnostic",
    "ECT": "Educational/Counseling/Training",
    "SUPPORTIVE_CARE": "Supportive Care",
    "SCREENING": "Screening",
    "HEALTH_SERVICES_RESEARCH": "Health Services Research",
    "BASIC_SCIENCE": "Basic Science",
    "DEVICE_FEASIBILITY": "Device Feasibility",
    "OTHER": "Other",
}
OBSERVATIONAL_MODEL: Enum = {
    "COHORT": "Cohort",
    "CASE_CONTROL": "Case-Control",
    "CASE_ONLY": "Case-Only",
    "CASE_CROSSOVER": "Case-Crossover",
    "ECOLOGIC_OR_COMMUNITY": "Ecologic or Community",
    "FAMILY_BASED": "Family-Based",
    "DEFINED_POPULATION": "Defined Population",
    "NATURAL_HISTORY": "Natural History",
    "OTHER": "Other",
}
TIME_PERSPECTIVE: Enum = {
    "RETROSPECTIVE": "Retrospective",
    "PROSPECTIVE": "Prospective",
    "CROSS_SECTIONAL": "Cross-Sectional",
    "OTHER": "Other",
}
MASKING: Enum = {
    "NONE": "None (Open Label)",
    "SINGLE": "Single",
    "DOUBLE": "Double",
    "TRIPLE": "Triple",
    "QUADRUPLE": "Quadruple",
}
WHO_MASKED: Enum = {
    "PARTICIPANT": "Participant",
    "CARE_PROVIDER": "Care Provider",
    "INVESTIGATOR": "Investigator",
    "OUTCOMES_ASSESSOR": "Outcomes Assessor",
}
INTERVENTION_TYPE: Enum = {
    "BEHAVIORAL": "Behavioral",
    "BIOLOGICAL": "Biological",
    "COMBINATION_PRODUCT": "Combination Product",
    "DEVICE": "Device",
    "DIAGNOSTIC_TEST": "Diagnostic Test",
    "DIETARY_SUPPLEMENT": "Dietary Supplement",
    "DRUG": "Drug",
    "GENETIC": "Genetic",
    "OTHER": "Other",
    "PROCEDURE": "Procedure",
    "RADIATION": "Radiation",
}
ARM_TYPE: Enum = {
    "EXPERIMENTAL": "Experimental",
    "ACTIVE_COMPARATOR": "Active Comparator",
    "PLACEBO_COMPARATOR": "Placebo Comparator",
    "SHAM_COMPARATOR": "Sham Comparator",
    "NO_INTERVENTION": "No Intervention",
    "OTHER": "Other",
}
SPONSOR_CLASS: Enum = {
    "NIH": "NIH",
    "FED": "U.S. Fed",
    "OTHER_GOV": "Other Government",
    "INDIV": "Individual",
    "INDUSTRY": "Industry",
    "NETWORK": "Network",
    "AMBIG": "Ambiguous",
    "OTHER": "Other",
    "UNKNOWN": "Unknown",
}
SEX: Enum = {"ALL": "All", "FEMALE": "Female", "MALE": "Male"}
STD_AGE: Enum = {"CHILD": "Child", "ADULT": "Adult", "OLDER_ADULT": "Older Adult"}
RESPONSIBLE_PARTY_TYPE: Enum = {
    "SPONSOR": "Sponsor",
    "PRINCIPAL_INVESTIGATOR": "Principal Investigator",
    "SPONSOR_INVESTIGATOR": "Sponsor-Investigator",
}
ROLE: Enum = {
    "PRINCIPAL_INVESTIGATOR": "Principal Investigator",
    "SUB_INVESTIGATOR": "Sub-Investigator",
    "STUDY_CHAIR": "Study Chair",
    "STUDY_DIRECTOR": "Study Director",
    "CONTACT": "Contact",
}
REFERENCE_TYPE: Enum = {"BACKGROUND": "Background", "RESULT": "Result", "DERIVED": "Derived"}
DATE_TYPE: Enum = {"ACTUAL": "Actual", "ESTIMATED": "Anticipated"}
SAMPLING_METHOD: Enum = {
    "PROBABILITY_SAMPLE": "Probability Sample",
    "NON_PROBABILITY_SAMPLE": "Non-Probability Sample",
}
IPD_SHARING: Enum = {"YES": "Yes", "NO": "No", "UNDECIDED": "Undecided"}
BIOSPEC_RETENTION: Enum = {
    "NONE_RETAINED": "None Retained",
    "SAMPLES_WITH_DNA": "Samples With DNA",
    "SAMPLES_WITHOUT_DNA": "Samples Without DNA",
}
SECONDARY_ID_TYPE: Enum = {
    "NIH": "U.S. NIH Grant/Contract",
    "FDA": "U.S. FDA Grant/Contract",
    "VA": "U.S. VA Grant/Contract",
    "CDC": "U.S. CDC Grant/Contract",
    "AHRQ": "U.S. AHRQ Grant/Contract",
    "SAMHSA": "U.S. SAMHSA Grant/Contract",
    "OTHER_GRANT": "Other Grant/Funding Number",
    "EUDRACT_NUMBER": "EudraCT Number",
    "CTIS": "EU CT Number",
    "REGISTRY": "Registry Identifier",
    "OTHER": "Other Identifier",
}

# --- posted results (API v2 resultsSection) -------------------------------------------------------------
OUTCOME_TYPE: Enum = {
    "PRIMARY": "Primary",
    "SECONDARY": "Secondary",
    "OTHER_PRE_SPECIFIED": "Other Pre-specified",
    "POST_HOC": "Post-Hoc",
}
PARAM_TYPE: Enum = {
    "GEOMETRIC_MEAN": "Geometric Mean",
    "GEOMETRIC_LEAST_SQUARES_MEAN": "Geometric Least Squares Mean",
    "LEAST_SQUARES_MEAN": "Least Squares Mean",
    "LOG_MEAN": "Log Mean",
    "MEAN": "Mean",
    "MEDIAN": "Median",
    "NUMBER": "Number",
    "COUNT_OF_PARTICIPANTS": "Count of Participants",
    "COUNT_OF_UNITS": "Count of Units",
}
DISPERSION_TYPE: Enum = {
    "NA": "Not Applicable",
    "STANDARD_DEVIATION": "Standard Deviation",
    "STANDARD_ERROR": "Standard Error",
    "INTER_QUARTILE_RANGE": "Inter-Quartile Range",
    "FULL_RANGE": "Full Range",
    "CONFIDENCE_80": "80% Confidence Interval",
    "CONFIDENCE_90": "90% Confidence Interval",
    "CONFIDENCE_95": "95% Confidence Interval",
    "CONFIDENCE_975": "97.5% Confidence Interval",
    "CONFIDENCE_99": "99% Confidence Interval",
    "CONFIDENCE_OTHER": "Other Confidence Interval Level",
    "GEOMETRIC_COEFFICIENT": "Geometric Coefficient of Variation",
}
ANALYSIS_DISPERSION_TYPE: Enum = {
    "STANDARD_DEVIATION": "Standard Deviation",
    "STANDARD_ERROR_OF_MEAN": "Standard Error of the Mean",
}
CI_SIDES: Enum = {"ONE_SIDED": "1-Sided", "TWO_SIDED": "2-Sided"}
NON_INFERIORITY_TYPE: Enum = {
    "SUPERIORITY": "Superiority",
    "NON_INFERIORITY": "Non-Inferiority",
    "EQUIVALENCE": "Equivalence",
    "OTHER": "Other",
    "NON_INFERIORITY_OR_EQUIVALENCE": "Non-Inferiority or Equivalence",
    "SUPERIORITY_OR_OTHER": "Superiority or Other",
    "NON_INFERIORITY_OR_EQUIVALENCE_LEGACY": "Non-Inferiority or Equivalence (legacy)",
    "SUPERIORITY_OR_OTHER_LEGACY": "Superiority or Other (legacy)",
}
ASSESSMENT_TYPE: Enum = {
    "SYSTEMATIC_ASSESSMENT": "Systematic Assessment",
    "NON_SYSTEMATIC_ASSESSMENT": "Non-systematic Assessment",
}
RESTRICTION_TYPE: Enum = {
    "LTE60": "Embargo of 60 days or less",
    "GT60": "Embargo of more than 60 and at most 180 days",
    "OTHER": "Other disclosure restriction",
}
REPORTING_STATUS: Enum = {"POSTED": "Posted", "NOT_POSTED": "Not Posted"}

# --- ours, not the registry's: how precise a registry date is (tkg:startDatePrecision ...) ---------------
DATE_PRECISION: Enum = {"DAY": "Day", "MONTH": "Month", "YEAR": "Year"}

# --- the list a planned outcome is in (API v2 primaryOutcomes, secondaryOutcomes, otherOutcomes) -----------
OUTCOME_KIND: Enum = {"PRIMARY": "Primary outcome", "SECONDARY": "Secondary outcome", "OTHER": "Other outcome"}
# --- ours: the format a record was read from (kg.model.Source.format, tkg:sourceFormat) ---------------------
SOURCE_FORMAT: Enum = {
    "api-v2-json": "ClinicalTrials.gov API v2 JSON",
    "legacy-xml": "ClinicalTrials.gov legacy XML (clinical_study)",
    "page-text": "ClinicalTrials.gov study page text",
}

#: Each enumeration by the name the ontology publishes it under (``{base}vocab/{name}/{code}``).
ENUMS: dict[str, Enum] = {
    "status": STATUS,
    "phase": PHASE,
    "study-type": STUDY_TYPE,
    "allocation": ALLOCATION,
    "intervention-model": INTERVENTION_MODEL,
    "purpose": PRIMARY_PURPOSE,
    "observational-model": OBSERVATIONAL_MODEL,
    "time-perspective": TIME_PERSPECTIVE,
    "masking": MASKING,
    "who-masked": WHO_MASKED,
    "intervention-type": INTERVENTION_TYPE,
    "arm-type": ARM_TYPE,
    "sponsor-class": SPONSOR_CLASS,
    "sex": SEX,
    "std-age": STD_AGE,
    "responsible-party-type": RESPONSIBLE_PARTY_TYPE,
    "role": ROLE,
    "reference-type": REFERENCE_TYPE,
    "date-type": DATE_TYPE,
    "sampling-method": SAMPLING_METHOD,
    "ipd-sharing": IPD_SHARING,
    "biospec-retention": BIOSPEC_RETENTION,
    "secondary-id-type": SECONDARY_ID_TYPE,
    "outcome-type": OUTCOME_TYPE,
    "param-type": PARAM_TYPE,
    "dispersion-type": DISPERSION_TYPE,
    "analysis-dispersion-type": ANALYSIS_DISPERSION_TYPE,
    "ci-sides": CI_SIDES,
    "non-inferiority-type": NON_INFERIORITY_TYPE,
    "assessment-type": ASSESSMENT_TYPE,
    "restriction-type": RESTRICTION_TYPE,
    "reporting-status": REPORTING_STATUS,
    "date-precision": DATE_PRECISION,
    "outcome-kind": OUTCOME_KIND,
    "source-format": SOURCE_FORMAT,
}

#: Old or variant spellings that legacy XML uses, per enumeration, beyond the display labels.
LEGACY_ALIASES: dict[str, dict[str, str]] = {
    "phase": {"phase 0": "EARLY_PHASE1", "n/a": "NA"},
    "study-type": {"observational [patient registry]": "OBSERVATIONAL"},
    "masking": {
        "open label": "NONE",
        "no masking": "NONE",
        "none": "NONE",
        "double blind": "DOUBLE",
        "double-blind": "DOUBLE",
        "single blind": "SINGLE",
        "single-blind": "SINGLE",
    },
    "sex": {"both": "ALL"},
    "sponsor-class": {"u.s. fed": "FED", "other_gov": "OTHER_GOV"},
    "observational-model": {"case control": "CASE_CONTROL", "case-crossover": "CASE_CROSSOVER"},
    "time-perspective": {"cross sectional": "CROSS_SECTIONAL", "longitudinal": "OTHER"},  # pre-2011 value
    "who-masked": {"subject": "PARTICIPANT", "caregiver": "CARE_PROVIDER"},  # pre-2017 spellings
    "responsible-party-type": {"principal investigator": "PRINCIPAL_INVESTIGATOR"},
    "date-type": {"anticipated": "ESTIMATED", "estimate": "ESTIMATED", "estimated": "ESTIMATED"},
    "ipd-sharing": {"yes": "YES", "no": "NO", "undecided": "UNDECIDED"},
    "secondary-id-type": {},
}


def _key(label: str) -> str:
    return re.sub(r"\s+", " ", label.strip().lower())


_BY_LABEL: dict[str, dict[str, str]] = {
    name: {
        **{_key(label): code for code, label in enum.items()},
        **{_key(code): code for code in enum},
        **{_key(code.replace("_", " ")): code for code in enum},
        **LEGACY_ALIASES.get(name, {}),
    }
    for name, enum in ENUMS.items()
}


def from_label(enum: str, label: str | None) -> str | None:
    """The API v2 code of a display label (or code, or legacy spelling) of enumeration ``enum``.

    Masking labels carry who is masked in brackets (``Double (Participant, Investigator)``): only the
    part before the bracket is looked up. Returns ``None`` for an empty label and raises
    :class:`~kg.errors.RecordError` for one that is not in the enumeration.
    """
    if label is None or not label.strip():
        return None
    key = _key(label)
    table = _BY_LABEL[enum]
    if key in table:
        return table[key]
    head = _key(re.split(r"[(\[]", key, maxsplit=1)[0])
    if head in table:
        return table[head]
    raise RecordError(f"{label!r} is not a known {enum} value")


def is_code(enum: str, value: str) -> bool:
    return value in ENUMS[enum]
