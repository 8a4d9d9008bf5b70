"""GraphML and GEXF load back in networkx with the same nodes, edges, weights and attributes; the CSV
files say the same; every node carries its IRI, kind and name."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx
import pytest

from kg.analytics import Analysis
from kg.analytics.graphs import NETWORKS
from tests.analytics.conftest import ACME, BETA, EUH, S1, S2, S4

KINDS = {"organisation", "intervention", "condition", "study"}


def _edges(graph: nx.Graph) -> dict[frozenset[str], float]:
    return {frozenset((a, b)): float(w) for a, b, w in graph.edges(data="weight")}


@pytest.mark.parametrize("name", list(NETWORKS))
@pytest.mark.parametrize("reader", [nx.read_graphml, nx.read_gexf])
def test_exports_load_back_the_same(analysed: tuple[Analysis, Path], name: str, reader: object) -> None:
    original = analysed[0].graphs[name]
    suffix = ".graphml" if reader is nx.read_graphml else ".gexf"
    loaded = reader(analysed[1] / f"{name}{suffix}")  # type: ignore[operator]
    assert not loaded.is_directed()
    assert set(loaded.nodes) == set(original.nodes) and original.number_of_nodes() > 0
    assert _edges(loaded) == pytest.approx(_edges(original))
    for node, attrs in original.nodes(data=True):
        back = loaded.nodes[node]
        assert back["iri"] == node and back["kind"] in KINDS and back["name"]
        for key in ("kind", "name", "degree", "component", "community"):
            assert back[key] == attrs[key], (node, key)
        assert float(back["pagerank"]) == pytest.approx(attrs["pagerank"])


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("name", list(NETWORKS))
def test_edge_and_node_tables(analysed: tuple[Analysis, Path], name: str) -> None:
    graph = analysed[0].graphs[name]
    edges = _read(analysed[1] / f"{name}-edges.csv")
    assert {frozenset((e["source"], e["target"])): float(e["weight"]) for e in edges} == pytest.approx(_edges(graph))
    for e in edges:
        assert e["source_name"] == graph.nodes[e["source"]]["name"]
        assert e["target_kind"] == graph.nodes[e["target"]]["kind"]
    nodes = _read(analysed[1] / f"{name}-nodes.csv")
    assert {n["iri"]: (n["kind"], n["name"], int(n["degree"])) for n in nodes} == {
        n: (d["kind"], d["name"], graph.degree(n)) for n, d in graph.nodes(data=True)
    }


def test_metrics_json_and_top_tables(analysed: tuple[Analysis, Path]) -> None:
    document = json.loads((analysed[1] / "metrics.json").read_text(encoding="utf-8"))
    assert document["studies"] == 5 and document["filters"] == []
    assert document["analytics_graph"] == "https://w3id.org/trialkg/graph/analytics"
    assert document["networks"]["collaboration"] == {
        "name": "collaboration",
        "nodes": 3,
        "edges": 3,
        "density": 1.0,
        "components": 1,
        "largest_component": 3,
        "communities": 1,
        "modularity": 0.0,
    }
    top = document["top"]["top-collaborating-sponsors"]
    assert [(r["name"], r["weighted_degree"]) for r in top["rows"]] == [
        ("Acme Pharma", 4.0),
        ("Beta Biotech", 3.0),
        ("Example University Hospital", 3.0),
    ]
    rows = _read(analysed[1] / "top-sponsors.csv")  # lead and collaborator roles alike
    assert [(r["rank"], r["iri"], r["weighted_degree"]) for r in rows] == [
        ("1", ACME, "6.0"),
        ("2", EUH, "4.0"),
        ("3", BETA, "2.0"),
    ]


def test_similar_studies_table(analysed: tuple[Analysis, Path]) -> None:
    rows = _read(analysed[1] / "similar-studies.csv")
    first = [r for r in rows if r["study"] == S1]
    # shared features by IRI: the MeSH descriptor (http://id.nlm.nih.gov/...) before the intervention (https://...)
    assert [(r["rank"], r["similar_study"], r["score"], r["shared"], r["shared_features"]) for r in first] == [
        ("1", S2, "0.5", "2", "Asthma|Aspirin"),
        ("2", S4, "0.25", "1", "Asthma"),
    ]
    assert len(rows) == 8  # 2 for each of S1..S4, none for S5
