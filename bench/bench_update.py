"""Benchmark ``trialkg update`` against a full rebuild, on a synthetic registry served by the stand-in API.

A registry of ``--studies`` studies (corpus JSON records replicated under fresh NCT ids) is served by the
test suite's stand-in (``tests/fetch/standin.py``, loopback only), fetched and built once (not compared).
Then ``--changed`` studies are updated in the registry (status, last update date) and its data timestamp
moves on; the release is brought up to date by ``update`` (fetch of the changes, the id listing, the
incremental rebuild), and the same fetch directory is built again in full, in the same run. Prints one
JSON line per step, the ratio full/update (of wall-clock and of CPU seconds), and checks both releases
hold the same triples (but for the build activities' IRIs).

At 100k studies a full build takes over an hour on two cores and a release ~23 GB of disk, so
``--baseline first`` takes the first full build (the same number of studies, 1 % of them in their older
version) as the full rebuild's time instead of building a second release; the equality of update and
rebuild is then left to the smaller runs and to ``tests/fetch/test_update.py``.

    .venv/bin/python bench/bench_update.py [--studies 100000] [--changed N] [--baseline rebuild|first]
                                           [--no-validate] [--keep DIR]
"""

from __future__ import annotations

import argparse
import copy
import gzip
import json
import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, corpus_dir, cpu_seconds
from synthetic import fresh_id

sys.path.insert(0, str(ROOT))

THEN, NOW, CHANGED_ON = "2026-08-10T09:00:05", "2026-08-11T09:00:07", "2026-08-11"


def _registry(studies: int, corpus: str | None) -> list[dict]:
    sources = sorted((corpus_dir(corpus) / "ctgov-json").glob("*.json"))
    records = [json.loads(p.read_text(encoding="utf-8")) for p in sources]
    out = []
    for index in range(studies):  # copies of the path to the id only: 100k deep copies do not fit in memory
        record = records[index % len(records)]
        protocol = dict(record["protocolSection"])
        identification = dict(protocol["identificationModule"], nctId=fresh_id(index))
        identification.pop("nctIdAliases", None)
        protocol["identificationModule"] = identification
        out.append(dict(record, protocolSection=protocol))
    return out


def _row(**values: object) -> None:
    print(json.dumps(values), flush=True)


def _peak_mb() -> dict[str, int]:
    """Peak resident memory of this process and of its largest child (workers, stores), in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    return {"main_peak_mb": own, "largest_child_peak_mb": children}


def _lines(path: Path) -> set[str]:
    build = re.compile(r"/build/[0-9a-f]{20}|build [0-9a-f]{20}")
    with gzip.open(path, "rt", encoding="utf-8") as dump:
        return {build.sub("/build/*", line.rstrip("\n")) for line in dump}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--studies", type=int, default=100_000)
    parser.add_argument("--changed", type=int, help="studies changed in the registry (default: 1%% of --studies)")
    parser.add_argument("--corpus", help="folder with ctgov-json/ (default: ../shared/corpus)")
    parser.add_argument(
        "--baseline",
        choices=("rebuild", "first"),
        default="rebuild",
        help="rebuild: build the new versions again in full (default); first: time the first full build instead",
    )
    parser.add_argument("--no-validate", action="store_true", help="skip SHACL validation in every build")
    parser.add_argument("--keep", help="work in this folder and keep it")
    args = parser.parse_args()
    changed = args.changed or max(1, args.studies // 100)
    validate = not args.no_validate
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="trialkg-bench-update-"))
    work.mkdir(parents=True, exist_ok=True)

    from kg.fetch.client import ApiClient
    from kg.fetch.fetch import fetch
    from kg.fetch.paging import Query
    from kg.fetch.update import update
    from kg.publish.build import build
    from tests.fetch.standin import StandIn

    server = StandIn(_registry(args.studies, args.corpus), timestamp=THEN).start()
    try:
        fetched, release, full = work / "fetched", work / "release", work / "full"
        clock = time.monotonic()
        with ApiClient(server.url, rate=0) as api:
            fetch(api, str(fetched), Query(), progress=False)
        _row(step="fetch", studies=args.studies, seconds=round(time.monotonic() - clock, 1))
        clock, cpu = time.monotonic(), cpu_seconds()
        build([str(fetched)], str(release), validate=validate, progress=False)
        first, first_cpu = time.monotonic() - clock, cpu_seconds() - cpu
        _row(step="first full build", seconds=round(first, 1), cpu_seconds=round(first_cpu, 1), **_peak_mb())

        for index in range(0, args.studies, max(1, args.studies // changed))[:changed]:
            study = copy.deepcopy(server.studies[fresh_id(index)])
            status = study["protocolSection"]["statusModule"]
            status["overallStatus"] = "TERMINATED" if status.get("overallStatus") != "TERMINATED" else "COMPLETED"
            status["lastUpdatePostDateStruct"] = {"date": CHANGED_ON, "type": "ACTUAL"}
            server.put(study)
        server.timestamp = NOW

        clock, cpu = time.monotonic(), cpu_seconds()
        result = update(str(release), api_url=server.url, rate=0, progress=False, validate=validate)
        incremental, incremental_cpu = time.monotonic() - clock, cpu_seconds() - cpu
        summary = result.summary
        _row(
            step="update",
            changed=result.changed,
            written=result.written,
            converted=summary.converted,
            reused=summary.reused,
            requests=result.requests,
            seconds=round(incremental, 1),
            cpu_seconds=round(incremental_cpu, 1),
            parts={k: round(v, 1) for k, v in result.seconds.items()},
            **_peak_mb(),
        )
        same: bool | None = None
        if args.baseline == "first":
            rebuild, rebuild_cpu = first, first_cpu
        else:
            clock, cpu = time.monotonic(), cpu_seconds()
            build([str(fetched)], str(full), validate=validate, progress=False)
            rebuild, rebuild_cpu = time.monotonic() - clock, cpu_seconds() - cpu
            _row(step="full rebuild", seconds=round(rebuild, 1), cpu_seconds=round(rebuild_cpu, 1))
            same = _lines(release / "trialkg.nt.gz") == _lines(full / "trialkg.nt.gz")
        _row(
            studies=args.studies,
            changed=changed,
            baseline=args.baseline,
            update_seconds=round(incremental, 1),
            full_seconds=round(rebuild, 1),
            ratio=round(rebuild / incremental, 2),
            cpu_ratio=round(rebuild_cpu / incremental_cpu, 2),  # CPU time: less sensitive to other work
            same_triples=same,
        )
    finally:
        server.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
