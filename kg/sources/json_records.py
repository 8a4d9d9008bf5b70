"""The study objects of a JSON file, each bounded in size and depth, whatever the file holds.

A file holds one study object, a JSON array of them (the website's ``ctg-studies.json``) or an API page
(``{"studies": [...], "nextPageToken": ...}``). A file within the record limit (every bulk-zip member,
every one-study file) is decoded at once by :func:`json.loads`; a larger one is streamed with ijson's
events, one study at a time, each study's bytes and nesting counted as it is read, so that no record
costs more than :class:`~kg.sources.records.Limits` allow and the rest of the file is still read.
Numbers that JSON cannot hold (``NaN``, ``Infinity``) make a record malformed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

import ijson

from kg.sources.records import Entry, Limits, Rejected

Located = tuple[str, Any]  # (location, decoded JSON value)
_STUDY_KEYS = ("protocolSection", "derivedSection")


class _TooLarge(Exception):
    pass


def objects(entry: Entry) -> Iterator[Located | Rejected]:
    """Each study-like value of the file with its location (``file`` or ``file#i``), or why not."""
    limits = entry.limits
    if entry.size is None or entry.size <= limits.record_bytes:  # unknown: read as much as a record may be
        with entry.open() as stream:
            data = stream.read(limits.record_bytes + 1)
        if len(data) <= limits.record_bytes:
            yield from _decoded(data, entry.location, limits)
            return
    yield from _streamed(entry, limits)


def _decoded(data: bytes, location: str, limits: Limits) -> Iterator[Located | Rejected]:
    try:
        value = json.loads(data, parse_constant=_no_constant)
    except RecursionError:
        yield Rejected(location, f"JSON nested deeper than {limits.depth} levels")
        return
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, NaN
        yield Rejected(location, f"not valid JSON: {exc}")
        return
    if isinstance(value, dict) and any(key in value for key in _STUDY_KEYS):
        items: list[Any] = [value]
        single = True
    elif isinstance(value, dict) and isinstance(value.get("studies"), list):
        items, single = value["studies"], False
    elif isinstance(value, list):
        items, single = value, False
    else:
        yield Rejected(location, "JSON without studies: expected a study, an array or an API page")
        return
    for index, item in enumerate(items):
        where = location if single else f"{location}#{index}"
        if _deeper(item, limits.depth):
            yield Rejected(where, f"JSON nested deeper than {limits.depth} levels")
        else:
            yield where, item


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def _deeper(value: Any, limit: int) -> bool:
    """Whether ``value`` nests more than ``limit`` containers deep (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


class _Counted:
    """A binary stream that counts the bytes read from it."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw, self.count = raw, 0

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.count += len(data)
        return data


def _streamed(entry: Entry, limits: Limits) -> Iterator[Located | Rejected]:
    with entry.open() as raw:
        stream = _Counted(raw)
        events = ijson.basic_parse(stream, use_float=True)
        count = 0
        try:
            for kind, value in _items(events):
                where = f"{entry.location}#{count}"
                count += 1
                try:
                    yield where, _build(events, kind, value, stream, stream.count, limits)
                except _TooLarge as exc:
                    yield Rejected(where, str(exc))
        except (ijson.JSONError, ijson.IncompleteJSONError) as exc:
            yield Rejected(f"{entry.location}#{count}", f"JSON broken after record {count}: {exc}")
            return
        except _TooLarge as exc:
            yield Rejected(entry.location, str(exc))
            return
        if count == 0:
            yield Rejected(entry.location, "JSON without studies: expected a study, an array or an API page")


def _items(events: Iterator[tuple[str, Any]]) -> Iterator[tuple[str, Any]]:
    """The first event of each study of a large file: the items of a top-level array or of ``studies``."""
    kind, _ = next(events, ("", None))
    if kind == "start_map":  # an API page; a single study this large is past the limit
        for kind, value in events:
            if kind == "map_key" and value in _STUDY_KEYS:
                raise _TooLarge("one study larger than the record limit: refused")
            if kind == "map_key" and value == "studies":
                kind, _ = _next(events)
                if kind != "start_array":
                    return
                yield from _array(events)
                return
            if kind == "end_map":
                return
            _skip(events, kind)
    elif kind == "start_array":
        yield from _array(events)


def _next(events: Iterator[tuple[str, Any]]) -> tuple[str, Any]:
    try:
        return next(events)
    except StopIteration:
        raise ijson.IncompleteJSONError("the file ends inside a value") from None


def _array(events: Iterator[tuple[str, Any]]) -> Iterator[tuple[str, Any]]:
    for kind, value in events:
        if kind == "end_array":
            return
        yield kind, value


def _skip(events: Iterator[tuple[str, Any]], kind: str) -> None:
    """Consume the rest of a value whose first event was ``kind``."""
    depth = 1 if kind in ("start_map", "start_array") else 0
    while depth:
        kind, _ = _next(events)
        depth += kind in ("start_map", "start_array")
        depth -= kind in ("end_map", "end_array")


def _build(
    events: Iterator[tuple[str, Any]], kind: str, value: Any, stream: _Counted, start: int, limits: Limits
) -> Any:
    """One value from its first event on; past a limit, the value is read to its end and refused."""
    builder: ijson.ObjectBuilder | None = ijson.ObjectBuilder()
    depth, problem = 0, ""
    while True:
        if kind in ("start_map", "start_array"):
            depth += 1
            if depth > limits.depth and not problem:
                problem = f"JSON nested deeper than {limits.depth} levels"
        elif kind in ("end_map", "end_array"):
            depth -= 1
        if not problem and stream.count - start > limits.record_bytes + (1 << 16):
            problem = f"a record larger than the record limit of {limits.record_bytes} bytes"
        if problem:
            builder = None
        if builder is not None:
            builder.event(kind, value)
        if depth == 0:
            break
        kind, value = _next(events)
    if builder is None:
        raise _TooLarge(problem)
    return builder.value
