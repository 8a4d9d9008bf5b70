"""What the readers pass around: an :class:`Entry` to read, a :class:`Rejected` record, the :class:`Limits`."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO

from kg.model import Study


@dataclass(frozen=True)
class Limits:
    """What one record may cost; a record past a limit is quarantined, never read on.

    The registry's largest record is ~3.6 MB of JSON and its deepest nests ~8 levels."""

    record_bytes: int = 16 << 20
    depth: int = 64


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Entry:
    """One file to read: a path on disk or a member of a zip; ``open`` gives a fresh binary stream.

    ``size`` is the file's size in bytes where known (a zip member is read into memory, bounded, once)."""

    location: str
    open: Callable[[], IO[bytes]]
    size: int | None = None
    limits: Limits = field(default=DEFAULT_LIMITS)


@dataclass(frozen=True)
class Rejected:
    """A record (or a whole file) that could not be parsed, and why; ``internal``: a bug of ours."""

    location: str
    reason: str
    nct_id: str | None = None
    internal: bool = False


Parsed = Study | Rejected
Parser = Callable[[Entry], Iterator[Parsed]]


def memory_entry(location: str, data: bytes, limits: Limits = DEFAULT_LIMITS) -> Entry:
    """An entry for bytes already read (a zip member, a download)."""
    return Entry(location, lambda: io.BytesIO(data), len(data), limits)
