"""SHACL validation of the build's batches: in worker processes, in order, a bounded number in flight.

Validation is single-threaded and a slow stage of a build, and batches are independent,
so they are validated in parallel (one worker per core by default). Results come back in input
order and at most ``2 × jobs`` batches are in flight, so memory stays flat whatever the input size.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

from kg.publish.workers import reraise_start_error, started, starting
from kg.validation.engines import DEFAULT_ENGINE, new_validator

B = TypeVar("B")
_validator: Any = None


def _start_worker(engine: str) -> None:
    global _validator
    _validator = _new_validator(engine)


def _validate(lines: list[str]) -> Any:
    started()
    return _validator.validate_ntriples(lines)


def default_jobs() -> int:
    return max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


def checked(
    batches: Iterable[B],
    lines: Callable[[B], list[str]],
    *,
    jobs: int,
    validator: Any = None,
    engine: str = DEFAULT_ENGINE,
) -> Iterator[tuple[B, Any]]:
    """Each batch with its validation report: in this process with ``validator``, else in ``jobs`` workers,
    each with a validator of ``engine`` (``fast`` or ``pyshacl``: see :func:`kg.validation.engines.new_validator`).

    A batch whose validation raised gets the exception instead of a report.

    A batch with no lines to validate gets ``None`` (no validator is started for it: a build that reuses
    every study from a previous release starts none at all)."""
    if validator is not None or jobs <= 1:
        for batch in batches:
            batch_lines = lines(batch)
            if not batch_lines:
                yield batch, None
                continue
            validator = validator or _new_validator(engine)
            try:
                yield batch, validator.validate_ntriples(batch_lines)
            except Exception as exc:  # the caller isolates the study at fault
                yield batch, exc
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=starting, initargs=(_start_worker, engine)) as pool:
        window: deque[tuple[B, Future[Any] | None]] = deque()
        for batch in batches:
            batch_lines = lines(batch)
            window.append((batch, pool.submit(_validate, batch_lines) if batch_lines else None))
            if len(window) >= 2 * jobs:
                done, future = window.popleft()
                yield done, _settled(future)
        while window:
            done, future = window.popleft()
            yield done, _settled(future)


def _settled(future: Future[Any] | None) -> Any:
    """A batch's report, ``None`` for nothing to validate, or the exception its validation raised."""
    if future is None:
        return None
    try:
        return future.result()
    except Exception as exc:  # BrokenProcessPool included: the caller validates the batch again in-process
        reraise_start_error(exc)
        return exc


def _new_validator(engine: str = DEFAULT_ENGINE) -> Any:
    return new_validator(engine)
