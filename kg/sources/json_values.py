"""Values of an API v2 JSON object read by key, each of the shape it must have: what is absent is empty,
anything else is the record's fault (a :class:`~kg.errors.RecordError` naming the key, after ``where``)."""

from __future__ import annotations

from typing import Any

from kg.errors import RecordError

J = dict[str, Any]


def _wrong(where: str, key: str, expected: str, value: Any) -> RecordError:
    return RecordError(f"{where}{key}: expected {expected}, got {type(value).__name__} {str(value)[:60]!r}")


def obj(parent: J, key: str, where: str = "") -> J:
    """``parent[key]`` as an object (``{}`` when absent)."""
    value = parent.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _wrong(where, key, "an object", value)
    return value


def items(parent: J, key: str, where: str = "") -> list[Any]:
    """``parent[key]`` as a list (``[]`` when absent): a string is not a list of its letters."""
    value = parent.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise _wrong(where, key, "a list", value)
    return value


def objs(parent: J, key: str, where: str = "") -> list[J]:
    """``parent[key]`` as a list of objects."""
    found = items(parent, key, where)
    for index, item in enumerate(found):
        if not isinstance(item, dict):
            raise _wrong(where, f"{key}[{index}]", "an object", item)
    return found
