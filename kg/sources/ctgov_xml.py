"""Legacy ClinicalTrials.gov XML (``<clinical_study>``, public.xsd, retired 2023), streamed with iterparse.

A file holds one study (the common case), several concatenated documents, or studies wrapped in any root
element. Each ``<clinical_study>`` becomes a :class:`Study` with API v2 codes (through
:func:`kg.codes.from_label`), ISO dates and dedented text; each element is cleared once used.

Elements with no place in the model are left out on purpose: ``source``, ``rank``, ``number_of_arms`` /
``number_of_groups``, ``oversight_info/authority`` and the other oversight flags besides has_dmc and
is_fda_regulated_drug/device (including the pre-2017 single ``is_fda_regulated``), ``is_section_801``,
``expanded_access_info``, outcome ``safety_issue``, the design's old ``Endpoint Classification``,
``removed_countries`` (countries no longer in the study: ``Study.countries`` lists current ones only),
``pending_results``, the ``*_qc`` and ``disposition_*`` dates, ``results_first_submitted`` /
``firstreceived_results_date`` (a submission date; the model keeps only the posting date of results),
``patient_data`` besides sharing and description, ``study_docs`` / ``provided_document_section``,
``required_header`` besides the download date, and ``clinical_results`` itself (only counted, see
:func:`_results`).
"""

from __future__ import annotations

import calendar
import dataclasses
import hashlib
import re
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import IO, cast

from kg.codes import INTERVENTION_TYPE, from_label
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
    ResultsSummary,
    SecondaryId,
    Source,
    Study,
)
from kg.sources import Entry, Parsed, Rejected

FORMAT = "legacy-xml"
E = ET.Element
_WRAPPER = b"kg-legacy-xml-file"
_PROLOG = re.compile(rb"<\?xml[^>]*\?>|<!DOCTYPE[^>\[]*>")  # and simple DOCTYPEs, which cannot be nested
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_BOM = b"\xef\xbb\xbf"


def parse(entry: Entry) -> Iterator[Parsed]:
    """Every ``<clinical_study>`` of a file; a single study keeps the file's location, several get ``#i``."""
    first: Parsed | None = None
    count = 0
    try:
        with entry.open() as stream:
            for elem in _studies(stream):
                record = parse_study(elem, f"{entry.location}#{count}")
                count += 1
                if count == 1:
                    first = record
                    continue
                if count == 2 and first is not None:
                    yield first
                yield record
    except (ET.ParseError, LookupError, UnicodeError) as exc:  # LookupError: an unknown declared encoding
        if count == 1 and first is not None:
            yield first
        where = entry.location if count == 0 else f"{entry.location}#{count}"
        problem = "not well-formed XML" if isinstance(exc, ET.ParseError) else "XML that cannot be decoded"
        yield Rejected(where, f"{problem}{f' after record {count}' if count else ''}: {exc}")
        return
    if count == 0:
        yield Rejected(entry.location, "no <clinical_study> element: not a legacy ClinicalTrials.gov XML record")
    elif count == 1 and first is not None:
        yield _relocate(first, entry.location)


def _relocate(record: Parsed, location: str) -> Parsed:
    if isinstance(record, Rejected):
        return dataclasses.replace(record, location=location)
    if record.source is not None:
        record.source.location = location
    return record


def _studies(stream: IO[bytes]) -> Iterator[E]:
    """Each ``<clinical_study>`` element once complete; it is cleared and detached after the caller is done."""
    parser: ET.XMLPullParser[E] = ET.XMLPullParser(events=("start", "end"))
    stack: list[E] = []
    for chunk in _document(stream):
        parser.feed(chunk)
        for event, elem in cast(Iterator[tuple[str, E]], parser.read_events()):
            if event == "start":
                stack.append(elem)
                continue
            stack.pop()
            if elem.tag == "clinical_study":
                yield elem
                elem.clear()
                if stack:
                    stack[-1].remove(elem)
    parser.close()


def _document(stream: IO[bytes], size: int = 1 << 16) -> Iterator[bytes]:
    """A file as one well-formed document: XML declarations (and DOCTYPEs) dropped, all wrapped in one root.

    So concatenated documents parse like a wrapped list, and line numbers in errors stay the file's.
    Blocks end at line ends, so a declaration is never cut. Assumes an ASCII-compatible encoding (the
    first declaration's encoding is kept for the whole file).
    """
    block = stream.read(size) + stream.readline()
    declared = re.search(rb"<\?xml[^>]*\?>", block)
    encoding = _ENCODING.search(declared.group()) if declared else None
    name = encoding.group(1) if encoding else b"UTF-8"
    yield b'<?xml version="1.0" encoding="' + name + b'"?><' + _WRAPPER + b">"
    block = block.removeprefix(_BOM)
    while block:
        yield _PROLOG.sub(b"", block.replace(b"\n" + _BOM, b"\n"))
        block = stream.read(size) + stream.readline()
    yield b"</" + _WRAPPER + b">"


def parse_study(elem: E, location: str) -> Parsed:
    """One ``<clinical_study>`` element as a :class:`Study`, or a :class:`Rejected` naming the bad field."""
    nct = _line(elem, "id_info/nct_id")
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


# --- text, dates, codes -------------------------------------------------------------------------------


def _clean(text: str | None) -> str | None:
    """Registry text as written: ``\\r`` dropped, the XML indentation removed, paragraph breaks kept."""
    if text is None:
        return None
    head, _, rest = text.replace("\r\n", "\n").replace("\r", "\n").partition("\n")
    body = textwrap.dedent(rest)
    joined = f"{head.strip()}\n{body}" if head.strip() else body
    text = "\n".join(line.rstrip() for line in joined.split("\n")).strip()
    return re.sub(r"\n{3,}", "\n\n", text) or None


def _block(elem: E, path: str) -> str | None:
    """The text of a (possibly ``<textblock>``-wrapped) free-text element."""
    node = elem.find(path)
    if node is not None and node.find("textblock") is not None:
        node = node.find("textblock")
    return _clean(node.text) if node is not None else None


def _line(elem: E, path: str) -> str | None:
    """A one-line value (a name, a title, a label): whitespace collapsed."""
    return " ".join((elem.findtext(path) or "").split()) or None


def _lines(elem: E, path: str) -> list[str]:
    return [v for v in (" ".join((n.text or "").split()) for n in elem.findall(path)) if v]


def _code(enum: str, field: str, label: str | None) -> str | None:
    try:
        return from_label(enum, label)
    except KeyError:
        raise RecordError(f"{field}: unknown {enum} value {label!r}") from None


def _codes(enum: str, field: str, label: str | None, separators: str) -> list[str]:
    """A label that may list several values (``Phase 1/Phase 2``, ``Case Control, Natural History``)."""
    if not label:
        return []
    try:
        whole = from_label(enum, label)
    except KeyError:
        parts = [p for p in re.split(separators, label) if p.strip()]
        return [c for c in (_code(enum, field, p) for p in parts) if c]
    return [whole] if whole else []


_MONTHS = {
    name.lower(): i for names in (calendar.month_name, calendar.month_abbr) for i, name in enumerate(names) if name
}
_DATE = re.compile(r"([A-Za-z]+)\.?\s+(?:(\d{1,2}),?\s+)?(\d{4})")
_ISO = re.compile(r"\d{4}-\d{2}(-\d{2})?")


def _iso(field: str, text: str | None) -> str | None:
    """``March 2002`` → ``2002-03``, ``March 15, 2002`` → ``2002-03-15`` (month precision kept)."""
    text = " ".join((text or "").split())
    if not text:
        return None
    if _ISO.fullmatch(text):
        return text
    match = _DATE.fullmatch(text)
    month = _MONTHS.get(match.group(1).lower()) if match else None
    if match is None or month is None:
        raise RecordError(f"{field}: not a date: {text!r}")
    year, day = int(match.group(3)), match.group(2)
    if day is None:
        return f"{year:04d}-{month:02d}"
    if not 1 <= int(day) <= calendar.monthrange(year, month)[1]:
        raise RecordError(f"{field}: not a date: {text!r}")
    return f"{year:04d}-{month:02d}-{int(day):02d}"


def _date(elem: E, tag: str) -> DateStruct | None:
    node = elem.find(tag)
    date = _iso(tag, node.text) if node is not None else None
    if node is None or date is None:
        return None
    return DateStruct(date, _code("date-type", f"{tag}/@type", node.get("type")))


_BOOLEANS = {"yes": True, "no": False, "accepts healthy volunteers": True}


def _bool(elem: E, path: str) -> bool | None:
    text = _line(elem, path)
    if text is None:
        return None
    if text.lower() not in _BOOLEANS:
        raise RecordError(f"{path}: not yes or no: {text!r}")
    return _BOOLEANS[text.lower()]


# --- the record ---------------------------------------------------------------------------------------


def _study(elem: E, nct: str) -> Study:
    aliases = _lines(elem, "id_info/nct_alias")
    return Study(
        nct_id=nct,
        brief_title=_line(elem, "brief_title"),
        official_title=_line(elem, "official_title"),
        acronym=_line(elem, "acronym"),
        org_study_id=_line(elem, "id_info/org_study_id"),
        secondary_ids=[SecondaryId(s) for s in _lines(elem, "id_info/secondary_id")],
        nct_aliases=aliases,
        overall_status=_code("status", "overall_status", _line(elem, "overall_status")),
        last_known_status=_code("status", "last_known_status", _line(elem, "last_known_status")),
        why_stopped=_block(elem, "why_stopped"),
        status_verified_date=_iso("verification_date", _line(elem, "verification_date")),
        start_date=_date(elem, "start_date"),
        primary_completion_date=_date(elem, "primary_completion_date"),
        completion_date=_date(elem, "completion_date"),
        # before 2017 the XML said firstreceived_date and lastchanged_date; the registry's own note in
        # those files: they "become" study_first_submitted and last_update_submitted
        first_submitted=_iso("study_first_submitted", _line(elem, "study_first_submitted"))
        or _iso("firstreceived_date", _line(elem, "firstreceived_date")),
        first_posted=_date(elem, "study_first_posted"),
        last_update_submitted=_iso("last_update_submitted", _line(elem, "last_update_submitted"))
        or _iso("lastchanged_date", _line(elem, "lastchanged_date")),
        last_update_posted=_date(elem, "last_update_posted"),
        has_expanded_access=_bool(elem, "has_expanded_access"),
        lead_sponsor=_org(elem.find("sponsors/lead_sponsor")),
        collaborators=[o for o in map(_org, elem.findall("sponsors/collaborator")) if o],
        responsible_party=_responsible_party(elem.find("responsible_party")),
        has_dmc=_bool(elem, "oversight_info/has_dmc"),
        is_fda_regulated_drug=_bool(elem, "oversight_info/is_fda_regulated_drug"),
        is_fda_regulated_device=_bool(elem, "oversight_info/is_fda_regulated_device"),
        brief_summary=_block(elem, "brief_summary"),
        detailed_description=_block(elem, "detailed_description"),
        conditions=_lines(elem, "condition"),
        keywords=_lines(elem, "keyword"),
        design=_design(elem),
        arm_groups=_arm_groups(elem),
        interventions=[_intervention(i) for i in elem.findall("intervention") if _line(i, "intervention_name")],
        outcomes=[
            Outcome(kind, measure, _block(o, "description"), _block(o, "time_frame"))
            for kind, tag in (
                ("PRIMARY", "primary_outcome"),
                ("SECONDARY", "secondary_outcome"),
                ("OTHER", "other_outcome"),
            )
            for o in elem.findall(tag)
            if (measure := _line(o, "measure"))
        ],
        eligibility=_eligibility(elem.find("eligibility")),
        central_contacts=[
            _contact(c, "CONTACT") for c in elem.findall("overall_contact") + elem.findall("overall_contact_backup")
        ],
        officials=[
            Official(name, _code("role", "overall_official/role", _line(o, "role")), _line(o, "affiliation"))
            for o in elem.findall("overall_official")
            if (name := _person(o))
        ],
        locations=[_location(loc) for loc in elem.findall("location")],
        countries=_lines(elem, "location_countries/country"),
        references=[_reference(r, "BACKGROUND") for r in elem.findall("reference")]
        + [_reference(r, "RESULT") for r in elem.findall("results_reference")],
        see_also=[Link(url, _line(k, "description")) for k in elem.findall("link") if (url := _line(k, "url"))],
        related_studies=[RelatedStudy(a, kind="alias") for a in aliases],
        ipd_sharing=_code("ipd-sharing", "patient_data/sharing_ipd", _line(elem, "patient_data/sharing_ipd")),
        ipd_description=_block(elem, "patient_data/ipd_description"),
        # the XML names the registry's MeSH terms but gives no descriptor UIs (and no ancestors)
        condition_mesh=[MeshTerm(None, t) for t in _lines(elem, "condition_browse/mesh_term")],
        intervention_mesh=[MeshTerm(None, t) for t in _lines(elem, "intervention_browse/mesh_term")],
        has_results=elem.find("clinical_results") is not None or elem.find("results_first_posted") is not None,
        results=_results(elem),
        version_holder=_download_date(_line(elem, "required_header/download_date")),
    )


def _download_date(text: str | None) -> str | None:
    """``ClinicalTrials.gov processed this data on February 03, 2023`` → ``2023-02-03``."""
    match = re.search(r"([A-Za-z]+ \d{1,2}, \d{4})\s*$", text or "")
    return _iso("required_header/download_date", match.group(1)) if match else None


def _org(node: E | None) -> Organization | None:
    name = _line(node, "agency") if node is not None else None
    if node is None or name is None:
        return None
    return Organization(name, _code("sponsor-class", f"{node.tag}/agency_class", _line(node, "agency_class")))


def _responsible_party(node: E | None) -> ResponsibleParty | None:
    if node is None:
        return None
    party = ResponsibleParty(
        _code("responsible-party-type", "responsible_party_type", _line(node, "responsible_party_type")),
        # before 2017: a free "name_title" (usually a person's name) and an "organization"
        _line(node, "investigator_full_name") or _line(node, "name_title"),
        _line(node, "investigator_title"),
        _line(node, "investigator_affiliation") or _line(node, "organization"),
    )
    return party if party != ResponsibleParty() else None


def _person(node: E) -> str | None:
    """A contact's name: public.xsd has first/middle/last name and degrees; records fill last_name."""
    name = " ".join(filter(None, (_line(node, t) for t in ("first_name", "middle_name", "last_name"))))
    degrees = _line(node, "degrees")
    return f"{name}, {degrees}" if name and degrees else name or None


def _contact(node: E, role: str | None) -> Contact:
    return Contact(_person(node), role, _line(node, "phone"), _line(node, "phone_ext"), _line(node, "email"))


def _location(node: E) -> Location:
    return Location(
        facility=_line(node, "facility/name"),
        status=_code("status", "location/status", _line(node, "status")),
        city=_line(node, "facility/address/city"),
        state=_line(node, "facility/address/state"),
        zip=_line(node, "facility/address/zip"),
        country=_line(node, "facility/address/country"),
        contacts=[_contact(c, "CONTACT") for c in node.findall("contact") + node.findall("contact_backup")]
        + [
            _contact(i, _code("role", "location/investigator/role", _line(i, "role")))
            for i in node.findall("investigator")
        ],
    )


def _reference(node: E, kind: str) -> Reference:
    return Reference(_line(node, "citation"), _line(node, "PMID"), kind)


def _intervention(node: E) -> Intervention:
    return Intervention(
        name=_line(node, "intervention_name") or "",
        type=_code("intervention-type", "intervention/intervention_type", _line(node, "intervention_type")),
        description=_block(node, "description"),
        arm_group_labels=_lines(node, "arm_group_label"),
        other_names=_lines(node, "other_name"),
    )


def _arm_groups(elem: E) -> list[ArmGroup]:
    """Arms with their interventions named as API v2 does (``Drug: Aspirin``), from the interventions' arm labels."""
    named: dict[str, list[str]] = {}
    for i in map(_intervention, elem.findall("intervention")):
        if not i.name:
            continue
        name = f"{INTERVENTION_TYPE[i.type]}: {i.name}" if i.type else i.name
        for arm in i.arm_group_labels:
            named.setdefault(arm, []).append(name)
    return [
        ArmGroup(
            label,
            _code("arm-type", "arm_group/arm_group_type", _line(a, "arm_group_type")),
            _block(a, "description"),
            named.get(label, []),
        )
        for a in elem.findall("arm_group")
        if (label := _line(a, "arm_group_label"))
    ]


def _eligibility(node: E | None) -> Eligibility:
    if node is None:
        return Eligibility()
    return Eligibility(
        criteria=_block(node, "criteria"),
        healthy_volunteers=_bool(node, "healthy_volunteers"),
        sex=_code("sex", "eligibility/gender", _line(node, "gender")),
        gender_based=_bool(node, "gender_based"),
        gender_description=_block(node, "gender_description"),
        minimum_age=_age(_line(node, "minimum_age")),
        maximum_age=_age(_line(node, "maximum_age")),
        study_population=_block(node, "study_pop"),
        sampling_method=_code("sampling-method", "eligibility/sampling_method", _line(node, "sampling_method")),
    )


def _age(text: str | None) -> str | None:
    return None if text is None or text.upper() == "N/A" else text  # N/A: no limit, as API v2 omits it


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
    parts = _OLD_DESIGN.split(_line(elem, "study_design") or "")
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
    except KeyError:
        level, inner = None, text  # "Participant, Investigator": the roles without the level
    if level == "NONE":
        return level, []  # "None (Open Label)": the bracket is no list of who is masked
    who = [_code("who-masked", "masking", w) for w in inner.strip(" )").split(",") if w.strip()]
    if level is None and len(who) not in _MASKING_LEVELS:
        raise RecordError(f"masking: unknown masking value {text!r}")
    return level or _MASKING_LEVELS[len(who)], [w for w in who if w]


def _design(elem: E) -> Design:
    d = _design_texts(elem)
    study_type = _line(elem, "study_type")
    masking, who = _masking(d.get("masking"))
    enrollment, enrollment_type = _enrollment(elem)
    registry = "patient registry" in (study_type or "").lower()
    code = None if study_type == "N/A" else _code("study-type", "study_type", study_type)
    return Design(
        study_type=code,
        patient_registry=True if registry else (False if code == "OBSERVATIONAL" else None),
        phases=_codes("phase", "phase", _line(elem, "phase"), r"/"),
        allocation=_code("allocation", "allocation", d.get("allocation")),
        intervention_model=_code("intervention-model", "intervention_model", d.get("intervention_model")),
        intervention_model_description=_block(elem, "study_design_info/intervention_model_description"),
        primary_purpose=_code("purpose", "primary_purpose", d.get("primary_purpose")),
        observational_models=_codes("observational-model", "observational_model", d.get("observational_model"), r","),
        # "Retrospective/Prospective" (pre-2011) is both
        time_perspectives=_codes("time-perspective", "time_perspective", d.get("time_perspective"), r"[,/]"),
        masking=masking,
        masking_description=_block(elem, "study_design_info/masking_description"),
        who_masked=who,
        enrollment=enrollment,
        enrollment_type=enrollment_type,
        target_duration=_line(elem, "target_duration"),
        biospec_retention=_code("biospec-retention", "biospec_retention", _line(elem, "biospec_retention")),
        biospec_description=_block(elem, "biospec_descr"),
    )


def _enrollment(elem: E) -> tuple[int | None, str | None]:
    count = (_line(elem, "enrollment") or "").replace(",", "")
    if not count:
        return None, None
    if not count.isdigit():
        raise RecordError(f"enrollment: not a number: {count!r}")
    node = elem.find("enrollment")
    return int(count), _code("date-type", "enrollment/@type", node.get("type") if node is not None else None)


def _results(elem: E) -> ResultsSummary | None:
    """Counts, as API v2 counts them: outcome measures, participant-flow groups, and adverse event terms.

    Event terms are the ``event`` rows of each ``reported_events`` category, except the ``Total`` category
    (``Total, serious adverse events``, ``Total, all-cause mortality``), which API v2 keeps apart.
    """
    results = elem.find("clinical_results")
    if results is None:
        return None
    return ResultsSummary(
        first_posted=_iso("results_first_posted", _line(elem, "results_first_posted")),
        outcome_measure_count=len(results.findall("outcome_list/outcome")),
        group_count=len(results.findall("participant_flow/group_list/group")),
        serious_adverse_event_count=_events(results, "serious_events"),
        other_adverse_event_count=_events(results, "other_events"),
    )


def _events(results: E, kind: str) -> int:
    categories = results.findall(f"reported_events/{kind}/category_list/category")
    return sum(len(c.findall("event_list/event")) for c in categories if _line(c, "title") != "Total")
