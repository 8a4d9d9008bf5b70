"""Slow and abusive clients, on a real server with short read limits: slow senders are dropped,
connections over the limit are refused, every such answer has the JSON error shape, and the log
stays a few lines long however many clients misbehave."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.serve.conftest import Server

READ_TIMEOUT = 1.0
MAX_CONNECTIONS = 32


@pytest.fixture(scope="module")
def guarded(known_release: Path) -> Iterator[Server]:
    running = Server(known_release, "--read-timeout", str(READ_TIMEOUT), "--max-connections", str(MAX_CONNECTIONS))
    yield running
    running.stop()


def _connect(server: Server) -> socket.socket:
    host, port = server.url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def _answer(sock: socket.socket) -> tuple[int, dict[str, object]]:
    """The status and JSON error of the response on ``sock`` (read until the server closes it)."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


def test_slow_senders_are_dropped_and_others_still_served(guarded: Server) -> None:
    socks = [_connect(guarded) for _ in range(20)]
    closed_after: list[float] = []
    started = time.monotonic()

    def drip(sock: socket.socket) -> None:
        try:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
            for i in range(20):  # a header line every 0.3 s: never a whole request
                time.sleep(0.3)
                sock.sendall(f"X-Slow-{i}: y\r\n".encode())
        except OSError:
            pass
        closed_after.append(time.monotonic() - started)

    threads = [threading.Thread(target=drip, args=(s,)) for s in socks]
    for t in threads:
        t.start()
    with httpx.Client(base_url=guarded.url, timeout=10) as http:
        assert http.get("/queries/top-sponsors.json").status_code == 200
    status, body = _answer(socks[0])
    assert status == 408 and body["error"]["title"] == "Request timeout"  # type: ignore[index]
    for t in threads:
        t.join(15)
    assert len(closed_after) == 20 and max(closed_after) < READ_TIMEOUT + 3  # not the 6 s they would take
    for s in socks:
        s.close()


def test_connections_over_the_limit_are_refused_then_served_again(guarded: Server) -> None:
    idle = [_connect(guarded) for _ in range(MAX_CONNECTIONS + 10)]
    refused = 0
    for sock in idle[MAX_CONNECTIONS:]:
        status, body = _answer(sock)
        refused += status == 503 and body["error"]["title"] == "Too many connections"  # type: ignore[index]
    assert refused >= 10
    time.sleep(READ_TIMEOUT + 0.5)  # the idle ones are dropped by the read timeout
    with httpx.Client(base_url=guarded.url, timeout=10) as http:
        assert http.get("/").status_code == 200
    for s in idle:
        s.close()


def test_errors_of_the_http_layer_have_the_json_shape(guarded: Server) -> None:
    sock = _connect(guarded)
    sock.sendall(b"NOT HTTP AT ALL\r\n\r\n")
    status, body = _answer(sock)
    assert status == 400 and set(body["error"]) == {"status", "title", "detail", "hint"}  # type: ignore[call-overload]
    with httpx.Client(base_url=guarded.url, timeout=10) as http:
        big = http.post("/sparql", content=b"x" * 1_000_001, headers={"Content-Type": "application/sparql-query"})
        assert big.status_code == 413 and big.headers["content-type"].startswith("application/json")
        assert big.json()["error"]["title"] == "Request too large"


def test_a_client_leaving_mid_body_is_no_bug_and_the_log_stays_short(guarded: Server) -> None:
    for _ in range(30):
        sock = _connect(guarded)
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 1000\r\n\r\nSELECT"
        )
        sock.close()
    with httpx.Client(base_url=guarded.url, timeout=10) as http:
        assert http.get("/").status_code == 200
    log = "".join(guarded.log)
    assert "bug" not in log and "Traceback" not in log
    assert log.count("connections dropped") <= 2  # one summary line, not one per connection
