"""On the whole corpus: the networks' sizes agree with counts from independent SPARQL queries (written
here, along other paths of the data: tkg:leadSponsor/tkg:collaborator rather than the sponsor roles the
analysis reads), with and without filters, and with the canned queries that list the same edges.

Set TRIALKG_CORPUS_RELEASE to an existing release of the corpus to skip building one."""

from __future__ import annotations

import os
from pathlib import Path

import networkx as nx
import pytest

from kg import query as q
from kg.analytics import Analysis, Filters, analyze, base_of
from kg.query import LocalStore, open_store

pytestmark = pytest.mark.slow

P = """PREFIX tkg: <https://w3id.org/trialkg/ontology#>
PREFIX tkgv: <https://w3id.org/trialkg/vocab/>
"""
#: The filter of the filtered case, as an independent pattern on ?s.
INDUSTRY_PHASE3 = """?s tkg:phase tkgv:phase\\/PHASE3 ; tkg:sponsorRole ?lr .
  ?lr a tkg:LeadSponsorRole ; tkg:agencyClass tkgv:sponsor-class\\/INDUSTRY ."""
CASES = {
    "all": (Filters(), ""),
    "industry-phase3": (Filters(phases=("PHASE3",), sponsor_classes=("INDUSTRY",)), INDUSTRY_PHASE3),
}


@pytest.fixture(scope="module")
def release(request: pytest.FixtureRequest) -> Path:
    given = os.environ.get("TRIALKG_CORPUS_RELEASE")
    if given:
        return Path(given)
    return request.getfixturevalue("corpus_release")[0]  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def analyses(release: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Analysis, Path]]:
    source = LocalStore(open_store(str(release)))
    out = {}
    for name, (filters, _) in CASES.items():
        path = tmp_path_factory.mktemp("corpus-analysis") / name
        out[name] = (analyze(source, str(path), base=base_of(str(release)), filters=filters, draw=name == "all"), path)
    return out


def count(release: Path, query: str) -> int:
    _, rows = LocalStore(open_store(str(release))).select(P + query)
    return int(rows[0]["n"])


@pytest.mark.parametrize("case", list(CASES))
def test_graph_sizes_match_independent_counts(release: Path, analyses: dict, case: str) -> None:
    analysis: Analysis = analyses[case][0]
    where = CASES[case][1]
    studies = count(release, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a tkg:ClinicalStudy . {where} }}")
    assert len(analysis.data.studies) == studies > (100 if case != "all" else 3000)
    g = analysis.graphs
    orgs = count(
        release,
        f"""SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{
        ?s a tkg:ClinicalStudy . {where} {{ ?s tkg:leadSponsor ?o }} UNION {{ ?s tkg:collaborator ?o }} }}""",
    )
    assert g["collaboration"].number_of_nodes() == orgs
    pairs = count(
        release,
        f"""SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?a ?b WHERE {{
        ?s a tkg:ClinicalStudy . {where} ?s tkg:leadSponsor|tkg:collaborator ?a , ?b .
        FILTER(STR(?a) < STR(?b)) }} }}""",
    )
    assert g["collaboration"].number_of_edges() == pairs
    together = count(
        release,
        f"""SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?a ?b WHERE {{
        ?s a tkg:ClinicalStudy . {where} ?s tkg:leadSponsor|tkg:collaborator ?a , ?b .
        FILTER(STR(?a) < STR(?b)) }} }}""",
    )
    assert g["collaboration"].size(weight="weight") == together
    concepts = count(
        release,
        f"""SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE {{
        ?s a tkg:ClinicalStudy . {where} ?s tkg:intervention/tkg:interventionConcept ?i }}""",
    )
    sponsor_pairs = count(
        release,
        f"""SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?o ?i WHERE {{
        ?s a tkg:ClinicalStudy . {where} ?s tkg:leadSponsor|tkg:collaborator ?o ;
           tkg:intervention/tkg:interventionConcept ?i }} }}""",
    )
    kinds = nx.get_node_attributes(g["sponsor-intervention"], "kind")
    assert sum(k == "organisation" for k in kinds.values()) == orgs  # every sponsor of the studies
    assert sum(k == "intervention" for k in kinds.values()) == concepts
    assert g["sponsor-intervention"].number_of_edges() == sponsor_pairs
    assert g["sponsor-projection"].number_of_nodes() == orgs
    assert g["intervention-projection"].number_of_nodes() == concepts
    mesh = count(
        release,
        f"""SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {{
        ?s a tkg:ClinicalStudy . {where} ?s tkg:conditionMesh ?m }}""",
    )
    mesh_pairs = count(
        release,
        f"""SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?m ?i WHERE {{
        ?s a tkg:ClinicalStudy . {where} ?s tkg:conditionMesh ?m ; tkg:intervention/tkg:interventionConcept ?i }} }}""",
    )
    kinds = nx.get_node_attributes(g["condition-intervention"], "kind")
    assert sum(k == "condition" for k in kinds.values()) == mesh
    assert sum(k == "intervention" for k in kinds.values()) == concepts
    assert g["condition-intervention"].number_of_edges() == mesh_pairs
    assert g["similarity"].number_of_nodes() == studies
    for name, graph in g.items():
        assert analysis.metrics[name].nodes == graph.number_of_nodes(), name
        assert sum(analysis.metrics[name].table[n]["pagerank"] for n in graph) == pytest.approx(1.0, abs=1e-4)


def test_edges_match_the_canned_queries(release: Path, analyses: dict) -> None:
    g = analyses["all"][0].graphs
    store = open_store(str(release))
    _, rows = q.run(store, q.resolve("sponsor-intervention-edges"))
    assert {frozenset((r["sponsor"], r["intervention"])): int(r["studies"]) for r in rows} == {
        frozenset((a, b)): n for a, b, n in g["sponsor-intervention"].edges(data="lead_studies") if n
    }
    _, rows = q.run(store, q.resolve("cosponsorship-pairs"))
    assert {frozenset((r["sponsor_a"], r["sponsor_b"])): int(r["studies"]) for r in rows} == {
        frozenset((a, b)): w for a, b, w in g["collaboration"].edges(data="weight")
    }


def test_every_node_has_iri_kind_and_name_and_exports_round_trip(analyses: dict) -> None:
    analysis, out = analyses["all"]
    for name, graph in analysis.graphs.items():
        for node, attrs in graph.nodes(data=True):
            assert attrs["iri"] == node and attrs["kind"] and attrs["name"], (name, node)
    original = analysis.graphs["collaboration"]
    for loaded in (nx.read_graphml(out / "collaboration.graphml"), nx.read_gexf(out / "collaboration.gexf")):
        assert set(loaded.nodes) == set(original.nodes)
        assert {frozenset((a, b)): w for a, b, w in loaded.edges(data="weight")} == {
            frozenset((a, b)): w for a, b, w in original.edges(data="weight")
        }


def test_similar_studies_share_what_they_say(analyses: dict) -> None:
    analysis: Analysis = analyses["all"][0]
    data = analysis.data
    checked = 0
    for study, links in analysis.similar.items():
        mine = data.conditions.get(study, set()) | data.interventions.get(study, set())
        scores = [link.score for link in links]
        assert scores == sorted(scores, reverse=True) and len(links) <= 10
        for link in links:
            theirs = data.conditions.get(link.other, set()) | data.interventions.get(link.other, set())
            assert set(link.shared) == mine & theirs and link.score == len(mine & theirs) / len(mine | theirs)
            checked += 1
    assert checked > 10_000
