"""Graphs, metrics, similarity and filters on the known release, against values worked out by hand from
the five records in tests/serve/known_release.py:

S1 lead EUH, collaborator Acme; Asthma; Aspirin, Placebo.      S2 lead Acme, collaborators EUH, Beta;
Asthma; Aspirin, Breathing Exercise.   S3 lead Acme; COVID-19; Vaccine X, Aspirin.   S4 lead Beta,
collaborator Acme; Asthma, COVID-19; no interventions.   S5 lead EUH; nothing else.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from rdflib import Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Identifier, Variable

from kg.analytics import Analysis, Filters, graphs, metrics, similarity
from kg.analytics.extract import extract
from kg.errors import AnalyticsError
from kg.query import LocalStore, open_store
from tests.analytics.conftest import (
    ACME,
    ASPIRIN,
    ASTHMA,
    BETA,
    BREATHING,
    COVID,
    EUH,
    PLACEBO,
    S1,
    S2,
    S3,
    S4,
    S5,
    VACCINE,
)


def weighted_edges(graph: nx.Graph) -> dict[frozenset[str], float]:
    return {frozenset((a, b)): w for a, b, w in graph.edges(data="weight")}


def test_sponsor_intervention_graph_and_its_projections(analysed: tuple[Analysis, Path]) -> None:
    g = analysed[0].graphs["sponsor-intervention"]
    # every sponsor, lead or collaborator: Acme in S1 (collaborator), S2, S3; EUH in S1, S2 (collaborator);
    # Beta in S2 (collaborator) and S4, which has no intervention
    assert weighted_edges(g) == {
        frozenset((ACME, ASPIRIN)): 3,
        frozenset((ACME, PLACEBO)): 1,
        frozenset((ACME, BREATHING)): 1,
        frozenset((ACME, VACCINE)): 1,
        frozenset((EUH, ASPIRIN)): 2,
        frozenset((EUH, PLACEBO)): 1,
        frozenset((EUH, BREATHING)): 1,
        frozenset((BETA, ASPIRIN)): 1,
        frozenset((BETA, BREATHING)): 1,
    }
    # as lead sponsor: Acme leads S2 and S3, EUH leads S1 (S5 has no intervention), Beta leads only S4
    assert {frozenset((a, b)): n for a, b, n in g.edges(data="lead_studies") if n} == {
        frozenset((ACME, ASPIRIN)): 2,
        frozenset((ACME, BREATHING)): 1,
        frozenset((ACME, VACCINE)): 1,
        frozenset((EUH, ASPIRIN)): 1,
        frozenset((EUH, PLACEBO)): 1,
    }
    assert {n: d["bipartite"] for n, d in g.nodes(data=True)} == {
        ACME: 0,
        EUH: 0,
        BETA: 0,
        ASPIRIN: 1,
        BREATHING: 1,
        PLACEBO: 1,
        VACCINE: 1,
    }
    m = analysed[0].metrics["sponsor-intervention"]
    assert {n: (r["degree"], r["weighted_degree"]) for n, r in m.table.items()} == {
        ACME: (4, 6),
        EUH: (3, 4),
        BETA: (2, 2),
        ASPIRIN: (3, 6),
        BREATHING: (3, 3),
        PLACEBO: (2, 2),
        VACCINE: (1, 1),
    }
    assert (m.nodes, m.edges, m.components, m.largest_component) == (7, 9, 1, 7)
    # projections: weight = shared neighbours (Acme and EUH share Aspirin, Placebo, Breathing; Beta shares
    # Aspirin and Breathing with each; Aspirin and Breathing share all three sponsors, ...)
    assert weighted_edges(analysed[0].graphs["sponsor-projection"]) == {
        frozenset((ACME, EUH)): 3,
        frozenset((ACME, BETA)): 2,
        frozenset((BETA, EUH)): 2,
    }
    assert weighted_edges(analysed[0].graphs["intervention-projection"]) == {
        frozenset((ASPIRIN, PLACEBO)): 2,
        frozenset((ASPIRIN, BREATHING)): 3,
        frozenset((ASPIRIN, VACCINE)): 1,
        frozenset((PLACEBO, BREATHING)): 2,
        frozenset((PLACEBO, VACCINE)): 1,
        frozenset((BREATHING, VACCINE)): 1,
    }


def test_a_sponsor_or_condition_without_interventions_is_a_node_without_edges(known: Path) -> None:
    data = extract(LocalStore(open_store(str(known))), Filters(statuses=("ACTIVE_NOT_RECRUITING",)))
    assert set(data.studies) == {S4}  # Beta and Acme; Asthma and COVID-19; no intervention
    for graph in (graphs.sponsor_intervention(data), graphs.condition_intervention(data)):
        assert graph.number_of_edges() == 0
    assert set(graphs.sponsor_intervention(data)) == {ACME, BETA}
    assert set(graphs.condition_intervention(data)) == {ASTHMA, COVID}


def test_collaboration_network_and_its_metrics(analysed: tuple[Analysis, Path]) -> None:
    g = analysed[0].graphs["collaboration"]
    assert weighted_edges(g) == {frozenset((ACME, EUH)): 2, frozenset((ACME, BETA)): 2, frozenset((BETA, EUH)): 1}
    m = analysed[0].metrics["collaboration"]
    rows = m.table
    assert {n: (r["degree"], r["weighted_degree"], r["betweenness"]) for n, r in rows.items()} == {
        ACME: (2, 4, 0),
        EUH: (2, 3, 0),
        BETA: (2, 3, 0),
    }
    # weighted PageRank of the triangle: by symmetry EUH = Beta = y, Acme = 1 - 2y, and
    # 1 - 2y = 0.15/3 + 0.85 * (2/3 y + 2/3 y)  =>  y = 0.95 / 3.1333... = 0.303191
    y = 0.95 / (2 + 0.85 * 4 / 3)
    assert rows[EUH]["pagerank"] == pytest.approx(y, abs=1e-5)
    assert rows[BETA]["pagerank"] == pytest.approx(y, abs=1e-5)
    assert rows[ACME]["pagerank"] == pytest.approx(1 - 2 * y, abs=1e-5)
    # one community (any split of a triangle has negative modularity), modularity 0
    assert (m.components, m.communities, m.modularity) == (1, 1, 0)
    assert [r["iri"] for r in m.top(3)] == [ACME, BETA, EUH]  # weighted degree, then name


def test_condition_intervention_graph(analysed: tuple[Analysis, Path]) -> None:
    g = analysed[0].graphs["condition-intervention"]
    assert weighted_edges(g) == {
        frozenset((ASTHMA, ASPIRIN)): 2,
        frozenset((ASTHMA, PLACEBO)): 1,
        frozenset((ASTHMA, BREATHING)): 1,
        frozenset((COVID, VACCINE)): 1,
        frozenset((COVID, ASPIRIN)): 1,
    }
    assert g.nodes[ASTHMA]["kind"] == "condition" and g.nodes[ASTHMA]["name"] == "Asthma"
    assert g.nodes[COVID]["name"] == "COVID-19"


def test_similarity_top_k(analysed: tuple[Analysis, Path]) -> None:
    # features: S1 {Asthma, Aspirin, Placebo}, S2 {Asthma, Aspirin, Breathing}, S3 {COVID, Vaccine, Aspirin},
    # S4 {Asthma, COVID}, S5 {}. Jaccard: S1-S2 2/4, S1-S3 1/5, S1-S4 1/4, S2-S3 1/5, S2-S4 1/4, S3-S4 1/4.
    got = {s: [(x.other, x.score, len(x.shared)) for x in links] for s, links in analysed[0].similar.items()}
    assert got == {
        S1: [(S2, 0.5, 2), (S4, 0.25, 1)],
        S2: [(S1, 0.5, 2), (S4, 0.25, 1)],
        S3: [(S4, 0.25, 1), (S1, 0.2, 1)],  # S1 and S2 tie at 1/5: the first NCT id wins
        S4: [(S1, 0.25, 1), (S2, 0.25, 1)],  # three tie at 1/4
        S5: [],
    }
    assert set(analysed[0].similar[S1][0].shared) == {ASTHMA, ASPIRIN}
    g = analysed[0].graphs["similarity"]
    assert weighted_edges(g) == {
        frozenset((S1, S2)): 0.5,
        frozenset((S1, S4)): 0.25,
        frozenset((S2, S4)): 0.25,
        frozenset((S3, S4)): 0.25,
        frozenset((S1, S3)): 0.2,
    }
    assert analysed[0].metrics["similarity"].components == 2  # S5 stands alone


def test_similarity_candidates_skip_only_over_frequent_features(known: Path) -> None:
    data = extract(LocalStore(open_store(str(known))))
    # with at most 2 postings, Asthma and Aspirin (3 studies each) propose no candidates; COVID-19 (S3, S4)
    # still does, and the score still counts every shared feature
    found = similarity.most_similar(data, k=5, max_postings=2)
    assert {s: [(x.other, x.score) for x in links] for s, links in found.items()} == {
        S1: [],
        S2: [],
        S3: [(S4, 0.25)],
        S4: [(S3, 0.25)],
        S5: [],
    }
    data.conditions[S3].add(ASTHMA)  # now S3 and S4 share both their conditions: 2 / 4
    assert [(x.other, x.score, len(x.shared)) for x in similarity.most_similar(data, 5, 2)[S3]] == [(S4, 0.5, 2)]


def _studies(known: Path, **filters: object) -> set[str]:
    return set(extract(LocalStore(open_store(str(known))), Filters(**filters)).studies)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, {S1, S2, S3, S4, S5}),
        ({"phases": ("PHASE1",)}, {S3, S5}),
        ({"phases": ("PHASE3",)}, {S1}),  # PHASE2|PHASE3 is in both
        ({"phases": ("PHASE3", "PHASE1")}, {S1, S3, S5}),
        ({"statuses": ("RECRUITING",)}, {S2, S3, S5}),
        ({"sponsor_classes": ("INDUSTRY",)}, {S2, S3, S4}),  # the lead sponsor's class
        ({"sponsor_classes": ("OTHER",)}, {S1, S5}),
        ({"conditions": ("D001249",)}, {S1, S2, S4}),
        ({"conditions": ("D000001249",)}, {S1, S2, S4}),  # API v2's padded UI
        ({"conditions": (ASTHMA,)}, {S1, S2, S4}),
        ({"conditions": ("D012130",)}, {S1, S2}),  # a broader descriptor: S4 lists no ancestors
        ({"conditions": ("D003141", "D012130")}, {S1, S2, S3}),
        ({"start_from": "2021", "start_to": "2021"}, {S2, S4}),
        ({"start_from": "2021-02"}, {S2, S3}),  # "2022" is after 2021-02 at that precision
        ({"start_to": "2020-02-29"}, {S1, S5}),
        ({"sponsor_classes": ("INDUSTRY",), "phases": ("PHASE1",)}, {S3}),
        ({"statuses": ("WITHDRAWN",)}, set()),
    ],
)
def test_filters_are_applied_in_sparql(known: Path, filters: dict[str, object], expected: set[str]) -> None:
    assert _studies(known, **filters) == expected


def test_filtered_graphs_and_betweenness(known: Path) -> None:
    data = extract(LocalStore(open_store(str(known))), Filters(statuses=("COMPLETED", "ACTIVE_NOT_RECRUITING")))
    assert set(data.studies) == {S1, S4}
    g = graphs.collaboration(data)
    assert weighted_edges(g) == {frozenset((ACME, EUH)): 1, frozenset((ACME, BETA)): 1}  # a path EUH - Acme - Beta
    m = metrics.measure(g)
    assert {n: r["betweenness"] for n, r in m.table.items()} == {ACME: 1.0, EUH: 0.0, BETA: 0.0}
    # PageRank of a path of three: centre c, ends e: c = 0.05 + 0.85 * 2e, e = 0.05 + 0.85 * c / 2, c + 2e = 1
    assert m.table[ACME]["pagerank"] == pytest.approx(0.9 / 1.85, abs=1e-5)
    assert m.table[EUH]["pagerank"] == pytest.approx((1 - 0.9 / 1.85) / 2, abs=1e-5)
    assert (m.communities, m.modularity) == (1, 0)
    # EUH (lead) and Acme (collaborator) of S1 × Aspirin, Placebo; Beta (S4) is a node without edges
    assert graphs.sponsor_intervention(data).number_of_edges() == 4


def test_organisation_class_and_names(analysed: tuple[Analysis, Path]) -> None:
    g = analysed[0].graphs["collaboration"]
    assert {n: (d["kind"], d["name"], d["sponsor_class"]) for n, d in g.nodes(data=True)} == {
        ACME: ("organisation", "Acme Pharma", "INDUSTRY"),
        BETA: ("organisation", "Beta Biotech", "INDUSTRY"),
        EUH: ("organisation", "Example University Hospital", "OTHER"),
    }


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"phases": ("PHASE9",)}, "unknown phase"),
        ({"statuses": ("DONE",)}, "unknown status"),
        ({"sponsor_classes": ("PHARMA",)}, "unknown sponsor-class"),
        ({"conditions": ("asthma",)}, "MeSH descriptor"),
        ({"start_from": "2020/01"}, "YYYY-MM"),
    ],
)
def test_bad_filter_values_are_refused(filters: dict[str, object], message: str) -> None:
    with pytest.raises(AnalyticsError, match=message):
        Filters(**filters)  # type: ignore[arg-type]


def _terms(node: object) -> set[Identifier]:
    """The IRIs and literals of a parsed query's algebra."""
    found, stack = set(), [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Identifier) and not isinstance(item, Variable):
            found.add(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set):
            stack.extend(item)
    return found


def test_filter_values_cannot_change_the_query() -> None:
    text = Filters(conditions=("http://id.nlm.nih.gov/mesh/D001249",), start_from="2020").patterns()
    query = prepareQuery(f"PREFIX tkg: <https://w3id.org/trialkg/ontology#> SELECT ?study WHERE {{ {text} }}")
    terms = _terms(query.algebra)  # each value is one term of the query, as the SPARQL parser reads it
    assert URIRef("http://id.nlm.nih.gov/mesh/D001249") in terms and Literal("2020") in terms
    with pytest.raises(AnalyticsError):
        Filters(conditions=("D001249> } UNION { ?s ?p ?o } #",))
