"""Benchmark `trialkg build` on the JSON corpus: records per second, and peak memory against input size.

Speed is reported as a ratio against a baseline measured in the same command: reading (parsing) the
same records without mapping, validating or writing. Memory is measured in child processes building
1x, 2x and 4x the corpus (the extra copies get new NCT ids, so nothing is deduplicated away); the
peak RSS of the 4x build divided by that of the 1x build should stay near 1.0 if the build streams.

    .venv/bin/python bench/bench_build.py [--corpus DIR] [--no-validate] [--skip-memory]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _corpus(arg: str | None) -> Path:
    path = Path(arg or os.environ.get("TRIALKG_CORPUS") or ROOT.parent / "shared" / "corpus") / "ctgov-json"
    if not path.is_dir():
        sys.exit(f"no JSON corpus at {path}; pass --corpus DIR")
    return path


def _replicate(source: Path, copies: int, into: Path) -> Path:
    """``copies`` copies of every study, copy k with NCT id NCT{k}{7 digits}, as JSON arrays of 100."""
    into.mkdir(parents=True, exist_ok=True)
    batch: list[dict] = []
    n = 0
    for k in range(copies):
        for path in sorted(source.glob("*.json")):
            study = json.loads(path.read_text(encoding="utf-8"))
            if k:
                ident = study["protocolSection"]["identificationModule"]
                ident["nctId"] = f"NCT{k}{ident['nctId'][4:]}"
            batch.append(study)
            if len(batch) == 100:
                (into / f"part-{n:05d}.json").write_text(json.dumps(batch))
                batch, n = [], n + 1
    if batch:
        (into / f"part-{n:05d}.json").write_text(json.dumps(batch))
    return into


def _child(inputs: str, out: str, validate: bool) -> None:
    from kg.publish.build import build

    summary = build([inputs], out, validate=validate, progress=False)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "records": summary.records_read,
                "published": summary.published,
                "peak_kib": peak_kib,
                "seconds": summary.seconds,
            }
        )
    )


def _run_child(inputs: Path, out: Path, validate: bool) -> dict:
    cmd = [sys.executable, __file__, "--child", str(inputs), str(out)] + ([] if validate else ["--no-validate"])
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus")
    parser.add_argument("--no-validate", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--child", nargs=2)
    args = parser.parse_args()
    validate = not args.no_validate
    if args.child:
        _child(args.child[0], args.child[1], validate)
        return

    from kg.sources import read

    corpus = _corpus(args.corpus)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        parsed = sum(1 for _ in read([str(corpus)]))
        parse_seconds = time.perf_counter() - started
        build_run = _run_child(corpus, Path(tmp) / "rel", validate)
        parse_rate, build_rate = parsed / parse_seconds, build_run["records"] / build_run["seconds"]
        print(f"records                 {parsed}")
        print(f"parse only (baseline)   {parse_rate:8.1f} records/s")
        print(f"build{' (validated)' if validate else ''}        {build_rate:8.1f} records/s")
        print(f"build / parse ratio     {build_rate / parse_rate:8.3f}")
        if args.skip_memory:
            return
        peaks = {}
        for copies in (1, 2, 4):
            inputs = _replicate(corpus, copies, Path(tmp) / f"x{copies}")
            run = _run_child(inputs, Path(tmp) / f"rel{copies}", validate)
            peaks[copies] = run["peak_kib"]
            print(f"peak RSS, {run['records']:5d} records  {run['peak_kib'] / 1024:8.1f} MiB")
        print(f"peak RSS ratio 4x / 1x  {peaks[4] / peaks[1]:8.3f}  (flat memory: close to 1)")


if __name__ == "__main__":
    main()
