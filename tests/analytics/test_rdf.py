"""The analytics named graph: loaded next to the release, it answers SPARQL; its terms are ours and
documented in the ontology; it has no blank nodes."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, URIRef

from kg.analytics import Analysis, analyze, base_of
from kg.ontology_build import EXTERNAL_VOCABULARIES, TKG
from kg.packaged import ONTOLOGY
from kg.query import LocalStore, open_store
from tests.analytics.conftest import ACME, ASTHMA, S1, S2, S3, S4

GRAPH = "https://w3id.org/trialkg/graph/analytics"
PREFIXES = "PREFIX tkg: <https://w3id.org/trialkg/ontology#>\nPREFIX schema: <https://schema.org/>\n"


@pytest.fixture(scope="module")
def store(known: Path, analysed: tuple[Analysis, Path]) -> ox.Store:
    store = ox.Store()
    with gzip.open(known / "trialkg.nq.gz", "rb") as dump:
        store.bulk_load(dump, format=ox.RdfFormat.N_QUADS)
    with gzip.open(analysed[1] / "analytics.nq.gz", "rb") as analytics:
        store.bulk_load(analytics, format=ox.RdfFormat.N_QUADS)
    return store


def analytics_quads(out: Path) -> list[ox.Quad]:
    return list(ox.parse(gzip.decompress((out / "analytics.nq.gz").read_bytes()), format=ox.RdfFormat.N_QUADS))


def rows(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    result = store.query(PREFIXES + query, use_default_graph_as_union=False)
    assert isinstance(result, ox.QuerySolutions)
    return [tuple("" if v is None else v.value for v in solution) for solution in result]


def test_most_similar_studies_with_sparql(store: ox.Store) -> None:
    got = rows(
        store,
        f"""
        SELECT ?other ?score ?rank WHERE {{
          GRAPH <{GRAPH}> {{ <{S3}> tkg:similarity ?s . ?s tkg:similarStudy ?other ; tkg:similarityScore ?score ;
                                                        tkg:similarityRank ?rank }}
        }} ORDER BY ?rank""",
    )
    assert got == [(S4, "0.25", "1"), (S1, "0.2", "2")]
    direct = rows(store, f"SELECT ?o WHERE {{ GRAPH <{GRAPH}> {{ <{S1}> tkg:similarStudy ?o }} }} ORDER BY ?o")
    assert direct == [(S2,), (S4,)]
    node = f"{S1}/similar/NCT00000004"
    shared = rows(store, f"SELECT ?f WHERE {{ GRAPH <{GRAPH}> {{ <{node}> tkg:sharedFeature ?f }} }}")
    assert shared == [(ASTHMA,)]


def test_metrics_with_sparql_joined_to_the_data(store: ox.Store) -> None:
    """Names come from the release's graphs, measures from the analytics graph, in one query."""
    got = rows(
        store,
        f"""
        SELECT ?name ?degree ?weighted ?community WHERE {{
          GRAPH <{GRAPH}> {{ ?p tkg:network ?n ; tkg:positionOf ?org ; tkg:degree ?degree ;
                               tkg:weightedDegree ?weighted ; tkg:communityNumber ?community .
                            ?n tkg:nodeCount 3 }}
          GRAPH ?g {{ ?org schema:name ?name }}
          FILTER(?n = <https://w3id.org/trialkg/analytics/collaboration>)
        }} ORDER BY DESC(?weighted) ?name""",
    )
    assert [(name, int(d), float(w), int(c)) for name, d, w, c in got] == [
        ("Acme Pharma", 2, 4.0, 0),
        ("Beta Biotech", 2, 3.0, 0),
        ("Example University Hospital", 2, 3.0, 0),
    ]
    ranks = rows(
        store,
        f"""SELECT ?pr WHERE {{ GRAPH <{GRAPH}> {{
        <https://w3id.org/trialkg/analytics/collaboration/org/acme-pharma> tkg:pageRank ?pr }} }}""",
    )
    assert float(ranks[0][0]) == pytest.approx(0.393617, abs=1e-5)
    networks = rows(
        store,
        f"""SELECT ?n ?nodes ?edges WHERE {{ GRAPH <{GRAPH}> {{
        ?n a tkg:Network ; tkg:nodeCount ?nodes ; tkg:edgeCount ?edges }} }} ORDER BY ?n""",
    )
    assert [(n.rsplit("/", 1)[1], int(a), int(b)) for n, a, b in networks] == [
        ("collaboration", 3, 3),
        ("condition-intervention", 6, 5),
        ("intervention-projection", 4, 6),
        ("similarity", 5, 5),
        ("sponsor-intervention", 7, 9),
        ("sponsor-projection", 3, 3),
    ]


def test_analytics_graph_is_all_in_one_named_graph_without_blank_nodes(analysed: tuple[Analysis, Path]) -> None:
    quads = analytics_quads(analysed[1])
    assert quads and {str(q.graph_name.value) for q in quads} == {GRAPH}  # type: ignore[union-attr]
    assert not any(isinstance(t, ox.BlankNode) for q in quads for t in (q.subject, q.object))
    trig = list(ox.parse(path=str(analysed[1] / "analytics.trig"), format=ox.RdfFormat.TRIG))
    assert set(trig) == set(quads)


def test_every_term_of_the_analytics_graph_is_declared(analysed: tuple[Analysis, Path]) -> None:
    onto = rdflib.Graph().parse(ONTOLOGY, format="turtle")
    quads = analytics_quads(analysed[1])
    used = {URIRef(q.predicate.value) for q in quads} | {
        URIRef(q.object.value) for q in quads if q.predicate.value == str(RDF.type)
    }
    ours = {t for t in used if str(t).startswith(TKG)}
    assert ours and not {t for t in used - ours if not str(t).startswith(tuple(EXTERNAL_VOCABULARIES.values()))}
    for term in ours:
        kinds = set(onto.objects(term, RDF.type))
        assert kinds & {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}, term
        assert onto.value(term, RDFS.label) and onto.value(term, RDFS.comment), term
        if OWL.Class not in kinds:
            assert onto.value(term, RDFS.domain) and onto.value(term, RDFS.range), term
    assert URIRef(TKG + "similarStudy") in ours and URIRef(ACME) not in ours


def test_the_same_release_gives_the_same_files(known: Path, analysed: tuple[Analysis, Path], tmp_path: Path) -> None:
    again = analyze(
        LocalStore(open_store(str(known))),
        str(tmp_path / "again"),
        base=base_of(str(known)),
        top=3,
        similar_k=2,
        draw=False,
    )
    assert again.files and "report.html" in again.files
    for name in (
        "analytics.nq.gz",
        "analytics.trig",
        "collaboration.graphml",
        "similarity.graphml",
        "metrics.json",
        "similar-studies.csv",
        "intervention-projection-edges.csv",
    ):
        assert (tmp_path / "again" / name).read_bytes() == (analysed[1] / name).read_bytes(), name
