"""The study-page text format (see ``seeds/NCT04282928.txt``): parser entry points, and the format's rules.

A page is a title line, ``NCT ID: …``, ``Last Updated: …`` (last update posted), then sections in a
fixed order, each a heading line followed by its fixed helper sentence
(:data:`~kg.sources.pagetext_layout.HELPERS`). A line counts as a heading only when the next line is its
helper sentence, so a description line reading "Conditions" is text. ``Study Results`` has no helper: it
is followed by :data:`~kg.sources.pagetext_layout.NO_RESULTS` or, when results are posted,
:data:`~kg.sources.pagetext_layout.RESULTS_POSTED` (our own wording: the seed shows only the former). A
file may hold several pages; a page starts at a title line followed by ``NCT ID:``. Blank lines are
ignored and any section may be empty or missing.

This module splits a file into pages and a page into its header and sections;
:mod:`kg.sources.pagetext_sections` reads each section, and :mod:`kg.sources.pagetext_layout` holds what
reading and writing share (headings, helper sentences, placeholders, value normalisation, slots).

Layout of each section and how it is read:

* Basic Information, Study Design and the end of Eligibility Criteria hold unlabelled values in a
  fixed order, each line read into a slot by its content, ``-`` or ``N/A`` holding the place of an
  absent value where needed (see :mod:`kg.sources.pagetext_layout`). Phases are one per line; the
  page carries one observational model and one time perspective.
* Free text (brief summary, detailed description, eligibility criteria) is written one non-blank,
  stripped line per line: paragraphs and blank lines are not carried; list numbering stays as written.
* Short values (title, names, labels, conditions, and the descriptions of arms and interventions)
  are one line each, whitespace collapsed.
* Related Clinical Trials / More Related Trials: title then NCT id (the title may be left out): the website's
  recommendations, not relations the registry states (mapped to ``tkg:websiteRecommendation``).
* Free text that API v2 gives as markdown (summaries, descriptions, criteria) shows its escapes (``1×10\\^6``):
  they are undone (:func:`kg.sources.markup.plain`).
* Study Groups: arm label, arm description (``-`` when none), then the arm's interventions as
  name / description pairs, repeated from the Interventions section (name, description or ``-``).
  Intervention names are shown without their ``Drug: `` prefix (the page does not carry
  intervention types). A pair listed in Interventions may also be the next arm (an arm "Placebo"
  described like the intervention "Placebo"): :func:`kg.sources.pagetext_sections.read_groups` says
  how that is decided. Each intervention gets the labels of the arms that list it (``arm_group_labels``, as
  the other formats give them; :func:`kg.sources.pagetext_sections.link_arms`).
* Sponsors: lead sponsor name and class, then each collaborator's name and class; an absent class is
  left out or, where the next name reads like a class, written ``-``; ``-`` is an absent lead sponsor.
* Responsible Party: type code, then investigator name, title, affiliation.
* Principal Investigators: name, ``Role: CODE`` (``Role: -`` when none), affiliation if any.
* Locations: facility (``-`` when none), then ``city, state, country``: an absent state is left out
  (``Seoul, Korea, Republic of``), ``-`` holds a place where needed, and where names hold commas
  that would make the split ambiguous they are written ``\\,`` (see
  :func:`kg.sources.pagetext_sections.parse_geo`).
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
from collections.abc import Iterable, Iterator

from kg.errors import RecordError
from kg.model import DateStruct, Source, Study
from kg.sources.pagetext_layout import HELPERS, NCT_LINE, NO_RESULTS, RESULTS, RESULTS_POSTED, one_line
from kg.sources.pagetext_sections import read_sections
from kg.sources.records import DEFAULT_LIMITS, Entry, Parsed, Rejected

FORMAT = "page-text"


# ---------------------------------------------------------------- pages
def parse(entry: Entry) -> Iterator[Parsed]:
    """Every page of a text file, streamed: a :class:`Study` each, or :class:`Rejected` without NCT ID.

    A line or a page longer than the record limit ends the file with a rejected record."""
    index = 0
    try:
        pages = _pages(_lines(entry), entry.limits.record_bytes)
        page = next(pages, None)
        if page is None:
            yield Rejected(entry.location, "empty file: no study page")
            return
        for following in pages:
            yield _parse_page(page, f"{entry.location}#{index}")
            page, index = following, index + 1
        yield _parse_page(page, entry.location if index == 0 else f"{entry.location}#{index}")
    except UnicodeDecodeError as exc:
        yield Rejected(entry.location, f"not UTF-8 text: {exc}")
    except RecordError as exc:
        yield Rejected(entry.location if index == 0 else f"{entry.location}#{index}", str(exc))


def parse_text(text: str, location: str = "<text>") -> Study:
    """One page of text as a :class:`Study`; raises :class:`RecordError` for a page without NCT ID."""
    pages = list(_pages(text.splitlines(keepends=True), DEFAULT_LIMITS.record_bytes))
    if len(pages) != 1:
        raise RecordError(f"{location}: expected one study page, found {len(pages)}; use parse() for files")
    parsed = _parse_page(pages[0], location)
    if isinstance(parsed, Rejected):
        raise RecordError(f"{location}: {parsed.reason}")
    return parsed


def _lines(entry: Entry) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    limit = entry.limits.record_bytes
    with entry.open() as stream:
        rest = ""
        for chunk in iter(lambda: stream.read(65536), b""):
            rest += decoder.decode(chunk)
            *complete, rest = rest.splitlines(keepends=True) or [""]
            yield from complete  # the last line is kept back: it may go on in the next chunk
            if len(rest) > limit:
                raise RecordError(f"a line longer than the record limit of {limit} bytes")
        rest += decoder.decode(b"", final=True)
        yield from rest.splitlines(keepends=True)


def _pages(lines: Iterable[str], limit: int) -> Iterator[list[str]]:
    """Raw lines grouped by page: a page starts at the last non-blank line before ``NCT ID:``."""
    buffer: list[str] = []
    size = 0
    for line in lines:
        if NCT_LINE.fullmatch(line.strip()):
            start = next((i for i in range(len(buffer) - 1, -1, -1) if buffer[i].strip()), len(buffer))
            if any(raw.strip() for raw in buffer[:start]):
                yield buffer[:start]
            buffer = buffer[start:]
            size = sum(map(len, buffer))
        buffer.append(line)
        size += len(line)
        if size > limit:
            raise RecordError(f"a study page larger than the record limit of {limit} bytes")
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
    read_sections(study, sections)
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
