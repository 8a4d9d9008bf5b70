"""Peak resident memory of a process and all its descendants, sampled from /proc while it runs."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_rss(pid: int) -> int:
    """Bytes resident in ``pid`` and its descendants now."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += _rss(current)
        todo += _children(current)
    return total


def run_measured(args: list[str], timeout: float, **kwargs: object) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run ``args`` to the end; return its result and the peak resident bytes of its process tree."""
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)  # type: ignore[call-overload]
    peak, deadline = 0, time.monotonic() + timeout
    while process.poll() is None:
        peak = max(peak, tree_rss(process.pid))
        if time.monotonic() > deadline:
            process.kill()
            break
        time.sleep(0.05)
    out, err = process.communicate()
    return subprocess.CompletedProcess(args, process.returncode, out, err), peak


def available() -> bool:
    return os.path.exists(f"/proc/{os.getpid()}/task/{os.getpid()}/children")
