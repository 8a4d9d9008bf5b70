"""The measures a reader asks of a network: who is central, what hangs together, who is on top.

Per node: degree, weighted degree (sum of edge weights), PageRank (weighted, damping 0.85),
betweenness (unweighted shortest paths, normalised; estimated from ``BETWEENNESS_SAMPLES`` sources
with a fixed seed when the network is larger; only on the collaboration network, where brokerage
between organisations means something), connected component and Louvain community (weighted, seeded).
Components and communities are numbered from 0 by decreasing size, ties by their first IRI, so the
numbers are stable. Per network: sizes, density, components, communities and modularity.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

SEED = 42
BETWEENNESS_SAMPLES = 500
#: The networks whose nodes get a betweenness score.
BETWEENNESS_ON = ("collaboration",)
#: The columns of a node table, in order.
NODE_COLUMNS = (
    "iri",
    "kind",
    "name",
    "degree",
    "weighted_degree",
    "pagerank",
    "betweenness",
    "component",
    "community",
)


@dataclass
class NetworkMetrics:
    name: str
    nodes: int
    edges: int
    density: float
    components: int
    largest_component: int
    communities: int
    modularity: float
    #: node -> column -> value, columns as in NODE_COLUMNS
    table: dict[str, dict[str, object]] = field(default_factory=dict)

    def summary(self) -> dict[str, object]:
        return {k: v for k, v in vars(self).items() if k != "table"}

    def ranked(self, by: str = "weighted_degree", kind: str | None = None) -> list[dict[str, object]]:
        """Node rows ordered by ``by`` (descending), then by name and IRI."""
        rows = [row for row in self.table.values() if kind is None or row["kind"] == kind]
        return sorted(rows, key=lambda r: (-float(r[by] or 0), str(r["name"]), str(r["iri"])))  # type: ignore[arg-type]

    def top(self, k: int, by: str = "weighted_degree", kind: str | None = None) -> list[dict[str, object]]:
        return self.ranked(by, kind)[:k]


def numbered(groups: Iterable[Iterable[str]]) -> dict[str, int]:
    """Node -> group number, groups numbered by decreasing size, then by their smallest member."""
    ordered = sorted((sorted(g) for g in groups), key=lambda g: (-len(g), g[0]))
    return {node: i for i, group in enumerate(ordered) for node in group}


def measure(graph: nx.Graph) -> NetworkMetrics:
    name = str(graph.graph.get("name", ""))
    n, m = graph.number_of_nodes(), graph.number_of_edges()
    components = numbered(nx.connected_components(graph))
    if m:
        communities = nx.community.louvain_communities(graph, weight="weight", seed=SEED)
        modularity = nx.community.modularity(graph, communities, weight="weight")
        pagerank = nx.pagerank(graph, weight="weight")
    else:  # no edges: every node is its own community, PageRank is uniform
        communities = [{node} for node in graph]
        modularity = 0.0
        pagerank = {node: 1 / n for node in graph} if n else {}
    community = numbered(communities)
    betweenness: dict[str, float] = {}
    if name in BETWEENNESS_ON and n:
        k = None if n <= BETWEENNESS_SAMPLES else BETWEENNESS_SAMPLES
        betweenness = nx.betweenness_centrality(graph, k=k, seed=SEED, normalized=True)
    table: dict[str, dict[str, object]] = {}
    for node, attrs in sorted(graph.nodes(data=True)):
        table[node] = {
            "iri": node,
            "kind": attrs["kind"],
            "name": attrs["name"],
            "degree": graph.degree(node),
            "weighted_degree": round(float(graph.degree(node, weight="weight")), 6),
            "pagerank": round(pagerank[node], 8),
            "betweenness": round(betweenness[node], 8) if betweenness else "",
            "component": components[node],
            "community": community[node],
        }
    sizes = [0] * (max(components.values(), default=-1) + 1)
    for c in components.values():
        sizes[c] += 1
    return NetworkMetrics(
        name=name,
        nodes=n,
        edges=m,
        density=round(nx.density(graph), 8) if n > 1 else 0.0,
        components=len(sizes),
        largest_component=max(sizes, default=0),
        communities=len(communities),
        modularity=round(modularity, 6),
        table=table,
    )


def annotate(graph: nx.Graph, metrics: NetworkMetrics) -> None:
    """Copy the node metrics onto the graph's nodes, so exports carry them (Gephi can size and colour by them)."""
    for node, row in metrics.table.items():
        for column in NODE_COLUMNS[3:]:
            if row[column] != "":
                graph.nodes[node][column] = row[column]
