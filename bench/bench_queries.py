"""Benchmark the canned queries on the corpus release: latency (p50, p95) on the embedded store that
`trialkg query` and `trialkg serve` use (pyoxigraph, the release's store/), against rdflib's own
in-memory SPARQL engine on the same triples (the release's trialkg.nt.gz), as a ratio rdflib / store.

    .venv/bin/python bench/bench_queries.py [--release DIR | --corpus DIR] [--runs 20] [--rdflib-runs 3]
                                            [--rdflib-cap 30] [--json OUT]

rdflib is very slow on some of these queries (nested aggregates over half a million triples), so its
work is capped: each query runs in a forked child holding the loaded graph, at most --rdflib-runs
times, and a run that takes longer than --rdflib-cap seconds is killed. Such a query is reported as
"> cap" and its ratio as a lower bound (">"). Latency is the time to evaluate the query and read every
row. Without --release, a release of the JSON corpus is built first (without SHACL validation).
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg import query as q  # noqa: E402

#: Parameters for the parameterised queries; "sponsor" is filled in with the top sponsor of the release.
PARAMS: dict[str, dict[str, str]] = {
    "interventions-for-condition": {"mesh": "D001249"},
    "studies-of-sponsor": {"sponsor": ""},
    "trials-recruiting-in-country": {"country": "US"},
}


def _release(args: argparse.Namespace) -> Path:
    if args.release:
        return Path(args.release)
    corpus = Path(args.corpus or os.environ.get("TRIALKG_CORPUS") or ROOT.parent / "shared" / "corpus") / "ctgov-json"
    if not corpus.is_dir():
        sys.exit(f"no JSON corpus at {corpus}; pass --corpus DIR or --release DIR")
    from kg.publish.build import build

    out = Path(tempfile.mkdtemp(prefix="bench-queries-")) / "release"
    print(f"building a release of {corpus} in {out} ...", flush=True)
    build([str(corpus)], str(out), validate=False, progress=False)
    return out


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def _oxigraph(store: Any, texts: dict[str, str], runs: int) -> dict[str, dict[str, Any]]:
    out = {}
    for name, text in texts.items():
        rows = len(list(store.query(text)))  # warm-up
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            list(store.query(text))
            times.append(time.perf_counter() - started)
        out[name] = {"times": times, "rows": rows}
    return out


def _rdflib_child(graph: Any, text: str, runs: int, conn: Connection) -> None:
    for _ in range(runs):
        started = time.perf_counter()
        rows = len(list(graph.query(text)))
        conn.send((time.perf_counter() - started, rows))


def _rdflib(graph: Any, texts: dict[str, str], runs: int, cap: float) -> dict[str, dict[str, Any]]:
    fork = multiprocessing.get_context("fork")  # the child shares the loaded graph, copy-on-write
    out = {}
    for name, text in texts.items():
        parent, child = fork.Pipe()
        process = fork.Process(target=_rdflib_child, args=(graph, text, runs, child), daemon=True)
        process.start()
        times, rows, capped = [], None, False
        for _ in range(runs):
            if not parent.poll(cap):
                capped = True
                break
            seconds, rows = parent.recv()
            times.append(seconds)
        if process.is_alive():
            process.kill()
        process.join()
        out[name] = {"times": times, "rows": rows, "capped": capped}
        print(f"  rdflib {name}: {'> cap' if capped else f'{statistics.median(times):.2f} s'}", flush=True)
    return out


def _load_rdflib(path: Path) -> Any:
    import logging

    import rdflib

    logging.getLogger("rdflib").setLevel(logging.ERROR)  # it warns about IRIs it cannot serialise; we never do

    graph = rdflib.Graph()
    with gzip.open(path, "rb") as dump:
        graph.parse(dump, format="nt")
    return graph


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--release", help="a release directory (default: build one of the JSON corpus)")
    parser.add_argument("--corpus", help="the corpus folder (with ctgov-json/)")
    parser.add_argument("--runs", type=int, default=20, help="timed runs per query on the store")
    parser.add_argument("--rdflib-runs", type=int, default=3, help="timed runs per query on rdflib at most")
    parser.add_argument("--rdflib-cap", type=float, default=30.0, help="seconds an rdflib run may take")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    release = _release(args)
    store = q.open_store(str(release))
    _, top = q.run(store, q.resolve("top-sponsors"))
    params = {**PARAMS, "studies-of-sponsor": {"sponsor": top[0]["name"]}}
    texts = {name: q.prepared(c, params.get(name, {})) for name, c in sorted(q.canned().items())}
    triples = len(store)
    print(f"release {release}: {triples} triples; {len(texts)} canned queries; sponsor={top[0]['name']!r}")

    print(f"embedded store (pyoxigraph): {args.runs} runs per query ...", flush=True)
    ox_figures = _oxigraph(store, texts, args.runs)
    started = time.perf_counter()
    graph = _load_rdflib(release / "trialkg.nt.gz")
    print(f"rdflib: loaded {len(graph)} triples in {time.perf_counter() - started:.0f} s; "
          f"at most {args.rdflib_runs} runs per query, each capped at {args.rdflib_cap:g} s", flush=True)  # fmt: skip
    rdf_figures = _rdflib(graph, texts, args.rdflib_runs, args.rdflib_cap)

    print(f"\n{'query':30} {'rows':>6} {'store p50':>10} {'p95':>9} {'rdflib p50':>11} {'p95':>9} {'ratio p50':>10}")
    ratios, report = [], []
    for name in texts:
        ox_t, rd = ox_figures[name]["times"], rdf_figures[name]
        o50, o95 = statistics.median(ox_t), _percentile(ox_t, 95)
        if rd["times"] and not rd["capped"]:
            r50, r95 = statistics.median(rd["times"]), _percentile(rd["times"], 95)
            ratio, shown = r50 / o50, f"{r50 * 1000:9.0f}ms {r95 * 1000:7.0f}ms {r50 / o50:9.0f}x"
        else:
            r50 = r95 = None
            ratio = args.rdflib_cap / o50
            shown = f"{'> cap':>11} {'':>9} {'>' + format(ratio, '.0f') + 'x':>10}"
        ratios.append(ratio)
        same = rd["rows"] is None or rd["rows"] == ox_figures[name]["rows"]
        print(f"{name:30} {ox_figures[name]['rows']:6} {o50 * 1000:8.1f}ms {o95 * 1000:7.1f}ms {shown}"
              f"{'' if same else '  (rdflib rows: ' + str(rd['rows']) + ')'}")  # fmt: skip
        report.append({"query": name, "rows": ox_figures[name]["rows"], "store_p50": o50, "store_p95": o95,
                       "rdflib_p50": r50, "rdflib_p95": r95, "rdflib_capped": rd["capped"],
                       "rdflib_rows": rd["rows"], "ratio_p50": ratio})  # fmt: skip
    geo = math.exp(statistics.mean(math.log(r) for r in ratios))
    capped = sum(1 for r in report if r["rdflib_capped"])
    print(f"\ngeometric mean of the p50 ratios (rdflib / embedded store): {geo:.0f}x"
          f"{f' (a lower bound: {capped} queries hit the {args.rdflib_cap:g} s cap on rdflib)' if capped else ''}")
    if args.json:
        Path(args.json).write_text(json.dumps({"triples": triples, "queries": report, "geomean_ratio": geo}, indent=1))


if __name__ == "__main__":
    main()
