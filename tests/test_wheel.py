"""The package as users install it: a wheel built from the project, installed into a fresh virtual
environment outside the checkout, runs ``build``, ``query``, ``validate``, ``queries`` and ``serve``
from there (its ontology, shapes and canned queries are package data, not files of the checkout).

The wheel's dependencies come from the package registry (or the machine's wheel cache), as for a user:
this test takes a minute or so."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import httpx
import pytest

from kg.packaged import QUERIES_DIR
from tests.serve.conftest import Server

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples"
#: What a wheel is built from: the project's metadata and its package (with any git-ignored static files
#: the set-up put there, as a wheel built after set-up would have them).
SOURCES = ("pyproject.toml", "README.md", "kg")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin`` folder of a fresh virtual environment with the wheel (and the server extra) installed."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    source.mkdir()
    for name in SOURCES:
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy
        copy(ROOT / name, source / name, **({"ignore": shutil.ignore_patterns("__pycache__")} if name == "kg" else {}))
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(root / "dist"), str(source)])
    (wheel,) = (root / "dist").glob("trialkg-*.whl")
    venv.EnvBuilder(with_pip=True).create(root / "env")
    pip = root / "env" / "bin" / "pip"
    _run([str(pip), "install", "--quiet", f"trialkg[server] @ {wheel.as_uri()}"], timeout=900)
    return root / "env" / "bin"


def _run(command: list[str], cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)
    assert done.returncode == 0, f"{' '.join(command)} exited with {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done


def test_the_installed_package_is_the_wheel_not_the_checkout(installed: Path, tmp_path: Path) -> None:
    found = _run([str(installed / "python"), "-c", "import kg; print(kg.__file__)"], cwd=tmp_path).stdout.strip()
    assert Path(found).is_relative_to(installed.parent) and not Path(found).is_relative_to(ROOT)


def test_the_installed_package_builds_queries_validates_and_serves(installed: Path, tmp_path: Path) -> None:
    trialkg = str(installed / "trialkg")
    listed = _run([trialkg, "queries"], cwd=tmp_path).stdout.splitlines()
    assert {line.split()[0] for line in listed if line.strip()} == {p.stem for p in QUERIES_DIR.glob("*.rq")}

    built = _run([trialkg, "build", str(EXAMPLE), "--out", "release", "--quiet"], cwd=tmp_path).stdout
    assert "published      1" in built and "0 violations" in built
    release = tmp_path / "release"
    assert (release / "shapes").is_dir() and (release / "ontology" / "trialkg.ttl").is_file()

    rows = _run([trialkg, "query", "trial-summary", "--data", "release", "--format", "csv"], cwd=tmp_path).stdout
    assert [row["nct_id"] for row in csv.DictReader(io.StringIO(rows))] == ["NCT04282928"]

    validated = subprocess.run([trialkg, "validate", "release"], cwd=tmp_path, capture_output=True, text=True)
    assert validated.returncode == 0, validated.stdout + validated.stderr

    running = Server(release, trialkg=installed / "trialkg", cwd=tmp_path)
    try:
        answer = httpx.get(f"{running.url}/queries/trial-summary.json", timeout=30).json()
        assert [row["nct_id"] for row in answer["rows"]] == ["NCT04282928"]
    finally:
        running.stop()
