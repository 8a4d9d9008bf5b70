"""Benchmark the canned queries on the corpus release: latency (p50, p95) on the embedded store that
`trialkg query` and `trialkg serve` use (pyoxigraph, the release's store/), against rdflib's own
in-memory SPARQL engine on the same triples (the release's trialkg.nt.gz), as a ratio rdflib / store.

    .venv/bin/python bench/bench_queries.py [--release DIR | --corpus DIR] [--runs 20] [--rdflib-runs 3]
                                            [--rdflib-cap 30] [--store-cap 60] [--no-rdflib] [--json OUT]

Each query runs in a forked child (which opens the store, or shares rdflib's loaded graph), so that a
run can be stopped. rdflib is very slow on some of these queries (nested aggregates over half a
million triples), so its work is capped: at most --rdflib-runs runs, and a run longer than
--rdflib-cap seconds is killed; such a query is reported as "> cap" and its ratio as a lower bound
(">"). A query that exceeds --store-cap on the store is reported and left out (it is not run on rdflib).
Latency is the time to evaluate the query and read every row; the store gets one warm-up run first.
Without --release, a release of the JSON corpus is built first (without SHACL validation). A query with a
``batch`` header (trial-summary) is also measured as `trialkg query` runs it, streamed batch by batch of
studies (:func:`kg.query.stream`): the time to its first row and to its last. --no-rdflib measures the
store alone (a release too big for rdflib's memory, e.g. bench_scale's 100k).
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import multiprocessing
import re
import statistics
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import common  # noqa: E402  (bench/: the release measured; puts the project on sys.path)

from kg import query as q  # noqa: E402

#: Values for the queries' parameters, by parameter name ("sponsor": the release's top sponsor).
VALUES = {"mesh": "D001249", "country": "US"}


def _value(param: q.Param, values: dict[str, str]) -> str:
    """A value for a parameter: ours by its name, else the example its description gives ("e.g. X")."""
    found = re.search(r"e\.g\.\s+([^\s,;()]+)", param.description)
    return values.get(param.name) or (found.group(1) if found else "")


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def _child(open_engine: Callable[[], Callable[[str], int]], text: str, runs: int, conn: Connection) -> None:
    """In a forked child: open the engine, then run ``text`` ``runs`` times, sending (seconds, rows) each time."""
    run = open_engine()
    for _ in range(runs):
        started = time.perf_counter()
        rows = run(text)
        conn.send((time.perf_counter() - started, rows))


def _measure(
    label: str,
    open_engine: Callable[[], Callable[[str], int]],
    texts: dict[str, str],
    runs: int,
    warmup: int,
    cap: float,
) -> dict[str, dict[str, Any]]:
    """Per query, a forked child runs it ``warmup`` + ``runs`` times; a run longer than ``cap`` s is killed."""
    fork = multiprocessing.get_context("fork")  # rdflib's graph is shared with the child, copy-on-write
    out = {}
    for name, text in texts.items():
        parent, child = fork.Pipe()
        process = fork.Process(target=_child, args=(open_engine, text, warmup + runs, child), daemon=True)
        process.start()
        times: list[float] = []
        rows, capped = None, False
        for i in range(warmup + runs):
            if not parent.poll(cap):
                capped = True
                break
            seconds, rows = parent.recv()
            if i >= warmup:
                times.append(seconds)
        if process.is_alive():
            process.kill()
        process.join()
        out[name] = {"times": times, "rows": rows, "capped": capped}
        print(f"  {label} {name}: {'> cap' if capped else f'{statistics.median(times):.3f} s'}", flush=True)
    return out


def _store_engine(path: str) -> Callable[[], Callable[[str], int]]:
    def open_engine() -> Callable[[str], int]:
        store = q.open_store(path)  # opened in the child: a store handle does not survive a fork
        return lambda text: sum(1 for _ in store.query(text))

    return open_engine


def _rdflib_engine(graph: Any) -> Callable[[], Callable[[str], int]]:
    return lambda: lambda text: len(list(graph.query(text)))


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
    parser.add_argument("--store-cap", type=float, default=60.0, help="seconds a run on the store may take")
    parser.add_argument("--no-rdflib", action="store_true", help="measure the embedded store only")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    release = common.release(args.release, args.corpus)
    store = q.open_store(str(release))
    _, top = q.run(store, q.resolve("top-sponsors"))
    triples = len(store)
    del store  # closed before the children fork
    values = {**VALUES, "sponsor": top[0]["name"]}
    canned = sorted(q.canned().items())
    texts = {name: q.prepared(c, {p.name: _value(p, values) for p in c.params}) for name, c in canned}
    print(f"release {release}: {triples} triples; {len(texts)} canned queries; sponsor={top[0]['name']!r}")

    print(
        f"embedded store (pyoxigraph): a warm-up and {args.runs} runs per query, each capped at {args.store_cap:g} s",
        flush=True,
    )
    ox_figures = _measure("store", _store_engine(str(release)), texts, args.runs, 1, args.store_cap)
    streamed = {name: _streamed(release, c) for name, c in canned if c.batch}
    if args.no_rdflib:
        print(f"\n{'query':32} {'rows':>6} {'store p50':>10} {'p95':>10}")
        report = [_row(n, ox_figures[n], None, args.rdflib_cap, rdflib=False) for n in texts]
        _print_streamed(streamed)
        if args.json:
            Path(args.json).write_text(
                json.dumps({"triples": triples, "queries": report, "streamed": streamed}, indent=1)
            )
        return
    started = time.perf_counter()
    graph = _load_rdflib(release / "trialkg.nt.gz")
    print(
        f"rdflib: loaded {len(graph)} triples in {time.perf_counter() - started:.0f} s; "
        f"at most {args.rdflib_runs} runs per query, each capped at {args.rdflib_cap:g} s",
        flush=True,
    )
    runnable = {n: text for n, text in texts.items() if not ox_figures[n]["capped"]}  # the rest would cap too
    rdf_figures = _measure("rdflib", _rdflib_engine(graph), runnable, args.rdflib_runs, 0, args.rdflib_cap)
    print(f"\n{'query':32} {'rows':>6} {'store p50':>10} {'p95':>10} {'rdflib p50':>11} {'p95':>10} {'ratio':>7}")
    report = [_row(n, ox_figures[n], rdf_figures.get(n), args.rdflib_cap) for n in texts]
    _print_streamed(streamed)
    ratios = [r["ratio_p50"] for r in report if r["ratio_p50"] is not None]
    geo = math.exp(statistics.mean(math.log(r) for r in ratios))
    capped = sum(1 for r in report if r["rdflib_capped"])
    print(
        f"\ngeometric mean of the p50 ratios (rdflib / embedded store) over {len(ratios)} queries: {geo:.0f}x"
        f"{f' (a lower bound: {capped} of them hit the {args.rdflib_cap:g} s cap on rdflib)' if capped else ''}"
    )
    if args.json:
        figures = {"triples": triples, "queries": report, "streamed": streamed, "geomean_ratio": geo}
        Path(args.json).write_text(json.dumps(figures, indent=1))


def _streamed(release: Path, query: q.CannedQuery, runs: int = 3) -> dict[str, float]:
    """Seconds to the first row and to the last of ``query`` streamed as `trialkg query` runs it (p50)."""
    first, last = [], []
    for _ in range(runs):
        started = time.perf_counter()
        _, rows = q.stream(q.open_store(str(release)), query)
        for index, _row in enumerate(rows):
            if index == 0:
                first.append(time.perf_counter() - started)
        last.append(time.perf_counter() - started)
    return {"first_row_p50": statistics.median(first), "all_rows_p50": statistics.median(last)}


def _print_streamed(streamed: dict[str, dict[str, float]]) -> None:
    for name, figures in streamed.items():
        print(
            f"{name} streamed by batches of studies: first row {_ms(figures['first_row_p50'])}, "
            f"all rows {_ms(figures['all_rows_p50'])} (p50)"
        )


def _ms(seconds: float | None) -> str:
    return "> cap" if seconds is None else f"{seconds * 1000:.1f}ms" if seconds < 1 else f"{seconds:.2f}s"


def _row(
    name: str, ox_fig: dict[str, Any], rd: dict[str, Any] | None, rdflib_cap: float, rdflib: bool = True
) -> dict[str, Any]:
    """One line of the table, printed, and its figures (the store's alone without ``rdflib``)."""
    o50 = o95 = r50 = r95 = ratio = None
    if not ox_fig["capped"]:
        o50, o95 = statistics.median(ox_fig["times"]), _percentile(ox_fig["times"], 95)
    rd = rd or {"times": [], "rows": None, "capped": True}
    if rd["times"] and not rd["capped"]:
        r50, r95 = statistics.median(rd["times"]), _percentile(rd["times"], 95)
    if o50 is not None:
        ratio = (r50 if r50 is not None else rdflib_cap) / o50
    shown = "n/a" if ratio is None else f"{'>' if r50 is None else ''}{ratio:.0f}x"
    rows = ox_fig["rows"] if ox_fig["rows"] is not None else "?"
    differ = rd["rows"] is not None and rd["rows"] != ox_fig["rows"]
    store = {
        "query": name,
        "rows": ox_fig["rows"],
        "store_p50": o50,
        "store_p95": o95,
        "store_capped": ox_fig["capped"],
    }
    if not rdflib:
        print(f"{name:32} {rows:>6} {_ms(o50):>10} {_ms(o95):>10}")
        return store
    print(
        f"{name:32} {rows:>6} {_ms(o50):>10} {_ms(o95):>10} {_ms(r50):>11} {_ms(r95):>10} {shown:>7}"
        f"{'  (rdflib rows: ' + str(rd['rows']) + ')' if differ else ''}"
    )
    return {
        **store,
        "rdflib_p50": r50,
        "rdflib_p95": r95,
        "rdflib_capped": rd["capped"],
        "rdflib_rows": rd["rows"],
        "ratio_p50": ratio,
    }


if __name__ == "__main__":
    main()
