"""Load on `trialkg serve`: well-behaved clients with abusive ones mixed in, on loopback, for a bounded time.

The well-behaved clients (``--clients``, each from its own loopback address) loop a mix of canned
queries, resource pages, short ad-hoc SPARQL queries, the home page and VoID. The baseline run has
them alone; the run after it adds abusive clients: ``--runaway`` clients looping queries that run
into the timeout, ``--slowloris`` connections sending a header line every two seconds, and
``--slow-readers`` downloading the Turtle dump a kilobyte a second. Both runs report requests/s and
p50/p95/p99 per kind, with errors and 5xx of the well-behaved clients, and the ratio of the second
run's p95 to the baseline's. Everything runs on 127.0.0.0/8; nothing else is contacted.

    python bench/bench_serve.py [--release DIR] [--clients 100] [--seconds 30]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import re
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import httpx
from common import ROOT, release

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
ADHOC = [
    "PREFIX tkg: <https://w3id.org/trialkg/ontology#> SELECT ?s WHERE { ?s a tkg:ClinicalStudy } LIMIT 20",
    "ASK { ?s ?p ?o }",
    "SELECT ?p (COUNT(*) AS ?n) WHERE { <%s> ?p ?o } GROUP BY ?p",
]


def start_server(path: Path, workers: int, timeout: float) -> tuple[subprocess.Popen[str], str]:
    script = Path(sys.executable).with_name("trialkg")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "kg"]
    args = ["serve", str(path), "--port", "0", "--workers", str(workers), "--timeout", str(timeout)]
    process = subprocess.Popen([*command, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        found = re.search(r"serving .* at (http://\S+)", line)
        if found:
            subprocess.Popen(["cat"], stdin=process.stdout, stdout=subprocess.DEVNULL)  # keep its pipe drained
            return process, found.group(1).rstrip("/")
    sys.exit("trialkg serve did not start")


class Record:
    def __init__(self) -> None:
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.server_errors: dict[str, int] = defaultdict(int)


async def well_behaved(url: str, address: str, data: dict[str, list[str]], until: float, rec: Record) -> None:
    studies, canned = data["studies"], data["canned"]
    transport = httpx.AsyncHTTPTransport(local_address=address)
    async with httpx.AsyncClient(base_url=url, timeout=60, transport=transport) as http:
        while time.monotonic() < until:
            roll = random.random()
            if roll < 0.4:
                kind, request = "canned", http.get(f"/queries/{random.choice(canned)}.json")
            elif roll < 0.8:
                turtle = {"Accept": "text/turtle"}
                kind, request = "resource", http.get(f"/trial/{random.choice(studies)}", headers=turtle)
            elif roll < 0.9:
                text = random.choice(ADHOC).replace("%s", f"https://w3id.org/trialkg/trial/{random.choice(studies)}")
                kind, request = "sparql", http.get("/sparql", params={"query": text})
            else:
                kind, request = "page", http.get(random.choice(["/", "/.well-known/void", "/downloads"]))
            started = time.monotonic()
            try:
                response = await request
                status = response.status_code
            except httpx.HTTPError:
                status = 599
            rec.times[kind].append(time.monotonic() - started)
            if status >= 400:
                rec.errors[kind] += 1
            if status >= 500:
                rec.server_errors[kind] += 1


async def runaway(url: str, address: str, until: float, outcomes: dict[int, int]) -> None:
    transport = httpx.AsyncHTTPTransport(local_address=address)
    async with httpx.AsyncClient(base_url=url, timeout=120, transport=transport) as http:
        while time.monotonic() < until:
            try:
                outcomes[(await http.get("/sparql", params={"query": SLOW})).status_code] += 1
            except httpx.HTTPError:
                outcomes[599] += 1


async def slowloris(host: str, port: int, until: float, dropped: list[int]) -> None:
    with contextlib.suppress(OSError):
        reader, writer = await asyncio.open_connection(host, port, local_addr=("127.0.0.250", 0))
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n")
        while time.monotonic() < until:
            await asyncio.sleep(2)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(reader.read(4096), 0.01)  # the 408, or the end: the server dropped us
                dropped.append(1)
                return
            writer.write(b"X-Slow: y\r\n")
            await writer.drain()
        writer.close()


async def slow_reader(host: str, port: int, until: float) -> None:
    with contextlib.suppress(OSError):
        reader, writer = await asyncio.open_connection(host, port, local_addr=("127.0.0.251", 0))
        writer.write(b"GET /downloads/trialkg.ttl HTTP/1.1\r\nHost: x\r\n\r\n")
        while time.monotonic() < until and await reader.read(1024):
            await asyncio.sleep(1)
        writer.close()


async def run(
    url: str, clients: int, seconds: float, abuse: argparse.Namespace | None, data: dict[str, list[str]]
) -> Record:
    rec, until = Record(), time.monotonic() + seconds
    host, port = url.removeprefix("http://").split(":")
    tasks = [well_behaved(url, f"127.0.1.{1 + i % 250}", data, until, rec) for i in range(clients)]
    outcomes: dict[int, int] = defaultdict(int)
    dropped: list[int] = []
    if abuse:
        tasks += [runaway(url, f"127.0.2.{1 + i}", until, outcomes) for i in range(abuse.runaway)]
        tasks += [slowloris(host, int(port), until, dropped) for _ in range(abuse.slowloris)]
        tasks += [slow_reader(host, int(port), until) for _ in range(abuse.slow_readers)]
    started = time.monotonic()
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - started
    total = sum(len(t) for t in rec.times.values())
    print(f"  {total} well-behaved requests in {elapsed:.1f} s: {total / elapsed:.1f} requests/s")
    print(f"  {'kind':9} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6} {'5xx':>4}")
    for kind in sorted(rec.times):
        p = statistics.quantiles(rec.times[kind], n=100, method="inclusive") if len(rec.times[kind]) > 1 else [0] * 99
        print(
            f"  {kind:9} {len(rec.times[kind]):8} {p[49] * 1000:8.0f} {p[94] * 1000:8.0f} {p[98] * 1000:8.0f} "
            f"{rec.errors[kind]:6} {rec.server_errors[kind]:4}"
        )
    if abuse:
        print(
            f"  runaway queries: {dict(sorted(outcomes.items()))} (status: count); "
            f"slowloris connections dropped: {len(dropped)} of {abuse.slowloris}"
        )
    return rec


def p95(rec: Record, kind: str) -> float:
    values = rec.times.get(kind, [])
    return statistics.quantiles(values, n=100, method="inclusive")[94] if len(values) > 1 else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--release", help="a release directory (default: one built from the JSON corpus now)")
    parser.add_argument("--corpus")
    parser.add_argument("--clients", type=int, default=100, help="well-behaved clients (50-200)")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the run with abusive clients")
    parser.add_argument("--runaway", type=int, default=2)
    parser.add_argument("--slowloris", type=int, default=50)
    parser.add_argument("--slow-readers", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=10.0)
    args = parser.parse_args()
    path = release(args.release, args.corpus)
    process, url = start_server(path, args.workers, args.timeout)
    try:
        listing = httpx.get(f"{url}/queries").json()["queries"]
        canned = [q["name"] for q in listing if not q["params"]]
        studies = [row["nct_id"] for row in httpx.get(f"{url}/queries/trial-summary.json", timeout=60).json()["rows"]]
        data = {"studies": studies, "canned": canned}
        print(
            f"release {path}: {len(studies)} studies; {args.workers} workers, timeout {args.timeout:g} s; "
            f"{args.clients} well-behaved clients"
        )
        for name in canned:  # warm-up, not timed: each canned answer is computed once, then kept
            httpx.get(f"{url}/queries/{name}.json", timeout=120)
        print(f"baseline: well-behaved clients alone, {args.seconds / 2:g} s")
        base = asyncio.run(run(url, args.clients, args.seconds / 2, None, data))
        print(
            f"with abuse: + {args.runaway} runaway, {args.slowloris} slowloris, {args.slow_readers} slow readers, "
            f"{args.seconds:g} s"
        )
        loaded = asyncio.run(run(url, args.clients, args.seconds, args, data))
        for kind in ("canned", "resource"):
            ratio = p95(loaded, kind) / p95(base, kind) if p95(base, kind) else float("nan")
            print(
                f"p95 {kind}: {p95(loaded, kind) * 1000:.0f} ms with abuse, {p95(base, kind) * 1000:.0f} ms alone "
                f"(ratio {ratio:.2f})"
            )
        print(
            f"5xx for well-behaved clients: {sum(loaded.server_errors.values())} with abuse, "
            f"{sum(base.server_errors.values())} alone"
        )
    finally:
        process.terminate()
        process.wait(15)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
