"""Benchmark `trialkg analyze` on a release: seconds per stage (extract, graphs, similarity, metrics,
exports, plots, report), and the whole analysis as a ratio against a baseline measured in the same
process: only running the extraction queries and reading their rows (what any SPARQL client of the
release would pay to get the same data out). Each figure is the median of --runs runs.

    .venv/bin/python bench/bench_analyze.py [--release DIR] [--runs 3] [--phase PHASE3 ...] [--json OUT]

Without --release, a release of the JSON corpus is built first (not timed); `make bench` passes one of
the whole corpus (JSON, XML and the seed).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import common  # noqa: E402  (bench/: the release measured; puts the project on sys.path)

from kg.analytics import Filters, analyze, base_of  # noqa: E402
from kg.analytics.extract import LINK_QUERIES, query_text  # noqa: E402
from kg.query import LocalStore, open_store  # noqa: E402


def _baseline(source: LocalStore, filters: Filters) -> tuple[float, int]:
    started = time.perf_counter()
    rows = 0
    for name in ("studies", *LINK_QUERIES):
        rows += len(source.select(query_text(name, filters))[1])
    return time.perf_counter() - started, rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--release", help="a release directory (default: build one of the JSON corpus)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--phase", action="append", default=[])
    parser.add_argument("--sponsor-class", action="append", default=[])
    parser.add_argument("--json")
    args = parser.parse_args()
    args.release = str(common.release(args.release))
    filters = Filters(phases=tuple(args.phase), sponsor_classes=tuple(args.sponsor_class))
    source, base = LocalStore(open_store(args.release)), base_of(args.release)
    _baseline(source, filters)  # warm the store's caches for both
    baselines, totals, stages = [], [], {}
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            seconds, rows = _baseline(source, filters)
            baselines.append(seconds)
            started = time.perf_counter()
            result = analyze(source, str(Path(tmp) / f"out{run}"), base=base, filters=filters)
            totals.append(time.perf_counter() - started)
            for stage, value in result.seconds.items():
                stages.setdefault(stage, []).append(value)
    baseline, total = statistics.median(baselines), statistics.median(totals)
    report = {
        "release": args.release,
        "filters": filters.describe(),
        "studies": len(result.data.studies),
        "rows": rows,
        "networks": {n: [m.nodes, m.edges] for n, m in result.metrics.items()},
        "baseline_seconds": round(baseline, 3),
        "analyze_seconds": round(total, 3),
        "stage_seconds": {s: round(statistics.median(v), 3) for s, v in stages.items()},
        "ratio": round(total / baseline, 1),
    }
    print(f"release                    {args.release}  ({report['studies']:,} studies, {rows:,} rows)")
    for line in filters.describe():
        print(f"filter                     {line}")
    for name, (nodes, edges) in report["networks"].items():  # type: ignore[attr-defined]
        print(f"  {name:24} {nodes:>7,} nodes {edges:>9,} edges")
    print(f"extraction queries only    {baseline:8.2f} s  (baseline)")
    for stage, value in report["stage_seconds"].items():  # type: ignore[attr-defined]
        print(f"  {stage:24} {value:8.2f} s")
    print(f"analyze, all stages        {total:8.2f} s")
    print(f"analyze / baseline ratio   {total / baseline:8.1f}")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
