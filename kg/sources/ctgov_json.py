"""ClinicalTrials.gov API v2 JSON: one study, an array of studies, an API page, streamed with ijson."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

import ijson

from kg.model import (
    ArmGroup,
    Contact,
    DateStruct,
    Design,
    Eligibility,
    Intervention,
    Link,
    Location,
    MeshTerm,
    Official,
    Organization,
    Outcome,
    Reference,
    RelatedStudy,
    ResponsibleParty,
    ResultsSummary,
    SecondaryId,
    Source,
    Study,
)
from kg.sources import Entry, Parsed, Rejected

FORMAT = "api-v2-json"
J = dict[str, Any]


def parse(entry: Entry) -> Iterator[Parsed]:
    """Every study in a JSON file: a study object, a JSON array of them, or ``{"studies": [...]}``."""
    try:
        prefix = _items_prefix(entry)
    except (ijson.JSONError, ValueError) as exc:
        yield Rejected(entry.location, f"not valid JSON: {exc}")
        return
    if prefix is None:
        yield Rejected(entry.location, "JSON without studies: expected a study, an array or an API page")
        return
    with entry.open() as stream:
        index = 0
        try:
            for index, obj in enumerate(ijson.items(stream, prefix, use_float=True)):
                location = entry.location if prefix == "" else f"{entry.location}#{index}"
                yield parse_study(obj, location)
        except ijson.JSONError as exc:
            yield Rejected(f"{entry.location}#{index + 1}", f"JSON broken after record {index}: {exc}")


def _items_prefix(entry: Entry) -> str | None:
    """Where the studies are: ``""`` (the file is one study), ``item`` (an array), ``studies.item``."""
    with entry.open() as stream:
        for prefix, event, value in ijson.parse(stream):
            if prefix == "" and event == "start_array":
                return "item"
            if prefix == "" and event == "map_key":
                if value == "studies":
                    return "studies.item"
                if value in ("protocolSection", "derivedSection"):
                    return ""
            if prefix == "" and event == "end_map":
                return None
    return None


def parse_study(obj: J, location: str) -> Parsed:
    """One API v2 study object as a :class:`Study` (or a :class:`Rejected` saying what is missing)."""
    if not isinstance(obj, dict):
        return Rejected(location, "a study must be a JSON object")
    nct = _get(obj, "protocolSection", "identificationModule", "nctId")
    if not isinstance(nct, str) or not nct:
        return Rejected(location, "no protocolSection.identificationModule.nctId")
    digest = hashlib.sha256(json.dumps(obj, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    try:
        study = _study(obj, nct)
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        return Rejected(location, f"malformed API v2 record: {exc!r}", nct)
    study.source = Source(FORMAT, location, digest)
    return study


def _get(obj: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _date(obj: J | None) -> DateStruct | None:
    if not obj or not obj.get("date"):
        return None
    return DateStruct(obj["date"], obj.get("type"))


def _org(obj: J | None) -> Organization | None:
    if not obj or not obj.get("name"):
        return None
    return Organization(obj["name"], obj.get("class"))


def _contact(c: J) -> Contact:
    return Contact(c.get("name"), c.get("role"), c.get("phone"), c.get("phoneExt"), c.get("email"))


def _meshes(module: J | None, key: str) -> list[MeshTerm]:
    return [MeshTerm(m.get("id"), m["term"]) for m in (module or {}).get(key, []) if m.get("term")]


def _study(obj: J, nct: str) -> Study:
    ps: J = obj.get("protocolSection") or {}
    ident: J = ps.get("identificationModule") or {}
    status: J = ps.get("statusModule") or {}
    spons: J = ps.get("sponsorCollaboratorsModule") or {}
    oversight: J = ps.get("oversightModule") or {}
    desc: J = ps.get("descriptionModule") or {}
    cond: J = ps.get("conditionsModule") or {}
    arms: J = ps.get("armsInterventionsModule") or {}
    outcomes: J = ps.get("outcomesModule") or {}
    contacts: J = ps.get("contactsLocationsModule") or {}
    refs: J = ps.get("referencesModule") or {}
    ipd: J = ps.get("ipdSharingStatementModule") or {}
    derived: J = obj.get("derivedSection") or {}
    rp: J = spons.get("responsibleParty") or {}
    expanded: J = status.get("expandedAccessInfo") or {}
    study = Study(
        nct_id=nct,
        brief_title=ident.get("briefTitle"),
        official_title=ident.get("officialTitle"),
        acronym=ident.get("acronym"),
        org_study_id=_get(ident, "orgStudyIdInfo", "id"),
        secondary_ids=[
            SecondaryId(s["id"], s.get("type"), s.get("domain"), s.get("link"))
            for s in ident.get("secondaryIdInfos", [])
            if s.get("id")
        ],
        nct_aliases=list(ident.get("nctIdAliases", [])),
        overall_status=status.get("overallStatus"),
        last_known_status=status.get("lastKnownStatus"),
        why_stopped=status.get("whyStopped"),
        status_verified_date=status.get("statusVerifiedDate"),
        start_date=_date(status.get("startDateStruct")),
        primary_completion_date=_date(status.get("primaryCompletionDateStruct")),
        completion_date=_date(status.get("completionDateStruct")),
        first_submitted=status.get("studyFirstSubmitDate"),
        first_posted=_date(status.get("studyFirstPostDateStruct")),
        last_update_submitted=status.get("lastUpdateSubmitDate"),
        last_update_posted=_date(status.get("lastUpdatePostDateStruct")),
        has_expanded_access=expanded.get("hasExpandedAccess"),
        lead_sponsor=_org(spons.get("leadSponsor")),
        collaborators=[o for o in map(_org, spons.get("collaborators", [])) if o],
        responsible_party=ResponsibleParty(
            rp.get("type"),
            rp.get("investigatorFullName"),
            rp.get("investigatorTitle"),
            rp.get("investigatorAffiliation"),
        )
        if rp
        else None,
        has_dmc=oversight.get("oversightHasDmc"),
        is_fda_regulated_drug=oversight.get("isFdaRegulatedDrug"),
        is_fda_regulated_device=oversight.get("isFdaRegulatedDevice"),
        brief_summary=desc.get("briefSummary"),
        detailed_description=desc.get("detailedDescription"),
        conditions=list(cond.get("conditions", [])),
        keywords=list(cond.get("keywords", [])),
        design=_design(ps.get("designModule") or {}),
        arm_groups=[
            ArmGroup(a["label"], a.get("type"), a.get("description"), list(a.get("interventionNames", [])))
            for a in arms.get("armGroups", [])
            if a.get("label")
        ],
        interventions=[
            Intervention(
                i["name"],
                i.get("type"),
                i.get("description"),
                list(i.get("armGroupLabels", [])),
                list(i.get("otherNames", [])),
            )
            for i in arms.get("interventions", [])
            if i.get("name")
        ],
        outcomes=[
            Outcome(kind, o["measure"], o.get("description"), o.get("timeFrame"))
            for kind, key in (
                ("PRIMARY", "primaryOutcomes"),
                ("SECONDARY", "secondaryOutcomes"),
                ("OTHER", "otherOutcomes"),
            )
            for o in outcomes.get(key, [])
            if o.get("measure")
        ],
        eligibility=_eligibility(ps.get("eligibilityModule") or {}),
        central_contacts=[_contact(c) for c in contacts.get("centralContacts", [])],
        officials=[
            Official(o["name"], o.get("role"), o.get("affiliation"))
            for o in contacts.get("overallOfficials", [])
            if o.get("name")
        ],
        locations=[_location(loc) for loc in contacts.get("locations", [])],
        references=[Reference(r.get("citation"), r.get("pmid"), r.get("type")) for r in refs.get("references", [])],
        see_also=[Link(s["url"], s.get("label")) for s in refs.get("seeAlsoLinks", []) if s.get("url")],
        related_studies=[RelatedStudy(a, kind="alias") for a in ident.get("nctIdAliases", [])]
        + ([RelatedStudy(expanded["nctId"], kind="expanded-access")] if expanded.get("nctId") else []),
        ipd_sharing=ipd.get("ipdSharing"),
        ipd_description=ipd.get("description"),
        condition_mesh=_meshes(derived.get("conditionBrowseModule"), "meshes"),
        condition_mesh_ancestors=_meshes(derived.get("conditionBrowseModule"), "ancestors"),
        intervention_mesh=_meshes(derived.get("interventionBrowseModule"), "meshes"),
        intervention_mesh_ancestors=_meshes(derived.get("interventionBrowseModule"), "ancestors"),
        has_results=bool(obj.get("hasResults")) or "resultsSection" in obj,
        results=_results(obj.get("resultsSection"), status),
        version_holder=_get(derived, "miscInfoModule", "versionHolder"),
    )
    return study


def _design(d: J) -> Design:
    info: J = d.get("designInfo") or {}
    masking: J = info.get("maskingInfo") or {}
    enrol: J = d.get("enrollmentInfo") or {}
    bio: J = d.get("bioSpec") or {}
    count = enrol.get("count")
    return Design(
        study_type=d.get("studyType"),
        patient_registry=d.get("patientRegistry"),
        phases=list(d.get("phases", [])),
        allocation=info.get("allocation"),
        intervention_model=info.get("interventionModel"),
        intervention_model_description=info.get("interventionModelDescription"),
        primary_purpose=info.get("primaryPurpose"),
        observational_models=[info["observationalModel"]] if info.get("observationalModel") else [],
        time_perspectives=[info["timePerspective"]] if info.get("timePerspective") else [],
        masking=masking.get("masking"),
        masking_description=masking.get("maskingDescription"),
        who_masked=list(masking.get("whoMasked", [])),
        enrollment=int(count) if count is not None else None,
        enrollment_type=enrol.get("type"),
        target_duration=d.get("targetDuration"),
        biospec_retention=bio.get("retention"),
        biospec_description=bio.get("description"),
    )


def _eligibility(e: J) -> Eligibility:
    return Eligibility(
        criteria=e.get("eligibilityCriteria"),
        healthy_volunteers=e.get("healthyVolunteers"),
        sex=e.get("sex"),
        gender_based=e.get("genderBased"),
        gender_description=e.get("genderDescription"),
        minimum_age=e.get("minimumAge"),
        maximum_age=e.get("maximumAge"),
        std_ages=list(e.get("stdAges", [])),
        study_population=e.get("studyPopulation"),
        sampling_method=e.get("samplingMethod"),
    )


def _location(loc: J) -> Location:
    geo: J = loc.get("geoPoint") or {}
    return Location(
        facility=loc.get("facility"),
        status=loc.get("status"),
        city=loc.get("city"),
        state=loc.get("state"),
        zip=loc.get("zip"),
        country=loc.get("country"),
        lat=geo.get("lat"),
        lon=geo.get("lon"),
        contacts=[_contact(c) for c in loc.get("contacts", [])],
    )


def _results(section: J | None, status: J) -> ResultsSummary | None:
    if not section:
        return None
    flow: J = section.get("participantFlowModule") or {}
    events: J = section.get("adverseEventsModule") or {}
    return ResultsSummary(
        first_posted=_get(status, "resultsFirstPostDateStruct", "date"),
        outcome_measure_count=len(_get(section, "outcomeMeasuresModule", "outcomeMeasures") or []),
        group_count=len(flow.get("groups", [])),
        serious_adverse_event_count=len(events.get("seriousEvents", [])),
        other_adverse_event_count=len(events.get("otherEvents", [])),
    )
