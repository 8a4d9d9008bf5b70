"""The release directory: its layout, and writing it atomically.

A release is built in a sibling temporary directory and renamed into place only when complete, so
an interrupted build never leaves a half-written release and the previous one stays as it was.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from kg.errors import ReleaseError

PROJECT = Path(__file__).resolve().parent.parent.parent
ONTOLOGY_DIR = PROJECT / "ontology"
SHAPES_DIR = PROJECT / "shapes"
QUERIES_DIR = PROJECT / "queries"

# The layout of a release, relative to its directory.
TURTLE = "trialkg.ttl"
NTRIPLES = "trialkg.nt.gz"
REPORT = "build-report.json"
QUARANTINE = "quarantine"
VALIDATION = "validation"
STORE = "store"


@contextlib.contextmanager
def atomic_directory(target: str) -> Iterator[Path]:
    """Yield a fresh temporary directory beside ``target``; on success it replaces ``target``."""
    target_path = Path(target).resolve()
    target_path.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target_path.name}.partial-", dir=target_path.parent))
    work.chmod(0o755)
    try:
        yield work
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    old = None
    if target_path.exists():
        if not (target_path / REPORT).exists() and any(target_path.iterdir()):
            shutil.rmtree(work, ignore_errors=True)
            raise ReleaseError(f"{target}: exists and is not a trialkg release; choose an empty or new --out")
        old = target_path.with_name(f".{target_path.name}.old-{os.getpid()}")
        target_path.rename(old)
    work.rename(target_path)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def require_release(path: str) -> Path:
    """The release at ``path``, or a clear error saying what is missing."""
    release = Path(path)
    if not (release / REPORT).is_file():
        raise ReleaseError(
            f"{path}: not a trialkg release (no {REPORT}); build one with `trialkg build INPUT... --out {path}`"
        )
    return release
