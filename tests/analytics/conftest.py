"""The small known release (tests/serve/known_release.py, worked out by hand in its docstring) and one
analysis of it, shared by the analytics tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.analytics import Analysis, analyze, base_of
from kg.query import LocalStore, open_store
from tests.serve.known_release import build_known_release

T = "https://w3id.org/trialkg/"
ACME, EUH, BETA = f"{T}org/acme-pharma", f"{T}org/example-university-hospital", f"{T}org/beta-biotech"
S1, S2, S3, S4, S5 = (f"{T}trial/NCT0000000{i}" for i in range(1, 6))
ASPIRIN, BREATHING, PLACEBO, VACCINE = (
    f"{T}intervention/{s}" for s in ("aspirin", "breathing-exercise", "placebo", "vaccine-x")
)
ASTHMA, COVID = "http://id.nlm.nih.gov/mesh/D001249", "http://id.nlm.nih.gov/mesh/D000086382"


@pytest.fixture(scope="session")
def known(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_known_release(tmp_path_factory.mktemp("analytics"))


@pytest.fixture(scope="session")
def analysed(known: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Analysis, Path]:
    """The known release analysed with the 2 most similar studies per study and top-3 tables."""
    out = tmp_path_factory.mktemp("analysis") / "out"
    result = analyze(LocalStore(open_store(str(known))), str(out), base=base_of(str(known)), top=3, similar_k=2)
    return result, out
