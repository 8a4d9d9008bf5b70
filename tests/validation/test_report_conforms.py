"""``trialkg validate`` on releases of real corpus records: the Turtle report's ``sh:conforms`` is SHACL's
(section 3.6: true only when there is no result at all, so false with warnings alone), while the exit code
and the text keep trialkg's verdict (no Violation: 0). Apache Jena's ``shacl``, run on the same dump and
shapes, gives the same ``sh:conforms`` and the same results (focus node, path, source shape, severity).

Jena as in tests/validation/second_engine.py (Debian: libapache-jena-java, default-jre-headless, which
``make system-deps`` installs); its tests skip with the reason when it is absent."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import RDF, SH

from kg.packaged import SHAPES_DIR
from kg.publish import release as layout
from kg.publish.build import build
from kg.validation.report import FILES
from tests.publish.sample import SAMPLE, records
from tests.test_cli_errors import run_trialkg
from tests.validation import second_engine as jena

CLEAN = ("NCT02856893",)  # a real record with no result at all, not even a warning
needs_jena = pytest.mark.skipif(jena.missing() is not None, reason=f"second SHACL engine: {jena.missing()}")

Key = tuple[str, str | None, str, str]  # focus node, path, source shape, severity (N-Triples syntax)


def shacl_report(graph: rdflib.Graph) -> tuple[bool, Counter[Key]]:
    """A SHACL report's ``sh:conforms`` and its results."""
    (node,) = graph.subjects(RDF.type, SH.ValidationReport)
    (conforms,) = graph.objects(node, SH.conforms)
    results: Counter[Key] = Counter()
    for r in graph.objects(node, SH.result):
        focus, path, shape, severity = (
            graph.value(r, p) for p in (SH.focusNode, SH.resultPath, SH.sourceShape, SH.resultSeverity)
        )
        assert focus is not None and shape is not None and severity is not None, r
        results[(focus.n3(), path.n3() if path is not None else None, shape.n3(), severity.n3())] += 1
    assert isinstance(conforms, rdflib.Literal) and isinstance(conforms.value, bool), conforms
    return conforms.value, results


@pytest.fixture(scope="module")
def releases(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two validated releases of real records: one with warnings (and no violation), one with no result."""
    root = tmp_path_factory.mktemp("conforms")
    out = {}
    for name, ids in (("warned", SAMPLE), ("clean", CLEAN)):
        summary = build(records(corpus, ids), str(root / name), progress=False)
        assert summary.published == len(ids) and summary.violations == 0, summary.quarantine
        out[name] = root / name
    return out


@pytest.fixture(scope="module")
def validated(releases: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, str, Path]]:
    """``trialkg validate RELEASE --out DIR`` on each: its exit code, output and report.ttl."""
    root = tmp_path_factory.mktemp("validated")
    out = {}
    for name, release in releases.items():
        done = run_trialkg(["validate", str(release), "--out", str(root / name)], timeout=300)
        out[name] = (done.returncode, done.stdout.decode(), root / name / FILES["turtle"])
    return out


def test_warnings_alone_make_sh_conforms_false_but_exit_0(validated: dict[str, tuple[int, str, Path]]) -> None:
    code, output, path = validated["warned"]
    conforms, results = shacl_report(rdflib.Graph().parse(path, format="turtle"))
    severities = Counter(severity for (*_, severity), n in results.items() for _ in range(n))
    assert severities[SH.Warning.n3()] > 0 and severities[SH.Violation.n3()] == 0, severities
    assert conforms is False  # SHACL: any result, of any severity
    assert code == 0, output  # trialkg's verdict: no violation
    assert f"conforms to the trialkg shapes: 0 violations, {severities[SH.Warning.n3()]} warnings." in output


def test_no_result_makes_sh_conforms_true(validated: dict[str, tuple[int, str, Path]]) -> None:
    code, output, path = validated["clean"]
    assert shacl_report(rdflib.Graph().parse(path, format="turtle")) == (True, Counter())
    assert code == 0, output


def test_the_release_s_own_report_is_the_same(
    releases: dict[str, Path], validated: dict[str, tuple[int, str, Path]]
) -> None:
    """The build's ``validation/report.ttl`` (batch by batch) says what ``trialkg validate`` (the whole
    dump) says, ``sh:conforms`` included."""
    for name, release in releases.items():
        built = rdflib.Graph().parse(release / layout.VALIDATION / FILES["turtle"], format="turtle")
        again = rdflib.Graph().parse(validated[name][2], format="turtle")
        assert shacl_report(built) == shacl_report(again), name


@needs_jena
def test_jena_gives_the_same_verdict_and_results(
    releases: dict[str, Path], validated: dict[str, tuple[int, str, Path]], tmp_path: Path
) -> None:
    shapes = rdflib.Graph()
    for path in sorted(SHAPES_DIR.glob("*.ttl")):  # the shapes trialkg validate uses, in one file for Jena
        shapes.parse(path, format="turtle")
    shapes.serialize(tmp_path / "shapes.ttl", format="turtle")
    jena.classpath(tmp_path)
    names = sorted(releases)
    with ThreadPoolExecutor(max_workers=2) as pool:  # only Java runs in parallel
        theirs = dict(
            zip(
                names,
                pool.map(
                    lambda n: jena.validate(tmp_path / "shapes.ttl", releases[n] / layout.NTRIPLES, tmp_path), names
                ),
                strict=True,
            )
        )
    for name in names:
        ours = shacl_report(rdflib.Graph().parse(validated[name][2], format="turtle"))
        assert shacl_report(theirs[name]) == ours, name
    assert [shacl_report(theirs[n])[0] for n in names] == [True, False]  # clean, warned: both verdicts seen
