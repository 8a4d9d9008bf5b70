"""Shared fixtures: where the real corpus is, and one release of it built once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _shared(env: str, name: str) -> Path:
    return Path(os.environ.get(env) or ROOT.parent / "shared" / name)


CORPUS = _shared("TRIALKG_CORPUS", "corpus")
SEEDS = _shared("TRIALKG_SEEDS", "seeds")


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not (CORPUS / "ctgov-json").is_dir():
        pytest.skip(f"the real corpus is not at {CORPUS} (set TRIALKG_CORPUS to its folder)")
    return CORPUS


@pytest.fixture(scope="session")
def seeds() -> Path:
    if not (SEEDS / "NCT04282928.txt").is_file():
        pytest.skip(f"the seed record is not at {SEEDS} (set TRIALKG_SEEDS to its folder)")
    return SEEDS


@pytest.fixture(scope="session")
def corpus_release(corpus: Path, seeds: Path, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """A validated release of the whole corpus (JSON, XML and the seed), built once and shared."""
    from kg.publish.build import build

    out = tmp_path_factory.mktemp("corpus") / "release"
    summary = build([str(corpus / "ctgov-json"), str(corpus / "ctgov-xml"), str(seeds)], str(out), progress=False)
    return out, summary
