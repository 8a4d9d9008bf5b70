"""The per-query timeout and the result cap, on a server started with tiny limits: a query over the
timeout is refused with a clear error, its worker is killed and replaced (no hung worker), and the
server goes on answering."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from tests.serve.conftest import Server

TIMEOUT = 1.0
#: A cross join of the whole release with itself, four times: hundreds of billions of solutions.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def strict(known_release: Path) -> Iterator[Server]:
    running = Server(known_release, "--timeout", str(TIMEOUT), "--max-results", "20", "--workers", "1")
    yield running
    running.stop()


@pytest.fixture()
def client(strict: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=strict.url, timeout=30) as c:
        yield c


def _wait_for(check: object, seconds: float = 30) -> None:
    deadline, pause = time.monotonic() + seconds, 0.05
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(pause)
        pause = min(pause * 2, 0.5)
    raise AssertionError("condition not met in time")


def test_a_query_over_the_timeout_is_stopped_with_a_clear_error(strict: Server, client: httpx.Client) -> None:
    linux = sys.platform.startswith("linux")
    before = strict.children() if linux else set()
    started = time.monotonic()
    response = client.get("/sparql", params={"query": SLOW})
    took = time.monotonic() - started
    assert response.status_code == 504
    error = response.json()["error"]
    assert error["title"] == "Query timed out" and f"{TIMEOUT:g} s" in error["detail"] and error["hint"]
    assert took < TIMEOUT + 5  # answered at the timeout, not when the query would have ended
    # the worker that ran it is gone and a fresh one serves the next query
    ok = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert ok.status_code == 200 and ok.json()["boolean"] is True
    if linux:
        assert len(before) == 1
        _wait_for(lambda: len(strict.children()) == 1 and strict.children() != before)


def test_timeouts_in_a_row_leave_no_hung_worker(strict: Server, client: httpx.Client) -> None:
    for _ in range(3):
        assert client.post("/sparql", data={"query": SLOW}).status_code == 504
    assert client.get("/queries/top-sponsors.json").json()["rows"][0]["name"] == "Acme Pharma"
    if sys.platform.startswith("linux"):
        _wait_for(lambda: len(strict.children()) == 1)


def test_browsers_see_the_timeout_as_a_page(client: httpx.Client) -> None:
    page = client.get("/sparql", params={"query": SLOW}, headers={"Accept": "text/html"})
    assert page.status_code == 504 and "Query timed out" in page.text


def test_results_over_the_cap_are_refused(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["title"] == "Result too large" and "20" in error["detail"] and "LIMIT" in error["hint"]
    graph = client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
    assert graph.status_code == 422 and "triples" in graph.json()["error"]["detail"]
    assert client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 20"}).status_code == 200


def test_the_service_description_states_the_limits(strict: Server, client: httpx.Client) -> None:
    answer = client.get("/sparql", headers={"Accept": "application/n-triples"})
    value = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#value")
    stated = {
        t.subject.value.removeprefix(f"{strict.url}/sparql#"): t.object
        for t in (q.triple for q in ox.parse(answer.content, format=ox.RdfFormat.N_TRIPLES))
        if t.predicate == value
    }
    assert set(stated) == {"timeout", "result-limit"}
    assert float(stated["timeout"].value) == TIMEOUT and int(stated["result-limit"].value) == 20


def test_stopping_the_server_stops_its_workers(known_release: Path) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("reads /proc")
    running = Server(known_release, "--workers", "2")
    workers = running.children()
    assert len(workers) == 2
    running.stop()
    _wait_for(
        lambda: (
            not any(
                Path(f"/proc/{pid}/cmdline").exists() and Path(f"/proc/{pid}/cmdline").read_bytes() for pid in workers
            )
        )
    )


#: Must hold every distinct row of a three-way cross join before it can count them: gigabytes.
GREEDY = "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?a ?c ?f ?i { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } }"


def test_a_worker_over_its_memory_limit_is_replaced(known_release: Path) -> None:
    running = Server(known_release, "--workers", "1", "--memory-limit", "1200", "--timeout", "60")
    try:
        before = running.children() if sys.platform.startswith("linux") else set()
        with httpx.Client(base_url=running.url, timeout=90) as c:
            started = time.monotonic()
            response = c.get("/sparql", params={"query": GREEDY})
            assert response.status_code == 422, response.text
            assert response.json()["error"]["title"] == "Query needs too much memory"
            assert time.monotonic() - started < 50  # stopped at the ceiling, not at the timeout
            assert c.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True
        if before:
            _wait_for(lambda: len(running.children()) == 1 and running.children() != before)
        assert any("ran out of memory (1200 MB)" in line for line in running.log)
    finally:
        running.stop()


def _client(url: str, address: str) -> httpx.Client:
    """A client from its own loopback address (the whole of 127.0.0.0/8 is loopback)."""
    return httpx.Client(base_url=url, timeout=60, transport=httpx.HTTPTransport(local_address=address))


def _until(ask: Callable[[], httpx.Response], status: int, tries: int) -> httpx.Response:
    """The first response with ``status``, or the last of ``tries`` responses."""
    for _ in range(tries):
        response = ask()
        if response.status_code == status:
            break
        time.sleep(0.1)
    return response


def test_long_ad_hoc_queries_do_not_starve_canned_queries(known_release: Path) -> None:
    """Two clients loop queries that run into the timeout; canned queries and a third client's short
    query still get answers at once, and a client over its share gets 429."""
    running = Server(known_release, "--workers", "2", "--timeout", "4", "--per-client", "1")
    stop = threading.Event()
    statuses: list[int] = []

    def abuse(address: str) -> None:
        with _client(running.url, address) as c:
            while not stop.is_set():
                statuses.append(c.get("/sparql", params={"query": SLOW}).status_code)

    abusers = [threading.Thread(target=abuse, args=(a,)) for a in ("127.0.0.2", "127.0.0.3")]
    try:
        for t in abusers:
            t.start()
        _wait_for(lambda: len(statuses) >= 2, 60)  # each abuser has had a runaway query stopped
        with _client(running.url, "127.0.0.4") as c, _client(running.url, "127.0.0.2") as same:
            for _ in range(5):
                started = time.monotonic()
                rows = c.get("/queries/top-sponsors.json").json()["rows"]
                assert rows[0]["name"] == "Acme Pharma" and time.monotonic() - started < 2
            started = time.monotonic()
            short = c.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
            assert short.status_code == 200 and time.monotonic() - started < 4 + 2  # behind one runaway at most
            # The abuser at .2 is between two of its queries now and then; ask until its share is full.
            over = _until(lambda: same.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}), 429, 20)
            assert over.status_code == 429 and over.headers["retry-after"]
            assert over.json()["error"]["title"] == "Too many queries at once"
    finally:
        stop.set()
        for t in abusers:
            t.join(30)
        running.stop()
    assert set(statuses) <= {504, 503} and 504 in statuses
