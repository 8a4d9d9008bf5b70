"""Study similarity: for each study, its most similar studies by what they are about and what they try.

A study's features are its condition MeSH descriptors and its intervention concepts; two studies are as
similar as the Jaccard index of their features, |A ∩ B| / |A ∪ B|. Candidates come from an inverted index
(feature -> studies), so only studies sharing a feature are ever compared, never all pairs. A feature in
more than ``max_postings`` studies (placebo in a registry of half a million) still counts in the score
but proposes no candidates on its own: two studies that share only such a feature are not compared.
Ties are broken by more shared features, then by NCT id, so the result does not depend on order.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import networkx as nx

from kg.analytics.extract import Extract
from kg.analytics.graphs import add_nodes

DEFAULT_MAX_POSTINGS = 5000


@dataclass(frozen=True)
class Similar:
    study: str
    other: str
    rank: int  # 1 = the most similar
    score: float
    shared: tuple[str, ...]  # the shared features (IRIs), sorted


def features(data: Extract) -> dict[str, frozenset[str]]:
    """Each filtered study's condition MeSH descriptors and intervention concepts."""
    return {
        study: frozenset(data.conditions.get(study, set()) | data.interventions.get(study, set()))
        for study in data.studies
    }


def most_similar(data: Extract, k: int = 10, max_postings: int = DEFAULT_MAX_POSTINGS) -> dict[str, list[Similar]]:
    """Up to ``k`` most similar studies of each study (studies without features have none)."""
    feats = features(data)
    postings: dict[str, list[str]] = {}
    for study in sorted(feats):
        for feature in feats[study]:
            postings.setdefault(feature, []).append(study)
    nct = {iri: s.nct_id for iri, s in data.studies.items()}
    result: dict[str, list[Similar]] = {}
    for study in sorted(feats):
        mine = feats[study]
        candidates: Counter[str] = Counter()
        for feature in mine:
            if len(postings[feature]) <= max_postings:
                candidates.update(postings[feature])
        candidates.pop(study, None)
        scored = []
        for other in candidates:
            shared = mine & feats[other]
            scored.append((len(shared) / len(mine | feats[other]), len(shared), other, shared))
        scored.sort(key=lambda s: (-s[0], -s[1], nct[s[2]]))
        result[study] = [
            Similar(study, other, rank, score, tuple(sorted(shared)))
            for rank, (score, _, other, shared) in enumerate(scored[:k], start=1)
        ]
    return result


def similarity_graph(data: Extract, similar: dict[str, list[Similar]]) -> nx.Graph:
    """Studies linked to their most similar studies (an edge when either lists the other)."""
    graph = nx.Graph(name="similarity")
    add_nodes(graph, data, data.studies)
    edges = {(min(s.study, s.other), max(s.study, s.other)): s for links in similar.values() for s in links}
    for (a, b), link in sorted(edges.items()):
        graph.add_edge(a, b, weight=round(link.score, 6), shared=len(link.shared))
    return graph
