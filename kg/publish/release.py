"""The release directory: its layout, and writing it atomically.

A release is built in a sibling temporary directory ``.NAME.partial-TOKEN`` and swapped into place only
when complete, so an interrupted build never leaves a half-written release and the previous one stays
as it was. The build holds an exclusive ``flock`` on ``.NAME.partial-TOKEN.lock`` for its whole life:
a build that was killed (``kill -9``, power loss) leaves its temporary directory behind with a lock
nobody holds, and the next build to the same target removes it (only such directories: never a
directory of a build still running, never anything else). The swap is one atomic
``renameat2(RENAME_EXCHANGE)`` where the kernel offers it; elsewhere it is two renames, and a build
killed between them is repaired by the next one, which puts the previous release back first.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import json
import os
import secrets
import shutil
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import ReleaseError
from kg.failures import DENIED, FULL, IO, READ_ONLY, explain
from kg.mapping.namespaces import DEFAULT_BASE

if TYPE_CHECKING:
    import pyoxigraph as ox


# The layout of a release, relative to its directory.
TURTLE = "trialkg.ttl"
NTRIPLES = "trialkg.nt.gz"
NQUADS = "trialkg.nq.gz"
JSONLD = "trialkg.jsonld"
CONTEXT = "context.jsonld"
VOID = "void.ttl"
REPORT = "build-report.json"
STUDIES = "studies.sqlite"  # per-study triples and content hashes: what the next build reuses
QUARANTINE = "quarantine"
VALIDATION = "validation"
STORE = "store"
DELTA = "delta"
DELTA_ADDED = "delta/added.nt.gz"
DELTA_REMOVED = "delta/removed.nt.gz"
CHANGELOG_JSON = "delta/changelog.json"
CHANGELOG_MD = "delta/changelog.md"

#: The data dumps: byte-identical for the same inputs (everything else in a release is metadata).
DUMPS = (TURTLE, NTRIPLES, NQUADS, JSONLD, CONTEXT)

_PARTIAL = ".partial-"
_STALE_UNCLAIMED = 60.0  # seconds: an empty lock file this old was never claimed by a live build


@contextlib.contextmanager
def atomic_directory(target: str) -> Iterator[Path]:
    """Yield a fresh temporary directory beside ``target``; on success it replaces ``target``.

    A failure to write (disk full, read-only, no permission) becomes a :class:`ReleaseError` saying what
    failed, that nothing was published, and what to do; the temporary directory is gone either way."""
    target_path = Path(target).resolve()
    with _writing(target_path, None):
        target_path.parent.mkdir(parents=True, exist_ok=True)
        clean_leftovers(target_path)
        lock_fd, lock, work = _claim(target_path)
    try:
        try:
            with _writing(target_path, work):
                yield work
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        with _writing(target_path, work):
            _swap_in(work, target_path)
    finally:
        lock.unlink(missing_ok=True)
        os.close(lock_fd)


@contextlib.contextmanager
def _writing(target: Path, work: Path | None) -> Iterator[None]:
    """Put a failure to write the release ``target`` (in ``work``) in words: what failed, what to do."""
    try:
        yield
    except (OSError, sqlite3.Error) as exc:
        failure = explain(exc)
        where = (failure.path or "") if failure else ""
        ours = not where or where.startswith(str(target.parent))  # a read-only or denied input is not ours
        if failure is None or not (work is None or failure.kind in (FULL, IO) or (failure.writing and ours)):
            raise
        if work is not None and where.startswith(str(work)):
            where = where[len(str(work)) :].lstrip("/")
        elif where.startswith(str(target.parent / f".{target.name}{_PARTIAL}")):
            where = f"in {target.parent}"  # our lock or temporary directory: the place is the trouble
        kept = (
            f"the previous release in {target} is unchanged"
            if (target / REPORT).is_file()
            else "no release was written"
        )
        advice = (
            "choose a writable --out"
            if failure.kind in (READ_ONLY, DENIED)
            else " or ".join(filter(None, [failure.advice, "choose another --out"]))
        )
        raise ReleaseError(
            f"{target}: cannot write the release: {failure.cause}{f' ({where})' if where else ''}; nothing was "
            f"published, {kept}; {advice}"
        ) from exc


def clean_leftovers(target: Path) -> list[Path]:
    """Remove what killed builds to ``target`` left behind (their lock is free); return what went."""
    removed: list[Path] = []
    prefix = f".{target.name}{_PARTIAL}"
    for path in sorted(p for p in target.parent.iterdir() if p.name.startswith(prefix)):
        token = path.name[len(prefix) :].split(".", 1)[0]
        lock = target.parent / f"{prefix}{token}.lock"
        if path != lock and lock.exists():
            continue  # judged with its lock below
        if path == lock and not _lock_is_stale(lock):
            continue
        displaced = target.parent / f"{prefix}{token}.old"
        if displaced.is_dir() and not target.exists() and (displaced / REPORT).is_file():
            displaced.rename(target)  # killed between the two renames of a swap: put the old release back
        for leftover in (target.parent / f"{prefix}{token}", displaced):
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
                removed.append(leftover)
        lock.unlink(missing_ok=True)
    return removed


def _lock_is_stale(lock: Path) -> bool:
    try:
        fd = os.open(lock, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # a live build holds it
        claimed = os.fstat(fd).st_size > 0
        return claimed or time.time() - os.fstat(fd).st_mtime > _STALE_UNCLAIMED
    finally:
        os.close(fd)


def _claim(target: Path) -> tuple[int, Path, Path]:
    """A new lock file (held) and the temporary directory it guards."""
    prefix = f".{target.name}{_PARTIAL}"
    while True:
        token = secrets.token_hex(6)
        lock = target.parent / f"{prefix}{token}.lock"
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o644)
        except FileExistsError:
            continue
        work = target.parent / f"{prefix}{token}"
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.write(fd, json.dumps({"pid": os.getpid(), "started": time.time()}).encode())
            work.mkdir(mode=0o755)
            work.chmod(0o755)
        except BaseException:  # a full disk: leave neither the lock nor the directory behind
            shutil.rmtree(work, ignore_errors=True)
            lock.unlink(missing_ok=True)
            os.close(fd)
            raise
        return fd, lock, work


def _swap_in(work: Path, target: Path) -> None:
    if not target.exists():
        work.rename(target)
        return
    if not (target / REPORT).exists() and any(target.iterdir()):
        shutil.rmtree(work, ignore_errors=True)
        raise ReleaseError(f"{target}: exists and is not a trialkg release; choose an empty or new --out")
    if _exchange(work, target):
        shutil.rmtree(work, ignore_errors=True)  # now the previous release
        return
    displaced = work.with_name(work.name + ".old")
    target.rename(displaced)
    work.rename(target)
    shutil.rmtree(displaced, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2(RENAME_EXCHANGE)``); False where unsupported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV):
        return False
    raise OSError(err, os.strerror(err), str(a))


def require_release(path: str) -> Path:
    """The release at ``path``, or a clear error saying what is missing."""
    release = Path(path)
    if not (release / REPORT).is_file():
        raise ReleaseError(
            f"{path}: not a trialkg release (no {REPORT}); build one with `trialkg build INPUT... --out {path}`"
        )
    return release


def read_report(path: str | Path) -> dict[str, Any]:
    """The release's ``build-report.json``: its base IRI, version, inputs and counts."""
    file = require_release(str(path)) / REPORT
    try:
        report = json.loads(file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ReleaseError(f"{file}: is corrupt ({exc}); {_rebuild(path)}") from exc
    if not isinstance(report, dict) or "version" not in report:
        raise ReleaseError(f"{file}: is not a build report (no version); {_rebuild(path)}")
    return report


def open_store(path: str | Path) -> ox.Store:
    """The release's ``store/``, opened read-only; a clear error when it is missing or corrupt."""
    import pyoxigraph as ox

    store = require_release(str(path)) / STORE
    if not (store / "CURRENT").is_file():
        raise ReleaseError(f"{path}: no query index ({STORE}/ is missing or incomplete); {_rebuild(path)}")
    try:
        return ox.Store.read_only(str(store))
    except (OSError, RuntimeError) as exc:
        failure = explain(exc)
        if failure is not None and failure.kind == DENIED:
            raise ReleaseError(f"{store}: cannot be opened: {failure.cause}; check its permissions") from exc
        detail = " ".join(str(exc).split())[:300]
        raise ReleaseError(
            f"{store}: cannot be opened, it is damaged or incomplete ({detail}); {_rebuild(path)}"
        ) from exc


def _rebuild(path: str | Path) -> str:
    return f"rebuild the release with `trialkg build INPUT... --out {path}`"


def base_of(path: str | Path) -> str:
    """The base IRI the release was built with, ending in ``/``."""
    base = str(read_report(path).get("base") or DEFAULT_BASE)
    return base if base.endswith("/") else base + "/"
