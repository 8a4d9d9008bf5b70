"""Writing to a store over HTTP: the Graph Store Protocol, SPARQL Update, authentication and retries.

Every write trialkg makes is idempotent on sets of triples (adding a triple twice, or removing one that
is gone, changes nothing), so a request that failed in a transient way (no connection, 429, 502, 503,
504) is simply sent again, after an exponentially growing pause with a cap (or the ``Retry-After`` the
store asked for, within the same cap). A request the store has not answered within the timeout is not
sent again: a store that is stuck or overloaded would only get a second copy to work on.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import httpx

from kg.errors import LoadError

#: Environment variables read when no option gives the credentials.
ENV_USER, ENV_PASSWORD, ENV_TOKEN = "TRIALKG_ENDPOINT_USER", "TRIALKG_ENDPOINT_PASSWORD", "TRIALKG_ENDPOINT_TOKEN"

TRANSIENT = frozenset({429, 502, 503, 504})
#: Seconds to wait for the store to answer one request (``trialkg load --timeout``).
TIMEOUT = 60.0
#: Statuses by which a store says it has no graph store service (then SPARQL Update is used instead).
NO_SERVICE = frozenset({404, 405, 501})

NTRIPLES, NQUADS = "application/n-triples", "application/n-quads"
UPDATE = "application/sparql-update"


@dataclass(frozen=True)
class Auth:
    """Credentials for a store: a user and password (HTTP basic, or digest as Virtuoso wants) or a bearer token."""

    user: str | None = None
    password: str | None = None
    token: str | None = None
    digest: bool = False

    @classmethod
    def resolve(
        cls, user: str | None = None, password: str | None = None, token: str | None = None, digest: bool = False
    ) -> Auth:
        """The options given, else ``TRIALKG_ENDPOINT_USER``/``_PASSWORD``/``_TOKEN`` from the environment."""
        env = os.environ.get
        user, token = user or env(ENV_USER) or None, token or env(ENV_TOKEN) or None
        password = password if password is not None else env(ENV_PASSWORD)
        if user and token:
            raise LoadError("give either a user and password or a bearer token, not both")
        if password is not None and not user:
            raise LoadError(f"a password needs a user: give --user (or set {ENV_USER})")
        if digest and not user:
            raise LoadError(f"digest authentication needs a user: give --user (or set {ENV_USER})")
        return cls(user, (password or "") if user else None, token, digest)

    def headers(self) -> dict[str, str]:
        """The ``Authorization`` header for a bearer token (basic auth goes through :meth:`basic`)."""
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def httpx(self) -> httpx.Auth | tuple[str, str] | None:
        """What httpx takes: (user, password) for basic auth, a :class:`httpx.DigestAuth`, or None."""
        if not self.user:
            return None
        return httpx.DigestAuth(self.user, self.password or "") if self.digest else (self.user, self.password or "")


@dataclass(frozen=True)
class Retry:
    """How often and how patiently a transient failure is retried."""

    attempts: int = 6
    backoff: float = 0.5  # seconds before the first retry; doubled each time
    cap: float = 30.0  # the longest pause

    def pause(self, attempt: int, asked: str | None = None) -> float:
        if asked and asked.strip().isdigit():
            return min(float(asked), self.cap)
        return min(self.backoff * 2**attempt, self.cap)


T = TypeVar("T")


def with_retries(retry: Retry, what: str, send: Callable[[], T], transient: Callable[[Exception], str | None]) -> T:
    """``send()``, again after a pause while it fails in a way ``transient`` names (returning a Retry-After
    value or ''); the last failure is raised."""
    for attempt in range(retry.attempts):
        try:
            return send()
        except Exception as exc:  # noqa: BLE001 - judged by `transient`, re-raised otherwise
            asked = transient(exc)
            if asked is None or attempt == retry.attempts - 1:
                raise
            time.sleep(retry.pause(attempt, asked))
    raise AssertionError(f"{what}: unreachable")


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
            response = with_retries(self.retry, f"{method} {url}", attempt, transient)
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
