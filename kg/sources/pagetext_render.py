"""Writing a :class:`Study` as a study page, and the projection of a study onto what a page carries.

:func:`render` is the inverse of :func:`kg.sources.pagetext.parse_text` on every field the page
carries (the layout is described in :mod:`kg.sources.pagetext`): for every study ``s``,
``carried(parse_text(render(s))) == carried(s)``. Where a minimal rendering would be ambiguous (a
criteria line that reads like an age, a collaborator named like a sponsor class, a city holding a
comma), the renderer checks its output with the parser and writes ``-`` placeholders instead. The markdown
fields (summaries, descriptions, criteria) are written with API v2's escapes, as the page shows them
(:func:`kg.sources.markup.escaped`), and read back without.
"""

from __future__ import annotations

from typing import Any

from kg import codes
from kg.model import ArmGroup, Contact, DateStruct, ResponsibleParty, Study
from kg.sources.markup import escaped
from kg.sources.pagetext_layout import (
    BASIC_SLOTS,
    CONTACT_LABELS,
    ELIGIBILITY_SLOTS,
    HELPERS,
    NCT_ID,
    NO_RESULTS,
    ORG_STUDY_ID,
    RESULTS,
    RESULTS_POSTED,
    Slot,
    arm_intervention_name,
    design_slots,
    one_line,
    place,
    split_tail,
    text_lines,
)
from kg.sources.pagetext_sections import parse_geo, read_organizations

Org = tuple[str | None, str | None]


# ---------------------------------------------------------------- what a page carries
def carried(study: Study) -> dict[str, Any]:
    """Exactly the fields a page carries, normalised as the page normalises them."""
    design, eligibility = study.design, study.eligibility
    lead = study.lead_sponsor
    rp = study.responsible_party or ResponsibleParty()
    rp_values = (rp.type, *map(one_line, (rp.investigator_name, rp.investigator_title, rp.investigator_affiliation)))
    return {
        "nct_id": study.nct_id,
        "title": one_line(study.brief_title),
        "last_updated": _date(study.last_update_posted),
        "has_results": study.has_results,
        "status": study.overall_status,
        "phases": list(design.phases),
        "enrollment": design.enrollment,
        "study_type": design.study_type,
        "start_date": _date(study.start_date),
        "completion_date": _date(study.completion_date),
        "brief_summary": text_lines(study.brief_summary),
        "related": _related(study, "related"),
        "detailed_description": text_lines(study.detailed_description),
        "conditions": _names(study.conditions),
        "design": {
            "allocation": design.allocation,
            "intervention_model": design.intervention_model,
            "primary_purpose": design.primary_purpose,
            "masking": design.masking,
            "observational_model": design.observational_models[:1],
            "time_perspective": design.time_perspectives[:1],
        },
        "arms": [_arm(arm) for arm in study.arm_groups],
        "interventions": [(name, one_line(i.description)) for i in study.interventions if (name := one_line(i.name))],
        "criteria": text_lines(eligibility.criteria),
        "minimum_age": one_line(eligibility.minimum_age),
        "maximum_age": one_line(eligibility.maximum_age),
        "sex": eligibility.sex,
        "healthy_volunteers": eligibility.healthy_volunteers,
        "lead_sponsor": (name, lead.org_class) if lead and (name := one_line(lead.name)) else None,
        "collaborators": [(name, o.org_class) for o in study.collaborators if (name := one_line(o.name))],
        "responsible_party": rp_values if any(rp_values) else None,
        "officials": [(name, o.role, one_line(o.affiliation)) for o in study.officials if (name := one_line(o.name))],
        "locations": [tuple(map(one_line, (x.facility, x.city, x.state, x.country))) for x in study.locations],
        "countries": _names(study.countries),
        "central_contacts": [values for c in study.central_contacts if any(values := _contact(c))],
        "org_study_id": one_line(study.org_study_id),
        "secondary_ids": [(sid, s.type, one_line(s.domain)) for s in study.secondary_ids if (sid := one_line(s.id))],
        "more_related": _related(study, "more-related"),
    }


def _date(date: DateStruct | None) -> str | None:
    return one_line(date.date) if date else None


def _names(values: list[str]) -> list[str]:
    return [name for name in map(one_line, values) if name]


def _related(study: Study, kind: str) -> list[tuple[str, str | None]]:
    """Related trials of one kind (the page lists only well-formed NCT ids)."""
    return [
        (r.nct_id, one_line(r.title)) for r in study.related_studies if r.kind == kind and NCT_ID.fullmatch(r.nct_id)
    ]


def _arm(arm: ArmGroup) -> tuple[str, str | None, list[str]]:
    names = [name for name in map(arm_intervention_name, arm.intervention_names) if name]
    return " ".join(arm.label.split()), one_line(arm.description), names


def _contact(contact: Contact) -> tuple[str | None, ...]:
    return tuple(one_line(getattr(contact, field)) for field in ("name", *CONTACT_LABELS.values()))


# ---------------------------------------------------------------- the page
def render(study: Study) -> str:
    """The study as a page, in the seed's layout, ending with a newline."""
    c = carried(study)
    lines = [c["title"] or "-", f"NCT ID: {study.nct_id}"]
    if c["last_updated"]:
        lines.append(f"Last Updated: {c['last_updated']}")
    lines += [RESULTS, RESULTS_POSTED if c["has_results"] else NO_RESULTS]
    sections = {
        "Basic Information": _basic(c),
        "Brief Summary": [escaped(line) for line in c["brief_summary"]],
        "Related Clinical Trials": _related_lines(c["related"]),
        "Detailed Description": [escaped(line) for line in c["detailed_description"]],
        "Conditions": c["conditions"],
        "Study Design": _design(c),
        "Study Groups": _groups(study),
        "Interventions": [line for name, desc in c["interventions"] for line in (name, _markdown(desc))],
        "Eligibility Criteria": _eligibility(c),
        "Sponsors": _sponsors(c),
        "Responsible Party": _responsible_party(c["responsible_party"]),
        "Principal Investigators": _officials(c["officials"]),
        "Locations": [line for x in c["locations"] for line in (x[0] or "-", _geo(*x[1:]))],
        "Countries": c["countries"],
        "Central Contacts": _contacts(c["central_contacts"]),
        "Other Identifiers": _identifiers(c),
        "More Related Trials": _related_lines(c["more_related"]),
    }
    for heading, helper in HELPERS.items():
        lines += [heading, helper, *sections[heading]]
    return "\n".join(lines) + "\n"


def render_slots(values: list[list[str]], slots: tuple[Slot, ...]) -> list[str]:
    """Each slot's values in order, with a ``-`` wherever a value would otherwise be read into an earlier slot."""
    lines: list[str] = []
    prev = -1
    for index, slot_values in enumerate(values):
        for value in slot_values:
            while (landing := place(value, prev, slots)) is not None and landing < index:
                lines.append("-")  # fills the slot the value would land in (see place_placeholder)
                prev = landing
            lines.append(value)
            prev = index
    return lines


def _given(*values: str | None) -> list[str]:
    return [value for value in values if value is not None]


def _basic(c: dict[str, Any]) -> list[str]:
    enrollment = None if c["enrollment"] is None else f"{c['enrollment']} participants"
    values = [_given(c["status"]), c["phases"], _given(enrollment), _given(c["study_type"])]
    return render_slots([*values, _given(c["start_date"]), _given(c["completion_date"])], BASIC_SLOTS)


def _design(c: dict[str, Any]) -> list[str]:
    d = c["design"]
    values = [_given(d["allocation"]), _given(d["intervention_model"]), _given(d["primary_purpose"])]
    values += [_given(d["masking"]), d["observational_model"], d["time_perspective"]]
    return render_slots(values, design_slots(c["study_type"]))


def _related_lines(related: list[tuple[str, str | None]]) -> list[str]:
    return [line for nct, title in related for line in (*_given(title), nct)]


def _groups(study: Study) -> list[str]:
    lines: list[str] = []
    for arm in study.arm_groups:
        label, description, _ = _arm(arm)
        lines += [label or "-", _markdown(description)]
        for api_name in arm.intervention_names:
            name = arm_intervention_name(api_name)
            if name:
                lines += [name, _markdown(_intervention_description(study, api_name, name))]
    return lines


def _markdown(description: str | None) -> str:
    """A one-line markdown field as the page shows it, ``-`` for none."""
    return escaped(description) if description else "-"


def _intervention_description(study: Study, api_name: str, name: str) -> str | None:
    """The description of the intervention an arm names: same type and name if any, else same name."""
    typed = [i for i in study.interventions if f"{codes.INTERVENTION_TYPE.get(i.type or '')}: {i.name}" == api_name]
    named = [i for i in study.interventions if one_line(i.name) == name]
    return next((one_line(i.description) for i in typed + named), None)


def _eligibility(c: dict[str, Any]) -> list[str]:
    healthy = {True: "Yes", False: "No", None: None}[c["healthy_volunteers"]]
    values = [c["minimum_age"], c["maximum_age"], c["sex"], healthy]
    criteria = [escaped(line) for line in c["criteria"]]
    minimal = criteria + render_slots([_given(v) for v in values], ELIGIBILITY_SLOTS)
    expected = (criteria, {slot.name: _given(v) for slot, v in zip(ELIGIBILITY_SLOTS, values, strict=True)})
    if split_tail(minimal, ELIGIBILITY_SLOTS) == expected:
        return minimal
    return criteria + [value or "-" for value in values]


def _sponsors(c: dict[str, Any]) -> list[str]:
    orgs: list[Org] = [c["lead_sponsor"] or (None, None), *c["collaborators"]]
    if orgs == [(None, None)]:
        return []
    minimal = [line for name, org_class in orgs for line in (name or "-", *_given(org_class))]
    if read_organizations(minimal) == orgs:
        return minimal
    return [line for name, org_class in orgs for line in (name or "-", org_class or "-")]


def _responsible_party(rp: tuple[str | None, ...] | None) -> list[str]:
    if rp is None:
        return []
    kind, *investigator = rp
    while investigator and investigator[-1] is None:
        investigator.pop()
    return [kind or "-", *(value or "-" for value in investigator)]


def _officials(officials: list[tuple[str, str | None, str | None]]) -> list[str]:
    return [line for name, role, aff in officials for line in (name, f"Role: {role or '-'}", *_given(aff))]


def _geo(city: str | None, state: str | None, country: str | None) -> str:
    """``city, state, country`` as plain as the parser still reads it back right (see ``parse_geo``)."""
    parts = (city, state, country)
    plain = ", ".join([*_given(city), country or "-"] if state is None else [city or "-", state, country or "-"])
    placeholders = ", ".join(value or "-" for value in parts)
    escaped = ", ".join((value or "-").replace(",", "\\,") for value in parts)
    return next((line for line in (plain, placeholders) if parse_geo(line) == parts), escaped)


def _contacts(contacts: list[tuple[str | None, ...]]) -> list[str]:
    lines: list[str] = []
    for name, *values in contacts:
        lines.append(name or "-")
        lines += [f"{label}: {value}" for label, value in zip(CONTACT_LABELS, values, strict=True) if value]
    return lines


def _identifiers(c: dict[str, Any]) -> list[str]:
    lines = [c["org_study_id"], "Identifier Type: -", f"Identifier Source: {ORG_STUDY_ID}"] if c["org_study_id"] else []
    for sid, kind, domain in c["secondary_ids"]:
        lines += [sid, f"Identifier Type: {kind or '-'}", f"Identifier Source: {domain or '-'}"]
    return lines
