"""Atomic and resumable: an interrupted build (kill -9, Ctrl-C) leaves the previous release untouched,
its leftovers are cleaned up by the next build (only trialkg's own, never a live build's), and the
rerun succeeds."""

from __future__ import annotations

import fcntl
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.publish import release as layout
from kg.publish.build import build
from kg.publish.release import atomic_directory, clean_leftovers
from tests.fixtures import api_study, write_json

ROOT = Path(__file__).resolve().parent.parent.parent


def _fingerprint(release: Path) -> dict[str, str]:
    """Every file of a release with a hash of its content."""
    return {
        str(p.relative_to(release)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(release.rglob("*"))
        if p.is_file()
    }


def _many(folder: Path, count: int) -> Path:
    """``count`` studies in files of 100: enough that building them takes a few seconds."""
    for start in range(0, count, 100):
        batch = [api_study(f"NCT{n:08d}") for n in range(start + 1, min(count, start + 100) + 1)]
        write_json(folder / f"part-{start // 100:04d}.json", batch)
    return folder


def _partials(parent: Path, name: str = "rel") -> list[Path]:
    return sorted(p for p in parent.iterdir() if p.name.startswith(f".{name}.partial-"))


def _interruptible() -> None:
    """Ctrl-C as in a terminal: a job started in the background (``cmd &``, as CI runners may) inherits
    SIGINT ignored, and Python then installs no KeyboardInterrupt handler (regression: the build ran on)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(inputs: Path, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "kg", "build", str(inputs), "--out", str(out), "--no-validate", "--quiet"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=_interruptible,
    )


def _wait_for_dumps(parent: Path, process: subprocess.Popen[bytes], timeout: float = 300) -> Path:
    """The build's temporary directory, once it is writing the dumps (half way)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the build ended before it could be interrupted"
        for partial in _partials(parent):
            dump = partial / layout.NTRIPLES
            if partial.is_dir() and dump.exists() and dump.stat().st_size > 0:
                return partial
        time.sleep(0.02)
    raise AssertionError("the build never got to writing its dumps")


@pytest.fixture
def old_release(tmp_path: Path) -> Path:
    write_json(tmp_path / "old" / "a.json", [api_study("NCT00000001"), api_study("NCT00000002")])
    build([str(tmp_path / "old")], str(tmp_path / "rel"), validate=False, progress=False)
    return tmp_path / "rel"


@pytest.mark.timeout(900)
def test_kill_9_half_way_leaves_the_old_release_and_a_rerun_succeeds(tmp_path: Path, old_release: Path) -> None:
    before = _fingerprint(old_release)
    inputs = _many(tmp_path / "many", 1500)
    process = _start(inputs, old_release)
    partial = _wait_for_dumps(tmp_path, process)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert _fingerprint(old_release) == before
    assert partial.exists()  # what kill -9 leaves behind ...
    summary = build([str(inputs)], str(old_release), validate=False, progress=False)
    assert summary.published == 1500 and (old_release / layout.VOID).exists()
    assert _partials(tmp_path) == []  # ... and the next build cleans up


@pytest.mark.timeout(900)
def test_ctrl_c_leaves_the_old_release_and_no_leftovers(tmp_path: Path, old_release: Path) -> None:
    before = _fingerprint(old_release)
    inputs = _many(tmp_path / "many", 1500)
    process = _start(inputs, old_release)
    _wait_for_dumps(tmp_path, process)
    os.killpg(process.pid, signal.SIGINT)
    _, errors = process.communicate(timeout=120)
    assert process.returncode != 0, errors.decode()[-2000:]
    assert _fingerprint(old_release) == before
    assert _partials(tmp_path) == []


def test_leftovers_of_a_live_build_and_foreign_directories_are_not_touched(tmp_path: Path) -> None:
    target = tmp_path / "rel"
    foreign = [tmp_path / ".rel.backup", tmp_path / "rel.partial-x", tmp_path / ".other.partial-abc"]
    for path in foreign:
        path.mkdir()
    live_lock = tmp_path / ".rel.partial-0123456789ab.lock"
    live = tmp_path / ".rel.partial-0123456789ab"
    live.mkdir()
    fd = os.open(live_lock, os.O_CREAT | os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, b'{"pid": 1}')
        dead = tmp_path / ".rel.partial-deadbeef0000"
        dead.mkdir()
        (tmp_path / ".rel.partial-deadbeef0000.lock").write_text('{"pid": 1}')
        orphan = tmp_path / ".rel.partial-feedface0000"  # from a build without a lock file
        orphan.mkdir()
        assert sorted(clean_leftovers(target)) == [dead, orphan]
        assert live.exists() and live_lock.exists()
    finally:
        os.close(fd)
    assert clean_leftovers(target) == [live]  # its build is gone now
    assert all(path.exists() for path in foreign)
    assert _partials(tmp_path) == []


def test_a_build_killed_between_the_two_renames_gets_its_release_back(tmp_path: Path, old_release: Path) -> None:
    """Where the atomic exchange is unavailable the swap is two renames; a kill between them is repaired."""
    before = _fingerprint(old_release)
    displaced = tmp_path / ".rel.partial-0000aaaa0000.old"
    old_release.rename(displaced)
    (tmp_path / ".rel.partial-0000aaaa0000").mkdir()  # the new release that never got renamed
    (tmp_path / ".rel.partial-0000aaaa0000.lock").write_text('{"pid": 1}')
    clean_leftovers(old_release)
    assert _fingerprint(old_release) == before and _partials(tmp_path) == []


def test_an_exception_in_the_block_removes_the_temporary_directory(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), atomic_directory(str(tmp_path / "rel")) as work:
        (work / "half.txt").write_text("half")
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


_ORPHAN = """
import multiprocessing, sys, time

def child():
    from kg.publish.workers import exit_with_parent
    exit_with_parent()
    time.sleep(120)

if __name__ == "__main__":
    worker = multiprocessing.get_context("spawn").Process(target=child)
    worker.start()
    print(worker.pid, flush=True)
    time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in state


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")
def test_validation_workers_end_when_the_build_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "orphan.py"
    script.write_text(_ORPHAN)
    parent = subprocess.Popen([sys.executable, str(script)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    worker = int(parent.stdout.readline())
    time.sleep(1.0)
    assert _alive(worker)
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 30
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(worker)
