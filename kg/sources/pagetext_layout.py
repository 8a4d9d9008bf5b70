"""The layout of a study page that the parser and the renderer share: headings, placeholders, values, slots.

What reading (:mod:`kg.sources.pagetext`, :mod:`kg.sources.pagetext_sections`) and writing
(:mod:`kg.sources.pagetext_render`) agree on: the section headings and their helper sentences, the
placeholders, how short values and free text are written, and the slots unlabelled values are placed into.

Basic Information, Study Design and the end of Eligibility Criteria hold unlabelled values in a fixed
order (:data:`BASIC_SLOTS`, :func:`design_slots`, :data:`ELIGIBILITY_SLOTS`). Each line is classified by
content (status, phase, study-type, design and sex codes, ``N participants``, ISO dates, ages like
``18 Years``, ``Yes``/``No``) into the first slot after the previous one that accepts it; position
decides only where content cannot (a single date is the start date, a single age the minimum age,
``OTHER`` in Study Design is the purpose of an interventional study but the model, then the time
perspective, of an observational one). ``-`` and ``N/A`` stand for an absent value: one fills the slot
the next value would otherwise be read into (``-`` then a date: no start date, this is the completion
date). The renderer writes them only where that is needed, and where a criteria line reads like a value
it writes all four eligibility values, ``-`` for absent ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from kg import codes

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
