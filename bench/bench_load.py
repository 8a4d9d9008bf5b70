"""Benchmark `trialkg load` through the SPARQL protocols against Oxigraph's own offline bulk loader.

Both load the same dump into a fresh Oxigraph store: `trialkg load DIR --endpoint URL` through the Graph
Store Protocol into a fresh `oxigraph serve` (timed end to end: the command, its chunked uploads and the
verifying count), and `oxigraph load --location NEW --file DUMP` (timed end to end too; no server). Speed
is reported in triples per second for each, and their ratio.

    .venv/bin/python bench/bench_load.py [--release DIR] [--per-study] [--method gsp|update] [--chunk N]

Without --release, a release of the JSON corpus is built first (not timed).
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import common  # noqa: E402  (bench/: the release measured)

BIN = Path(sys.executable).parent


def _oxigraph() -> str:
    found = BIN / "oxigraph" if (BIN / "oxigraph").exists() else shutil.which("oxigraph")
    if not found:
        sys.exit("no `oxigraph` command: pip install 'trialkg[server]'")
    return str(found)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(location: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    command = [_oxigraph(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    if shutil.which("setpriv"):
        command = ["setpriv", "--pdeathsig", "TERM", "--", *command]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline, pause = time.monotonic() + 60, 0.02
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=2):
                return server, url
        except OSError:
            time.sleep(pause)  # polling interval
            pause = min(pause * 2, 0.5)
    server.terminate()
    sys.exit("oxigraph serve did not start")


def _count(location: Path, per_study: bool) -> int:
    pattern = "GRAPH ?g { ?s ?p ?o }" if per_study else "?s ?p ?o"
    done = subprocess.run(
        [
            _oxigraph(),
            "query",
            "--location",
            str(location),
            "--results-format",
            "csv",
            "--query",
            f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--release", help="a release directory (default: build one of the JSON corpus)")
    parser.add_argument("--per-study", action="store_true", help="load trialkg.nq.gz, one graph per study")
    parser.add_argument("--method", choices=["gsp", "update"], default="gsp")
    parser.add_argument("--chunk", type=int, default=50_000)
    args = parser.parse_args()

    from kg.load.loader import release_info
    from kg.publish import release as layout

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        release = common.release(args.release)
        _, version, triples = release_info(release)
        dump = release / (layout.NQUADS if args.per_study else layout.NTRIPLES)
        print(f"release                 {release} ({version}), {triples:,} triples, {dump.name}")

        server, url = _serve(tmp / "served")
        try:
            layout_option = ["--per-study"] if args.per_study else []
            command = [
                str(BIN / "trialkg"),
                "load",
                str(release),
                "--endpoint",
                url,
                "--quiet",
                "--method",
                args.method,
                "--chunk",
                str(args.chunk),
                *layout_option,
            ]
            started = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True)
            protocol_seconds = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(30)
        if done.returncode != 0:
            sys.exit(f"trialkg load failed:\n{done.stdout}{done.stderr}")
        sent = next(line for line in done.stdout.splitlines() if line.startswith("sent"))

        started = time.perf_counter()
        subprocess.run(
            [_oxigraph(), "load", "--location", str(tmp / "bulk"), "--file", str(dump)], capture_output=True, check=True
        )
        bulk_seconds = time.perf_counter() - started
        bulk_count = _count(tmp / "bulk", args.per_study)
        if bulk_count != triples:
            sys.exit(f"oxigraph load gave {bulk_count} triples, the release has {triples}")

        protocol_rate, bulk_rate = triples / protocol_seconds, triples / bulk_seconds
        print(
            f"trialkg load ({args.method})     {protocol_rate:10,.0f} triples/s  ({protocol_seconds:.1f} s, verified)"
        )
        print(f"  of which uploads      {sent.split('(')[-1].rstrip(')')}")
        print(f"oxigraph load (bulk)    {bulk_rate:10,.0f} triples/s  ({bulk_seconds:.1f} s)")
        print(f"protocol / bulk ratio   {protocol_rate / bulk_rate:10.3f}")


if __name__ == "__main__":
    main()
