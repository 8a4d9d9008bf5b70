"""Authentication and retries, checked on the wire: a real ``http.server`` on loopback records what it gets
and answers as told (a script of statuses), in a thread of this process. No store is mocked here: the
stores are tested for real in the other modules; this server only plays what a store may do to a client.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pyoxigraph as ox
import pytest

from kg.errors import LoadError, QueryError
from kg.load.protocol import Client, chunks, data_block, split_datatypes, strdt_updates, triple_of
from kg.remote import RemoteEndpoint
from kg.stores import resolve
from kg.transport import ENV_PASSWORD, ENV_TOKEN, ENV_USER, Auth, Retry

FAST = Retry(attempts=4, backoff=0.01, cap=0.05)
JSON_COUNT = b'{"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "7"}}]}}'


class Recorder(ThreadingHTTPServer):
    """Answers each request with the next status of ``script`` (then 204), recording method, path, headers."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.script: list[int] = []
        self.seen: list[tuple[str, str, dict[str, str], bytes]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    server: Recorder

    def _answer(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.seen.append((self.command, self.path, dict(self.headers), body))
        status = self.server.script.pop(0) if self.server.script else 204
        payload = JSON_COUNT if status == 200 else b""
        self.send_response(status)
        if status == 503:
            self.send_header("Retry-After", "0")
        if status == 401:
            self.send_header("WWW-Authenticate", 'Digest realm="SPARQL", nonce="abc123", qop="auth"')
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def recorder() -> Iterator[Recorder]:
    server = Recorder()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_basic_auth_and_a_bearer_token_are_sent(recorder: Recorder) -> None:
    with Client(Auth.resolve(user="ada", password="s3cret"), FAST) as client:
        client.gsp("POST", recorder.url + "/store", None, b"<urn:a> <urn:b> <urn:c> .\n")
    with Client(Auth.resolve(token="tok-123"), FAST) as client:
        client.update(recorder.url + "/update", "INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    (m1, path1, h1, body1), (m2, path2, h2, body2) = recorder.seen
    assert (m1, path1, h1["Content-Type"]) == ("POST", "/store?default=", "application/n-triples")
    assert h1["Authorization"] == "Basic " + base64.b64encode(b"ada:s3cret").decode()
    assert body1 == b"<urn:a> <urn:b> <urn:c> .\n"
    assert (m2, path2, h2["Content-Type"]) == ("POST", "/update", "application/sparql-update")
    assert h2["Authorization"] == "Bearer tok-123"


def test_digest_auth_answers_the_challenge(recorder: Recorder) -> None:
    recorder.script = [401]
    with Client(Auth.resolve(user="dba", password="dba", digest=True), FAST) as client:
        client.update(recorder.url + "/sparql-auth", "CLEAR DEFAULT")
    (_, _, first, _), (_, _, second, body) = recorder.seen
    assert "Authorization" not in first
    assert second["Authorization"].startswith('Digest username="dba", realm="SPARQL", nonce="abc123"')
    assert body == b"CLEAR DEFAULT"


def test_credentials_come_from_the_environment(monkeypatch: pytest.MonkeyPatch, recorder: Recorder) -> None:
    monkeypatch.setenv(ENV_TOKEN, "from-env")
    assert Auth.resolve() == Auth(token="from-env")
    monkeypatch.delenv(ENV_TOKEN)
    monkeypatch.setenv(ENV_USER, "bob")
    monkeypatch.setenv(ENV_PASSWORD, "pw")
    assert Auth.resolve() == Auth(user="bob", password="pw")
    assert Auth.resolve(user="carol", password="x") == Auth(user="carol", password="x")  # options win
    with pytest.raises(LoadError, match="not both"):
        Auth.resolve(token="t")
    # the query side reads them too, and sends them with every query
    recorder.script = [200]
    assert RemoteEndpoint.connect(recorder.url + "/sparql").count() == 7
    (method, path, headers, body) = recorder.seen[0]
    assert (method, path) == ("POST", "/sparql")
    assert headers["Authorization"] == "Basic " + base64.b64encode(b"bob:pw").decode()
    (query,) = parse_qs(body.decode())["query"]  # a form with one query: the count
    assert query.split()[0] == "SELECT" and "COUNT" in query.upper()


def test_transient_failures_are_retried_with_backoff(recorder: Recorder) -> None:
    recorder.script = [503, 502, 429]
    with Client(retry=FAST) as client:
        client.gsp("PUT", recorder.url + "/store", "urn:g", b"<urn:a> <urn:b> <urn:c> .\n")
    assert [(m, p) for m, p, _, _ in recorder.seen] == [("PUT", "/store?graph=urn%3Ag")] * 4
    assert client.requests == 4


def test_a_store_that_keeps_failing_is_given_up_on_with_a_clear_error(recorder: Recorder) -> None:
    recorder.script = [504] * 10
    with Client(retry=FAST) as client, pytest.raises(LoadError, match="kept answering 504 after 4 attempts"):
        client.update(recorder.url + "/update", "CLEAR DEFAULT")
    assert len(recorder.seen) == 4


def test_refusals_and_errors_are_not_retried(recorder: Recorder) -> None:
    recorder.script = [401, 400]
    with Client(retry=FAST) as client:
        with pytest.raises(LoadError, match="refused the request \\(401\\); give credentials with --user"):
            client.update(recorder.url + "/update", "CLEAR DEFAULT")
        with pytest.raises(LoadError, match="answered 400"):
            client.update(recorder.url + "/update", "CLEAR DEFAULT")
    assert len(recorder.seen) == 2


def test_the_query_side_retries_and_explains_refusals(recorder: Recorder) -> None:
    recorder.script = [503, 200]
    source = RemoteEndpoint(resolve(recorder.url + "/sparql"), retry=FAST)
    assert source.count() == 7 and len(recorder.seen) == 2
    recorder.script = [403]
    with pytest.raises(QueryError, match="refused the query \\(403\\); give credentials"):
        source.count()


def test_chunks_quads_and_data_blocks() -> None:
    assert list(chunks(range(5), 2)) == [[0, 1], [2, 3], [4]]
    quad = '<urn:s> <urn:p> "a <b> c" <urn:g> .'
    assert triple_of(quad) == ("urn:g", '<urn:s> <urn:p> "a <b> c" .')
    assert data_block(["<urn:s> <urn:p> <urn:o> ."], "urn:g") == "GRAPH <urn:g> {\n<urn:s> <urn:p> <urn:o> .\n}"
    assert data_block(["<urn:s> <urn:p> <urn:o> ."], None) == "<urn:s> <urn:p> <urn:o> ."


DURATION = "http://www.w3.org/2001/XMLSchema#duration"


@pytest.mark.parametrize("graph", ["https://example.org/g", None])
def test_literals_a_store_refuses_as_data_are_written_through_strdt(graph: str | None) -> None:
    """Virtuoso's preset (kg.stores): the typed triples go by pattern; run here on an embedded store."""
    lines = [
        f'<https://example.org/e1> <https://example.org/min> "P18Y"^^<{DURATION}> .',
        '<https://example.org/e1> <https://example.org/text> "18 Years" .',
        f'<https://example.org/e2> <https://example.org/min> "P14D"^^<{DURATION}> .',
    ]
    plain, typed = split_datatypes([(graph, lines)], (DURATION,))
    assert plain == [(graph, [lines[1]])] and typed == [(graph, [lines[0], lines[2]])]
    store = ox.Store()
    store.update(" ;\n".join(strdt_updates("INSERT DATA", typed)))
    name = ox.NamedNode(graph) if graph else ox.DefaultGraph()
    want = {t.triple for t in ox.parse("\n".join(lines).encode(), format=ox.RdfFormat.N_TRIPLES)}
    assert {q.triple for q in store.quads_for_pattern(None, None, None, name)} == {
        w for w in want if w.object.value != "18 Years"
    }
    store.add(ox.Quad(*ox.parse(lines[1].encode(), format=ox.RdfFormat.N_TRIPLES).__next__().triple, name))
    store.update(" ;\n".join(strdt_updates("DELETE DATA", [(graph, [lines[0]])])))
    assert {str(q.triple) for q in store.quads_for_pattern(None, None, None, name)} == {lines[1][:-2], lines[2][:-2]}
