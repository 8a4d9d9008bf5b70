"""The worker processes of a build: each ends with the build that started it, and an error while it
starts (shapes that cannot be read, say) reaches the user as that error, not as a broken pool.

``ProcessPoolExecutor`` turns an initializer's exception into ``BrokenProcessPool`` and loses its
message, so :func:`starting` keeps the exception instead and :func:`started` raises it in the worker's
first task, whose future hands it to the build (:func:`reraise_start_error`)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

from kg.errors import TrialkgError, WorkerError

_start_error: WorkerError | None = None


def starting(initialize: Callable[..., None], *args: object) -> None:
    """The pool's initializer: watch the parent, then run ``initialize(*args)``, keeping its error."""
    global _start_error
    exit_with_parent()
    try:
        initialize(*args)
    except TrialkgError as exc:
        _start_error = WorkerError(f"a worker process could not start: {exc}")
    except Exception as exc:  # a bug of ours or a broken install: name it, the build cannot go on
        _start_error = WorkerError(f"a worker process could not start: {type(exc).__name__}: {exc}")


def started() -> None:
    """Raise this worker's start-up error, if it had one (call it first in every task)."""
    if _start_error is not None:
        raise _start_error


def reraise_start_error(exc: BaseException) -> None:
    """Raise ``exc`` again if it is a worker's start-up error (the build stops with its message)."""
    if isinstance(exc, WorkerError):
        raise exc


def exit_with_parent() -> None:
    """End this process when the one that started it is gone: a worker never outlives its build or
    server, even one killed with SIGKILL (which leaves children otherwise)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
