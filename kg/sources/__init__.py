"""Sources: every input path in, a stream of :class:`~kg.model.Study` records out.

An input is a file, a directory (walked in sorted order) or a ``.zip`` (members in sorted order).
Each file's format is detected from its first bytes (``--format`` overrides) and handed to that
format's parser in :data:`PARSERS`. Parsers are generators: nothing holds a whole input in memory.
A record that cannot be parsed comes out as a :class:`Rejected` so that the build can quarantine it
and go on with the rest.
"""

from __future__ import annotations

import importlib
import os
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

from kg.errors import InputError
from kg.model import Study


@dataclass(frozen=True)
class Entry:
    """One file to read: a path on disk or a member of a zip; ``open`` gives a fresh binary stream."""

    location: str
    open: Callable[[], IO[bytes]]


@dataclass(frozen=True)
class Rejected:
    """A record (or a whole file) that could not be parsed, and why."""

    location: str
    reason: str
    nct_id: str | None = None


Parsed = Study | Rejected
Parser = Callable[[Entry], Iterator[Parsed]]


def entries(path: str) -> Iterator[Entry]:
    """Every file under ``path``: the file itself, a directory's files, or a zip's members, sorted."""
    if os.path.isdir(path):
        for root, dirs, files in os.walk(path):
            dirs.sort()
            for name in sorted(files):
                if not name.startswith("."):
                    yield from entries(os.path.join(root, name))
    elif zipfile.is_zipfile(path):
        yield from _zip_entries(path)
    elif os.path.isfile(path):
        yield Entry(path, lambda: open(path, "rb"))  # noqa: SIM115 - the caller closes the stream
    else:
        raise InputError(f"{path}: no such file or directory; give a file, a directory or a .zip")


def _zip_entries(path: str) -> Iterator[Entry]:
    with zipfile.ZipFile(path) as archive:
        names = sorted(i.filename for i in archive.infolist() if not i.is_dir())
    for name in names:
        if os.path.basename(name).startswith("."):
            continue

        def opener(member: str = name) -> IO[bytes]:
            return zipfile.ZipFile(path).open(member)

        yield Entry(f"{path}!{name}", opener)


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


def read(paths: list[str], fmt: str | None = None) -> Iterator[Parsed]:
    """Every record of every input path, in input order; ``fmt`` forces one format for all."""
    for path in paths:
        for entry in entries(path):
            kind = fmt or detect(entry)
            if kind is None:
                if not entry.location.endswith((".md", ".txt", ".tsv", ".csv")) or fmt:
                    yield Rejected(entry.location, "not a registry record: the format could not be detected")
                continue
            yield from parser(kind)(entry)
