"""ClinicalTrials.gov API v2 JSON: one study, an array of studies, an API page, streamed with ijson."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator
from typing import Any

from kg.errors import RecordError
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
    SecondaryId,
    Source,
    Study,
)
from kg.sources.ctgov_json_results import results
from kg.sources.json_records import objects
from kg.sources.json_values import items as _list
from kg.sources.json_values import obj as _obj
from kg.sources.json_values import objs as _objs
from kg.sources.markup import plain
from kg.sources.records import Entry, Parsed, Rejected

FORMAT = "api-v2-json"
J = dict[str, Any]


def parse(entry: Entry) -> Iterator[Parsed]:
    """Every study in a JSON file: a study object, a JSON array of them, or ``{"studies": [...]}``."""
    for found in objects(entry):
        yield found if isinstance(found, Rejected) else parse_study(found[1], found[0])


def parse_study(obj: J, location: str) -> Parsed:
    """One API v2 study object as a :class:`Study` (or a :class:`Rejected` saying what is wrong)."""
    if not isinstance(obj, dict):
        return Rejected(location, "a study must be a JSON object")
    nct = _get(obj, "protocolSection", "identificationModule", "nctId")
    if not isinstance(nct, str) or not nct:
        return Rejected(location, "no protocolSection.identificationModule.nctId")
    try:
        study = _study(obj, nct)
        text = json.dumps(obj, sort_keys=True, ensure_ascii=False)
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()  # the checks name a surrogate
    except RecordError as exc:
        return Rejected(location, str(exc), nct)
    except (TypeError, ValueError, AttributeError, KeyError, UnicodeError) as exc:
        return Rejected(location, f"malformed API v2 record: {exc!r}", nct)
    study.source = Source(FORMAT, location, digest)
    return study


def _get(obj: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _flag(parent: J, key: str) -> bool:
    value = parent.get(key, False)
    if not isinstance(value, bool):
        raise RecordError(f"{key}: expected true or false, got {type(value).__name__} {str(value)[:60]!r}")
    return value


def _count(value: Any) -> int | None:
    """An enrollment count: a whole number (``120`` or ``120.0``), never a fraction or text."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not _whole(value):
        raise RecordError(f"enrollmentInfo.count: not a count of participants: {value!r:.60}")
    return int(value)


def _whole(value: float) -> bool:
    return math.isfinite(value) and value >= 0 and value == int(value)


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
    return [MeshTerm(m.get("id"), m["term"]) for m in _objs(module or {}, key) if m.get("term")]


def _study(obj: J, nct: str) -> Study:
    ps: J = _obj(obj, "protocolSection")
    ident: J = _obj(ps, "identificationModule")
    status: J = _obj(ps, "statusModule")
    spons: J = _obj(ps, "sponsorCollaboratorsModule")
    oversight: J = _obj(ps, "oversightModule")
    desc: J = _obj(ps, "descriptionModule")
    cond: J = _obj(ps, "conditionsModule")
    arms: J = _obj(ps, "armsInterventionsModule")
    outcomes: J = _obj(ps, "outcomesModule")
    contacts: J = _obj(ps, "contactsLocationsModule")
    refs: J = _obj(ps, "referencesModule")
    ipd: J = _obj(ps, "ipdSharingStatementModule")
    derived: J = _obj(obj, "derivedSection")
    rp: J = _obj(spons, "responsibleParty")
    expanded: J = _obj(status, "expandedAccessInfo")
    study = Study(
        nct_id=nct,
        brief_title=ident.get("briefTitle"),
        official_title=ident.get("officialTitle"),
        acronym=ident.get("acronym"),
        org_study_id=_get(ident, "orgStudyIdInfo", "id"),
        secondary_ids=[
            SecondaryId(s["id"], s.get("type"), s.get("domain"), s.get("link"))
            for s in _objs(ident, "secondaryIdInfos")
            if s.get("id")
        ],
        nct_aliases=list(_list(ident, "nctIdAliases")),
        overall_status=status.get("overallStatus"),
        last_known_status=status.get("lastKnownStatus"),
        why_stopped=status.get("whyStopped"),
        status_verified_date=status.get("statusVerifiedDate"),
        start_date=_date(_obj(status, "startDateStruct")),
        primary_completion_date=_date(_obj(status, "primaryCompletionDateStruct")),
        completion_date=_date(_obj(status, "completionDateStruct")),
        first_submitted=status.get("studyFirstSubmitDate"),
        first_posted=_date(_obj(status, "studyFirstPostDateStruct")),
        last_update_submitted=status.get("lastUpdateSubmitDate"),
        last_update_posted=_date(_obj(status, "lastUpdatePostDateStruct")),
        has_expanded_access=expanded.get("hasExpandedAccess"),
        lead_sponsor=_org(_obj(spons, "leadSponsor")),
        collaborators=[o for o in map(_org, _objs(spons, "collaborators")) if o],
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
        brief_summary=plain(desc.get("briefSummary")),  # markdown fields: API v2 escapes undone (kg.sources.markup)
        detailed_description=plain(desc.get("detailedDescription")),
        conditions=list(_list(cond, "conditions")),
        keywords=list(_list(cond, "keywords")),
        design=_design(_obj(ps, "designModule")),
        arm_groups=[
            ArmGroup(a["label"], a.get("type"), plain(a.get("description")), list(_list(a, "interventionNames")))
            for a in _objs(arms, "armGroups")
            if a.get("label")
        ],
        interventions=[
            Intervention(
                i["name"],
                i.get("type"),
                plain(i.get("description")),
                list(_list(i, "armGroupLabels")),
                list(_list(i, "otherNames")),
            )
            for i in _objs(arms, "interventions")
            if i.get("name")
        ],
        outcomes=[
            Outcome(kind, o["measure"], plain(o.get("description")), o.get("timeFrame"))
            for kind, key in (
                ("PRIMARY", "primaryOutcomes"),
                ("SECONDARY", "secondaryOutcomes"),
                ("OTHER", "otherOutcomes"),
            )
            for o in _objs(outcomes, key)
            if o.get("measure")
        ],
        eligibility=_eligibility(_obj(ps, "eligibilityModule")),
        central_contacts=[_contact(c) for c in _objs(contacts, "centralContacts")],
        officials=[
            Official(o["name"], o.get("role"), o.get("affiliation"))
            for o in _objs(contacts, "overallOfficials")
            if o.get("name")
        ],
        locations=[_location(loc) for loc in _objs(contacts, "locations")],
        references=[Reference(r.get("citation"), r.get("pmid"), r.get("type")) for r in _objs(refs, "references")],
        see_also=[Link(s["url"], s.get("label")) for s in _objs(refs, "seeAlsoLinks") if s.get("url")],
        related_studies=[RelatedStudy(a, kind="alias") for a in _list(ident, "nctIdAliases")]
        + ([RelatedStudy(expanded["nctId"], kind="expanded-access")] if expanded.get("nctId") else []),
        ipd_sharing=ipd.get("ipdSharing"),
        ipd_description=plain(ipd.get("description")),
        condition_mesh=_meshes(_obj(derived, "conditionBrowseModule"), "meshes"),
        condition_mesh_ancestors=_meshes(_obj(derived, "conditionBrowseModule"), "ancestors"),
        intervention_mesh=_meshes(_obj(derived, "interventionBrowseModule"), "meshes"),
        intervention_mesh_ancestors=_meshes(_obj(derived, "interventionBrowseModule"), "ancestors"),
        has_results=_flag(obj, "hasResults") or "resultsSection" in obj,
        results=results(_obj(obj, "resultsSection"), status),
        version_holder=_get(derived, "miscInfoModule", "versionHolder"),
    )
    return study


def _design(d: J) -> Design:
    info: J = _obj(d, "designInfo")
    masking: J = _obj(info, "maskingInfo")
    enrol: J = _obj(d, "enrollmentInfo")
    bio: J = _obj(d, "bioSpec")
    count = enrol.get("count")
    return Design(
        study_type=d.get("studyType"),
        patient_registry=d.get("patientRegistry"),
        phases=list(_list(d, "phases")),
        allocation=info.get("allocation"),
        intervention_model=info.get("interventionModel"),
        intervention_model_description=plain(info.get("interventionModelDescription")),
        primary_purpose=info.get("primaryPurpose"),
        observational_models=[info["observationalModel"]] if info.get("observationalModel") else [],
        time_perspectives=[info["timePerspective"]] if info.get("timePerspective") else [],
        masking=masking.get("masking"),
        masking_description=plain(masking.get("maskingDescription")),
        who_masked=list(_list(masking, "whoMasked")),
        enrollment=_count(count),
        enrollment_type=enrol.get("type"),
        target_duration=d.get("targetDuration"),
        biospec_retention=bio.get("retention"),
        biospec_description=bio.get("description"),
    )


def _eligibility(e: J) -> Eligibility:
    return Eligibility(
        criteria=plain(e.get("eligibilityCriteria")),
        healthy_volunteers=e.get("healthyVolunteers"),
        sex=e.get("sex"),
        gender_based=e.get("genderBased"),
        gender_description=e.get("genderDescription"),
        minimum_age=e.get("minimumAge"),
        maximum_age=e.get("maximumAge"),
        std_ages=list(_list(e, "stdAges")),
        study_population=plain(e.get("studyPopulation")),
        sampling_method=e.get("samplingMethod"),
    )


def _location(loc: J) -> Location:
    geo: J = _obj(loc, "geoPoint")
    return Location(
        facility=loc.get("facility"),
        status=loc.get("status"),
        city=loc.get("city"),
        state=loc.get("state"),
        zip=loc.get("zip"),
        country=loc.get("country"),
        lat=geo.get("lat"),
        lon=geo.get("lon"),
        contacts=[_contact(c) for c in _objs(loc, "contacts")],
    )
