"""Files for other tools and for readers: GraphML and GEXF (Gephi, Cytoscape), CSV edge lists and node
tables, similar studies as CSV, and one JSON of every network's summary and top-k tables.

Every node in every file carries its IRI, its kind and its name, so a reader needs no lookup.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx

from kg.analytics.extract import Extract
from kg.analytics.metrics import NODE_COLUMNS, NetworkMetrics
from kg.analytics.similarity import Similar

EDGE_COLUMNS = ("source", "source_kind", "source_name", "target", "target_kind", "target_name", "weight")


def _write_csv(path: Path, columns: tuple[str, ...] | list[str], rows: list[dict[str, object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, list(columns), lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def write_graph(graph: nx.Graph, out: Path) -> list[Path]:
    """``NAME.graphml``, ``NAME.gexf`` and ``NAME-edges.csv`` (edges by decreasing weight)."""
    name = graph.graph["name"]
    paths = [out / f"{name}.graphml", out / f"{name}.gexf", out / f"{name}-edges.csv"]
    nx.write_graphml(graph, paths[0], named_key_ids=True)
    nx.write_gexf(graph, paths[1])
    nodes = graph.nodes
    rows: list[dict[str, object]] = [
        {
            "source": a,
            "source_kind": nodes[a]["kind"],
            "source_name": nodes[a]["name"],
            "target": b,
            "target_kind": nodes[b]["kind"],
            "target_name": nodes[b]["name"],
            "weight": w,
        }
        for a, b, w in graph.edges(data="weight")
    ]
    rows.sort(key=lambda r: (-float(r["weight"]), str(r["source"]), str(r["target"])))  # type: ignore[arg-type]
    _write_csv(paths[2], EDGE_COLUMNS, rows)
    return paths


def write_nodes(metrics: NetworkMetrics, out: Path) -> Path:
    """``NAME-nodes.csv``: every node with its metrics, by decreasing weighted degree."""
    path = out / f"{metrics.name}-nodes.csv"
    _write_csv(path, NODE_COLUMNS, metrics.ranked())
    return path


SIMILAR_COLUMNS = ("study", "nct_id", "rank", "similar_study", "similar_nct_id", "score", "shared", "shared_features")


def write_similar(data: Extract, similar: dict[str, list[Similar]], out: Path) -> Path:
    """``similar-studies.csv``: each study's most similar studies, by rank, with what they share."""
    path = out / "similar-studies.csv"
    nct = {iri: s.nct_id for iri, s in data.studies.items()}
    rows: list[dict[str, object]] = [
        {
            "study": s.study,
            "nct_id": nct[s.study],
            "rank": s.rank,
            "similar_study": s.other,
            "similar_nct_id": nct[s.other],
            "score": round(s.score, 6),
            "shared": len(s.shared),
            "shared_features": "|".join(data.nodes[f].name for f in s.shared),
        }
        for study in sorted(similar, key=nct.__getitem__)
        for s in similar[study]
    ]
    _write_csv(path, SIMILAR_COLUMNS, rows)
    return path


#: The top-k tables: file stem -> (title, network, ranked by, kind of node or None for all).
TOP_TABLES: dict[str, tuple[str, str, str, str | None]] = {
    "top-collaborating-sponsors": (
        "Organisations by studies with partners (collaboration, weighted degree)",
        "collaboration",
        "weighted_degree",
        None,
    ),
    "top-partnered-sponsors": (
        "Organisations by number of partners (collaboration, degree)",
        "collaboration",
        "degree",
        None,
    ),
    "top-pagerank-sponsors": ("Organisations by PageRank (collaboration)", "collaboration", "pagerank", None),
    "top-brokers": ("Organisations between others (collaboration, betweenness)", "collaboration", "betweenness", None),
    "top-sponsors": (
        "Sponsors by studies of interventions (sponsor-intervention, weighted degree)",
        "sponsor-intervention",
        "weighted_degree",
        "organisation",
    ),
    "top-interventions": (
        "Interventions by sponsors' studies (sponsor-intervention, weighted degree)",
        "sponsor-intervention",
        "weighted_degree",
        "intervention",
    ),
    "top-conditions": (
        "Conditions (MeSH) by studies of interventions (condition-intervention, weighted degree)",
        "condition-intervention",
        "weighted_degree",
        "condition",
    ),
    "top-condition-interventions": (
        "Interventions by studies of conditions (condition-intervention, weighted degree)",
        "condition-intervention",
        "weighted_degree",
        "intervention",
    ),
}


def tops(metrics: dict[str, NetworkMetrics], k: int) -> dict[str, dict[str, object]]:
    """The top-k tables by file stem: title, network, ranking and rows."""
    return {
        stem: {"title": title, "network": network, "by": by, "rows": metrics[network].top(k, by, kind)}
        for stem, (title, network, by, kind) in TOP_TABLES.items()
    }


def write_tables(metrics: dict[str, NetworkMetrics], k: int, out: Path, extra: dict[str, object]) -> list[Path]:
    """``metrics.json`` (summaries and top-k tables) and one ``top-*.csv`` per top-k table."""
    tables = tops(metrics, k)
    paths = [out / "metrics.json"]
    document = {**extra, "networks": {name: m.summary() for name, m in metrics.items()}, "top": tables}
    paths[0].write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    for stem, table in tables.items():
        rows: list[dict[str, object]] = table["rows"]  # type: ignore[assignment]
        path = out / f"{stem}.csv"
        _write_csv(path, ["rank", *NODE_COLUMNS], [{"rank": r, **row} for r, row in enumerate(rows, start=1)])
        paths.append(path)
    return paths
