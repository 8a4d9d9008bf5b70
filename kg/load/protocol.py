"""Writing to a store over HTTP: the Graph Store Protocol and SPARQL Update (authentication, retries and
timeouts are :mod:`kg.transport`'s, shared with the remote queries of :mod:`kg.remote`).

Every write trialkg makes is idempotent on sets of triples (adding a triple twice, or removing one that
is gone, changes nothing), so a request that failed in a transient way (no connection, 429, 502, 503,
504) is simply sent again, by the policy of :class:`kg.transport.Retry` (growing pauses with jitter, or the
``Retry-After`` the store asked for). A request the store has not answered within the timeout is not
sent again: a store that is stuck or overloaded would only get a second copy to work on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import httpx
import pyoxigraph as ox

from kg.errors import LoadError
from kg.transport import ENV_PASSWORD, ENV_TOKEN, ENV_USER, TIMEOUT, TRANSIENT, Auth, Retry, with_retries

#: Statuses by which a store says it has no graph store service (then SPARQL Update is used instead).
NO_SERVICE = frozenset({404, 405, 501})

NTRIPLES, NQUADS = "application/n-triples", "application/n-quads"
UPDATE = "application/sparql-update"


class _Transient(Exception):
    def __init__(self, response: httpx.Response) -> None:
        super().__init__(response.status_code)
        self.response = response


class NoGraphStore(LoadError):
    """The store answered that it has no graph store service at this URL."""


class Client:
    """HTTP writes to one store: GSP requests and SPARQL updates, authenticated, retried."""

    def __init__(self, auth: Auth | None = None, retry: Retry | None = None, timeout: float = TIMEOUT) -> None:
        self.auth = auth or Auth()
        self.retry = retry or Retry()
        self.timeout = timeout
        self.requests = 0
        self._http = httpx.Client(
            auth=self.auth.httpx(), headers=self.auth.headers(), timeout=timeout, follow_redirects=True
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def send(
        self, method: str, url: str, *, params: dict[str, str] | None = None, body: bytes = b"", kind: str = ""
    ) -> httpx.Response:
        """One request, retried while it fails transiently; a clear :class:`LoadError` when it fails for good."""
        headers = {"Content-Type": kind} if kind else {}

        def attempt() -> httpx.Response:
            self.requests += 1
            response = self._http.request(method, url, params=params, content=body, headers=headers)
            if response.status_code in TRANSIENT:
                raise _Transient(response)
            return response

        def transient(exc: Exception) -> str | None:
            if isinstance(exc, _Transient):
                return exc.response.headers.get("Retry-After", "")
            transport = isinstance(exc, httpx.TransportError) and not isinstance(exc, httpx.TimeoutException)
            return "" if transport else None

        try:
            response = with_retries(self.retry, attempt, transient)
        except _Transient as exc:
            raise LoadError(
                f"{method} {url}: the store kept answering {exc.response.status_code} after "
                f"{self.retry.attempts} attempts; try again later, or with smaller chunks (--chunk)"
            ) from exc
        except httpx.TimeoutException as exc:
            raise LoadError(
                f"{method} {url}: the store did not answer within {self.timeout:g} s; it may be stuck or busy: "
                "try again later, or with a longer --timeout or smaller chunks (--chunk)"
            ) from exc
        except httpx.TransportError as exc:
            raise LoadError(f"{method} {url}: cannot reach the store ({exc}); is it running at that address?") from exc
        if response.status_code in (401, 403):
            raise LoadError(
                f"{method} {url}: the store refused the request ({response.status_code}); give credentials with "
                f"--user/--password or --token (or {ENV_USER}/{ENV_PASSWORD}, {ENV_TOKEN})"
            )
        return response

    def gsp(self, method: str, url: str, graph: str | None, body: bytes = b"", kind: str = NTRIPLES) -> None:
        """A Graph Store Protocol request on ``graph`` (None: the default graph; '' : the whole dataset, for
        N-Quads). DELETE of a graph that is not there is not an error."""
        params = {} if graph == "" else {"default": ""} if graph is None else {"graph": graph}
        response = self.send(method, url, params=params, body=body, kind=kind if body else "")
        status = response.status_code
        if method == "DELETE" and status == 404:
            return
        if status in NO_SERVICE and method != "DELETE":
            raise NoGraphStore(f"{url}: no graph store service here ({status})")
        _check(response, f"{method} {url}")

    def update(self, url: str, text: str) -> None:
        """A SPARQL 1.1 Update request."""
        _check(self.send("POST", url, body=text.encode(), kind=UPDATE), f"SPARQL update at {url}")


def _check(response: httpx.Response, what: str) -> None:
    if response.status_code >= 300:
        detail = " ".join(response.text.split())[:300]
        raise LoadError(f"{what}: the store answered {response.status_code}: {detail}")


def chunks(lines: Iterable[str], size: int) -> Iterator[list[str]]:
    """``lines`` in lists of at most ``size``."""
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def triple_of(quad: str) -> tuple[str, str]:
    """An N-Quads line as (graph IRI, N-Triples line)."""
    cut = quad.rindex(" <")
    return quad[cut + 2 : quad.rindex(">")], quad[:cut] + " ."


def data_block(lines: Iterable[str], graph: str | None) -> str:
    """N-Triples lines as the body of ``INSERT DATA``/``DELETE DATA`` (in ``GRAPH <graph>`` if given)."""
    body = "\n".join(lines)
    return f"GRAPH <{graph}> {{\n{body}\n}}" if graph else body


Blocks = list[tuple[str | None, list[str]]]  # (graph IRI or None for the default graph, N-Triples lines)


def split_datatypes(blocks: Blocks, datatypes: tuple[str, ...]) -> tuple[Blocks, Blocks]:
    """``blocks`` as (the triples without, the triples with a literal object of one of ``datatypes``)."""
    if not datatypes:  # every store but Virtuoso: nothing to sort out
        return blocks, []
    endings = tuple(f"^^<{d}> ." for d in datatypes)
    plain = [(graph, [line for line in lines if not line.endswith(endings)]) for graph, lines in blocks]
    typed = [(graph, [line for line in lines if line.endswith(endings)]) for graph, lines in blocks]
    return plain, [(graph, lines) for graph, lines in typed if lines]


def strdt_updates(verb: str, blocks: Blocks) -> Iterator[str]:
    """Update operations for triples whose literal the store refuses as data (:attr:`kg.stores.Preset.strdt`):
    an INSERT makes the literal with ``STRDT``; a DELETE removes the subject's values of the literal's
    datatype for the predicate (trialkg publishes one of them per subject and predicate)."""
    for graph, lines in blocks:
        for triple in ox.parse("\n".join(lines).encode(), format=ox.RdfFormat.N_TRIPLES):
            term = triple.object
            assert isinstance(term, ox.Literal)
            pattern = f"{triple.subject} {triple.predicate} ?o"
            where = f"GRAPH <{graph}> {{ {pattern} }}" if graph else pattern
            if verb == "INSERT DATA":
                yield f"INSERT {{ {where} }} WHERE {{ BIND(STRDT({ox.Literal(term.value)}, {term.datatype}) AS ?o) }}"
            else:
                yield f"DELETE {{ {where} }} WHERE {{ {where} FILTER(DATATYPE(?o) = {term.datatype}) }}"
