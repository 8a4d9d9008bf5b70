"""Server-side request forgery through SERVICE: every trick, in every form of request, against a real
loopback listener that must receive nothing. Also the layers under the endpoint's screen: the
worker's own screen, the socket ban of the worker processes, and a differential check of the screen
against the engine itself (whatever the screen lets through, the engine must not federate)."""

from __future__ import annotations

import random
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import httpx
import pyoxigraph as ox
import pytest

from kg import guard
from kg.serve import worker


class Listener:
    """A TCP listener on loopback that records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.hits = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.hits += 1
            conn.close()

    def quiet_since(self, hits: int, settle: float = 0.2) -> bool:
        time.sleep(settle)  # a connection that was on its way has arrived by now
        return self.hits == hits


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    running = Listener()
    yield running
    running.sock.close()


def tricks(url: str) -> dict[str, str]:
    host, port = "127.0.0.1", url.split(":")[2].split("/")[0]
    escaped = url.replace("127.0.0.1", "\\u0031\\u0032\\u0037.0.0.1")
    body = "{ ?a ?b ?c }"
    return {
        "plain": f"SELECT * WHERE {{ SERVICE <{url}> {body} }}",
        "comment ended by CR": f"SELECT * WHERE {{ # x\rSERVICE <{url}> {body} }}",
        "comment ended by CRLF": f"SELECT * WHERE {{ # x\r\nSERVICE <{url}> {body} }}",
        "comment ended by LF": f"SELECT * WHERE {{ # x\nSERVICE <{url}> {body} }}",
        "escaped keyword": f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {body} }}",
        "escaped IRI": f"SELECT * WHERE {{ SERVICE <{escaped}> {body} }}",
        "long escape": f"SELECT * WHERE {{ SERVIC\\U00000045 <{url}> {body} }}",
        "case": f"SELECT * WHERE {{ sErViCe <{url}> {body} }}",
        "prefixed name": f"PREFIX ex: <http://{host}:{port}/> SELECT * WHERE {{ SERVICE ex:sparql {body} }}",
        "glued prefixed name": f"PREFIX : <{url}> SELECT * WHERE {{ SERVICE:{body} }}",
        "glued to a literal": f"SELECT * WHERE {{ ?s ?p trueSERVICE<{url}>{body} }}",
        "glued to a number": f"SELECT * WHERE {{ ?s ?p 12SERVICE<{url}>{body} }}",
        "no spaces": f"SELECT*{{SERVICE<{url}>{{?a?b?c}}}}",
        "silent": f"SELECT * WHERE {{ SERVICE SILENT <{url}> {body} }}",
        "variable": f"SELECT * WHERE {{ VALUES ?x {{ <{url}> }} SERVICE ?x {body} }}",
        "relative to BASE": f"BASE <http://{host}:{port}/> SELECT * WHERE {{ SERVICE <sparql> {body} }}",
        "nested groups": f"SELECT * WHERE {{ {{ {{ {{ SERVICE <{url}> {body} }} }} }} }}",
        "optional": f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{url}> {body} }} }}",
        "union": f"SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{url}> {body} }} }}",
        "minus": f"SELECT * WHERE {{ ?s ?p ?o MINUS {{ SERVICE <{url}> {body} }} }}",
        "subquery": f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}> {body} }} }} }}",
        "filter exists": f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {body} }} }}",
        "filter not exists": f"SELECT * WHERE {{ ?s ?p ?o FILTER NOT EXISTS {{ SERVICE <{url}> {body} }} }}",
        "graph": f"SELECT * WHERE {{ GRAPH ?g {{ SERVICE <{url}> {body} }} }}",
        "ask": f"ASK {{ SERVICE <{url}> {body} }}",
        "construct": f"CONSTRUCT {{ ?a ?b ?c }} WHERE {{ SERVICE <{url}> {body} }}",
        "describe": f"DESCRIBE ?a WHERE {{ SERVICE <{url}> {body} }}",
        "after a less-than read as an IRI": f'SELECT * {{ ?s ?p ?o FILTER(?o<?s#>"""\n) SERVICE <{url}> {body} '
        f'?s ?p """x""" }}',
        "after an apostrophe in an IRI": f'SELECT * {{ ?s ?p ?o FILTER(?o<?s&&\'>"""\') SERVICE <{url}> {body} '
        f'?s ?p """x""" }}',
    }


FORMS = ["GET", "POST form", "POST direct"]


def _send(http: httpx.Client, form: str, query: str) -> httpx.Response:
    if form == "GET":
        return http.get("/sparql", params={"query": query})
    if form == "POST form":
        return http.post("/sparql", data={"query": query})
    return http.post("/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"})


@pytest.mark.parametrize("trick", list(tricks("http://127.0.0.1:1/sparql")))
def test_no_trick_reaches_the_listener(http: httpx.Client, listener: Listener, trick: str) -> None:
    query = tricks(listener.url)[trick]
    before = listener.hits
    for form in FORMS:
        response = _send(http, form, query)
        assert response.status_code in (400, 403), (form, response.text)
        if response.status_code == 403:
            assert response.json()["error"]["title"] == "Federated query is disabled"
    assert listener.quiet_since(before), trick


#: Tricks on an ambiguous ``<`` (IRI or less-than): the normal form ends the IRI with a line break, so
#: both readings meet again and the would-be SERVICE is inside a string for both: a syntax error.
NEUTRALISED = {"after a less-than read as an IRI", "after an apostrophe in an IRI"}


def test_the_screen_refuses_every_trick_itself(listener: Listener) -> None:
    for name, query in tricks(listener.url).items():
        try:
            text = guard.screen(query)
        except guard.Refused:
            continue
        assert name in NEUTRALISED, name
        with pytest.raises(SyntaxError):
            ox.Store().query(text)


def test_harmless_uses_of_the_word_still_run(http: httpx.Client) -> None:
    queries = [
        'SELECT ?service WHERE { BIND("SERVICE" AS ?service) }',
        "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:service <http://example.org/service#x> } LIMIT 1",
        "SELECT * WHERE { ?s ?p ?o } LIMIT 1 # SERVICE <http://127.0.0.1:1/> in a comment",
    ]
    for query in queries:
        assert http.get("/sparql", params={"query": query}).status_code == 200, query


def test_the_worker_refuses_service_on_its_own(listener: Listener) -> None:
    """A job that never went through the endpoint's screen is screened by the worker."""
    store = ox.Store()
    before = listener.hits
    for query in tricks(listener.url).values():
        answer = worker.execute(store, worker.Job(query, "JSON", "TURTLE", 10))
        assert answer.error is not None and answer.error[0] in (400, 403), query
    assert listener.quiet_since(before)


SANDBOXED = """
import sys, pyoxigraph as ox
from kg.serve import sandbox
print(sandbox.forbid_sockets())
try:
    list(ox.Store().query("SELECT * WHERE { SERVICE <%s> { ?a ?b ?c } }"))
except PermissionError as exc:
    print("refused:", exc)
print(len(list(ox.Store().query("SELECT * WHERE { SERVICE SILENT <%s> { ?a ?b ?c } }"))))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="seccomp is Linux's")
def test_a_worker_process_cannot_open_a_socket(listener: Listener) -> None:
    """The last layer: even the engine, given SERVICE with no screen at all, reaches nothing."""
    before = listener.hits
    script = SANDBOXED % (listener.url, listener.url)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    lines = out.stdout.splitlines()
    assert lines[0] == "sockets forbidden" and lines[1].startswith("refused:")
    assert listener.quiet_since(before)


FRAGMENTS = [
    "",
    " ",
    "\n",
    "\r",
    "\r\n",
    "#",
    "# x",
    "'",
    '"',
    '"""',
    "'''",
    "<",
    ">",
    "<?s#>",
    "<?s'>",
    "?s",
    "$o",
    "true",
    "1",
    "a",
    "ex:",
    "ex:a",
    ":",
    "ex:a.",
    "(",
    ")",
    "&&",
    "<=",
    "FILTER(",
    "{",
    "}",
    ".",
    ";",
    "\\",
    "\\'",
    "OPTIONAL",
    "UNION",
    "_:b",
    "^^",
    "@en",
    "\\u0023",
    "\\u0022",
    "\\u0027",
    "<<",
]


def test_whatever_the_screen_lets_through_does_not_federate(listener: Listener) -> None:
    """Differential: random texts around the keyword; each the screen passes runs on the engine (no
    sandbox here) against the listener."""
    rng = random.Random(12)
    store = ox.Store()
    store.add(
        ox.Quad(
            ox.NamedNode("http://e/a"),
            ox.NamedNode("http://e/b"),
            ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")),
        )
    )
    before, passed = listener.hits, 0
    for _ in range(1500):
        pick = lambda n: "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(0, n)))  # noqa: E731
        keyword = rng.choice(["SERVICE", "sErViCe", "SERVIC\\u0045", "SERVICE SILENT"])
        target = rng.choice([f"<{listener.url}>", ":x", "?v"])
        query = (
            f"PREFIX ex: <http://e/> PREFIX : <{listener.url}> SELECT * {{ VALUES ?v {{ <{listener.url}> }} "
            f"?s ?p ?o {pick(6)}{keyword}{pick(2)}{target} {{ ?a ?b ?c }}{pick(6)} }}"
        )
        try:
            text = guard.screen(query)
        except guard.Refused:
            continue
        passed += 1
        try:
            result = store.query(text)
            if not isinstance(result, ox.QueryBoolean):
                list(result)
        except (SyntaxError, OSError, RuntimeError):
            pass
    assert passed > 100  # the texts the screen let through were many, and none federated
    assert listener.quiet_since(before)
