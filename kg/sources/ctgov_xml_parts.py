"""The parts of a legacy XML record (:mod:`kg.sources.ctgov_xml`) that are model objects of their own.

Sponsors, the responsible party, contacts, locations, references, interventions and arms, eligibility,
the design (including the pre-2011 ``<study_design>`` free text and masking labels in all their spellings)
and ``clinical_results`` (read by :mod:`kg.sources.ctgov_xml_results`); each built from its element with the readers of
:mod:`kg.sources.ctgov_xml_values`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from kg.codes import INTERVENTION_TYPE, from_label
from kg.errors import RecordError
from kg.model import (
    ArmGroup,
    Contact,
    Design,
    Eligibility,
    Intervention,
    Location,
    Organization,
    Reference,
    ResponsibleParty,
    ResultsSummary,
)
from kg.sources.ctgov_xml_results import results as posted_results
from kg.sources.ctgov_xml_values import age, block, boolean, code, codes, line, lines

E = ET.Element


def org(node: E | None) -> Organization | None:
    """A lead sponsor or collaborator: agency and agency class."""
    name = line(node, "agency") if node is not None else None
    if node is None or name is None:
        return None
    return Organization(name, code("sponsor-class", f"{node.tag}/agency_class", line(node, "agency_class")))


def responsible_party(node: E | None) -> ResponsibleParty | None:
    """The responsible party, from the post-2017 or the older fields; none when empty."""
    if node is None:
        return None
    party = ResponsibleParty(
        code("responsible-party-type", "responsible_party_type", line(node, "responsible_party_type")),
        # before 2017: a free "name_title" (usually a person's name) and an "organization"
        line(node, "investigator_full_name") or line(node, "name_title"),
        line(node, "investigator_title"),
        line(node, "investigator_affiliation") or line(node, "organization"),
    )
    return party if party != ResponsibleParty() else None


def person(node: E) -> str | None:
    """A contact's name: public.xsd has first/middle/last name and degrees; records fill last_name."""
    name = " ".join(filter(None, (line(node, t) for t in ("first_name", "middle_name", "last_name"))))
    degrees = line(node, "degrees")
    return f"{name}, {degrees}" if name and degrees else name or None


def contact(node: E, role: str | None) -> Contact:
    """A contact or investigator with the given role code."""
    return Contact(person(node), role, line(node, "phone"), line(node, "phone_ext"), line(node, "email"))


def site(node: E) -> Location:
    """A site: facility, status, address, and its contacts and investigators."""
    return Location(
        facility=line(node, "facility/name"),
        status=code("status", "location/status", line(node, "status")),
        city=line(node, "facility/address/city"),
        state=line(node, "facility/address/state"),
        zip=line(node, "facility/address/zip"),
        country=line(node, "facility/address/country"),
        contacts=[contact(c, "CONTACT") for c in node.findall("contact") + node.findall("contact_backup")]
        + [
            contact(i, code("role", "location/investigator/role", line(i, "role")))
            for i in node.findall("investigator")
        ],
    )


def reference(node: E, kind: str) -> Reference:
    """A citation with its PMID; ``kind`` is ``BACKGROUND`` or ``RESULT``."""
    return Reference(line(node, "citation"), line(node, "PMID"), kind)


def intervention(node: E) -> Intervention:
    """An intervention with its type code, description, arm labels and other names."""
    return Intervention(
        name=line(node, "intervention_name") or "",
        type=code("intervention-type", "intervention/intervention_type", line(node, "intervention_type")),
        description=block(node, "description"),
        arm_group_labels=lines(node, "arm_group_label"),
        other_names=lines(node, "other_name"),
    )


def arm_groups(elem: E) -> list[ArmGroup]:
    """Arms with their interventions named as API v2 does (``Drug: Aspirin``), from the interventions' arm labels."""
    named: dict[str, list[str]] = {}
    for i in map(intervention, elem.findall("intervention")):
        if not i.name:
            continue
        name = f"{INTERVENTION_TYPE[i.type]}: {i.name}" if i.type else i.name
        for arm in i.arm_group_labels:
            named.setdefault(arm, []).append(name)
    return [
        ArmGroup(
            label,
            code("arm-type", "arm_group/arm_group_type", line(a, "arm_group_type")),
            block(a, "description"),
            named.get(label, []),
        )
        for a in elem.findall("arm_group")
        if (label := line(a, "arm_group_label"))
    ]


def eligibility(node: E | None) -> Eligibility:
    """The eligibility element: criteria, ages, sex, healthy volunteers, population."""
    if node is None:
        return Eligibility()
    return Eligibility(
        criteria=block(node, "criteria"),
        healthy_volunteers=boolean(node, "healthy_volunteers"),
        sex=code("sex", "eligibility/gender", line(node, "gender")),
        gender_based=boolean(node, "gender_based"),
        gender_description=block(node, "gender_description"),
        minimum_age=age(line(node, "minimum_age")),
        maximum_age=age(line(node, "maximum_age")),
        study_population=block(node, "study_pop"),
        sampling_method=code("sampling-method", "eligibility/sampling_method", line(node, "sampling_method")),
    )


# --- design -------------------------------------------------------------------------------------------

#: The pre-2011 ``<study_design>`` free text: ``Allocation: Randomized, Intervention Model: ..., Masking: ...``
_OLD_DESIGN_KEYS = {
    "Allocation": "allocation",
    "Endpoint Classification": "",  # dropped by the registry in 2017; no place in the model
    "Intervention Model": "intervention_model",
    "Masking": "masking",
    "Primary Purpose": "primary_purpose",
    "Observational Model": "observational_model",
    "Time Perspective": "time_perspective",
}
_OLD_DESIGN = re.compile(r"(?:^|,)\s*(" + "|".join(_OLD_DESIGN_KEYS) + r"):")
_MASKING_LEVELS = {1: "SINGLE", 2: "DOUBLE", 3: "TRIPLE", 4: "QUADRUPLE"}


def _design_texts(elem: E) -> dict[str, str]:
    """``study_design_info`` children by tag, completed from the old ``study_design`` text."""
    texts = {c.tag: v for c in elem.findall("study_design_info/*") if (v := " ".join((c.text or "").split()))}
    parts = _OLD_DESIGN.split(line(elem, "study_design") or "")
    for key, value in zip(parts[1::2], parts[2::2], strict=True):
        if _OLD_DESIGN_KEYS[key] and value.strip():
            texts.setdefault(_OLD_DESIGN_KEYS[key], value.strip())
    return texts


def _masking(text: str | None) -> tuple[str | None, list[str]]:
    """``Double (Participant, Investigator)`` → ``DOUBLE`` and who; a bare who-list gets its level by count."""
    if not text:
        return None, []
    head, _, inner = text.partition("(")
    try:
        level = from_label("masking", head)
    except RecordError:
        level, inner = None, text  # "Participant, Investigator": the roles without the level
    if level == "NONE":
        return level, []  # "None (Open Label)": the bracket is no list of who is masked
    who = [code("who-masked", "masking", w) for w in inner.strip(" )").split(",") if w.strip()]
    if level is None and len(who) not in _MASKING_LEVELS:
        raise RecordError(f"masking: unknown masking value {text!r}")
    return level or _MASKING_LEVELS[len(who)], [w for w in who if w]


def design(elem: E) -> Design:
    """The study design from ``study_design_info`` (or the pre-2011 text), phase, enrollment and biospecimens."""
    d = _design_texts(elem)
    study_type = line(elem, "study_type")
    masking, who = _masking(d.get("masking"))
    enrollment, enrollment_type = _enrollment(elem)
    registry = "patient registry" in (study_type or "").lower()
    type_code = None if study_type == "N/A" else code("study-type", "study_type", study_type)
    return Design(
        study_type=type_code,
        patient_registry=True if registry else (False if type_code == "OBSERVATIONAL" else None),
        phases=codes("phase", "phase", line(elem, "phase"), r"/"),
        allocation=code("allocation", "allocation", d.get("allocation")),
        intervention_model=code("intervention-model", "intervention_model", d.get("intervention_model")),
        intervention_model_description=block(elem, "study_design_info/intervention_model_description"),
        primary_purpose=code("purpose", "primary_purpose", d.get("primary_purpose")),
        observational_models=codes("observational-model", "observational_model", d.get("observational_model"), r","),
        # "Retrospective/Prospective" (pre-2011) is both
        time_perspectives=codes("time-perspective", "time_perspective", d.get("time_perspective"), r"[,/]"),
        masking=masking,
        masking_description=block(elem, "study_design_info/masking_description"),
        who_masked=who,
        enrollment=enrollment,
        enrollment_type=enrollment_type,
        target_duration=line(elem, "target_duration"),
        biospec_retention=code("biospec-retention", "biospec_retention", line(elem, "biospec_retention")),
        biospec_description=block(elem, "biospec_descr"),
    )


def _enrollment(elem: E) -> tuple[int | None, str | None]:
    count = (line(elem, "enrollment") or "").replace(",", "")
    if not count:
        return None, None
    if not count.isdigit():
        raise RecordError(f"enrollment: not a number: {count!r}")
    node = elem.find("enrollment")
    return int(count), code("date-type", "enrollment/@type", node.get("type") if node is not None else None)


def results(elem: E) -> ResultsSummary | None:
    """The posted results (:mod:`kg.sources.ctgov_xml_results`): API v2's counts and every table."""
    return posted_results(elem)
