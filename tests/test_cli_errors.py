"""Every failure of the command line is one ``trialkg: ...`` line on stderr, exit 2, no traceback: a table of
(what, how to set it up, what the line must say), each run as a real ``python -m kg`` process.

A full disk is played by ``RLIMIT_FSIZE`` (files may not grow past a few bytes: the same EFBIG/ENOSPC paths,
without privileges); a read-only place by a read-only tmpfs mount when root (``chmod`` does not stop root),
by ``chmod 555`` otherwise.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_trialkg(
    args: list[str],
    *,
    fsize: int | None = None,
    stdout: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[bytes]:
    """``python -m kg ARGS`` in a fresh process (files it writes may not grow past ``fsize`` bytes), with the
    environment of this one but buffered output, as from a shell (an unbuffered stdout loses the rest of a
    short write without an error: a limitation of Python's ``-u``, not a failure trialkg could see)."""
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}

    def limit() -> None:
        if fsize is not None:  # Python ignores SIGXFSZ: a write past the limit fails with EFBIG
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    with open(stdout, "wb") if stdout else contextlib.nullcontext(subprocess.PIPE) as out:  # type: ignore[attr-defined]
        return subprocess.run(
            [sys.executable, "-m", "kg", *args],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.PIPE,
            timeout=timeout,
            preexec_fn=limit,
            env={**environment, **(env or {})},
        )


def one_line(result: subprocess.CompletedProcess[bytes], code: int = 2) -> str:
    """The one ``trialkg:`` line the failed command wrote on stderr (and nothing else)."""
    err = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("trialkg: "), err
    assert result.returncode == code, (result.returncode, err)
    return lines[0]


@contextlib.contextmanager
def tmpfs(place: Path, options: str) -> Iterator[Path]:
    """A tmpfs mounted at ``place`` (``options``: ``ro,size=64k``...); skips when it cannot be mounted."""
    place.mkdir(parents=True, exist_ok=True)
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root and mount(8)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(place)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"mount -t tmpfs refused here: {done.stderr.decode().strip()}")
    try:
        yield place
    finally:
        subprocess.run(["umount", "-l", str(place)], check=False)


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A release of the bundled example (one study)."""
    from kg.publish.build import build

    out = tmp_path_factory.mktemp("cli-errors") / "release"
    build([str(ROOT / "examples")], str(out), validate=False, progress=False)
    return out


def _copy(release: Path, tmp: Path) -> Path:
    shutil.copytree(release, tmp / "copy")
    return tmp / "copy"


def _write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def _truncated(release: Path) -> bytes:
    return (release / "trialkg.nt.gz").read_bytes()[:-200]


def _corrupt_gzip(release: Path) -> bytes:
    data = bytearray((release / "trialkg.nt.gz").read_bytes())
    data[40:240] = bytes(200)
    return bytes(data)


def _binary() -> bytes:
    return bytes(range(255, -1, -1)) * 8


def _without_store(release: Path, tmp: Path) -> str:
    copy = _copy(release, tmp)
    shutil.rmtree(copy / "store")
    return str(copy)


def _corrupt_store(release: Path, tmp: Path) -> str:
    copy = _copy(release, tmp)
    for file in (copy / "store").iterdir():
        file.write_bytes(_binary()[:100])
    return str(copy)


def _replaced(release: Path, tmp: Path, name: str, data: bytes | None) -> str:
    copy = _copy(release, tmp)
    if data is None:
        (copy / name).unlink()
    else:
        (copy / name).write_bytes(data)
    return str(copy)


def _refused() -> str:
    from tests.load.conftest import free_port

    return f"http://127.0.0.1:{free_port()}"


def _file(tmp: Path) -> Path:
    (tmp / "a-file").write_text("not a directory", encoding="utf-8")
    return tmp / "a-file"


@dataclass(frozen=True)
class Case:
    name: str
    args: Callable[[Path, Path], list[str]]  # (tmp_path, release) -> the command line
    says: tuple[str, ...]  # fragments of the line
    fsize: int | None = None  # files written may not grow past this many bytes
    stdout: str | None = None  # stdout goes to this file in tmp_path


CASES = [
    Case(
        "usage: a path that does not exist",
        lambda t, r: ["validate", str(t / "no.ttl")],
        ("does not exist", "validate --help`"),
    ),
    Case("usage: an unknown option", lambda t, r: ["build", "--no-such-option", str(t)], ("No such option",)),
    Case(
        "usage: an unknown option of trialkg itself", lambda t, r: ["--no-such-option", "queries"], ("No such option",)
    ),
    Case("usage: an unknown command", lambda t, r: ["no-such-command"], ("No such command",)),
    Case(
        "validate: a truncated .nt.gz",
        lambda t, r: ["validate", _write(t / "cut.nt.gz", _truncated(r))],
        ("cut.nt.gz", "ends too early"),
    ),
    Case(
        "validate: random bytes named .nt.gz",
        lambda t, r: ["validate", _write(t / "x.nt.gz", _binary())],
        ("x.nt.gz", "not valid gzip"),
    ),
    Case(
        "validate: corrupt gzip data",
        lambda t, r: ["validate", _write(t / "c.nt.gz", _corrupt_gzip(r))],
        ("c.nt.gz", "gzip"),
    ),
    Case("validate: a binary .ttl", lambda t, r: ["validate", _write(t / "b.ttl", _binary())], ("b.ttl", "not UTF-8")),
    Case(
        "validate: broken Turtle",
        lambda t, r: ["validate", _write(t / "bad.ttl", b"<a> <b> ; ; .")],
        ("bad.ttl", "not valid Turtle"),
    ),
    Case(
        "validate: not an RDF file",
        lambda t, r: ["validate", _write(t / "q.rq", b"SELECT * {}")],
        ("q.rq", "unknown RDF syntax"),
    ),
    Case("validate: a directory without a dump", lambda t, r: ["validate", str(t)], ("no RDF dump",)),
    Case(
        "validate: --out under a regular file",
        lambda t, r: ["validate", str(r), "--out", str(_file(t) / "v")],
        ("a-file", "not a directory"),
    ),
    Case(
        "build: --out under a regular file",
        lambda t, r: ["build", str(ROOT / "examples"), "--out", str(_file(t) / "rel"), "--quiet"],
        ("cannot write the release", "in the way", "choose another --out"),
    ),
    Case(
        "build: files may not grow (RLIMIT_FSIZE, as on a full disk)",
        lambda t, r: ["build", str(ROOT / "examples"), "--out", str(t / "rel"), "--quiet", "--no-validate"],
        ("cannot write the release", "nothing was published", "or choose another --out"),
        fsize=4096,
    ),
    Case(
        "query: a binary .rq file", lambda t, r: ["query", _write(t / "b.rq", _binary()), "--data", str(r)], ("UTF-8",)
    ),
    Case(
        "query: a release without store/",
        lambda t, r: ["query", "trial-summary", "--data", _without_store(r, t)],
        ("store",),
    ),
    Case(
        "queries: standard output on a file that may not grow",
        lambda t, r: ["queries", "--format", "json"],
        ("standard output", "size limit"),
        fsize=256,
        stdout="out.json",
    ),
    Case(
        "analyze: a release without store/",
        lambda t, r: ["analyze", _without_store(r, t), "--out", str(t / "a")],
        ("no query index", "rebuild the release"),
    ),
    Case(
        "analyze: a corrupt store/",
        lambda t, r: ["analyze", _corrupt_store(r, t), "--out", str(t / "a")],
        ("store: cannot be opened", "rebuild the release"),
    ),
    Case(
        "analyze: a corrupt build-report.json",
        lambda t, r: ["analyze", _replaced(r, t, "build-report.json", b'{"version": 1'), "--out", str(t / "a")],
        ("build-report.json: is corrupt", "rebuild"),
    ),
    Case(
        "analyze: a directory that is not a release",
        lambda t, r: ["analyze", str(t), "--out", str(t / "a")],
        ("not a trialkg release",),
    ),
    Case(
        "load: no void.ttl",
        lambda t, r: ["load", _replaced(r, t, "void.ttl", None), "--endpoint", _refused()],
        ("void.ttl", "missing", "rebuild"),
    ),
    Case(
        "load: a corrupt void.ttl",
        lambda t, r: ["load", _replaced(r, t, "void.ttl", b"<a> <b"), "--endpoint", _refused()],
        ("void.ttl", "not valid Turtle"),
    ),
    Case(
        "load: a truncated dump",
        lambda t, r: [
            "load",
            _replaced(r, t, "trialkg.nt.gz", _truncated(r)),
            "--endpoint",
            _refused(),
            "--retries",
            "0",
            "--quiet",
        ],
        ("trialkg.nt.gz", "ends too early", "acknowledged"),
    ),
    Case(
        "load: a store that refuses connections",
        lambda t, r: ["load", str(r), "--endpoint", _refused(), "--retries", "0", "--quiet"],
        ("cannot reach the store", "0 of the release's", "does not answer a count"),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_failure_is_one_line(case: Case, release: Path, tmp_path: Path) -> None:
    args = case.args(tmp_path, release)
    result = run_trialkg(args, fsize=case.fsize, stdout=tmp_path / case.stdout if case.stdout else None)
    line = one_line(result)
    for fragment in case.says:
        assert fragment in line, line


@pytest.mark.parametrize("command", ["build", "analyze", "validate"])
def test_a_read_only_out_is_one_line(command: str, release: Path, tmp_path: Path) -> None:
    with _read_only(tmp_path / "ro") as place:
        source = str(ROOT / "examples") if command == "build" else str(release)
        args = [command, source, "--out", str(place / "out"), *(["--quiet"] if command != "validate" else [])]
        line = one_line(run_trialkg(args))
    assert "writable --out" in line and str(place) in line, line
    assert ("read-only" if os.geteuid() == 0 else "permission denied") in line, line


@contextlib.contextmanager
def _read_only(place: Path) -> Iterator[Path]:
    if os.geteuid() == 0:  # root writes through chmod 555: only a read-only file system stops it
        with tmpfs(place, "ro,size=64k"):
            yield place
        return
    place.mkdir()
    place.chmod(0o555)
    try:
        yield place
    finally:
        place.chmod(0o755)


def test_debug_shows_the_traceback_then_the_line(release: Path, tmp_path: Path) -> None:
    broken = _replaced(release, tmp_path, "trialkg.nt.gz", _truncated(release))
    args = ["load", broken, "--endpoint", _refused(), "--retries", "0", "--quiet"]
    for flag, env in ((["--debug"], {}), ([], {"TRIALKG_DEBUG": "1"})):
        result = run_trialkg([*flag, *args], env=env)
        err = result.stderr.decode().splitlines()
        assert result.returncode == 2 and "Traceback (most recent call last):" in err
        assert err[-1].startswith("trialkg: ") and "ends too early" in err[-1]
        assert not any(line.startswith("trialkg: ") for line in err[:-1])
