"""Legacy ClinicalTrials.gov XML (``<clinical_study>``, public.xsd, retired 2023), streamed with iterparse.

A file holds one study (the common case), several concatenated documents, or studies wrapped in any root
element. Each ``<clinical_study>`` becomes a :class:`Study` with API v2 codes (through
:func:`kg.codes.from_label`), ISO dates and dedented text; each element is cleared once used. This module
reads the file and the record; the values are read by :mod:`kg.sources.ctgov_xml_values` and the parts
that are model objects of their own (sponsors, locations, arms, design, results...) built by
:mod:`kg.sources.ctgov_xml_parts`.

Elements with no place in the model are left out on purpose: ``source``, ``rank``, ``number_of_arms`` /
``number_of_groups``, ``oversight_info/authority`` and the other oversight flags besides has_dmc and
is_fda_regulated_drug/device (including the pre-2017 single ``is_fda_regulated``), ``is_section_801``,
``expanded_access_info``, outcome ``safety_issue``, the design's old ``Endpoint Classification``,
``removed_countries`` (countries no longer in the study: ``Study.countries`` lists current ones only),
``pending_results``, the ``*_qc`` and ``disposition_*`` dates, ``results_first_submitted`` /
``firstreceived_results_date`` (a submission date; the model keeps only the posting date of results),
``patient_data`` besides sharing and description, ``study_docs`` / ``provided_document_section``
and ``required_header`` besides the download date. ``clinical_results`` is read whole by
:mod:`kg.sources.ctgov_xml_results`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import IO, cast

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from kg.errors import RecordError
from kg.model import Link, MeshTerm, Official, Outcome, RelatedStudy, SecondaryId, Source, Study
from kg.sources.ctgov_xml_parts import (
    arm_groups,
    contact,
    design,
    eligibility,
    intervention,
    org,
    person,
    reference,
    responsible_party,
    results,
    site,
)
from kg.sources.ctgov_xml_values import block, boolean, code, date, download_date, iso, line, lines
from kg.sources.records import Entry, Limits, Parsed, Rejected

FORMAT = "legacy-xml"
E = ET.Element
_WRAPPER = b"kg-legacy-xml-file"
_PROLOG = re.compile(rb"<\?xml[^>]*\?>|<!DOCTYPE[^>\[]*>")  # and simple DOCTYPEs, which cannot be nested
_DTD = re.compile(rb"<!DOCTYPE[^>\[]*\[|<!ENTITY")  # an internal subset: no registry record has one
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_BOM = b"\xef\xbb\xbf"


def parse(entry: Entry) -> Iterator[Parsed]:
    """Every ``<clinical_study>`` of a file; a single study keeps the file's location, several get ``#i``."""
    first: Parsed | None = None
    count = 0
    try:
        with entry.open() as stream:
            for elem in _studies(stream, entry.limits):
                record = parse_study(elem, f"{entry.location}#{count}")
                count += 1
                if count == 1:
                    first = record
                    continue
                if count == 2 and first is not None:
                    yield first
                yield record
    except (ET.ParseError, LookupError, UnicodeError, DefusedXmlException, RecordError) as exc:
        if count == 1 and first is not None:
            yield first
        where = entry.location if count == 0 else f"{entry.location}#{count}"
        after = f" after record {count}" if count else ""
        yield Rejected(where, f"{exc}{after}" if isinstance(exc, RecordError) else f"{_problem(exc)}{after}: {exc}")
        return
    if count == 0:
        yield Rejected(entry.location, "no <clinical_study> element: not a legacy ClinicalTrials.gov XML record")
    elif count == 1 and first is not None:
        yield _relocate(first, entry.location)


def _problem(exc: Exception) -> str:
    if isinstance(exc, DefusedXmlException):
        return "XML with a DTD or entity declarations (never resolved: refused)"
    if isinstance(exc, ET.ParseError):
        return "not well-formed XML"
    return "XML that cannot be decoded"  # LookupError: an unknown declared encoding


def _relocate(record: Parsed, location: str) -> Parsed:
    if isinstance(record, Rejected):
        return dataclasses.replace(record, location=location)
    if record.source is not None:
        record.source.location = location
    return record


def _studies(stream: IO[bytes], limits: Limits) -> Iterator[E]:
    """Each ``<clinical_study>`` element once complete; it is cleared and detached after the caller is done.

    The parser never reads a DTD nor declares an entity (defusedxml refuses them), and a record that grows
    past the limits (bytes since the last record, nesting depth) is a :class:`RecordError` at once."""
    parser: ET.XMLPullParser[E] = ET.XMLPullParser(
        events=("start", "end"), _parser=DefusedXMLParser(target=ET.TreeBuilder(), forbid_dtd=True)
    )
    stack: list[E] = []
    fed = 0
    for chunk in _document(stream):
        fed += len(chunk)
        if fed > limits.record_bytes:
            raise RecordError(f"a record larger than the record limit of {limits.record_bytes} bytes")
        parser.feed(chunk)
        for event, elem in cast(Iterator[tuple[str, E]], parser.read_events()):
            if event == "start":
                stack.append(elem)
                if len(stack) > limits.depth:
                    raise RecordError(f"XML nested deeper than {limits.depth} levels")
                continue
            stack.pop()
            if elem.tag == "clinical_study":
                fed = 0
                yield elem
                elem.clear()
                if stack:
                    stack[-1].remove(elem)
    parser.close()


def _document(stream: IO[bytes], size: int = 1 << 16) -> Iterator[bytes]:
    """A file as one well-formed document: XML declarations (and DOCTYPEs) dropped, all wrapped in one root.

    So concatenated documents parse like a wrapped list, and line numbers in errors stay the file's.
    Blocks end at line ends (or after another ``size`` bytes of a longer line), so a declaration is
    not cut. Assumes an ASCII-compatible encoding (the
    first declaration's encoding is kept for the whole file).
    """
    block = stream.read(size) + stream.readline(size)
    declared = re.search(rb"<\?xml[^>]*\?>", block)
    encoding = _ENCODING.search(declared.group()) if declared else None
    name = encoding.group(1) if encoding else b"UTF-8"
    yield b'<?xml version="1.0" encoding="' + name + b'"?><' + _WRAPPER + b">"
    block = block.removeprefix(_BOM)
    while block:
        if _DTD.search(block):
            raise RecordError("XML with a DTD or entity declarations: refused (entities are never resolved)")
        yield _PROLOG.sub(b"", block.replace(b"\n" + _BOM, b"\n"))
        block = stream.read(size) + stream.readline(size)
    yield b"</" + _WRAPPER + b">"


def parse_study(elem: E, location: str) -> Parsed:
    """One ``<clinical_study>`` element as a :class:`Study`, or a :class:`Rejected` naming the bad field."""
    nct = line(elem, "id_info/nct_id")
    if not nct:
        return Rejected(location, "no id_info/nct_id: a legacy XML record needs its NCT number")
    parts: list[str] = []
    _canonical(elem, parts)
    digest = hashlib.sha256("".join(parts).encode()).hexdigest()
    try:
        study = _study(elem, nct)
    except RecordError as exc:
        return Rejected(location, str(exc), nct)
    study.source = Source(FORMAT, location, digest)
    return study


def _canonical(elem: E, out: list[str]) -> None:
    """The record as canonical XML text: sorted attributes, no comments, no whitespace-only text.

    So the digest changes with the content, not with indentation or attribute order.
    """
    if elem.attrib:
        attributes = "".join(f' {k}="{_escape(v)}"' for k, v in sorted(elem.attrib.items()))
        out.append(f"<{elem.tag}{attributes}>")
    else:
        out.append(f"<{elem.tag}>")
    if elem.text and not elem.text.isspace():
        out.append(_escape(elem.text))
    for child in elem:
        _canonical(child, out)
        if child.tail and not child.tail.isspace():
            out.append(_escape(child.tail))
    out.append(f"</{elem.tag}>")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


# --- the record ---------------------------------------------------------------------------------------


def _study(elem: E, nct: str) -> Study:
    aliases = lines(elem, "id_info/nct_alias")
    return Study(
        nct_id=nct,
        brief_title=line(elem, "brief_title"),
        official_title=line(elem, "official_title"),
        acronym=line(elem, "acronym"),
        org_study_id=line(elem, "id_info/org_study_id"),
        secondary_ids=[SecondaryId(s) for s in lines(elem, "id_info/secondary_id")],
        nct_aliases=aliases,
        overall_status=code("status", "overall_status", line(elem, "overall_status")),
        last_known_status=code("status", "last_known_status", line(elem, "last_known_status")),
        why_stopped=block(elem, "why_stopped"),
        status_verified_date=iso("verification_date", line(elem, "verification_date")),
        start_date=date(elem, "start_date"),
        primary_completion_date=date(elem, "primary_completion_date"),
        completion_date=date(elem, "completion_date"),
        # before 2017 the XML said firstreceived_date and lastchanged_date; the registry's own note in
        # those files: they "become" study_first_submitted and last_update_submitted
        first_submitted=iso("study_first_submitted", line(elem, "study_first_submitted"))
        or iso("firstreceived_date", line(elem, "firstreceived_date")),
        first_posted=date(elem, "study_first_posted"),
        last_update_submitted=iso("last_update_submitted", line(elem, "last_update_submitted"))
        or iso("lastchanged_date", line(elem, "lastchanged_date")),
        last_update_posted=date(elem, "last_update_posted"),
        has_expanded_access=boolean(elem, "has_expanded_access"),
        lead_sponsor=org(elem.find("sponsors/lead_sponsor")),
        collaborators=[o for o in map(org, elem.findall("sponsors/collaborator")) if o],
        responsible_party=responsible_party(elem.find("responsible_party")),
        has_dmc=boolean(elem, "oversight_info/has_dmc"),
        is_fda_regulated_drug=boolean(elem, "oversight_info/is_fda_regulated_drug"),
        is_fda_regulated_device=boolean(elem, "oversight_info/is_fda_regulated_device"),
        brief_summary=block(elem, "brief_summary"),
        detailed_description=block(elem, "detailed_description"),
        conditions=lines(elem, "condition"),
        keywords=lines(elem, "keyword"),
        design=design(elem),
        arm_groups=arm_groups(elem),
        interventions=[intervention(i) for i in elem.findall("intervention") if line(i, "intervention_name")],
        outcomes=[
            Outcome(kind, measure, block(o, "description"), block(o, "time_frame"))
            for kind, tag in (
                ("PRIMARY", "primary_outcome"),
                ("SECONDARY", "secondary_outcome"),
                ("OTHER", "other_outcome"),
            )
            for o in elem.findall(tag)
            if (measure := line(o, "measure"))
        ],
        eligibility=eligibility(elem.find("eligibility")),
        central_contacts=[
            contact(c, "CONTACT") for c in elem.findall("overall_contact") + elem.findall("overall_contact_backup")
        ],
        officials=[
            Official(name, code("role", "overall_official/role", line(o, "role")), line(o, "affiliation"))
            for o in elem.findall("overall_official")
            if (name := person(o))
        ],
        locations=[site(loc) for loc in elem.findall("location")],
        countries=lines(elem, "location_countries/country"),
        references=[reference(r, "BACKGROUND") for r in elem.findall("reference")]
        + [reference(r, "RESULT") for r in elem.findall("results_reference")],
        see_also=[Link(url, line(k, "description")) for k in elem.findall("link") if (url := line(k, "url"))],
        related_studies=[RelatedStudy(a, kind="alias") for a in aliases],
        ipd_sharing=code("ipd-sharing", "patient_data/sharing_ipd", line(elem, "patient_data/sharing_ipd")),
        ipd_description=block(elem, "patient_data/ipd_description"),
        # the XML names the registry's MeSH terms but gives no descriptor UIs (and no ancestors): the
        # mapping resolves the names exactly, and finds their ancestors, through kg.linking.headings
        condition_mesh=[MeshTerm(None, t) for t in lines(elem, "condition_browse/mesh_term")],
        intervention_mesh=[MeshTerm(None, t) for t in lines(elem, "intervention_browse/mesh_term")],
        has_results=elem.find("clinical_results") is not None or elem.find("results_first_posted") is not None,
        results=results(elem),
        version_holder=download_date(line(elem, "required_header/download_date")),
    )
