"""Value readers of the legacy XML parser (:mod:`kg.sources.ctgov_xml`): text, codes, dates, yes/no.

Each reads one value of an element by path: free text is dedented with ``\\r`` dropped and paragraph breaks
kept, the XML's wrapped text blocks unwrapped (:func:`block`, :mod:`kg.sources.ctgov_xml_text`), one-line
values have their whitespace collapsed (:func:`line`), labels become API v2 codes through
:func:`kg.codes.from_label` (an unknown label is a :class:`~kg.errors.RecordError` naming the field), and
dates become ISO dates at the precision written (:func:`iso`).
"""

from __future__ import annotations

import calendar
import re
import textwrap
import xml.etree.ElementTree as ET

from kg.codes import from_label
from kg.errors import RecordError
from kg.model import DateStruct
from kg.sources.ctgov_xml_text import unwrapped, wrapped

E = ET.Element


def _clean(text: str | None) -> str | None:
    """Registry text as written: ``\\r`` dropped, the XML indentation removed, paragraph breaks kept; text in
    the XML's wrapped layout unwrapped (:func:`kg.sources.ctgov_xml_text.unwrapped`)."""
    if text is None:
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if wrapped(text.split("\n")):
        return unwrapped(text.split("\n")) or None
    head, _, rest = text.partition("\n")
    body = textwrap.dedent(rest)
    joined = f"{head.strip()}\n{body}" if head.strip() else body
    text = "\n".join(line.rstrip() for line in joined.split("\n")).strip()
    return re.sub(r"\n{3,}", "\n\n", text) or None


def block(elem: E, path: str) -> str | None:
    """The text of a (possibly ``<textblock>``-wrapped) free-text element."""
    node = elem.find(path)
    if node is not None and node.find("textblock") is not None:
        node = node.find("textblock")
    return _clean(node.text) if node is not None else None


def line(elem: E, path: str) -> str | None:
    """A one-line value (a name, a title, a label): whitespace collapsed."""
    return " ".join((elem.findtext(path) or "").split()) or None


def lines(elem: E, path: str) -> list[str]:
    """Every non-empty one-line value at ``path`` (conditions, keywords, labels), whitespace collapsed."""
    return [v for v in (" ".join((n.text or "").split()) for n in elem.findall(path)) if v]


def code(enum: str, field: str, label: str | None) -> str | None:
    """The API v2 code of a label of ``enum``; an unknown label is a :class:`RecordError` naming ``field``."""
    try:
        return from_label(enum, label)
    except RecordError:
        raise RecordError(f"{field}: unknown {enum} value {label!r}") from None


def codes(enum: str, field: str, label: str | None, separators: str) -> list[str]:
    """A label that may list several values (``Phase 1/Phase 2``, ``Case Control, Natural History``)."""
    if not label:
        return []
    try:
        whole = from_label(enum, label)
    except RecordError:
        parts = [p for p in re.split(separators, label) if p.strip()]
        return [c for c in (code(enum, field, p) for p in parts) if c]
    return [whole] if whole else []


_MONTHS = {
    name.lower(): i for names in (calendar.month_name, calendar.month_abbr) for i, name in enumerate(names) if name
}
_DATE = re.compile(r"([A-Za-z]+)\.?\s+(?:(\d{1,2}),?\s+)?(\d{4})")
_ISO = re.compile(r"\d{4}-\d{2}(-\d{2})?")


def iso(field: str, text: str | None) -> str | None:
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


def date(elem: E, tag: str) -> DateStruct | None:
    """A date element with its ``type`` attribute (actual or anticipated)."""
    node = elem.find(tag)
    value = iso(tag, node.text) if node is not None else None
    if node is None or value is None:
        return None
    return DateStruct(value, code("date-type", f"{tag}/@type", node.get("type")))


_BOOLEANS = {"yes": True, "no": False, "accepts healthy volunteers": True}


def boolean(elem: E, path: str) -> bool | None:
    """A ``Yes`` / ``No`` value (or the old ``Accepts Healthy Volunteers``)."""
    text = line(elem, path)
    if text is None:
        return None
    if text.lower() not in _BOOLEANS:
        raise RecordError(f"{path}: not yes or no: {text!r}")
    return _BOOLEANS[text.lower()]


def download_date(text: str | None) -> str | None:
    """``ClinicalTrials.gov processed this data on February 03, 2023`` → ``2023-02-03``."""
    match = re.search(r"([A-Za-z]+ \d{1,2}, \d{4})\s*$", text or "")
    return iso("required_header/download_date", match.group(1)) if match else None


def age(text: str | None) -> str | None:
    """An age limit as written (``18 Years``); ``N/A`` is none."""
    return None if text is None or text.upper() == "N/A" else text  # N/A: no limit, as API v2 omits it
