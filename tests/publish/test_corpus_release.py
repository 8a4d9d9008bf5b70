"""The whole corpus (API v2 JSON, legacy XML and the seed page) as one validated release: every study
published once, every dump parsed back by a third-party parser to the same triples, the N-Quads with one
graph per study, and the VoID statistics equal to counts made by SPARQL over the N-Triples dump."""

from __future__ import annotations

import gzip
import json
import shutil
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import RDF, SH

from kg.publish import release as layout
from kg.validation.report import FILES
from tests.publish.dumpcheck import (
    digest,
    has_dot_segments,
    needs_rapper,
    rapper_quads,
    rapper_triples,
    rdflib_jsonld,
    triple_key,
)
from tests.publish.voidcheck import SPDX, distributions, fresh_store, load_void, sha256, sparql_counts, void_counts

BASE = "https://w3id.org/trialkg/"
pytestmark = pytest.mark.slow  # builds the whole corpus (minutes), once per session


def _ids(corpus: Path) -> tuple[set[str], set[str]]:
    json_ids = {p.stem for p in (corpus / "ctgov-json").glob("*.json")}
    return json_ids, {p.stem for p in (corpus / "ctgov-xml").glob("*.xml")}


@pytest.fixture(scope="module")
def nt_digests(corpus_release) -> Counter[bytes]:  # noqa: ANN001
    """The N-Triples dump as rapper parses it."""
    if shutil.which("rapper") is None:
        pytest.skip("rapper (Debian raptor2-utils) is not installed")
    return rapper_triples(corpus_release[0] / layout.NTRIPLES, "ntriples")


def test_every_study_is_published_with_nothing_quarantined(corpus_release, corpus: Path) -> None:
    release, summary = corpus_release
    json_ids, xml_ids = _ids(corpus)
    assert summary.quarantined == 0, summary.quarantine[:5]
    assert summary.published == len(json_ids | xml_ids | {"NCT04282928"})
    assert summary.reconciles() and summary.converted == summary.published
    assert (release / layout.QUARANTINE / "quarantine.jsonl").exists() is False


def test_a_study_in_two_formats_is_published_once_from_the_newest(corpus_release, corpus: Path) -> None:
    _, summary = corpus_release
    json_ids, xml_ids = _ids(corpus)
    both = json_ids & xml_ids
    assert both and {d["nct_id"] for d in summary.duplicates} == both
    report = json.loads((corpus_release[0] / layout.REPORT).read_text())
    assert report["superseded"] == len(both) and report["duplicates"] == summary.duplicates


def test_no_shacl_violations(corpus_release) -> None:
    """Counted in the release's ``sh:ValidationReport``: no result of severity Violation, and the build
    summary says as many of each as the report holds."""
    release, summary = corpus_release
    report = rdflib.Graph().parse(release / layout.VALIDATION / FILES["turtle"], format="turtle")
    (node,) = report.subjects(RDF.type, SH.ValidationReport)
    results = list(report.objects(node, SH.result))
    severities = Counter(report.value(result, SH.resultSeverity) for result in results)
    violations = [
        (str(report.value(r, SH.focusNode)), str(report.value(r, SH.resultMessage)))
        for r in results
        if report.value(r, SH.resultSeverity) == SH.Violation
    ]
    assert severities[SH.Violation] == 0, violations[:5]
    assert report.value(node, SH.conforms) == rdflib.Literal(not results)  # SHACL's: false with warnings too
    assert (summary.violations, summary.warnings) == (0, severities[SH.Warning])


def test_the_release_has_all_the_dumps_and_metadata(corpus_release) -> None:
    release, _ = corpus_release
    for name in (*layout.DUMPS, layout.VOID, layout.REPORT, layout.STUDIES, layout.STORE):
        assert (release / name).exists(), name


@needs_rapper
def test_the_ntriples_parse_with_a_third_party_parser(corpus_release, nt_digests: Counter[bytes]) -> None:
    _, summary = corpus_release
    assert sum(nt_digests.values()) == len(nt_digests) == summary.triples  # each triple once


@needs_rapper
def test_the_turtle_holds_the_same_triples(corpus_release) -> None:
    """Compared with IRIs resolved as a Turtle parser resolves them (see dumpcheck.resolved_key)."""
    release, _ = corpus_release
    turtle = rapper_triples(release / layout.TURTLE, "turtle", resolve=True)
    assert turtle == rapper_triples(release / layout.NTRIPLES, "ntriples", resolve=True)


def test_no_published_iri_has_dot_segments(corpus_release) -> None:
    """``<https://viso.ai/deep-learning/yolov3-overview/.>`` (NCT05450016, a link with a full stop after
    it) is one IRI in N-Triples and another (without the dot) to a Turtle parser: such IRIs should not be
    minted (the mapping could drop the trailing punctuation or remove dot segments, RFC 3986 6.2.2.3)."""
    release, _ = corpus_release
    with gzip.open(release / layout.NTRIPLES, "rb") as dump:
        odd = [
            term.value
            for triple in ox.parse(dump, format=ox.RdfFormat.N_TRIPLES)
            for term in (triple.subject, triple.object)
            if isinstance(term, ox.NamedNode) and has_dot_segments(term.value)
        ]
    assert odd == []


@needs_rapper
def test_the_nquads_hold_the_same_triples_in_one_graph_per_study(corpus_release, nt_digests: Counter[bytes]) -> None:
    release, summary = corpus_release
    triples: Counter[bytes] = Counter()
    graphs: set[str] = set()
    shared = f"{BASE}graph/shared"
    for quad in rapper_quads(release / layout.NQUADS, "nquads"):
        assert quad.graph_name is not None
        graph = quad.graph_name.value
        graphs.add(graph)
        subject = quad.subject.value
        assert graph == shared or subject == graph or subject.startswith(graph + "/"), quad
        assert graph != shared or not subject.startswith(f"{BASE}trial/"), quad
        triples[digest(triple_key(quad))] += 1
    assert triples == nt_digests
    assert len(graphs) == summary.published + 1


def test_the_jsonld_holds_the_same_triples(corpus_release, nt_digests: Counter[bytes]) -> None:
    release, _ = corpus_release
    assert rdflib_jsonld(release / layout.JSONLD) == nt_digests


def test_void_statistics_equal_counts_by_sparql_over_the_dump(corpus_release) -> None:
    release, summary = corpus_release
    expected = sparql_counts(fresh_store(release))
    assert expected["triples"] == summary.triples
    assert expected["links"]["mesh"] > 0 and expected["links"]["pubmed"] > 0  # type: ignore[index]
    void = load_void(release)
    dumps = distributions(void)
    assert set(dumps) == {layout.NTRIPLES, layout.NQUADS, layout.TURTLE, layout.JSONLD}
    for name, node in dumps.items():
        assert void_counts(void, node) == expected, name
        checksum = void.value(node, SPDX.checksum)
        assert str(void.value(checksum, SPDX.checksumValue)) == sha256(release / name)
