"""HTTP to SPARQL services, the part every client of ours shares: credentials, retries, the timeout.

``trialkg load`` (:mod:`kg.load`) and ``trialkg query --endpoint`` (:mod:`kg.remote`) both speak to a store
through these: :class:`Auth` (basic, digest or bearer, from options or the environment), :class:`Retry`
and :func:`with_retries` (exponential pauses with full jitter and a cap, honouring ``Retry-After``) for
the failures in :data:`TRANSIENT`, and the default :data:`TIMEOUT`. The registry's API client
(:mod:`kg.fetch.client`) retries by the same policy, with defaults of its own.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar

import httpx

from kg.errors import LoadError

#: Environment variables read when no option gives the credentials.
ENV_USER, ENV_PASSWORD, ENV_TOKEN = "TRIALKG_ENDPOINT_USER", "TRIALKG_ENDPOINT_PASSWORD", "TRIALKG_ENDPOINT_TOKEN"

TRANSIENT = frozenset({429, 502, 503, 504})
#: Seconds to wait for the store to answer one request (``trialkg load --timeout``).
TIMEOUT = 60.0


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
    """How often, and how patiently, a request that failed in a way that may pass is sent again.

    The pause before retry *n* is drawn at random from ``[0, min(cap, backoff × 2ⁿ)]`` ("full jitter", so
    that many clients do not come back together), unless the server asked for one with ``Retry-After``
    (seconds or an HTTP date), which is honoured up to ``max_wait``."""

    attempts: int = 6
    backoff: float = 0.5  # seconds: the ceiling of the first pause, doubled at each retry
    cap: float = 30.0  # the ceiling of any pause of ours
    max_wait: float = 600.0  # the longest Retry-After honoured
    rng: random.Random = field(default_factory=random.Random, compare=False)

    def pause(self, attempt: int, retry_after: str | None = None) -> float:
        asked = _retry_after(retry_after)
        if asked is not None:
            return min(asked, self.max_wait)
        return self.rng.uniform(0, min(self.cap, self.backoff * 2**attempt))


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class Transient(Exception):
    """A failure worth another attempt; ``retry_after`` is what the server asked for, if anything."""

    def __init__(self, what: str, retry_after: str | None = None) -> None:
        super().__init__(what)
        self.retry_after = retry_after


def _transient(exc: Exception) -> str | None:
    return (exc.retry_after or "") if isinstance(exc, Transient) else None


T = TypeVar("T")


def with_retries(
    retry: Retry,
    send: Callable[[], T],
    transient: Callable[[Exception], str | None] = _transient,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """``send()``, again after a pause while it fails in a way ``transient`` names (returning the server's
    ``Retry-After`` or ''; by default: a :class:`Transient`); the last failure is raised."""
    for attempt in range(retry.attempts):
        try:
            return send()
        except Exception as exc:  # noqa: BLE001 - judged by `transient`, re-raised otherwise
            asked = transient(exc)
            if asked is None or attempt == retry.attempts - 1:
                raise
            sleep(retry.pause(attempt, asked))
    raise AssertionError("unreachable: the last attempt returns or raises")
