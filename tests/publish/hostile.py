"""Broken copies of real corpus records, made at test time, each one small file a build must survive.

Each :class:`Case` is one input file; ``published`` says whether its study must be in the release.
The broken records get NCT ids of their own (``NCT990000xx``) so that their absence can be checked.
"""

from __future__ import annotations

import copy
import io
import json
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Record = dict[str, Any]


@dataclass(frozen=True)
class Case:
    name: str
    file: str
    data: bytes
    nct_id: str | None  # the study the file is about, where it names a valid one
    published: bool
    reason: str = ""  # a fragment of the quarantine reason


def _set(record: Record, path: str, value: Any) -> Record:
    record = copy.deepcopy(record)
    *parents, last = path.split(".")
    node = record
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value
    return record


_HUGE = "__a number too large for a float__"


def _json(record: Record) -> bytes:
    return json.dumps(record).replace(f'"{_HUGE}"', "1e999").encode()  # valid JSON that decodes to inf


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def declared_bomb(declared: int) -> bytes:
    """A zip of one small member whose headers declare ``declared`` bytes once inflated."""
    data = bytearray(_zip([("bomb/NCT99000098.json", b"{}" * 1000)]))
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, declared)
    struct.pack_into("<I", data, central + 24, declared)
    return bytes(data)


_IDENT = "protocolSection.identificationModule"
_MUTATIONS: list[tuple[str, str, Callable[[Record], Record], str]] = [
    (
        "conditions-not-strings",
        "NCT99000001",
        lambda r: _set(r, "protocolSection.conditionsModule.conditions", [123, {"x": 1}]),
        "conditions[0]",
    ),
    ("title-a-number", "NCT99000002", lambda r: _set(r, f"{_IDENT}.briefTitle", 42), "brief_title"),
    (
        "conditions-a-string",
        "NCT99000003",
        lambda r: _set(r, "protocolSection.conditionsModule.conditions", "Breast Cancer"),
        "conditions: expected a list",
    ),
    (
        "start-date-13th-month",
        "NCT99000004",
        lambda r: _set(r, "protocolSection.statusModule.startDateStruct", {"date": "2020-13-45", "type": "ACTUAL"}),
        "not a date",
    ),
    (
        "enrollment-words",
        "NCT99000005",
        lambda r: _set(r, "protocolSection.designModule.enrollmentInfo", {"count": "forty"}),
        "enrollment",
    ),
    (
        "locations-an-object",
        "NCT99000006",
        lambda r: _set(r, "protocolSection.contactsLocationsModule.locations", {"facility": "X"}),
        "locations: expected a list",
    ),
    (
        "phases-a-string",
        "NCT99000007",
        lambda r: _set(r, "protocolSection.designModule.phases", "PHASE2"),
        "phases: expected a list",
    ),
    (
        "unknown-status",
        "NCT99000008",
        lambda r: _set(r, "protocolSection.statusModule.overallStatus", "SLEEPING"),
        "status code",
    ),
    (
        "lone-surrogate",
        "NCT99000009",
        lambda r: _set(r, f"{_IDENT}.officialTitle", "bad \ud800 text"),
        "official_title",
    ),
    (
        "latitude-not-finite",
        "NCT99000010",
        lambda r: _set(
            r,
            "protocolSection.contactsLocationsModule.locations",
            [{"facility": "X", "geoPoint": {"lat": _HUGE, "lon": 0}}],
        ),
        "lat",
    ),
]
_BAD_IDS = [
    ("id-with-plus", "NCT00000011+x"),
    ("id-a-path", "../../../../tmp/x"),
    ("id-lower-case", "nct00033839"),
]


def cases(good: Record, older_valid: Record, secret: Path) -> list[Case]:
    """Every hostile case, from ``good`` (a real record) and ``older_valid`` (a real record whose newer,
    invalid copy is one of the cases); ``secret`` is a local file an XML record tries to read."""
    found = []
    for name, nct, mutate, reason in _MUTATIONS:
        record = mutate(_set(good, f"{_IDENT}.nctId", nct))
        found.append(Case(name, f"{name}.json", _json(record), nct, False, reason))
    for name, bad in _BAD_IDS:
        found.append(
            Case(name, f"{name}.json", _json(_set(good, f"{_IDENT}.nctId", bad)), None, False, "not an NCT id")
        )
    nct = older_valid["protocolSection"]["identificationModule"]["nctId"]
    newer = _set(
        older_valid, "protocolSection.statusModule.lastUpdatePostDateStruct", {"date": "2099-01-01", "type": "ACTUAL"}
    )
    del newer["protocolSection"]["identificationModule"]["briefTitle"]
    found += [
        Case("newer-invalid-copy", "zz-newer-copy.json", _json(newer), nct, True, "SHACL violations"),
        Case("deep-nesting", "deep.json", b"[" * 200_000 + b"]" * 200_000, None, False, "nested deeper"),
        Case("truncated-json", "truncated.json", _json(good)[:5000], None, False, "not valid JSON"),
        Case("binary-junk", "junk.json", b"{" + bytes(range(256)) * 40, None, False, "not valid JSON"),
        Case(
            "html", "page.json", b"<!DOCTYPE html><html><body>Not found</body></html>", None, False, "format could not"
        ),
        Case("xml-external-entity", "xxe.xml", _xxe(secret), None, False, "DTD"),
        Case("xml-entity-bomb", "bomb.xml", _entity_bomb(), None, False, "DTD"),
        Case(
            "zip-100mb-member",
            "inflates.zip",
            _zip([("NCT99000097.json", b" " * (100 << 20))]),
            None,
            False,
            "record limit",
        ),
        Case("zip-declares-2gb", "bomb.zip", declared_bomb(2 << 30), None, False, "record limit"),
        Case(
            "zip-hostile-names",
            "names.zip",
            _zip([("../evil.json", b"{}"), ("/abs.json", b"{}")]),
            None,
            False,
            "unsafe member name",
        ),
    ]
    huge = _set(good, f"{_IDENT}.nctId", "NCT99000050")
    huge = _set(huge, "protocolSection.descriptionModule.briefSummary", "Long summary. " * (10_000_000 // 14))
    found.append(Case("10mb-summary", "huge-summary.json", _json(huge), "NCT99000050", True))
    return found


SECRET = "trialkg-test-secret-7f3a9c"


def _xxe(secret: Path) -> bytes:
    """A legacy XML record that tries to read a local file into its title (the file is written by the test)."""
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE clinical_study [<!ENTITY secret SYSTEM "file://{secret}">]>\n'
        "<clinical_study><id_info><nct_id>NCT99000060</nct_id></id_info>"
        "<brief_title>&secret;</brief_title><overall_status>Completed</overall_status></clinical_study>\n"
    ).encode()


def _entity_bomb() -> bytes:
    entities = "".join(f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, 10))
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE clinical_study [<!ENTITY e0 "boom">{entities}]>\n'
        "<clinical_study><id_info><nct_id>NCT99000061</nct_id></id_info><brief_title>&e9;</brief_title>"
        "</clinical_study>\n"
    ).encode()


def write(cases: list[Case], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for case in cases:
        (folder / case.file).write_bytes(case.data)
