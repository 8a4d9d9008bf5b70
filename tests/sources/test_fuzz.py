"""Property-based fuzzing of the three parsers with mutated real records (a fixed seed, bounded examples).

The invariant, for any bytes a file may hold: reading it never raises, every record comes out as a
:class:`~kg.model.Study` or a :class:`~kg.sources.Rejected` (published or quarantined: the books
balance), a Study has passed the shape checks, and a checked Study maps to RDF without an error.
Failures once found live in ``tests/sources/regressions/`` (see ``test_regressions.py``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.mapping.rdf import Mapper
from kg.model import Study
from kg.sources import Rejected, guarded, memory_entry, parser
from tests.conftest import CORPUS, SEEDS

SAMPLE = 25  # real records of each format to mutate
FUZZ = settings(
    max_examples=60,
    derandomize=True,  # a fixed seed: the same examples on every run
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

if not (CORPUS / "ctgov-json").is_dir():
    pytest.skip(f"the real corpus is not at {CORPUS} (set TRIALKG_CORPUS)", allow_module_level=True)

_JSON = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((CORPUS / "ctgov-json").glob("*.json"))[:SAMPLE]]
_XML = [p.read_bytes() for p in sorted((CORPUS / "ctgov-xml").glob("*.xml"))[:SAMPLE]]
_TEXT = (SEEDS / "NCT04282928.txt").read_bytes() if (SEEDS / "NCT04282928.txt").is_file() else b""
_MAPPER = Mapper()

odd_text = st.text(st.characters(codec="utf-8"), max_size=40) | st.sampled_from(
    ["", " ", "\u0000", "\ufeff", "\u202e", "\U0001f600", "NCT", "2020-02-30", "<b>&amp;</b>", "\r\n", "\\u0000"]
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | odd_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(odd_text, inner, max_size=4),
    max_leaves=12,
)


def _invariant(fmt: str, data: bytes) -> None:
    """Reading ``data`` as ``fmt`` never raises; each record is a checked Study that maps, or Rejected."""
    records = list(guarded(parser(fmt), memory_entry("fuzz", data)))
    assert records, "a file must give at least one record (or one rejection)"
    for record in records:
        assert isinstance(record, Study | Rejected)
        assert not (isinstance(record, Rejected) and record.internal), record.reason
        if isinstance(record, Study):
            _MAPPER.map(record)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if len(path) > 12:  # below a nest a mutation made: deep enough
        return found
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*path, index))
    return found


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, *rest = path
    copy: Any = dict(value) if isinstance(value, dict) else list(value)
    copy[head] = _replace(value[head], tuple(rest), new)
    return copy


@st.composite
def mutated_json(draw: st.DrawFn) -> bytes:
    record = draw(st.sampled_from(_JSON))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(record)))
        kind = draw(st.sampled_from(["value", "delete", "extra", "huge", "deep", "text"]))
        if kind == "delete" and not path:
            continue
        if kind == "delete":
            parent = _get(record, path[:-1])
            new_parent = {k: v for k, v in parent.items() if k != path[-1]} if isinstance(parent, dict) else parent[:-1]
            record = _replace(record, path[:-1], new_parent)
            continue
        record = _replace(record, path, _new_value(draw, kind, _get(record, path)))
    data = json.dumps(record, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 9)) == 0:
        data = data[: draw(st.integers(0, len(data)))]
    return data


def _new_value(draw: st.DrawFn, kind: str, old: Any) -> Any:
    if kind == "extra" and isinstance(old, dict):
        return {**old, "unexpectedKey": draw(json_values)}
    if kind == "huge":
        return "x" * draw(st.integers(10_000, 300_000))
    if kind == "deep":
        return _nest(draw(st.integers(10, 800)))  # json.dumps itself stops near 1,000
    if kind == "text":
        return draw(odd_text)
    return draw(json_values)


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        value = value[key]
    return value


def _nest(depth: int) -> Any:
    value: Any = "bottom"
    for _ in range(depth):
        value = [value]
    return value


_MARKUP = [b"&bogus;", b"<!ENTITY x 'y'>", b"]]>", b"<![CDATA[", b"\x00", b"<!DOCTYPE x [", b"\xff\xfe"]


@st.composite
def mutated_bytes(draw: st.DrawFn, sources: list[bytes]) -> bytes:
    """A real record with a few edits: text spliced in, a span cut out, nesting added, truncation."""
    data = draw(st.sampled_from(sources))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["insert", "cut", "nest", "truncate", "markup"]))
        if kind == "insert":
            data = data[:at] + draw(odd_text).encode("utf-8", "surrogatepass") + data[at:]
        elif kind == "cut":
            data = data[:at] + data[at + draw(st.integers(1, 400)) :]
        elif kind == "nest":
            depth = draw(st.integers(10, 2_000))
            data = data[:at] + b"<a>" * depth + b"</a>" * depth + data[at:]
        elif kind == "markup":
            data = (
                data[:at]
                + draw(st.sampled_from([b"&bogus;", b"<!ENTITY x 'y'>", b"]]>", b"<![CDATA[", b"\x00"]))
                + data[at:]
            )
        else:
            data = data[:at]
    return data


@FUZZ
@given(mutated_json())
def test_api_v2_json_never_raises(data: bytes) -> None:
    _invariant("json", data)


@FUZZ
@given(mutated_bytes(_XML))
def test_legacy_xml_never_raises(data: bytes) -> None:
    _invariant("xml", data)


@pytest.mark.skipif(not _TEXT, reason=f"the seed record is not at {SEEDS}")
@FUZZ
@given(mutated_bytes([_TEXT]) if _TEXT else st.just(b""))
def test_page_text_never_raises(data: bytes) -> None:
    _invariant("text", data)


def test_the_mutations_reach_every_outcome() -> None:
    """The strategies are not vacuous: real records parse, and broken ones are rejected."""
    good = list(guarded(parser("json"), memory_entry("x", json.dumps(_JSON[0]).encode())))
    broken = list(
        guarded(parser("json"), memory_entry("x", json.dumps(_replace(_JSON[0], ("protocolSection",), 7)).encode()))
    )
    assert isinstance(good[0], Study) and isinstance(broken[0], Rejected)
    assert Path(CORPUS).is_dir()
