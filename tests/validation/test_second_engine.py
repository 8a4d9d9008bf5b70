"""A second, independent SHACL engine gives the same verdict as pySHACL, and the same number of results per
focus node, severity and shape: on every valid and invalid case, and on the mapped JSON corpus.

Needs Java and Apache Jena (Debian: ``apt-get install default-jre-headless libapache-jena-java``); skips
with the reason otherwise. See tests/validation/second_engine.py for how Jena is run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import rdflib

from kg.packaged import SHAPES_DIR
from kg.validation.engine import Validator
from kg.validation.results import Report
from tests.validation import second_engine as jena

CASES = Path(__file__).resolve().parents[1] / "shapes"

pytestmark = pytest.mark.skipif(jena.missing() is not None, reason=f"second SHACL engine: {jena.missing()}")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A work directory with all the shapes in one Turtle file, as Jena takes them."""
    work = tmp_path_factory.mktemp("jena")
    shapes = rdflib.Graph()
    for path in sorted(SHAPES_DIR.glob("*.ttl")):
        shapes.parse(path, format="turtle")
    shapes.serialize(work / "shapes.ttl", format="turtle")
    jena.classpath(work)
    yield work


def test_jena_agrees_on_every_case(workdir: Path) -> None:
    validator = Validator()
    cases = sorted((CASES / "valid").glob("*.ttl")) + sorted((CASES / "invalid").glob("*.ttl"))

    ours = {case: jena.counts_of(validator.validate(rdflib.Graph().parse(case, format="turtle"))) for case in cases}
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:  # only Java runs in parallel
        reports = pool.map(lambda case: jena.validate(workdir / "shapes.ttl", case, workdir), cases)
        theirs = {case: jena.counts_of_jena(report) for case, report in zip(cases, reports, strict=True)}
    outcomes = [
        (
            case.name,
            jena.conforms(ours[case]),
            jena.conforms(theirs[case]),
            sorted((ours[case] - theirs[case]).items()) + sorted((theirs[case] - ours[case]).items()),
        )
        for case in cases
    ]
    assert [(name, a, b) for name, a, b, _ in outcomes if a != b] == []  # the verdict
    assert [(name, diff) for name, _, _, diff in outcomes if diff] == []  # the results per focus node
    assert any(not a for _, a, _, _ in outcomes) and any(a for _, a, _, _ in outcomes)


@pytest.mark.slow
def test_jena_agrees_on_the_corpus(workdir: Path, json_corpus_lines: list[str], whole_report: Report) -> None:
    data = workdir / "corpus.nt"
    data.write_text("\n".join(json_corpus_lines) + "\n", encoding="utf-8")
    theirs = jena.counts_of_jena(jena.validate(workdir / "shapes.ttl", data, workdir, quick_start=False))
    ours = jena.counts_of(whole_report)
    assert jena.conforms(theirs) == jena.conforms(ours) == whole_report.conforms
    assert theirs == ours
