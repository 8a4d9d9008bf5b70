"""`trialkg serve` and `trialkg query` on what cannot be served: one `trialkg: ...` line, exit 2."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest


def _command() -> list[str]:
    script = Path(sys.executable).with_name("trialkg")
    return [str(script)] if script.exists() else [sys.executable, "-m", "kg"]


def _trialkg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*_command(), *args], capture_output=True, text=True, timeout=120)


def _one_line(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("trialkg: "), result.stderr
    assert "Traceback" not in result.stderr and all(w in lines[0] for w in words), lines[0]


def test_a_port_in_use(known_release: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        _one_line(_trialkg("serve", str(known_release), "--port", str(port)), "in use", "--port")


@pytest.fixture()
def broken(known_release: Path, tmp_path: Path) -> tuple[Path, Path]:
    missing, corrupt = tmp_path / "missing", tmp_path / "corrupt"
    shutil.copytree(known_release, missing)
    shutil.rmtree(missing / "store")
    shutil.copytree(known_release, corrupt)
    for path in (corrupt / "store").iterdir():
        if path.is_file() and path.name != "CURRENT":
            path.write_bytes(b"not a store")
    return missing, corrupt


def test_a_missing_or_corrupt_store(broken: tuple[Path, Path]) -> None:
    missing, corrupt = broken
    for release in (missing, corrupt):
        _one_line(_trialkg("serve", str(release), "--port", "0"), "rebuild")
        _one_line(_trialkg("query", "trial-summary", "--data", str(release)), "rebuild")


def test_local_query_refuses_service_unless_allowed(known_release: Path, tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(0.5)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
        rq = tmp_path / "federated.rq"
        rq.write_text(f"SELECT * WHERE {{ # x\rSERVICE SILENT <{url}> {{ ?s ?p ?o }} }}\n")
        _one_line(_trialkg("query", str(rq), "--data", str(known_release)), "Federated query is disabled")
        with pytest.raises(TimeoutError):
            listener.accept()  # nothing came
        allowed = subprocess.Popen([*_command(), "query", str(rq), "--data", str(known_release), "--allow-service"])
        try:
            listener.settimeout(60)
            listener.accept()[0].close()  # with the flag, it does call the service (SILENT: the reset is fine)
            assert allowed.wait(60) == 0
        finally:
            allowed.kill()
            allowed.wait()
