"""The HTTP connections the server keeps: bounded in number and in the time a client may take.

uvicorn's HTTP/1.1 protocol (h11) with four limits it lacks:

* at most ``max_connections`` open at once (kept below the process's file-descriptor limit); a
  connection over it gets a 503 and is closed at once, so a flood of clients cannot exhaust the
  descriptors and stop the server accepting;
* a request's line and headers must arrive within ``header_seconds`` of the connection (or of its
  first byte, on a kept-alive connection), and its body within ``body_seconds`` of the headers: a
  client sending a header line every few seconds gets a 408 and is dropped;
* a client that reads nothing of a response for ``stall_seconds`` is dropped;
* every answer this layer gives itself (408, 503, and the 400 for a malformed request) has the JSON
  error shape of the app (:func:`kg.serve.errors.raw_response`).

Nothing is logged per dropped connection: :class:`Tally` writes one line a minute at most, and the
same goes for uvicorn's per-request warnings and the event loop's accept errors (:func:`quiet_logs`).
"""

from __future__ import annotations

import asyncio
import logging
import resource
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any, ClassVar

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from kg.serve.errors import raw_response

log = logging.getLogger("trialkg.serve")
SUMMARY_SECONDS = 60.0
DESCRIPTORS_KEPT = 256  # file descriptors left for the store, the workers' pipes and the release's files


@dataclass(frozen=True)
class ConnectionLimits:
    max_connections: int = 4096
    header_seconds: float = 10.0
    body_seconds: float = 30.0
    stall_seconds: float = 60.0
    keep_alive_seconds: float = 5.0


def descriptor_budget(wanted: int) -> int:
    """``wanted`` connections, or fewer if the file-descriptor limit (raised to its hard cap) is lower."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        target = hard if hard != resource.RLIM_INFINITY else max(soft, wanted + DESCRIPTORS_KEPT)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return max(16, min(wanted, soft - DESCRIPTORS_KEPT))


class Tally:
    """Counts events and logs them as one line, at most every :data:`SUMMARY_SECONDS`."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.counts: Counter[str] = Counter()
        self._logged = -SUMMARY_SECONDS

    def add(self, kind: str) -> None:
        self.counts[kind] += 1
        now = time.monotonic()
        if now - self._logged >= SUMMARY_SECONDS:
            parts = ", ".join(f"{n} {k}" for k, n in sorted(self.counts.items()))
            log.warning("%s: %s (next summary in %g s at the earliest)", self.what, parts, SUMMARY_SECONDS)
            self.counts.clear()
            self._logged = now


DROPS = Tally("connections dropped")


class GuardedH11Protocol(H11Protocol):
    limits: ClassVar[ConnectionLimits] = ConnectionLimits()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._timer: asyncio.TimerHandle | None = None
        self._stall: asyncio.TimerHandle | None = None
        self._phase = ""
        super().connection_made(transport)
        if len(self.connections) > self.limits.max_connections:
            DROPS.add("over the connection limit")
            transport.write(
                raw_response(
                    503,
                    "Too many connections",
                    "the server has all the connections it takes",
                    "Try again in a few seconds.",
                )
            )
            transport.close()
            return
        self._arm(self.limits.header_seconds, "requests too slow to send their headers")

    def data_received(self, data: bytes) -> None:
        if self._timer is None and self.conn.their_state is h11.IDLE:
            self._arm(self.limits.header_seconds, "requests too slow to send their headers")
        super().data_received(data)
        state = self.conn.their_state
        if state is h11.SEND_BODY and self._phase.endswith("headers"):
            self._arm(self.limits.body_seconds, "requests too slow to send their body")
        elif state is not h11.IDLE and state is not h11.SEND_BODY:
            self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        if self._stall is not None:
            self._stall.cancel()
        super().connection_lost(exc)

    def pause_writing(self) -> None:
        super().pause_writing()
        if self._stall is None:
            self._stall = self.loop.call_later(self.limits.stall_seconds, self._stalled)

    def resume_writing(self) -> None:
        super().resume_writing()
        if self._stall is not None:
            self._stall.cancel()
            self._stall = None

    def send_400_response(self, msg: str) -> None:
        self.transport.write(raw_response(400, "Malformed HTTP request", msg, "Send an HTTP/1.1 request."))
        self.transport.close()

    # -- timers ---------------------------------------------------------------------------------
    def _arm(self, seconds: float, phase: str) -> None:
        self._disarm()
        self._phase = phase
        self._timer = self.loop.call_later(seconds, self._too_slow)

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._phase = ""

    def _too_slow(self) -> None:
        self._timer = None
        if self.transport.is_closing():
            return
        DROPS.add(self._phase)
        if self.cycle is None or not self.cycle.response_started:
            detail = f"the request did not arrive in time ({self._phase.removeprefix('requests ')})"
            self.transport.write(raw_response(408, "Request timeout", detail, "Send the whole request at once."))
        self.transport.close()

    def _stalled(self) -> None:
        self._stall = None
        DROPS.add("clients that stopped reading")
        self.transport.abort()


def protocol(limits: ConnectionLimits) -> type[GuardedH11Protocol]:
    """The protocol class uvicorn should use, with these limits."""
    return type("TrialkgH11Protocol", (GuardedH11Protocol,), {"limits": limits})


class _OncePerMinute(logging.Filter):
    """Lets a message through once per :data:`SUMMARY_SECONDS`, saying how many like it were held back."""

    def __init__(self) -> None:
        super().__init__()
        self._last: dict[str, tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        key, now = str(record.msg), time.monotonic()
        last, held = self._last.get(key, (-SUMMARY_SECONDS, 0))
        if now - last < SUMMARY_SECONDS:
            self._last[key] = (last, held + 1)
            return False
        self._last[key] = (now, 0)
        if held:
            record.msg = f"{record.msg} ({held} more like this in the last {now - last:.0f} s)"
        if record.exc_info and record.levelno < logging.ERROR:
            record.exc_info = None
        return True


def quiet_logs() -> None:
    """Rate-limit uvicorn's per-request warnings and the event loop's accept errors."""
    for name in ("uvicorn.error", "asyncio"):
        logging.getLogger(name).addFilter(_OncePerMinute())


def accept_errors(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """The event loop's error handler: an accept error (out of descriptors) is one line, rate-limited."""
    message = str(context.get("message", ""))
    if message.startswith("socket.accept() out of system resource"):
        DROPS.add(f"accept failures ({context.get('exception')})")
        return
    loop.default_exception_handler(context)
