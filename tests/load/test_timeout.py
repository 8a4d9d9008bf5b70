"""``trialkg load --timeout``: a store that never answers, one that refuses connections and one that stops
part-way are given up on in bounded time, with one line saying how much of the release the store holds.

The silent store is a real loopback listener that accepts connections and never answers; the store that
stops part-way is a real Oxigraph server fed a release whose dump ends too early.
"""

from __future__ import annotations

import gzip
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.errors import LoadError, QueryError
from kg.load.loader import release_info
from kg.load.protocol import Client
from kg.remote import RemoteEndpoint
from kg.stores import resolve
from kg.transport import Retry
from tests.load.conftest import Factory, free_port
from tests.test_cli_errors import ROOT, one_line, run_trialkg

FAST = Retry(attempts=4, backoff=0.01, cap=0.05)


class Silent:
    """A listener on loopback that accepts every connection, reads nothing and never answers."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        self.accepted: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return  # closed
            self.accepted.append(connection)

    def close(self) -> None:
        self.socket.close()
        for connection in self.accepted:
            connection.close()


@pytest.fixture()
def silent() -> Iterator[Silent]:
    server = Silent()
    yield server
    server.close()


def test_a_request_that_times_out_is_not_sent_again(silent: Silent) -> None:
    started = time.monotonic()
    with Client(retry=FAST, timeout=0.5) as client, pytest.raises(LoadError, match="did not answer within 0.5 s"):
        client.gsp("POST", silent.url + "/store", None, b"<urn:a> <urn:b> <urn:c> .\n")
    assert time.monotonic() - started < 5
    assert client.requests == 1 and len(silent.accepted) == 1


def test_a_query_that_times_out_is_not_sent_again(silent: Silent) -> None:
    source = RemoteEndpoint(resolve(silent.url), timeout=1, retry=FAST)
    with pytest.raises(QueryError, match="did not answer within 1 s"):
        source.count()
    assert len(silent.accepted) == 1


def test_load_gives_up_on_a_store_that_never_answers(known: Path, silent: Silent) -> None:
    _, _, expected = release_info(known)
    started = time.monotonic()
    line = one_line(run_trialkg(["load", str(known), "--endpoint", silent.url, "--timeout", "1", "--quiet"]))
    assert time.monotonic() - started < 30  # one timeout for the write, one for the count, and start-up
    assert "did not answer within 1 s" in line and "--timeout" in line
    assert f"gave up with 0 of the release's {expected:,} triples (void.ttl) acknowledged" in line
    assert "the store does not answer a count either" in line
    assert len(silent.accepted) == 2  # the write and the count, each once


def test_load_gives_up_on_a_store_that_refuses_connections(known: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    started = time.monotonic()
    line = one_line(run_trialkg(["load", str(known), "--endpoint", url, "--retries", "2", "--quiet"]))
    assert time.monotonic() - started < 30
    assert "cannot reach the store" in line and "does not answer a count either" in line


def test_when_it_gives_up_it_says_what_the_store_holds(known: Path, oxigraph: Factory, tmp_path: Path) -> None:
    release = tmp_path / "release"
    shutil.copytree(known, release)
    dump = release / "trialkg.nt.gz"
    dump.write_bytes(gzip.compress(gzip.decompress(dump.read_bytes()))[:-400])  # ends part-way
    server = oxigraph()
    line = one_line(run_trialkg(["load", str(release), "--endpoint", server.url, "--chunk", "100", "--quiet"]))
    held = len(server.quads())
    _, _, expected = release_info(release)
    assert 0 < held < expected and held % 100 == 0  # the whole chunks sent before the dump ended
    assert "trialkg.nt.gz: cannot be read: it ends too early" in line
    assert f"gave up with {held:,} of the release's {expected:,} triples (void.ttl) acknowledged" in line
    assert f"the store now holds {held:,} triples in the default graph" in line


def test_ctrl_c_is_one_line_and_exit_130(known: Path, silent: Silent) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "load", str(known), "--endpoint", silent.url, "--quiet"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # as in a terminal
    )
    deadline = time.monotonic() + 30
    while not silent.accepted and time.monotonic() < deadline:
        time.sleep(0.05)  # polling for the load's first request, not waiting for a result
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert (process.returncode, err.decode()) == (130, "trialkg: interrupted\n")
