"""Sources: every input path in, a stream of :class:`~kg.model.Study` records out.

An input is a file, a directory (walked in sorted order) or a ``.zip`` (opened once, members in sorted
order, each read once). Each file's format is detected from its first bytes (``--format`` overrides)
and handed to that format's parser in :data:`PARSERS`. Parsers are generators: nothing holds a whole
input in memory, and no record may cost more than :class:`Limits` allow.

A record that cannot be parsed comes out as a :class:`Rejected` so that the build can quarantine it and
go on with the rest: a fault of the record (:class:`~kg.errors.RecordError`, a value of the wrong shape
found by :mod:`kg.sources.checks`, a file that is not a regular file, a hostile zip member) and an
internal error (any other exception of a parser: a bug, marked ``internal`` so that it shows) alike.

A caller that already holds some records (a build with a previous release) passes ``known`` to
:func:`read`: it is asked about each file before the file is detected or parsed, and what it returns
(not ``None``) comes out instead of the file's records.
"""

from __future__ import annotations

import importlib
import os
import stat
from collections.abc import Callable, Iterator
from typing import TypeVar

from kg.errors import InputError, RecordError
from kg.model import Study
from kg.sources.archive import members
from kg.sources.checks import check
from kg.sources.records import DEFAULT_LIMITS, Entry, Limits, Parsed, Parser, Rejected, memory_entry

#: Files a directory of records may hold that are not records: what ``trialkg fetch`` writes beside them.
NOT_RECORDS = frozenset({"fetch.json"})

K = TypeVar("K")

__all__ = ["DEFAULT_LIMITS", "FORMATS", "Entry", "Limits", "Parsed", "Rejected", "entries", "memory_entry", "read"]


def entries(path: str, limits: Limits = DEFAULT_LIMITS, *, given: bool = True) -> Iterator[Entry | Rejected]:
    """Every file under ``path``: the file itself, a directory's files, or a zip's members, sorted.

    What cannot be read as a file at all (a FIFO, a socket, a dangling link, a file we may not read, a
    hostile zip member) comes out rejected; only an input path that was ``given`` and does not exist is
    an :class:`InputError` (a typo on the command line, not a fault of one record)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if given:
            raise InputError(f"{path}: no such file or directory; give a file, a directory or a .zip") from None
        yield Rejected(path, "cannot be read: a link to nothing, or removed while the build ran")
        return
    except OSError as exc:
        yield Rejected(path, f"cannot be read: {exc.strerror}")
        return
    if stat.S_ISDIR(mode):
        for root, dirs, files in os.walk(path):
            dirs.sort()
            for name in sorted(files):
                if not name.startswith(".") and name not in NOT_RECORDS:
                    yield from entries(os.path.join(root, name), limits, given=False)
        return
    if not stat.S_ISREG(mode):
        yield Rejected(path, "not a regular file (a FIFO, socket or device): left out")
        return
    try:
        zipped = _is_zip(path)
    except OSError as exc:
        yield Rejected(path, f"cannot be read: {exc.strerror}")
        return
    if zipped:
        yield from members(path, limits)
    else:
        yield Entry(path, lambda: open(path, "rb"), os.stat(path).st_size, limits)  # noqa: SIM115 - caller closes


def _is_zip(path: str) -> bool:
    with open(path, "rb") as stream:
        return stream.read(4) in (b"PK\x03\x04", b"PK\x05\x06")


def detect(entry: Entry) -> str | None:
    """The format of a file from its first bytes: ``json``, ``xml``, ``text`` or ``None`` (skip)."""
    with entry.open() as stream:
        head = stream.read(4096)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if b"\nNCT ID: NCT" in head:  # before JSON: a page title may start with "[" (JSON strings hold no raw newlines)
        return "text"
    if text.startswith((b"{", b"[")):
        return "json"
    if text.startswith(b"<") and b"<clinical_study" in head:
        return "xml"
    return None


#: Each input format and the module whose ``parse(entry)`` reads it.
PARSERS: dict[str, str] = {
    "json": "kg.sources.ctgov_json",
    "xml": "kg.sources.ctgov_xml",
    "text": "kg.sources.pagetext",
}
FORMATS = tuple(PARSERS)


def parser(fmt: str) -> Parser:
    parse: Parser = importlib.import_module(PARSERS[fmt]).parse
    return parse


def read(
    paths: list[str],
    fmt: str | None = None,
    *,
    limits: Limits = DEFAULT_LIMITS,
    strict: bool = False,
    known: Callable[[Entry], K | None] | None = None,
) -> Iterator[Parsed | K]:
    """Every record of every input path, in input order; ``fmt`` forces one format for all.

    ``strict``: an internal error (a parser's bug) is raised instead of coming out rejected. ``known``:
    what the caller holds for a file already (see the module's docstring), or ``None`` to read it."""
    for path in paths:
        for entry in entries(path, limits):
            if isinstance(entry, Rejected):
                yield entry
                continue
            held = known(entry) if known is not None else None
            if held is not None:
                yield held
                continue
            try:
                kind = fmt or detect(entry)
            except OSError as exc:
                yield Rejected(entry.location, f"cannot be read: {exc}")
                continue
            if kind is None:
                if not entry.location.endswith((".md", ".txt", ".tsv", ".csv")) or fmt:
                    yield Rejected(entry.location, "not a registry record: the format could not be detected")
                continue
            yield from guarded(parser(kind), entry, strict)


def guarded(parse: Parser, entry: Entry, strict: bool = False) -> Iterator[Parsed]:
    """The records of ``parse(entry)``, each checked (:mod:`kg.sources.checks`); whatever a parser raises
    ends the file with one rejected record saying why, instead of ending the build."""
    records = parse(entry)
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except RecordError as exc:
            yield Rejected(entry.location, str(exc))
            return
        except OSError as exc:
            yield Rejected(entry.location, f"cannot be read: {exc}")
            return
        except Exception as exc:
            if strict:
                raise
            yield Rejected(entry.location, f"internal error while parsing: {type(exc).__name__}: {exc}", internal=True)
            return
        if isinstance(record, Study):
            try:
                check(record)
            except RecordError as exc:
                location = record.source.location if record.source else entry.location
                record = Rejected(location, str(exc), record.nct_id)
        yield record
