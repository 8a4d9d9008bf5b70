"""The study-page text format (see ``seeds/NCT04282928.txt``): parser, and the format's rules.

A page is a title line, ``NCT ID: …``, ``Last Updated: …`` (last update posted), then sections in a
fixed order, each a heading line followed by its fixed helper sentence (:data:`HELPERS`). A line
counts as a heading only when the next line is its helper sentence, so a description line reading
"Conditions" is text. ``Study Results`` has no helper: it is followed by :data:`NO_RESULTS` or, when
results are posted, :data:`RESULTS_POSTED` (our own wording: the seed shows only the former). A file
may hold several pages; a page starts at a title line followed by ``NCT ID:``. Blank lines are ignored
and any section may be empty or missing.

Layout of each section and how it is read:

* Basic Information, Study Design and the end of Eligibility Criteria hold unlabelled values in a
  fixed order (:data:`BASIC_SLOTS`, :func:`design_slots`, :data:`ELIGIBILITY_SLOTS`). Each line is
  classified by content (status, phase, study-type, design and sex codes, ``N participants``, ISO
  dates, ages like ``18 Years``, ``Yes``/``No``) into the first slot after the previous one that
  accepts it; position decides only where content cannot (a single date is the start date, a single
  age the minimum age, ``OTHER`` in Study Design is the purpose of an interventional study but the
  model, then the time perspective, of an observational one). ``-`` and ``N/A`` stand for an absent
  value: one fills the slot the next value would otherwise be read into (``-`` then a date: no start
  date, this is the completion date). The renderer writes them only where that is needed, and where
  a criteria line reads like a value it writes all four eligibility values, ``-`` for absent ones.
  Phases are one per line; the page carries one observational model and one time perspective.
* Free text (brief summary, detailed description, eligibility criteria) is written one non-blank,
  stripped line per line: paragraphs and blank lines are not carried; list numbering stays as written.
* Short values (title, names, labels, conditions, and the descriptions of arms and interventions)
  are one line each, whitespace collapsed.
* Related Clinical Trials / More Related Trials: title then NCT id (the title may be left out).
* Study Groups: arm label, arm description (``-`` when none), then the arm's interventions as
  name / description pairs, repeated from the Interventions section (name, description or ``-``).
  Intervention names are shown without their ``Drug: `` prefix (the page does not carry
  intervention types). A pair listed in Interventions may also be the next arm (an arm "Placebo"
  described like the intervention "Placebo"): :func:`read_groups` says how that is decided.
* Sponsors: lead sponsor name and class, then each collaborator's name and class; an absent class is
  left out or, where the next name reads like a class, written ``-``; ``-`` is an absent lead sponsor.
* Responsible Party: type code, then investigator name, title, affiliation.
* Principal Investigators: name, ``Role: CODE`` (``Role: -`` when none), affiliation if any.
* Locations: facility (``-`` when none), then ``city, state, country``: an absent state is left out
  (``Seoul, Korea, Republic of``), ``-`` holds a place where needed, and where names hold commas
  that would make the split ambiguous they are written ``\\,`` (see :func:`parse_geo`).
* Countries: one per line. Central Contacts: name (``-`` when none), then ``Role:``, ``Phone:``,
  ``Phone Ext:``, ``Email:`` lines as given. Other Identifiers: id, ``Identifier Type:`` (the
  secondary id type code), ``Identifier Source:`` (``org_study_id`` for the sponsor's own id, whose
  type is ``-``; the issuing domain for other ids).

:func:`kg.sources.pagetext_render.render` writes this layout and
:func:`kg.sources.pagetext_render.carried` projects a study onto exactly what it carries.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from kg import codes
from kg.errors import RecordError
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
    Source,
    Study,
)
from kg.sources import Entry, Parsed, Rejected

FORMAT = "page-text"
NO_RESULTS = (
    "The study team has not published outcome measurements, participant flow, or safety data for this trial "
    "yet. Check back later for updates."
)
RESULTS_POSTED = "The study team has published outcome measurements, participant flow, or safety data for this trial."
RESULTS = "Study Results"
#: Every section after Study Results, in page order, with its helper sentence.
HELPERS: dict[str, str] = {
    "Basic Information": "Get a concise snapshot of the trial, including recruitment status, study phase, enrollment targets, and key timeline milestones.",  # noqa: E501
    "Brief Summary": "Review the sponsor-provided synopsis that highlights what the study is about and why it is being conducted.",  # noqa: E501
    "Related Clinical Trials": "Explore similar clinical trials based on study characteristics and research focus.",
    "Detailed Description": "Dive into the extended narrative that explains the scientific background, objectives, and procedures in greater depth.",  # noqa: E501
    "Conditions": "See the medical conditions and disease areas that this research is targeting or investigating.",
    "Study Design": "Understand how the trial is structured, including allocation methods, masking strategies, primary purpose, and other design elements.",  # noqa: E501
    "Study Groups": "Review each arm or cohort in the study, along with the interventions and objectives associated with them.",  # noqa: E501
    "Interventions": "Learn about the drugs, procedures, or behavioral strategies being tested and how they are applied within this trial.",  # noqa: E501
    "Eligibility Criteria": "Check the participation requirements, including inclusion and exclusion rules, age limits, and whether healthy volunteers are accepted.",  # noqa: E501
    "Sponsors": "Meet the organizations funding or collaborating on the study and learn about their roles.",
    "Responsible Party": "Identify the individual or organization who holds primary responsibility for the study information submitted to regulators.",  # noqa: E501
    "Principal Investigators": "Learn about the lead researchers overseeing the trial and their institutional affiliations.",  # noqa: E501
    "Locations": "Explore where the study is taking place and check the recruitment status at each participating site.",
    "Countries": "Review the countries where the study has at least one active or historical site.",
    "Central Contacts": "Reach out to these primary contacts for questions about participation or study logistics.",
    "Other Identifiers": "Review additional registry numbers or institutional identifiers associated with this trial.",
    "More Related Trials": "Additional clinical trials that may be relevant based on similarity analysis.",
}
PLACEHOLDERS = frozenset({"-", "N/A"})
NCT_LINE = re.compile(r"NCT ID:\s*(\S*)\s*")
NCT_ID = re.compile(r"NCT\d{8}")
ORG_STUDY_ID = "org_study_id"
CONTACT_LABELS = {"Role": "role", "Phone": "phone", "Phone Ext": "phone_ext", "Email": "email"}
_TYPE_PREFIX = re.compile("^(?:" + "|".join(map(re.escape, codes.INTERVENTION_TYPE.values())) + "): ")
#: The second part of an inverted name ("Korea, Republic of", "Madrid, Comunidad De", "Valenciana, Comunitat").
_INVERTED = re.compile(
    r"\b(?:[oO]f|of the|[dD]e|[dD]el|des|du)$|^(?:Comunitat|Illes|La|Las|Los|El|U\.S\.|British|occupied)$"
)


# ---------------------------------------------------------------- values
def one_line(text: str | None) -> str | None:
    """A short value as the page writes it: whitespace collapsed; ``-``, ``N/A`` and "" are absent."""
    value = " ".join(text.split()) if text else ""
    return None if value in PLACEHOLDERS or not value else value


def text_lines(text: str | None) -> list[str]:
    """Free text as the page writes it: its non-blank lines, stripped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def arm_intervention_name(name: str) -> str | None:
    """``Drug: Aspirin`` (API v2) as the page shows it: ``Aspirin``."""
    return one_line(_TYPE_PREFIX.sub("", " ".join(name.split()), count=1))


# ---------------------------------------------------------------- unlabelled values in slots
@dataclass(frozen=True)
class Slot:
    """One unlabelled value of a section: its name, which lines it accepts, and if it repeats."""

    name: str
    accepts: Callable[[str], bool]
    many: bool = False


def _codes(*enums: codes.Enum) -> Callable[[str], bool]:
    return lambda value: any(value in enum for enum in enums)


def _matches(pattern: str) -> Callable[[str], bool]:
    regex = re.compile(pattern)
    return lambda value: regex.fullmatch(value) is not None


_DATE = _matches(r"\d{4}-\d{2}(?:-\d{2})?")
_AGE = _matches(r"\d+ (?:Year|Month|Week|Day|Hour|Minute)s?")
BASIC_SLOTS = (
    Slot("status", _codes(codes.STATUS)),
    Slot("phases", _codes(codes.PHASE), many=True),
    Slot("enrollment", _matches(r"\d+ participants?")),
    Slot("study_type", _codes(codes.STUDY_TYPE)),
    Slot("start", _DATE),
    Slot("completion", _DATE),
)
ELIGIBILITY_SLOTS = (
    Slot("minimum_age", _AGE),
    Slot("maximum_age", _AGE),
    Slot("sex", _codes(codes.SEX)),
    Slot("healthy_volunteers", lambda value: value in ("Yes", "No")),
)


def design_slots(study_type: str | None) -> tuple[Slot, ...]:
    """Interventional design then observational design; ``OTHER`` is told apart by study type."""
    observational = study_type == "OBSERVATIONAL"
    purpose = _codes(codes.PRIMARY_PURPOSE)
    return (
        Slot("allocation", _codes(codes.ALLOCATION)),
        Slot("intervention_model", _codes(codes.INTERVENTION_MODEL)),
        Slot("primary_purpose", lambda v: purpose(v) and not (observational and v == "OTHER")),
        Slot("masking", _codes(codes.MASKING)),
        Slot("observational_model", _codes(codes.OBSERVATIONAL_MODEL)),
        Slot("time_perspective", _codes(codes.TIME_PERSPECTIVE)),
    )


Values = dict[str, list[str]]


def place(line: str, prev: int, slots: tuple[Slot, ...]) -> int | None:
    """The slot a value goes to after slot ``prev``: the first later one accepting it (or ``prev`` again)."""
    for index in range(max(prev, 0), len(slots)):
        if (index > prev or slots[index].many) and slots[index].accepts(line):
            return index
    return None


def place_placeholder(prev: int, following: str | None, slots: tuple[Slot, ...]) -> int | None:
    """The slot a ``-`` fills: the one the next value would otherwise be read into, else the next one."""
    if following is not None:
        taken = place(following, prev, slots)
        if taken is not None and place(following, taken, slots) is not None:
            return taken
    return prev + 1 if prev + 1 < len(slots) else None


def assign(lines: list[str], slots: tuple[Slot, ...], strict: bool = True) -> Values | None:
    """The values of ``lines`` by slot name; an unplaceable line fails (strict) or is skipped."""
    values: Values = {slot.name: [] for slot in slots}
    prev = -1
    for position, line in enumerate(lines):
        if line in PLACEHOLDERS:
            following = next((later for later in lines[position + 1 :] if later not in PLACEHOLDERS), None)
            index = place_placeholder(prev, following, slots)
        else:
            index = place(line, prev, slots)
            if index is not None:
                values[slots[index].name].append(line)
        if index is None:
            if strict:
                return None
            continue
        prev = index
    return values


def split_tail(lines: list[str], slots: tuple[Slot, ...]) -> tuple[list[str], Values]:
    """Free text followed by unlabelled values: the longest suffix that fits the slots is the values."""
    for size in range(min(len(slots), len(lines)), 0, -1):
        values = assign(lines[-size:], slots)
        if values is not None:
            return lines[:-size], values
    return lines, {slot.name: [] for slot in slots}


def _first(values: Values, name: str) -> str | None:
    return values[name][0] if values[name] else None


# ---------------------------------------------------------------- pages
def parse(entry: Entry) -> Iterator[Parsed]:
    """Every page of a text file, streamed: a :class:`Study` each, or :class:`Rejected` without NCT ID."""
    try:
        pages = _pages(_lines(entry))
        page = next(pages, None)
        if page is None:
            yield Rejected(entry.location, "empty file: no study page")
            return
        index = 0
        for following in pages:
            yield _parse_page(page, f"{entry.location}#{index}")
            page, index = following, index + 1
        yield _parse_page(page, entry.location if index == 0 else f"{entry.location}#{index}")
    except UnicodeDecodeError as exc:
        yield Rejected(entry.location, f"not UTF-8 text: {exc}")


def parse_text(text: str, location: str = "<text>") -> Study:
    """One page of text as a :class:`Study`; raises :class:`RecordError` for a page without NCT ID."""
    pages = list(_pages(text.splitlines(keepends=True)))
    if len(pages) != 1:
        raise RecordError(f"{location}: expected one study page, found {len(pages)}; use parse() for files")
    parsed = _parse_page(pages[0], location)
    if isinstance(parsed, Rejected):
        raise RecordError(f"{location}: {parsed.reason}")
    return parsed


def _lines(entry: Entry) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    with entry.open() as stream:
        rest = ""
        for chunk in iter(lambda: stream.read(65536), b""):
            rest += decoder.decode(chunk)
            *complete, rest = rest.splitlines(keepends=True) or [""]
            yield from complete  # the last line is kept back: it may go on in the next chunk
        rest += decoder.decode(b"", final=True)
        yield from rest.splitlines(keepends=True)


def _pages(lines: Iterable[str]) -> Iterator[list[str]]:
    """Raw lines grouped by page: a page starts at the last non-blank line before ``NCT ID:``."""
    buffer: list[str] = []
    for line in lines:
        if NCT_LINE.fullmatch(line.strip()):
            start = next((i for i in range(len(buffer) - 1, -1, -1) if buffer[i].strip()), len(buffer))
            if any(raw.strip() for raw in buffer[:start]):
                yield buffer[:start]
            buffer = buffer[start:]
        buffer.append(line)
    if any(raw.strip() for raw in buffer):
        yield buffer


def _parse_page(raw: list[str], location: str) -> Parsed:
    text = "".join(raw)
    lines = [line.strip() for line in raw if line.strip()]
    header, sections = _sections(lines)
    ids = [one_line(m.group(1)) for m in map(NCT_LINE.fullmatch, header) if m]
    if not ids or not ids[0]:
        title = lines[0][:80] if lines else ""
        return Rejected(location, f"study page without an 'NCT ID:' line (starts {title!r})")
    study = Study(nct_id=ids[0])
    study.brief_title = one_line(header[0]) if not NCT_LINE.fullmatch(header[0]) else None
    updated = [one_line(line.removeprefix("Last Updated:")) for line in header if line.startswith("Last Updated:")]
    study.last_update_posted = DateStruct(updated[0]) if updated and updated[0] else None
    _read_sections(study, sections)
    study.source = Source(FORMAT, location, hashlib.sha256(text.encode()).hexdigest())
    return study


def _is_heading(lines: list[str], index: int, after_header: bool) -> bool:
    line, following = lines[index], lines[index + 1] if index + 1 < len(lines) else None
    if line == RESULTS:
        return after_header or following in (NO_RESULTS, RESULTS_POSTED)
    return line in HELPERS and following == HELPERS[line]


def _sections(lines: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    """The header lines (title, NCT ID, Last Updated) and each section's lines, by heading."""
    header: list[str] = []
    sections: dict[str, list[str]] = {}
    current: list[str] = header
    index = 0
    while index < len(lines):
        if _is_heading(lines, index, current is header and index > 0):
            current = sections.setdefault(lines[index], [])
            index += 1 if lines[index] == RESULTS else 2
            continue
        current.append(lines[index])
        index += 1
    return header or [""], sections


def _read_sections(study: Study, sections: dict[str, list[str]]) -> None:
    def get(name: str) -> list[str]:
        return sections.get(name, [])

    results = get(RESULTS)
    study.has_results = bool(results) and results != [NO_RESULTS]
    _read_basic(study, get("Basic Information"))
    study.brief_summary = "\n".join(get("Brief Summary")) or None
    study.detailed_description = "\n".join(get("Detailed Description")) or None
    study.conditions = [c for c in map(one_line, get("Conditions")) if c]
    _read_design(study, get("Study Design"))
    study.interventions = read_interventions(get("Interventions"))
    study.arm_groups = read_groups(get("Study Groups"), study.interventions)
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


# ---------------------------------------------------------------- sections
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
    return [Intervention(name, description=one_line(desc)) for name, desc in pairs if name]


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
    fits = [name in known and one_line(desc) in known[name] for name, desc in pairs]
    starts = _arm_starts([name for name, _ in pairs], fits)
    arms: list[ArmGroup] = []
    for index, (name, desc) in enumerate(pairs):
        if index in starts:
            arms.append(ArmGroup(" ".join(name.split()), description=one_line(desc)))
        else:
            arms[-1].intervention_names.append(name)
    return arms


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
    eligibility.criteria = "\n".join(criteria) or None
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


# ---------------------------------------------------------------- the other direction
def render(study: Study) -> str:
    """The study as a page: see :func:`kg.sources.pagetext_render.render`."""
    from kg.sources.pagetext_render import render as _render

    return _render(study)


def carried(study: Study) -> dict[str, object]:
    """What a page carries of a study: see :func:`kg.sources.pagetext_render.carried`."""
    from kg.sources.pagetext_render import carried as _carried

    return _carried(study)
