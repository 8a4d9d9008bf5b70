"""Benchmark an incremental release against a full one on the JSON corpus.

Copies the corpus, builds the copy in full (``--out A``), changes one record (its overall status) in
place, then builds it twice: incrementally (``--previous A``) and in full. Prints the time of each,
the converted/reused counts, the dump fragments copied, the delta, and checks previous + delta = new as
sets of triples. Then builds incrementally once more, against a copy of A that kept no dump fragments,
and checks that its dumps are byte for byte those of the incremental build that copied them.

    .venv/bin/python bench/bench_incremental.py [--corpus DIR] [--no-validate] [--keep DIR]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _lines(path: Path) -> set[str]:
    with gzip.open(path, "rt", encoding="utf-8") as dump:
        return {line.rstrip("\n") for line in dump}


def _timed(label: str, inputs: Path, out: Path, validate: bool, previous: Path | None = None) -> dict[str, object]:
    from kg.publish.build import build

    started = time.monotonic()
    summary = build(
        [str(inputs)], str(out), validate=validate, progress=False, previous=str(previous) if previous else None
    )
    seconds = time.monotonic() - started
    row = {
        "build": label,
        "seconds": round(seconds, 1),
        "published": summary.published,
        "converted": summary.converted,
        "reused": summary.reused,
        "fragments_reused": summary.fragments_reused,
        "write_seconds": summary.stages.get("validate and write"),
        "triples": summary.triples,
        "delta": summary.delta,
    }
    print(json.dumps(row), flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", help="folder with ctgov-json/ (default: ../shared/corpus)")
    parser.add_argument("--no-validate", action="store_true", help="skip SHACL validation in all builds")
    parser.add_argument("--keep", help="build the releases in this folder and keep them")
    args = parser.parse_args()
    corpus = Path(args.corpus or os.environ.get("TRIALKG_CORPUS") or ROOT.parent / "shared" / "corpus") / "ctgov-json"
    if not corpus.is_dir():
        sys.exit(f"no JSON corpus at {corpus}; pass --corpus DIR")
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="trialkg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        validate = not args.no_validate
        changed = work / "corpus"  # a copy, changed in place after the first build (same locations)
        shutil.copytree(corpus, changed, dirs_exist_ok=True)
        _timed("full", changed, work / "A", validate)
        victim = sorted(changed.glob("*.json"))[len(list(changed.glob("*.json"))) // 2]
        study = json.loads(victim.read_text(encoding="utf-8"))
        status = study["protocolSection"]["statusModule"]
        status["overallStatus"] = "TERMINATED" if status.get("overallStatus") != "TERMINATED" else "COMPLETED"
        victim.write_text(json.dumps(study), encoding="utf-8")
        print(json.dumps({"changed": victim.name}), flush=True)
        _timed("incremental", changed, work / "B", validate, previous=work / "A")
        _timed("full-again", changed, work / "C", validate)
        before, after = _lines(work / "A" / "trialkg.nt.gz"), _lines(work / "B" / "trialkg.nt.gz")
        added, removed = _lines(work / "B" / "delta" / "added.nt.gz"), _lines(work / "B" / "delta" / "removed.nt.gz")
        print(json.dumps({"previous + delta = new": (before | added) - removed == after}), flush=True)
        shutil.copytree(work / "A", work / "A-no-fragments")
        with sqlite3.connect(work / "A-no-fragments" / "studies.sqlite") as db:
            db.execute("DELETE FROM fragment")
        _timed("incremental, no fragments to copy", changed, work / "D", validate, previous=work / "A-no-fragments")
        from kg.publish.release import DUMPS

        same = all((work / "B" / name).read_bytes() == (work / "D" / name).read_bytes() for name in DUMPS)
        print(json.dumps({"copied fragments = made fragments, byte for byte": same}), flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
