"""The README's console blocks, made by running their commands (as datasette does with cog).

Each console block of README.md sits between cog markers that call :func:`console`; ``make readme``
runs every command again and rewrites the blocks, and ``tests/test_readme.py`` fails when the README
differs from what the commands print now (timings, dates and release versions masked: :func:`masked`).

The commands run as written, from a workspace that looks like the checkout (``.venv``, ``examples``,
``bench`` link to it) in a temporary folder, so nothing of the checkout is written. ``build/corpus`` (a
release of the whole corpus) is linked from ``$TRIALKG_README_CORPUS``, or ``build/corpus`` or
``build/bench-release`` of the checkout, or built as ``build/corpus`` once. The fetch examples talk to
the tests' stand-in API on 127.0.0.1:8765, the Oxigraph examples to a server started for the block.

    .venv/bin/cog -r -I docs -p "import readme" README.md      # what `make readme` runs
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
LINKED = (".venv", "examples", "bench")
STANDIN_PORT = 8765
#: What changes from run to run without the data changing, masked before comparing.
VOLATILE = (
    (re.compile(r"^(seconds\s+).*$", re.M), r"\1…"),  # the build's and analyze's stage timings
    (re.compile(r"\b\d{4}-\d\d-\d\d-[0-9a-f]{8}\b"), "(version)"),  # a release's version: the day and a hash
    (re.compile(r"\bin \d+(\.\d+)? s\b"), "in … s"),
    (re.compile(r"\([\d,.]+ [\w ]+/s\)"), "(… /s)"),
    (re.compile(r"^\S+: +\d+%\|.*$", re.M), "(progress)"),  # a progress bar
)

_workspace: Path | None = None
_holder: list[tempfile.TemporaryDirectory[str]] = []  # removes the workspace when the run ends


def masked(text: str) -> str:
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def workspace() -> Path:
    """The folder the commands run in (made once per run, removed at exit)."""
    global _workspace
    if _workspace is None:
        _holder.append(tempfile.TemporaryDirectory(prefix="trialkg-readme-"))
        _workspace = Path(_holder[0].name)
        for name in LINKED:
            (_workspace / name).symlink_to(ROOT / name)
        (_workspace / "build").mkdir()
    return _workspace


def corpus() -> None:
    """Make ``build/corpus`` in the workspace: a release of the whole corpus (linked, or built once)."""
    target = workspace() / "build" / "corpus"
    if target.exists():
        return
    given = os.environ.get("TRIALKG_README_CORPUS")
    candidates = [Path(given)] if given else [ROOT / "build" / "corpus", ROOT / "build" / "bench-release"]
    release = next((c for c in candidates if (c / "void.ttl").is_file()), candidates[0])
    if not (release / "void.ttl").is_file():
        shared = Path(os.environ.get("TRIALKG_CORPUS", ROOT.parent / "shared" / "corpus"))
        inputs = [shared / "ctgov-json", shared / "ctgov-xml", ROOT.parent / "shared" / "seeds"]
        trialkg = str(ROOT / ".venv" / "bin" / "trialkg")
        subprocess.run([trialkg, "build", *map(str, inputs), "--out", str(release), "--quiet"], check=True)
    target.symlink_to(release)


@contextlib.contextmanager
def standin(*options: str) -> Iterator[None]:
    """The tests' stand-in of the registry's API on 127.0.0.1:8765 while the block runs."""
    command = [sys.executable, "-m", "tests.fetch.standin", "--port", str(STANDIN_PORT), *options]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    try:
        _wait_for(f"http://127.0.0.1:{STANDIN_PORT}/api/v2/version", server)
        yield
    finally:
        server.terminate()
        server.wait(10)


def run(command: str) -> str:
    """What ``command`` prints (stdout and stderr, as a terminal shows them), run with bash in the workspace."""
    done = subprocess.run(
        ["bash", "-c", command], cwd=workspace(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=_env()
    )
    return _settled_bars(done.stdout.decode())


_BAR = re.compile(r"^(\S+): +(\d+%\||\d+ \w+ \[)")


def _settled_bars(text: str) -> str:
    """``text`` as a terminal leaves it: of a line rewritten with ``\\r``, the last state; of a progress
    bar's updates, the last."""
    lines: list[str] = []
    for raw in text.split("\n"):
        line = next((part for part in reversed(raw.split("\r")) if part), "")
        bar = _BAR.match(line)
        if bar and lines and (previous := _BAR.match(lines[-1])) and previous.group(1) == bar.group(1):
            lines[-1] = line
        else:
            lines.append(line)
    return "\n".join(lines)


def console(*commands: str) -> None:
    """Print (to cog) a console block: each command after ``$ `` and what it printed. A command ending in
    `` &`` is a server for the rest of the block: started, waited for (the ``HOST:PORT`` in its command)
    and stopped at the end."""
    import cog  # only there when cog runs this module

    cog.outl("```console")
    with contextlib.ExitStack() as servers:
        for command in commands:
            cog.outl(f"$ {command}")
            if command.endswith("&"):
                servers.enter_context(background(command.rstrip("& ")))
            else:
                cog.out(run(command).rstrip("\n") + "\n")
    cog.outl("```")


@contextlib.contextmanager
def background(command: str) -> Iterator[None]:
    """``command`` running in the workspace until the block ends, once its ``HOST:PORT`` answers."""
    host, port = re.findall(r"(\d+\.\d+\.\d+\.\d+):(\d+)", command)[-1]
    server = subprocess.Popen(["bash", "-c", command], cwd=workspace(), env=_env(), start_new_session=True)
    try:
        _wait_for(f"http://{host}:{port}/", server)
        yield
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)


def _wait_for(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{server.args!r} did not start answering at {url}") from None
            time.sleep(0.1)


def _env() -> dict[str, str]:
    bin_dir = str(workspace() / ".venv" / "bin")
    return {**os.environ, "COLUMNS": "100", "TERM": "dumb", "PATH": f"{bin_dir}:{os.environ.get('PATH', '')}"}


def fetched(folder: str, count: int) -> list[str]:
    """The first ``count`` NCT ids fetched into ``folder`` of the workspace (for the update example)."""
    return sorted(p.stem for p in (workspace() / folder).glob("NCT*.json"))[:count]
