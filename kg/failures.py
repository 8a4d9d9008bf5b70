"""What a failure below trialkg means to its user: which file, what went wrong in words, what kind of remedy.

The operating system reports a full disk, a read-only file system or a missing file as an :class:`OSError`
with an ``errno``; RocksDB (under pyoxigraph) puts the same causes in the text of an ``OSError`` without
one, sqlite in the text of a :class:`sqlite3.Error`, and ``shutil.copytree`` in a list of them. This module
reads them all the same way, for the command line's top level (:mod:`kg.cli`) and the atomic release
writer (:mod:`kg.publish.release`). :func:`unreadable` says why a data file cannot be read (truncated,
not gzip, not UTF-8, not in its syntax).
"""

from __future__ import annotations

import errno
import gzip
import os
import re
import shutil
import sqlite3
import zlib
from dataclasses import dataclass

FULL, READ_ONLY, DENIED, MISSING, IO, OTHER = "full", "read-only", "denied", "missing", "io", "other"

_ERRNOS: dict[int, tuple[str, str]] = {
    errno.ENOSPC: (FULL, "no space left on the device"),
    errno.EDQUOT: (FULL, "the disk quota is used up"),
    errno.EFBIG: (FULL, "a file reached the size limit of the file system or of ulimit -f"),
    errno.EROFS: (READ_ONLY, "the file system is read-only"),
    errno.EACCES: (DENIED, "permission denied"),
    errno.EPERM: (DENIED, "operation not permitted"),
    errno.ENOENT: (MISSING, "no such file or directory"),
    errno.ENOTDIR: (MISSING, "a part of the path is not a directory"),
    errno.EEXIST: (MISSING, "a file is in the way of a directory"),
    errno.EISDIR: (OTHER, "is a directory, not a file"),
    errno.EIO: (IO, "an input/output error of the device"),
}
#: sqlite says it in words only
_SQLITE: dict[str, tuple[str, str]] = {
    "database or disk is full": _ERRNOS[errno.ENOSPC],
    "readonly database": _ERRNOS[errno.EROFS],
    "disk I/O error": (IO, "a disk I/O error (is the disk full, or a file at its size limit?)"),
    "unable to open database file": (DENIED, "cannot create or open a database file"),
}
_ADVICE = {
    FULL: "free some space",
    READ_ONLY: "write somewhere writable",
    DENIED: "check the permissions",
    MISSING: "check the path",
    IO: "check the disk",
}


@dataclass(frozen=True)
class Failure:
    """An operating-system failure in words."""

    kind: str  # FULL, READ_ONLY, DENIED, MISSING, IO or OTHER
    cause: str
    path: str | None = None

    @property
    def advice(self) -> str:
        """The remedy, '' where there is no general one."""
        return _ADVICE.get(self.kind, "")

    @property
    def writing(self) -> bool:
        """A failure to write (or to make room to): what a build into a full or read-only place meets."""
        return self.kind in (FULL, READ_ONLY, DENIED, IO)


def explain(exc: BaseException) -> Failure | None:
    """The failure ``exc`` stands for, or None when it is not one of the operating system or the disk."""
    if isinstance(exc, shutil.Error):  # copytree: args[0] lists (source, destination, why)
        return _copy_failure(exc)
    if isinstance(exc, sqlite3.Error):
        text = str(exc)
        return next((Failure(*kc) for phrase, kc in _SQLITE.items() if phrase in text), None)
    if not isinstance(exc, OSError) or isinstance(exc, gzip.BadGzipFile):
        return None
    text, code = str(exc), exc.errno
    path = os.fsdecode(exc.filename) if isinstance(exc.filename, str | bytes) else None
    if code is None:  # RocksDB: "IO error: ...: While appending to file: PATH: No space left on device"
        code = next((c for c in _ERRNOS if os.strerror(c) in text), None)
        if code is not None and path is None:
            path = _path_before(text, os.strerror(code))
    if code in _ERRNOS:
        return Failure(*_ERRNOS[code], path=path)
    return Failure(OTHER, exc.strerror or " ".join(text.split()), path)


def _path_before(text: str, cause: str) -> str | None:
    found = re.findall(r": ([^:\n]+): " + re.escape(cause), text)
    return found[-1].strip() if found else None


def _copy_failure(exc: shutil.Error) -> Failure | None:
    errors = exc.args[0] if exc.args and isinstance(exc.args[0], list) else []
    for entry in errors:
        if isinstance(entry, tuple) and len(entry) == 3:
            why = str(entry[2])
            match = re.search(r"\[Errno (\d+)\]", why)
            code = int(match.group(1)) if match else None
            kind, cause = _ERRNOS.get(code or -1, (OTHER, why))
            return Failure(kind, cause, str(entry[1]))
    return None


def unreadable(exc: BaseException, syntax: str = "") -> str | None:
    """Why a data file cannot be read (without its name), or None when ``exc`` says nothing about the file:
    it ends too early, is not gzip, not UTF-8 text, or not valid ``syntax``."""
    if isinstance(exc, EOFError):
        return "it ends too early: truncated, or still being written or copied?"
    if isinstance(exc, gzip.BadGzipFile):
        return f"it is not valid gzip data ({exc})"
    if isinstance(exc, zlib.error):
        return f"its gzip data is corrupt ({exc})"
    if isinstance(exc, UnicodeDecodeError):
        return f"it is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start}): a binary file?"
    if isinstance(exc, SyntaxError):
        detail = " ".join(str(exc.msg or exc).split())
        if "UTF-8" in detail:
            return f"it is not UTF-8 text: a binary file? ({detail})"
        return f"it is not valid {syntax or 'data'}: {detail}"
    return None  # an OSError of the system (see explain) or something else
