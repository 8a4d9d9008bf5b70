"""The app for the serving tests, in process or as a real server.

``client``: the app over the known release, driven in this process by Starlette's test client (its
lifespan runs: real query workers, no socket), for tests of what the app answers. ``server`` and
``http``: ``trialkg serve`` started as a subprocess on a free port, for tests of the server process
itself (limits, workers, slow clients, reload, SERVICE forgery, the command line). The server is asked
for port 0, prints the URL it got, and is polled until it answers (no fixed sleeps); it is stopped by
its pid, and its query workers go with it.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from kg.serve.app import create_app
from kg.serve.pool import Limits
from kg.serve.site import Settings
from tests.fixtures import stop, wait_until_answering
from tests.serve.known_release import build_known_release

STARTUP_SECONDS = 60
#: The address the in-process client sends its requests to (never resolved: no socket is opened).
TEST_URL = "http://testserver"


class Server:
    """One ``trialkg serve`` process."""

    def __init__(self, release: Path, *options: str, trialkg: Path | None = None, cwd: Path | None = None) -> None:
        """``trialkg``: the command to start (default: this environment's); ``cwd``: where to start it."""
        script = trialkg or Path(sys.executable).with_name("trialkg")
        command = [str(script)] if script.exists() else [sys.executable, "-m", "kg"]
        setpriv = shutil.which("setpriv")
        if setpriv:  # the server gets SIGTERM if pytest dies, even by SIGKILL: none outlives a test run
            command = [setpriv, "--pdeathsig", "TERM", "--", *command]
        self.output: queue.Queue[str] = queue.Queue()
        self.log: list[str] = []
        self.process = subprocess.Popen(
            [*command, "serve", str(release), "--host", "127.0.0.1", "--port", "0", *options],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            cwd=cwd,
        )
        threading.Thread(target=self._read, daemon=True).start()
        self.url = self._wait_for_url()
        self._wait_until_answering()

    @property
    def pid(self) -> int:
        return self.process.pid

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.log.append(line)
            self.output.put(line)

    def _fail(self, why: str) -> None:
        self.stop()
        raise RuntimeError(f"trialkg serve {why}; its output:\n{''.join(self.log)}")

    def _wait_for_url(self) -> str:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            try:
                line = self.output.get(timeout=0.2)
            except queue.Empty:
                if self.process.poll() is not None:
                    self._fail(f"exited with {self.process.returncode}")
                continue
            found = re.search(r"serving .* at (http://\S+)", line)
            if found:
                return found.group(1).rstrip("/")
        self._fail(f"printed no URL within {STARTUP_SECONDS} s")
        raise AssertionError("unreachable")

    def _wait_until_answering(self) -> None:
        why = wait_until_answering(
            self.process, lambda: httpx.get(self.url + "/", timeout=2).status_code == 200, STARTUP_SECONDS
        )
        if why is not None:
            self._fail(why)

    def children(self) -> set[int]:
        """The pids of the server's query workers (Linux /proc), minus multiprocessing's resource tracker."""
        found = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                cmdline = (stat.parent / "cmdline").read_bytes()
            except OSError:
                continue
            if int(fields[1]) == self.pid and b"spawn_main" in cmdline and fields[0] != "Z":
                found.add(int(stat.parent.name))
        return found

    def stop(self) -> None:
        stop(self.process)


@pytest.fixture(scope="session")
def known_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_known_release(tmp_path_factory.mktemp("serve"))


@pytest.fixture(scope="session")
def server(known_release: Path) -> Iterator[Server]:
    running = Server(known_release, "--workers", "2")
    yield running
    running.stop()


@pytest.fixture()
def http(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


def app_client(release: Path, workers: int = 2) -> TestClient:
    """A test client over the app for ``release``; use it as a context manager (that runs the lifespan)."""
    app = create_app(Settings(str(release), limits=Limits(workers=workers)))
    return TestClient(app, base_url=TEST_URL, raise_server_exceptions=True)


@pytest.fixture(scope="session")
def client(known_release: Path) -> Iterator[TestClient]:
    with app_client(known_release) as running:
        yield running
