"""Benchmark the fast SHACL engine against pySHACL, the reference engine, on the same batches.

The first --studies studies of a release are batched as the build batches them (--batch studies a batch,
with the shared nodes they point to) and validated by both engines, one after the other in this process.
Speed is reported in studies per second for each, and their ratio; the two reports must be equal.

    .venv/bin/python bench/bench_validate.py [--release DIR] [--studies 500] [--batch 40]

Without --release, a release of the JSON corpus is built first (not timed).
"""

from __future__ import annotations

import argparse
import itertools
import logging
import sys
import time

import common  # noqa: E402  (bench/: the release measured)
import pyoxigraph as ox

from kg.validation.engine import batches
from kg.validation.engines import new_validator


def _timed(engine: str, groups: list[list[str]]) -> tuple[float, set[tuple[str, ...]]]:
    validator = new_validator(engine)  # loading the shapes is not timed
    start = time.perf_counter()
    report = validator.validate_batches(groups)
    return time.perf_counter() - start, {r.key() for r in report}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--release", help="a release directory (default: build one of the JSON corpus)")
    parser.add_argument("--corpus", help="the corpus folder (default: $TRIALKG_CORPUS or ../shared/corpus)")
    parser.add_argument("--studies", type=int, default=500, help="studies to validate (default 500)")
    parser.add_argument("--batch", type=int, default=40, help="studies per batch (default 40, as the build)")
    args = parser.parse_args()
    release = common.release(args.release, args.corpus)
    store = ox.Store.read_only(str(release / "store"))
    count = -(-args.studies // args.batch)
    groups = list(itertools.islice(batches(store, args.batch), count))
    studies = min(args.studies, count * args.batch)
    logging.disable(logging.WARNING)  # rdflib logs each ill-typed literal it meets
    lines = sum(len(g) for g in groups)
    print(f"{studies} studies in {len(groups)} batches ({lines:,} triples) from {release}", flush=True)
    fast, ours = _timed("fast", groups)
    print(f"fast      {fast:8.2f} s  {studies / fast:8.1f} studies/s", flush=True)
    reference, theirs = _timed("pyshacl", groups)
    print(f"pyshacl   {reference:8.2f} s  {studies / reference:8.1f} studies/s")
    print(f"ratio     {reference / fast:8.1f}x faster, {len(ours)} results, same as pySHACL's: {ours == theirs}")
    if ours != theirs:
        sys.exit("the engines disagree: see tests/validation/test_fast_engine.py")


if __name__ == "__main__":
    main()
