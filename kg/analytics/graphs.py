"""The networks of an analysis, built in one pass over an :class:`~kg.analytics.extract.Extract`.

Every node is keyed by its IRI and carries ``iri``, ``kind`` and ``name`` (and ``label``, the name
again, which Gephi shows); every edge carries ``weight``. Nodes are added in IRI order, so the same
data gives the same graphs (and the same seeded communities).

* ``sponsor-intervention`` -- every sponsor of the studies (lead sponsors and collaborators) and every
  intervention concept they use, linked when a study has both; weight = number of studies, and
  ``lead_studies`` = those the organisation leads (the edges of the canned query
  sponsor-intervention-edges are the edges with ``lead_studies`` > 0). A sponsor whose studies list no
  intervention is in it, with no edge.
* ``sponsor-projection``, ``intervention-projection`` -- its two weighted projections
  (:func:`networkx.algorithms.bipartite.weighted_projected_graph`): sponsors linked by the interventions
  they share, interventions linked by the sponsors they share; weight = number of shared neighbours.
* ``collaboration`` -- every organisation that is lead sponsor or collaborator of a study, linked to the
  others of the same study; weight = number of studies (the canned query cosponsorship-pairs).
* ``condition-intervention`` -- the MeSH descriptors of the studies' conditions and their intervention
  concepts, linked when a study has both; weight = number of studies.
* ``similarity`` -- studies linked to their most similar studies (see :mod:`kg.analytics.similarity`);
  weight = the similarity score.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

import networkx as nx
from networkx.algorithms import bipartite

from kg.analytics.extract import Extract

#: The networks of an analysis, in the order reports list them, with a sentence on each.
NETWORKS: dict[str, str] = {
    "collaboration": "Organisations (lead sponsors and collaborators) linked when they sponsor a study together; "
    "weight = studies.",
    "sponsor-intervention": "Sponsors (lead and collaborators) and the interventions of their studies; "
    "weight = studies.",
    "sponsor-projection": "Sponsors linked when they study the same intervention; weight = shared interventions.",
    "intervention-projection": "Interventions linked when the same sponsor studies both; weight = shared sponsors.",
    "condition-intervention": "MeSH descriptors of conditions and the interventions tried for them; weight = studies.",
    "similarity": "Studies linked to their most similar studies (shared condition MeSH descriptors and "
    "interventions); weight = Jaccard similarity.",
}


def add_nodes(graph: nx.Graph, data: Extract, iris: Iterable[str], **extra: object) -> None:
    for iri in sorted(set(iris)):
        node = data.nodes[iri]
        attrs: dict[str, object] = {"iri": iri, "kind": node.kind, "name": node.name, "label": node.name, **extra}
        if node.kind == "organisation":
            attrs["sponsor_class"] = data.sponsor_class(iri)
        elif node.kind == "study":
            study = data.studies[iri]
            attrs.update(title=study.title, status=study.status, phases=study.phases, start_date=study.start_date)
        graph.add_node(iri, **attrs)


def _add_edges(graph: nx.Graph, weights: Counter[tuple[str, str]]) -> None:
    for (a, b), weight in sorted(weights.items()):
        graph.add_edge(a, b, weight=weight)


def _two_mode(
    name: str, data: Extract, left: Mapping[str, Iterable[str]], leads: Mapping[str, set[str]] | None = None
) -> nx.Graph:
    """Every node ``left`` gives a study × every intervention of the studies, linked when a study has both;
    weight: the number of such studies (and ``lead_studies``: those of them in which ``leads`` has the node)."""
    weights: Counter[tuple[str, str]] = Counter()
    led: Counter[tuple[str, str]] = Counter()
    for study, nodes in left.items():
        for node in nodes:
            for intervention in data.interventions.get(study, ()):
                weights[(node, intervention)] += 1
                led[(node, intervention)] += leads is not None and node in leads.get(study, ())
    graph = nx.Graph(name=name)
    add_nodes(graph, data, (node for nodes in left.values() for node in nodes), bipartite=0)
    add_nodes(graph, data, (i for interventions in data.interventions.values() for i in interventions), bipartite=1)
    for (a, b), weight in sorted(weights.items()):
        graph.add_edge(a, b, weight=weight, **({"lead_studies": led[(a, b)]} if leads is not None else {}))
    return graph


def sponsor_intervention(data: Extract) -> nx.Graph:
    """Sponsors (lead and collaborators) × interventions."""
    return _two_mode("sponsor-intervention", data, {s: data.organisations(s) for s in data.studies}, data.leads)


def projections(two_mode: nx.Graph) -> tuple[nx.Graph, nx.Graph]:
    """The sponsor and the intervention projection of the sponsor-intervention graph."""
    sides = [sorted(n for n, side in two_mode.nodes(data="bipartite") if side == k) for k in (0, 1)]
    out = []
    for name, nodes in zip(("sponsor-projection", "intervention-projection"), sides, strict=True):
        projected = bipartite.weighted_projected_graph(two_mode, nodes)
        graph = nx.Graph(name=name)
        for node in nodes:
            attrs = dict(two_mode.nodes[node])
            attrs.pop("bipartite")
            graph.add_node(node, **attrs)
        graph.add_edges_from(sorted((min(a, b), max(a, b), d) for a, b, d in projected.edges(data=True)))
        out.append(graph)
    return out[0], out[1]


def collaboration(data: Extract) -> nx.Graph:
    weights: Counter[tuple[str, str]] = Counter()
    members: set[str] = set()
    for study in data.studies:
        orgs = sorted(data.organisations(study))
        members.update(orgs)
        for i, a in enumerate(orgs):
            for b in orgs[i + 1 :]:
                weights[(a, b)] += 1
    graph = nx.Graph(name="collaboration")
    add_nodes(graph, data, members)
    _add_edges(graph, weights)
    return graph


def condition_intervention(data: Extract) -> nx.Graph:
    """MeSH condition descriptors × interventions."""
    return _two_mode("condition-intervention", data, data.conditions)


def build_all(data: Extract) -> dict[str, nx.Graph]:
    """Every network but ``similarity`` (see :func:`kg.analytics.similarity.similarity_graph`)."""
    two_mode = sponsor_intervention(data)
    sponsors, interventions = projections(two_mode)
    return {
        "collaboration": collaboration(data),
        "sponsor-intervention": two_mode,
        "sponsor-projection": sponsors,
        "intervention-projection": interventions,
        "condition-intervention": condition_intervention(data),
    }
