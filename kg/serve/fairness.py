"""Sharing the query workers fairly between the clients of ad-hoc SPARQL queries.

Canned queries (and the server's own queries) may use any worker. Ad-hoc queries from ``/sparql``
go through a :class:`Lane`: at most ``share`` of them hold a worker at once (one worker fewer than
the pool has, so a few clients' long queries never hold every worker), each client may have at
most ``per_client`` running or waiting (more is a 429), and when a place frees, the waiting query
whose client has used the workers least lately (:class:`Usage`, worker-seconds decaying with a
one-minute half-life) gets it, so a client looping runaway queries waits behind everyone else.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import math
import time
from collections import Counter
from dataclasses import dataclass, field

HALF_LIFE = 60.0  # seconds
MAX_CLIENTS = 10_000  # usage remembered for at most this many clients


class Usage:
    """Worker-seconds used by each client, decaying exponentially."""

    def __init__(self, half_life: float = HALF_LIFE) -> None:
        self.rate = math.log(2) / half_life
        self._used: dict[str, tuple[float, float]] = {}  # client -> (seconds, when)

    def of(self, client: str, now: float | None = None) -> float:
        seconds, when = self._used.get(client, (0.0, 0.0))
        return seconds * math.exp(-self.rate * ((now or time.monotonic()) - when))

    def add(self, client: str, seconds: float) -> None:
        now = time.monotonic()
        self._used[client] = (self.of(client, now) + seconds, now)
        if len(self._used) > MAX_CLIENTS:  # forget the clients that used least
            keep = sorted(self._used, key=lambda c: self.of(c, now), reverse=True)[: MAX_CLIENTS // 2]
            self._used = {c: self._used[c] for c in keep}


@dataclass(order=True)
class _Waiter:
    priority: float
    seq: int
    future: asyncio.Future[None] = field(compare=False)


class TooMany(Exception):
    """The client already has as many queries running or waiting as it may."""


class Lane:
    """At most ``share`` holders at once; waiters admitted in order of their client's recent use."""

    def __init__(self, share: int, per_client: int) -> None:
        self.share, self.per_client = share, per_client
        self.usage = Usage()
        self.holding = 0
        self._waiting: list[_Waiter] = []
        self._clients: Counter[str] = Counter()
        self._seq = itertools.count()

    def enter(self, client: str) -> None:
        """Count a query of ``client`` (running or waiting); :class:`TooMany` if it has its fill."""
        if self._clients[client] >= self.per_client:
            raise TooMany(client)
        self._clients[client] += 1

    def leave(self, client: str, seconds: float) -> None:
        self._clients[client] -= 1
        if self._clients[client] <= 0:
            del self._clients[client]
        self.usage.add(client, seconds)

    async def acquire(self, client: str) -> None:
        """Wait for a place (cancel the caller to give up waiting)."""
        if self.holding < self.share and not self._waiting:
            self.holding += 1
            return
        waiter = _Waiter(self.usage.of(client), next(self._seq), asyncio.get_running_loop().create_future())
        heapq.heappush(self._waiting, waiter)
        try:
            await waiter.future
        except BaseException:
            if waiter.future.done() and not waiter.future.cancelled():
                self.release()  # given a place just as the wait ended: pass it on
            else:
                self._waiting.remove(waiter)
                heapq.heapify(self._waiting)
            raise

    def release(self) -> None:
        while self._waiting:
            waiter = heapq.heappop(self._waiting)
            if not waiter.future.done():
                waiter.future.set_result(None)  # the place goes to it: holding stays the same
                return
        self.holding -= 1
