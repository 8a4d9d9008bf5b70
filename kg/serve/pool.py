"""A small pool of killable query workers.

Each worker is a process (:func:`kg.serve.worker.main`) with the store open read-only. A query goes
to an idle worker; if the answer does not come within the timeout, the worker is killed and a fresh
one takes its place, so a runaway query never leaves a hung worker behind. Waiting for an idle
worker counts against the same timeout.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from anyio import to_thread

from kg.errors import ReleaseError
from kg.serve import worker
from kg.serve.errors import ApiError

log = logging.getLogger("trialkg.serve")
STARTUP_SECONDS = 60.0


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection
    clean: bool = False  # set once a job's answer has been read in full


class QueryPool:
    def __init__(self, store_path: str, size: int = 2, timeout: float = 30.0) -> None:
        if size < 1 or timeout <= 0:
            raise ReleaseError("give at least one query worker and a positive timeout")
        self.store_path, self.size, self.timeout = store_path, size, timeout
        self._ctx = multiprocessing.get_context("spawn")
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._workers: set[_Worker] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def pids(self) -> list[int]:
        return sorted(w.process.pid for w in self._workers if w.process.pid is not None)

    async def start(self) -> None:
        """Start every worker and wait until each has opened the store."""
        started = [self._spawn() for _ in range(self.size)]
        for w in started:
            await to_thread.run_sync(self._handshake, w)
            self._idle.put_nowait(w)

    async def run(self, job: worker.Job) -> worker.Answer:
        """The worker's answer to ``job``; an :class:`ApiError` if it takes longer than the timeout."""
        deadline = time.monotonic() + self.timeout
        try:
            async with asyncio.timeout(self.timeout):  # not wait_for: on 3.11 it can drop a got item
                w = await self._idle.get()
        except TimeoutError as exc:
            raise ApiError(
                503,
                "All query workers are busy",
                f"no worker became free within {self.timeout:g} s",
                "Try again in a moment.",
            ) from exc
        w.clean = False
        answer: worker.Answer | None = None
        try:
            answer = await to_thread.run_sync(self._exchange, w, job, max(deadline - time.monotonic(), 0.01))
        except (EOFError, OSError) as exc:
            log.error("query worker %s died: %s", w.process.pid, exc)
            raise ApiError(500, "Query worker failed", "the process running the query ended", "Try again.") from exc
        finally:
            if w.clean:
                self._idle.put_nowait(w)
            else:
                self._replace(w)
        if answer is None:
            raise ApiError(
                503,
                "Query timed out",
                f"the query ran longer than {self.timeout:g} s, this endpoint's limit, and was stopped",
                "Make it more selective (fewer unbound patterns, a LIMIT), or download the dumps.",
            )
        if answer.error:
            raise ApiError(*answer.error)
        return answer

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for w in list(self._workers):
            self._kill(w)

    # -- processes ------------------------------------------------------------------------------
    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(
            target=worker.main, args=(child, self.store_path), daemon=True, name="trialkg-query-worker"
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
        status, detail = w.conn.recv()
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
