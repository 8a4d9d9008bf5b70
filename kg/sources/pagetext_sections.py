"""The readers of a study page's sections (:mod:`kg.sources.pagetext`), each into its fields of a :class:`Study`.

:func:`read_sections` reads them all; the layout of each section is described in :mod:`kg.sources.pagetext`.
The renderer (:mod:`kg.sources.pagetext_render`) reads its own output back with :func:`read_organizations`
and :func:`parse_geo` to see where a minimal rendering would be ambiguous.
"""

from __future__ import annotations

import re

from kg import codes
from kg.model import (
    ArmGroup,
    Contact,
    DateStruct,
    Intervention,
    Location,
    Official,
    Organization,
    RelatedStudy,
    ResponsibleParty,
    SecondaryId,
    Study,
)
from kg.sources.markup import plain
from kg.sources.pagetext_layout import (
    BASIC_SLOTS,
    CONTACT_LABELS,
    ELIGIBILITY_SLOTS,
    NCT_ID,
    NO_RESULTS,
    ORG_STUDY_ID,
    PLACEHOLDERS,
    RESULTS,
    Values,
    assign,
    design_slots,
    one_line,
    split_tail,
)

#: The second part of an inverted name ("Korea, Republic of", "Madrid, Comunidad De", "Valenciana, Comunitat").
_INVERTED = re.compile(
    r"\b(?:[oO]f|of the|[dD]e|[dD]el|des|du)$|^(?:Comunitat|Illes|La|Las|Los|El|U\.S\.|British|occupied)$"
)


def read_sections(study: Study, sections: dict[str, list[str]]) -> None:
    """Every section of a page (lines by heading) into its fields of ``study``."""

    def get(name: str) -> list[str]:
        return sections.get(name, [])

    results = get(RESULTS)
    study.has_results = bool(results) and results != [NO_RESULTS]
    _read_basic(study, get("Basic Information"))
    study.brief_summary = plain("\n".join(get("Brief Summary"))) or None  # the page shows API v2's escapes
    study.detailed_description = plain("\n".join(get("Detailed Description"))) or None
    study.conditions = [c for c in map(one_line, get("Conditions")) if c]
    _read_design(study, get("Study Design"))
    study.interventions = read_interventions(get("Interventions"))
    study.arm_groups = read_groups(get("Study Groups"), study.interventions)
    link_arms(study.arm_groups, study.interventions)
    _read_eligibility(study, get("Eligibility Criteria"))
    _read_sponsors(study, get("Sponsors"))
    study.responsible_party = read_responsible_party(get("Responsible Party"))
    study.officials = _read_officials(get("Principal Investigators"))
    places = get("Locations")
    study.locations = [_location(places[i : i + 2]) for i in range(0, len(places), 2)]
    study.countries = [c for c in map(one_line, get("Countries")) if c]
    study.central_contacts = _read_contacts(get("Central Contacts"))
    _read_identifiers(study, get("Other Identifiers"))
    study.related_studies = _related(get("Related Clinical Trials"), "related")
    study.related_studies += _related(get("More Related Trials"), "more-related")


def _first(values: Values, name: str) -> str | None:
    return values[name][0] if values[name] else None


def _read_basic(study: Study, lines: list[str]) -> None:
    values = assign(lines, BASIC_SLOTS, strict=False) or {}
    study.overall_status = _first(values, "status")
    study.design.phases = values["phases"]
    enrollment = _first(values, "enrollment")
    study.design.enrollment = int(enrollment.split()[0]) if enrollment else None
    study.design.study_type = _first(values, "study_type")
    start, completion = _first(values, "start"), _first(values, "completion")
    study.start_date = DateStruct(start) if start else None
    study.completion_date = DateStruct(completion) if completion else None


def _read_design(study: Study, lines: list[str]) -> None:
    values = assign(lines, design_slots(study.design.study_type), strict=False) or {}
    design = study.design
    design.allocation = _first(values, "allocation")
    design.intervention_model = _first(values, "intervention_model")
    design.primary_purpose = _first(values, "primary_purpose")
    design.masking = _first(values, "masking")
    design.observational_models = values["observational_model"]
    design.time_perspectives = values["time_perspective"]


def read_interventions(lines: list[str]) -> list[Intervention]:
    """Name / description pairs."""
    pairs = [(one_line(lines[i]), lines[i + 1] if i + 1 < len(lines) else None) for i in range(0, len(lines), 2)]
    return [Intervention(name, description=plain(one_line(desc))) for name, desc in pairs if name]


def read_groups(lines: list[str], interventions: list[Intervention]) -> list[ArmGroup]:
    """Label / description pairs, each followed by the arm's intervention name / description pairs.

    A pair may read both as an intervention (its name and description are listed in Interventions)
    and as the next arm: the split chosen is the one with the fewest arms without interventions or
    with an intervention twice, then the most arms named like one of their interventions.
    """
    known: dict[str, set[str | None]] = {}
    for intervention in interventions:
        known.setdefault(intervention.name, set()).add(intervention.description)
    pairs = [(lines[i], lines[i + 1] if i + 1 < len(lines) else "-") for i in range(0, len(lines), 2)]
    fits = [name in known and plain(one_line(desc)) in known[name] for name, desc in pairs]
    starts = _arm_starts([name for name, _ in pairs], fits)
    arms: list[ArmGroup] = []
    for index, (name, desc) in enumerate(pairs):
        if index in starts:
            arms.append(ArmGroup(" ".join(name.split()), description=plain(one_line(desc))))
        else:
            arms[-1].intervention_names.append(name)
    return arms


def link_arms(arms: list[ArmGroup], interventions: list[Intervention]) -> None:
    """Give each intervention the labels of the arms that list it (``arm_group_labels``, which legacy XML and
    API v2 carry and the page shows as each group's interventions): for each name an arm lists, the first
    intervention of that name that the arm does not list yet."""
    for arm in arms:
        for name in arm.intervention_names:
            named = [i for i in interventions if i.name == one_line(name) and arm.label not in i.arm_group_labels]
            if named:
                named[0].arm_group_labels.append(arm.label)


def _arm_starts(names: list[str], fits: list[bool]) -> set[int]:
    """The best split of pairs into arms (see :func:`read_groups`), by dynamic programming."""
    best: list[tuple[tuple[int, int], int]] = [((0, 0), -1)]  # for names[:end]: cost, where its last arm starts
    for end in range(1, len(names) + 1):
        options = []
        members: list[str] = []
        for start in range(end - 1, -1, -1):
            flaws = (not members) + len(members) - len(set(members))
            cost = best[start][0]
            options.append(((cost[0] + flaws, cost[1] - (names[start] in members)), start))
            if not fits[start]:
                break
            members.append(names[start])
        best.append(min(options))
    starts: set[int] = set()
    end = len(names)
    while end > 0:
        end = best[end][1]
        starts.add(end)
    return starts


def _read_eligibility(study: Study, lines: list[str]) -> None:
    criteria, values = split_tail(lines, ELIGIBILITY_SLOTS)
    eligibility = study.eligibility
    eligibility.criteria = plain("\n".join(criteria)) or None
    eligibility.minimum_age = _first(values, "minimum_age")
    eligibility.maximum_age = _first(values, "maximum_age")
    eligibility.sex = _first(values, "sex")
    healthy = _first(values, "healthy_volunteers")
    eligibility.healthy_volunteers = None if healthy is None else healthy == "Yes"


def read_organizations(lines: list[str]) -> list[tuple[str | None, str | None]]:
    """Name then, when the next line is a sponsor class (or ``-``), its class."""
    orgs: list[tuple[str | None, str | None]] = []
    index = 0
    while index < len(lines):
        name, org_class = one_line(lines[index]), None
        index += 1
        if index < len(lines) and (lines[index] in codes.SPONSOR_CLASS or lines[index] in PLACEHOLDERS):
            org_class = one_line(lines[index])
            index += 1
        orgs.append((name, org_class))
    return orgs


def _read_sponsors(study: Study, lines: list[str]) -> None:
    orgs = read_organizations(lines)
    if orgs and orgs[0][0]:
        study.lead_sponsor = Organization(orgs[0][0], orgs[0][1])
    study.collaborators = [Organization(name, org_class) for name, org_class in orgs[1:] if name]


def read_responsible_party(lines: list[str]) -> ResponsibleParty | None:
    """Type code, then investigator name, title and affiliation by position."""
    kind = None
    if lines and (lines[0] in codes.RESPONSIBLE_PARTY_TYPE or lines[0] in PLACEHOLDERS):
        kind, lines = one_line(lines[0]), lines[1:]
    name, title, affiliation = (list(map(one_line, lines[:3])) + [None, None, None])[:3]
    if not any((kind, name, title, affiliation)):
        return None
    return ResponsibleParty(kind, name, title, affiliation)


def _is_role(line: str) -> bool:
    return line.startswith("Role:")


def _read_officials(lines: list[str]) -> list[Official]:
    officials: list[Official] = []
    index = 0
    while index < len(lines):
        name, role, affiliation = one_line(lines[index]), None, None
        index += 1
        if index < len(lines) and _is_role(lines[index]):
            role, index = one_line(lines[index].removeprefix("Role:")), index + 1
        next_is_name = index + 1 < len(lines) and _is_role(lines[index + 1])
        if index < len(lines) and not _is_role(lines[index]) and not next_is_name:
            affiliation, index = one_line(lines[index]), index + 1
        if name:
            officials.append(Official(name, role, affiliation))
    return officials


def parse_geo(line: str) -> tuple[str | None, str | None, str | None]:
    """``city, state, country`` (``city, country`` or ``country`` when shorter).

    Names may hold commas themselves. Where the renderer escapes them (``Praha\\, Hlavní Mešto``) the
    line is split at unescaped commas only. Otherwise a part like ``Republic of`` or ``Comunidad De``
    continues the one before (``Korea, Republic of``), and parts beyond three go to the city.
    """
    if "\\," in line:
        parts = [part.replace("\\,", ",") for part in re.split(r"(?<!\\), ", line)]
    else:
        parts = []
        for part in line.split(", "):
            if parts and _INVERTED.search(part):
                parts[-1] += ", " + part
            else:
                parts.append(part)
    if len(parts) == 1:
        return None, None, one_line(parts[0])
    if len(parts) == 2:
        return one_line(parts[0]), None, one_line(parts[1])
    return one_line(", ".join(parts[:-2])), one_line(parts[-2]), one_line(parts[-1])


def _location(pair: list[str]) -> Location:
    city, state, country = parse_geo(pair[1] if len(pair) > 1 else "-")
    return Location(facility=one_line(pair[0]), city=city, state=state, country=country)


def _read_contacts(lines: list[str]) -> list[Contact]:
    contacts: list[Contact] = []
    for line in lines:
        label, _, value = line.partition(": ")
        if contacts and label in CONTACT_LABELS:
            setattr(contacts[-1], CONTACT_LABELS[label], one_line(value))
        else:
            contacts.append(Contact(name=one_line(line)))
    return contacts


def _read_identifiers(study: Study, lines: list[str]) -> None:
    for index, line in enumerate(lines):
        following = lines[index + 1 : index + 3]
        if not following or not following[0].startswith("Identifier Type:"):
            continue
        kind = one_line(following[0].removeprefix("Identifier Type:"))
        source = None
        if len(following) > 1 and following[1].startswith("Identifier Source:"):
            source = one_line(following[1].removeprefix("Identifier Source:"))
        identifier = one_line(line)
        if identifier and source == ORG_STUDY_ID and kind is None and study.org_study_id is None:
            study.org_study_id = identifier
        elif identifier:
            study.secondary_ids.append(SecondaryId(identifier, kind, source))


def _related(lines: list[str], kind: str) -> list[RelatedStudy]:
    related: list[RelatedStudy] = []
    title: str | None = None
    for line in lines:
        if NCT_ID.fullmatch(line):
            related.append(RelatedStudy(line, title, kind))
            title = None
        else:
            title = one_line(line)
    return related
