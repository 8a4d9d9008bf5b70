"""Benchmark what posted results cost a build: the corpus records that have results, built as they are and,
as the baseline in the same command, the same records with their results removed.

Reports both builds' wall time, triples and studies per second, and the ratios (results / baseline). The
records are the corpus's JSON and XML records with results (``resultsSection``, ``clinical_results``);
the baseline copies drop that one part (API v2: the key; legacy XML: the element), nothing else.

    .venv/bin/python bench/bench_results.py [--corpus DIR] [--jobs N] [--no-validate]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from common import corpus_dir


def _inputs(corpus: Path, work: Path) -> tuple[Path, Path]:
    """Two folders with the records that have results: as they are, and without their results."""
    full, bare = work / "full", work / "bare"
    full.mkdir()
    bare.mkdir()
    for path in sorted((corpus / "ctgov-json").glob("*.json")):
        text = path.read_text(encoding="utf-8")
        if '"resultsSection"' not in text:
            continue
        study = json.loads(text)
        (full / path.name).write_text(text, encoding="utf-8")
        study.pop("resultsSection")
        (bare / path.name).write_text(json.dumps(study), encoding="utf-8")
    for path in sorted((corpus / "ctgov-xml").glob("*.xml")):
        root = ET.parse(path).getroot()
        results = root.find("clinical_results")
        if results is None:
            continue
        (full / path.name).write_bytes(path.read_bytes())
        root.remove(results)
        ET.ElementTree(root).write(bare / path.name, encoding="utf-8", xml_declaration=True)
    return full, bare


def _build(source: Path, out: Path, jobs: int | None, validate: bool) -> tuple[float, int, int]:
    from kg.publish.build import build

    start = time.perf_counter()
    summary = build([str(source)], str(out), validate=validate, progress=False, jobs=jobs)
    elapsed = time.perf_counter() - start
    assert not summary.quarantine, summary.quarantine
    return elapsed, summary.triples, len(list(source.iterdir()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus")
    parser.add_argument("--jobs", type=int)
    parser.add_argument("--no-validate", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="trialkg-bench-results-") as tmp:
        work = Path(tmp)
        full, bare = _inputs(corpus_dir(args.corpus), work)
        rows = {}
        for name, source in (("baseline (results removed)", bare), ("with results", full)):
            rows[name] = _build(source, work / f"out-{source.name}", args.jobs, not args.no_validate)
        for name, (seconds, triples, studies) in rows.items():
            print(
                f"{name:28} {studies:5} studies  {seconds:7.1f} s  {triples:9,} triples  "
                f"{studies / seconds:6.1f} studies/s  {triples / seconds:9,.0f} triples/s"
            )
        (b_s, b_t, _), (r_s, r_t, _) = rows.values()
        print(f"ratio (with / without results): time {r_s / b_s:.2f}x, triples {r_t / b_t:.2f}x")


if __name__ == "__main__":
    main()
