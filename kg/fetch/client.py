"""HTTP to the registry's API: polite (a request rate, a ``User-Agent`` naming trialkg), patient (retries).

Every request trialkg sends to the API is a ``GET``, so any failure that may pass is retried: HTTP 429
and 5xx, a dropped or refused connection, a timeout, a body that ends early or is not the JSON it should
be. The pause before retry *n* is drawn at random from ``[0, min(cap, backoff × 2ⁿ)]`` ("full jitter",
so that many clients do not come back together), unless the server asked for a pause with
``Retry-After`` (seconds or an HTTP date), which is honoured up to ``max_wait``.

The policy is :class:`kg.transport.Retry`, shared with ``trialkg load`` and remote queries; this client's
defaults are :data:`API_RETRY`.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import httpx

from kg import __version__
from kg.fetch import DEFAULT_API, FetchError
from kg.transport import TRANSIENT as STORE_TRANSIENT
from kg.transport import Retry, Transient, with_retries

USER_AGENT = f"trialkg/{__version__} (+https://w3id.org/trialkg/; ClinicalTrials.gov API v2 client)"
TRANSIENT = STORE_TRANSIENT | {500}  # every request here is a GET: sent again even after a server error
T = TypeVar("T")


#: The API client's retry policy: more patient than a store's (the registry is shared by many).
API_RETRY = Retry(attempts=8, backoff=1.0, cap=60.0)


class Pace:
    """At most ``rate`` requests a second (0: no limit), shared by every thread of a client."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = time.monotonic()
            delay = self._next - now
            self._next = max(now, self._next) + self.interval
        if delay > 0:
            time.sleep(delay)


class ApiClient:
    """The API at ``base`` (default :data:`kg.fetch.DEFAULT_API`), for ``GET`` requests only."""

    def __init__(
        self,
        base: str | None = None,
        *,
        rate: float = 3.0,
        retry: Retry | None = None,
        timeout: float = 60.0,
    ) -> None:
        self.base = (base or DEFAULT_API).rstrip("/")
        self.retry = retry or API_RETRY
        self.pace = Pace(rate)
        self.requests = 0
        self.retries = 0
        self._http = httpx.Client(
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            timeout=httpx.Timeout(timeout, connect=min(timeout, 20.0)),
            follow_redirects=True,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"

    def get_json(self, path: str, params: dict[str, str] | None = None, missing_ok: bool = False) -> Any:
        """The JSON answer to ``GET path``; None for a 404 when ``missing_ok``."""

        def attempt() -> Any:
            response = self._send(path, params)
            if response.status_code == 404 and missing_ok:
                return None
            _refuse(response, self.url(path))
            try:
                return json.loads(response.content)
            except ValueError as exc:  # a body cut short with a matching length, or an error page
                raise Transient(f"an answer that is not complete JSON ({exc})") from exc

        return self._retrying(path, attempt)

    @contextmanager
    def stream(self, path: str, params: dict[str, str] | None = None) -> Iterator[httpx.Response]:
        """``GET path`` with the body left to read (for the bulk download); one attempt: the caller retries."""
        self._count()
        try:
            with self._http.stream("GET", self.url(path), params=params) as response:
                if response.status_code in TRANSIENT:
                    raise Transient(f"HTTP {response.status_code}", response.headers.get("Retry-After"))
                if response.status_code >= 300:
                    response.read()  # the error's text, for the message
                    _refuse(response, self.url(path))
                yield response
        except httpx.TransportError as exc:
            raise Transient(f"{type(exc).__name__}: {exc}") from exc

    def retried(self, what: str, attempt: Callable[[], T]) -> T:
        """``attempt()`` under this client's retry policy (for callers that stream)."""
        return self._retrying(what, attempt)

    def _send(self, path: str, params: dict[str, str] | None) -> httpx.Response:
        self._count()
        try:
            response = self._http.get(self.url(path), params=params)
        except httpx.TransportError as exc:  # refused, dropped, timed out, a body cut short
            raise Transient(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code in TRANSIENT:
            raise Transient(f"HTTP {response.status_code}", response.headers.get("Retry-After"))
        return response

    def _count(self) -> None:
        self.pace.wait()
        self.requests += 1

    def _retrying(self, what: str, attempt: Callable[[], T]) -> T:
        def counted() -> T:
            try:
                return attempt()
            except Transient:
                self.retries += 1
                raise

        try:
            return with_retries(self.retry, counted)
        except Transient as exc:
            raise FetchError(
                f"GET {self.url(what)}: still failing after {self.retry.attempts} attempts ({exc}); the registry "
                "may be down or busy: try again later (a re-run resumes where this one stopped)"
            ) from exc


def _refuse(response: httpx.Response, url: str) -> None:
    """A clear error for an answer that no retry will change."""
    if response.status_code < 300:
        return
    detail = " ".join(response.text.split())[:300]
    advice = (
        "check the options (a status code, a date YYYY-MM-DD) and --api-url"
        if response.status_code == 400
        else "check --api-url (the API v2 base, e.g. https://clinicaltrials.gov/api/v2)"
    )
    raise FetchError(f"GET {url}: the registry answered {response.status_code}: {detail}; {advice}")
