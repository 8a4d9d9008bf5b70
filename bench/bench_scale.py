"""Benchmark a build at registry shape: synthetic bulk-download zips (corpus JSON replicated with fresh NCT
ids, ``bench/synthetic.py``) of 10k, 50k and 100k studies, each built end to end (validation, all four
dumps, the index) in a child process, measured from outside: studies/s, triples/s, seconds per stage,
CPU use, peak resident memory of the whole process tree (main and workers), and the projection to the
whole registry (607,000 studies). In the same run, on ``--compare`` studies of the same kind, two
baselines: (a) today's pipeline with pySHACL (``--engine pyshacl``) and (b) a naive pipeline, the same
triples in one rdflib ``Graph``, serialised to Turtle and validated by pySHACL as a whole; the ratios of
the build's studies/s to theirs are printed.

    .venv/bin/python bench/bench_scale.py [--sizes 10000 50000 100000] [--compare 2000] [--json FILE]

The zips are made once under ``build/`` (never committed); the releases go to a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, cpu_seconds
from synthetic import bulk_zip

from tests.memory import run_measured

REGISTRY = 607_000  # studies in the registry, October 2026
TRIALKG = str(Path(sys.executable).with_name("trialkg"))


def measure_build(archive: Path, *options: str, timeout: float = 6 * 3600) -> dict:
    """Build ``archive`` in a child process; its figures as measured from outside."""
    out = Path(tempfile.mkdtemp(prefix="trialkg-scale-")) / "release"
    cpu, clock = cpu_seconds(own=False), time.monotonic()
    done, peak = run_measured([TRIALKG, "build", str(archive), "--out", str(out), "--quiet", *options], timeout)
    seconds, cpu = time.monotonic() - clock, cpu_seconds(own=False) - cpu
    if done.returncode != 0:
        sys.exit(f"the build of {archive} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    report = json.loads((out / "build-report.json").read_text(encoding="utf-8"))
    shutil.rmtree(out.parent, ignore_errors=True)
    studies = report["published"]
    return {
        "studies": studies,
        "read": report["records_read"],
        "triples": report["triples"],
        "seconds": round(seconds, 1),
        "studies_per_s": round(studies / seconds, 1),
        "triples_per_s": round(report["triples"] / seconds),
        "cpu_seconds": round(cpu, 1),
        "cores_busy": round(cpu / seconds, 2),
        "peak_mib": round(peak / 2**20),
        "stages": report.get("stages", {}),
    }


def naive(archive: Path) -> dict:
    """Parse and map every study, add its triples to one rdflib Graph, write it as Turtle, validate it whole."""
    import pyshacl
    import rdflib

    from kg.mapping.rdf import Mapper
    from kg.packaged import ONTOLOGY, SHAPES_DIR
    from kg.sources import read
    from kg.sources.records import Rejected

    clock = time.monotonic()
    mapper, graph, studies = Mapper(), rdflib.Graph(), 0
    for record in read([str(archive)]):
        if isinstance(record, Rejected):
            continue
        mapped = mapper.map(record)
        lines = [f"{t.subject} {t.predicate} {t.object} ." for t in (*mapped.own, *mapped.shared)]
        graph.parse(data="\n".join(lines) + "\n", format="nt")
        studies += 1
    with tempfile.TemporaryDirectory() as folder:
        graph.serialize(Path(folder) / "all.ttl", format="turtle")
    shapes = rdflib.Graph()
    for path in sorted(SHAPES_DIR.glob("*.ttl")):
        shapes.parse(path, format="turtle")
    ontology = rdflib.Graph().parse(ONTOLOGY, format="turtle")
    pyshacl.validate(graph, shacl_graph=shapes, ont_graph=ontology, inference="none", allow_warnings=True)
    seconds = time.monotonic() - clock
    rate = round(studies / seconds, 2)
    return {"studies": studies, "triples": len(graph), "seconds": round(seconds, 1), "studies_per_s": rate}


def _naive_in_child(archive: Path, timeout: float) -> dict:
    done, peak = run_measured([sys.executable, __file__, "--naive", str(archive)], timeout, cwd=ROOT)
    if done.returncode != 0:
        sys.exit(f"the naive pipeline failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "peak_mib": round(peak / 2**20)}


def _row(label: str, m: dict) -> None:
    stages = "  ".join(f"{name} {value:.0f}" for name, value in m.get("stages", {}).items())
    print(
        f"{label:<22} {m['studies']:>7,} studies {m['seconds']:>8.1f} s {m['studies_per_s']:>7.1f} studies/s "
        f"{m.get('triples_per_s', 0):>8,} triples/s  {m.get('cores_busy', 0):.2f} cores  {m['peak_mib']:>5,} MiB"
        + (f"\n{'':<22} stages (s): {stages}" if stages else ""),
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 50_000, 100_000])
    parser.add_argument("--compare", type=int, default=2000, help="studies for the pySHACL baselines (0: none)")
    parser.add_argument("--corpus", help="the corpus folder (default: ../shared/corpus)")
    parser.add_argument("--json", help="also write the figures here")
    parser.add_argument("--naive", help=argparse.SUPPRESS)  # the naive pipeline, in a child process
    args = parser.parse_args()
    if args.naive:
        print(json.dumps(naive(Path(args.naive))))
        return
    figures: dict = {"builds": {}}
    for size in args.sizes:
        archive = bulk_zip(size, ROOT / "build" / f"synthetic-{size}.zip", args.corpus)
        figures["builds"][size] = m = measure_build(archive)
        _row(f"build {size:,}", m)
        projected = REGISTRY / m["studies_per_s"] / 60
        print(f"{'':<22} projection: {REGISTRY:,} studies in {projected:,.0f} min at this rate", flush=True)
    peaks = [m["peak_mib"] for m in figures["builds"].values()]
    if len(peaks) > 1:
        print(f"peak memory, largest / smallest build: {max(peaks) / min(peaks):.2f}")
    if args.compare:
        archive = bulk_zip(args.compare, ROOT / "build" / f"synthetic-{args.compare}.zip", args.corpus)
        fast = measure_build(archive)
        slow = measure_build(archive, "--engine", "pyshacl")
        whole = _naive_in_child(archive, 6 * 3600)
        figures["compare"] = {"fast": fast, "pyshacl": slow, "naive": whole}
        for label, m in (("fast engine", fast), ("pyshacl engine", slow), ("naive rdflib+pyshacl", whole)):
            _row(f"{label} {args.compare:,}", m)
        print(f"ratio against the pySHACL pipeline: {fast['studies_per_s'] / slow['studies_per_s']:.2f}")
        print(f"ratio against the naive pipeline:   {fast['studies_per_s'] / whole['studies_per_s']:.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
