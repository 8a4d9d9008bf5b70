"""A small pool of killable query workers.

Each worker is a process (:func:`kg.serve.worker.main`) with the store open read-only, no sockets and
a memory ceiling (:mod:`kg.serve.sandbox`). A query goes to an idle worker; if the answer does not come
within the timeout, the worker is killed and a fresh one takes its place, so a runaway query never
leaves a hung worker behind; a worker that dies (out of memory: it hit its ceiling) is replaced too.
Ad-hoc queries share the workers through a fair :class:`kg.serve.fairness.Lane`; a query may wait
for a worker up to three times the timeout (long enough for two runaway queries of clients not yet
known as abusers to be stopped ahead of it), and then gets 503 with ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import signal
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from anyio import to_thread

from kg.errors import ReleaseError
from kg.serve import worker
from kg.serve.errors import ApiError
from kg.serve.fairness import Lane, TooMany

log = logging.getLogger("trialkg.serve")
STARTUP_SECONDS = 60.0
RETRY_AFTER = "5"  # seconds, in 503 and 429 answers
WAIT_FACTOR = 3  # a query may wait for a worker this many times the timeout
CANNED_FACTOR = 10  # a canned query may run this many times the timeout (its answer is kept, see kg.serve.canned)


@dataclass(frozen=True)
class Limits:
    workers: int = 2
    timeout: float = 30.0  # seconds a query may run (and, three times that, wait for a worker)
    memory_mb: int | None = 2048  # address space of a worker (None: unlimited)
    per_client: int = 2  # ad-hoc queries one client address may have running or waiting

    @property
    def share(self) -> int:
        """Workers ad-hoc queries may hold at once: all but one (when there is more than one)."""
        return max(1, self.workers - 1)


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection
    clean: bool = False  # set once a job's answer has been read in full


def busy(detail: str, status: int = 503, title: str = "All query workers are busy") -> ApiError:
    return ApiError(status, title, detail, f"Try again in {RETRY_AFTER} s.", headers={"Retry-After": RETRY_AFTER})


class QueryPool:
    def __init__(self, store_path: str, identity: tuple[int, int], limits: Limits = Limits()) -> None:
        if limits.workers < 1 or limits.timeout <= 0 or limits.per_client < 1:
            raise ReleaseError("give at least one query worker, a positive timeout and --per-client of 1 or more")
        if limits.memory_mb is not None and limits.memory_mb < 256:
            raise ReleaseError("--memory-limit must be at least 256 (MB): a worker needs that much to open the store")
        self.store_path, self.identity, self.limits = store_path, identity, limits
        self.size, self.timeout = limits.workers, limits.timeout
        self.lane = Lane(limits.share, limits.per_client)
        self._ctx = multiprocessing.get_context("spawn")
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._workers: set[_Worker] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False

    @property
    def pids(self) -> list[int]:
        return sorted(w.process.pid for w in self._workers if w.process.pid is not None)

    async def start(self) -> None:
        """Start every worker and wait until each has opened the store."""
        started = [self._spawn() for _ in range(self.size)]
        for w in started:
            await to_thread.run_sync(self._handshake, w)
            self._idle.put_nowait(w)

    async def run(self, job: worker.Job, client: str | None = None, *, canned: bool = False) -> worker.Answer:
        """The worker's answer to ``job``. ``client`` (its address) marks an ad-hoc query, which goes
        through the fair lane; without it (canned and internal queries) any idle worker takes it. A canned
        query (the publisher's own, whose answer is then kept) may run :data:`CANNED_FACTOR` times longer."""
        wait = WAIT_FACTOR * self.timeout
        if client is None:
            return await self._run(job, time.monotonic() + wait, CANNED_FACTOR * self.timeout if canned else None)
        try:
            self.lane.enter(client)
        except TooMany as exc:
            raise busy(
                f"{client} already has {self.limits.per_client} queries running or waiting here",
                429,
                "Too many queries at once",
            ) from exc
        started = ran = time.monotonic()
        acquired = False
        try:
            async with asyncio.timeout(wait):
                await self.lane.acquire(client)
            acquired, ran = True, time.monotonic()
            return await self._run(job, started + wait)
        except TimeoutError as exc:
            raise busy(f"no worker became free for this query within {wait:g} s") from exc
        finally:
            if acquired:
                self.lane.release()
            self.lane.leave(client, time.monotonic() - ran if acquired else 0.0)

    async def _run(self, job: worker.Job, wait_until: float, timeout: float | None = None) -> worker.Answer:
        limit = timeout or self.timeout
        try:
            async with asyncio.timeout(max(wait_until - time.monotonic(), 0.01)):
                w = await self._idle.get()  # not wait_for: on 3.11 it can drop a got item
        except TimeoutError as exc:
            raise busy(f"no worker became free within {WAIT_FACTOR * self.timeout:g} s") from exc
        w.clean = False
        answer: worker.Answer | None = None
        try:
            answer = await to_thread.run_sync(self._exchange, w, job, limit)
        except (EOFError, OSError) as exc:
            raise self._died(w) from exc
        finally:
            if w.clean and not (answer and answer.retire):
                self._idle.put_nowait(w)
            else:
                self._replace(w)
        if answer is None:
            raise ApiError(
                504,
                "Query timed out",
                f"the query ran longer than {limit:g} s, this endpoint's limit, and was stopped",
                "Make it more selective (fewer unbound patterns, a LIMIT), or download the dumps.",
            )
        if answer.error:
            raise ApiError(*answer.error)
        return answer

    def _died(self, w: _Worker) -> ApiError:
        w.process.join(2)
        if w.process.exitcode == -signal.SIGABRT:  # an allocation failed: the worker hit its memory ceiling
            log.warning("query worker %s ran out of memory (%s MB)", w.process.pid, self.limits.memory_mb)
            return ApiError(*worker.MEMORY_ERROR)
        log.error("query worker %s died (exit code %s)", w.process.pid, w.process.exitcode)
        return ApiError(500, "Query worker failed", "the process running the query ended", "Try again.")

    async def close(self) -> None:
        self._closed = True
        for task in self._tasks:
            task.cancel()
        for w in list(self._workers):
            self._kill(w)

    # -- processes ------------------------------------------------------------------------------
    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        memory = self.limits.memory_mb * 2**20 if self.limits.memory_mb else None
        process = self._ctx.Process(
            target=worker.main,
            args=(child, self.store_path, self.identity, memory),
            daemon=True,
            name="trialkg-query-worker",
        )
        process.start()
        child.close()
        w = _Worker(process, parent)
        self._workers.add(w)
        return w

    def _handshake(self, w: _Worker) -> None:
        if not w.conn.poll(STARTUP_SECONDS):
            self._kill(w)
            raise ReleaseError(f"a query worker did not start within {STARTUP_SECONDS:g} s")
        try:
            status, detail = w.conn.recv()
        except (EOFError, OSError):
            status, detail = "failed", f"a query worker ended while opening {self.store_path}"
        if status != "ready":
            self._kill(w)
            raise ReleaseError(str(detail))

    @staticmethod
    def _exchange(w: _Worker, job: worker.Job, timeout: float) -> worker.Answer | None:
        w.conn.send(job)
        if not w.conn.poll(timeout):
            return None
        answer: worker.Answer = w.conn.recv()
        w.clean = True
        return answer

    def _kill(self, w: _Worker) -> None:
        self._workers.discard(w)
        if w.process.is_alive():
            w.process.kill()
        w.process.join(5)
        w.conn.close()

    def _replace(self, w: _Worker) -> None:
        """Kill ``w`` (it may be running a query still) and start a fresh worker in its place."""
        log.warning("stopping query worker %s and starting a new one", w.process.pid)
        self._kill(w)
        if self._closed:
            return
        fresh = self._spawn()
        task = asyncio.get_running_loop().create_task(self._welcome(fresh))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _welcome(self, w: _Worker) -> None:
        try:
            await to_thread.run_sync(self._handshake, w)
        except ReleaseError as exc:
            log.error("a replacement query worker failed: %s", exc)
            return
        self._idle.put_nowait(w)
