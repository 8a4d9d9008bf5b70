"""Real Oxigraph servers for the loading tests: ``oxigraph serve`` (the ``oxigraph`` package from PyPI) on a
free loopback port, each with its own temporary data directory.

The port is found by binding port 0 and letting it go (Oxigraph takes no port 0); the server is polled
until it answers (no fixed sleeps), and stopped by its pid; ``setpriv --pdeathsig`` makes sure none
outlives a test run, even one killed by SIGKILL.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from kg.load.loader import Loader, Target
from kg.load.protocol import Client
from kg.remote import RemoteEndpoint
from kg.stores import resolve
from tests.fixtures import stop, wait_until_answering
from tests.serve.known_release import build_known_release

STARTUP_SECONDS = 60


def oxigraph_command() -> str | None:
    script = Path(sys.executable).with_name("oxigraph")
    return str(script) if script.exists() else shutil.which("oxigraph")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class OxigraphServer:
    """One ``oxigraph serve`` process with its own data directory."""

    def __init__(self, location: Path, union: bool = False) -> None:
        binary = oxigraph_command()
        if binary is None:
            pytest.skip("the oxigraph server is not installed (pip install 'trialkg[dev]' brings it)")
        self.union, self.location = union, location
        command = [binary, "serve", "--location", str(location)]
        setpriv = shutil.which("setpriv")
        if setpriv:
            command = [setpriv, "--pdeathsig", "TERM", "--", *command]
        for _ in range(5):  # another process may take the free port before the server binds it
            port = free_port()
            self.url = f"http://127.0.0.1:{port}"
            self.log = location.with_suffix(".log")
            with open(self.log, "wb") as log:
                self.process = subprocess.Popen(
                    [*command, "--bind", f"127.0.0.1:{port}", *(["--union-default-graph"] if union else [])],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            if self._wait_until_answering():
                return
        raise RuntimeError(f"oxigraph serve did not start; its output:\n{self.log.read_text()}")

    @property
    def pid(self) -> int:
        return self.process.pid

    def _wait_until_answering(self) -> bool:
        """Whether it answers; not when it exited (e.g. the port was taken meanwhile: try another) or timed out."""
        ask = lambda: httpx.get(self.url + "/query", params={"query": "ASK {}"}, timeout=2).status_code == 200  # noqa: E731
        if wait_until_answering(self.process, ask, STARTUP_SECONDS, pause=0.02) is None:
            return True
        self.stop()
        return False

    def stop(self) -> None:
        stop(self.process)

    # helpers for the tests

    def loader(self, target: Target | None = None, **options: object) -> Loader:
        return Loader(resolve(self.url), Client(), target or Target(), **options)  # type: ignore[arg-type]

    def source(self, target: Target | None = None) -> RemoteEndpoint:
        target = target or Target()
        return RemoteEndpoint.connect(self.url, graph=target.graph, per_study=target.per_study)

    def quads(self) -> set[tuple[str, str]]:
        """Everything in the store, read through GSP: (graph IRI, or '' for the default graph; N-Triples line)."""
        response = httpx.get(self.url + "/store", headers={"Accept": "application/n-quads"}, timeout=300)
        response.raise_for_status()
        return {
            ("" if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value, f"{q.triple} .")
            for q in ox.parse(response.content, format=ox.RdfFormat.N_QUADS)
        }


Factory = Callable[..., OxigraphServer]


@pytest.fixture()
def oxigraph(tmp_path: Path) -> Iterator[Factory]:
    """Start fresh Oxigraph servers (``oxigraph(union=True)``), all stopped when the test ends."""
    started: list[OxigraphServer] = []

    def start(union: bool = False) -> OxigraphServer:
        server = OxigraphServer(tmp_path / f"oxigraph-{len(started)}", union=union)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def known(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small known release of the canned-query tests (tests/serve/known_release.py)."""
    return build_known_release(tmp_path_factory.mktemp("load-known"))
