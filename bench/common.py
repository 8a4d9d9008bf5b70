"""What the benchmarks share: the release they measure (given, or built from the corpus for the run), and
the CPU time they count."""

from __future__ import annotations

import os
import resource
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def cpu_seconds(*, own: bool = True) -> float:
    """CPU seconds used so far by this process's finished children (a build's workers, a child build) and,
    unless ``own`` is false, by this process itself."""
    whose = [resource.RUSAGE_CHILDREN] + ([resource.RUSAGE_SELF] if own else [])
    return sum(u.ru_utime + u.ru_stime for u in map(resource.getrusage, whose))


def corpus_dir(given: str | None = None) -> Path:
    """The corpus folder: ``given``, ``$TRIALKG_CORPUS`` or ``../shared/corpus`` beside the project."""
    return Path(given or os.environ.get("TRIALKG_CORPUS") or ROOT.parent / "shared" / "corpus")


def release(given: str | None, corpus: str | None = None) -> Path:
    """The release at ``given``; without one, a release of the JSON corpus built now (not timed, no SHACL)."""
    if given:
        if not (Path(given) / "store").is_dir():
            sys.exit(f"no release at {given} (a directory written by `trialkg build`)")
        return Path(given)
    source = corpus_dir(corpus) / "ctgov-json"
    if not source.is_dir():
        sys.exit(f"no JSON corpus at {source}; pass --corpus DIR or --release DIR")
    from kg.publish.build import build

    out = Path(tempfile.mkdtemp(prefix="trialkg-bench-")) / "release"
    print(f"building a release of {source} in {out} ...", flush=True)
    build([str(source)], str(out), validate=False, progress=False)
    return out
