"""The analysis as RDF, in one named graph ``{base}graph/analytics``, so it can be queried with SPARQL
next to the release (``analytics.nq.gz`` to load into a store, ``analytics.trig`` to read).

No blank nodes; every node has a stable IRI made from what it describes:

* ``{base}analytics/{network}`` a ``tkg:Network``: its size, components, communities, modularity;
* ``{base}analytics/{network}/{entity}`` a ``tkg:NetworkPosition``: one entity's measures in one network
  (``tkg:positionOf`` the entity, ``tkg:network``, ``tkg:degree``, ``tkg:weightedDegree``, ``tkg:pageRank``,
  ``tkg:betweenness``, ``tkg:componentNumber``, ``tkg:communityNumber``). ``{entity}`` is the entity's IRI
  relative to the base (``org/acme-pharma``), ``mesh/{UI}`` for MeSH, else ``iri/{hash}``;
* ``{study} tkg:similarStudy {other}``, qualified by ``{study}/similar/{NCT id of other}`` a
  ``tkg:StudySimilarity`` (``tkg:similarStudy``, ``tkg:similarityScore``, ``tkg:similarityRank``,
  ``tkg:sharedFeature``), linked from the study by ``tkg:similarity``.
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import pyoxigraph as ox

from kg.analytics.extract import Extract
from kg.analytics.graphs import NETWORKS
from kg.analytics.metrics import NetworkMetrics
from kg.analytics.similarity import Similar
from kg.iris import MESH_NS, Iris, part
from kg.mapping.namespaces import DCTERMS, PREFIXES, RDF, RDFS, TKG, XSD


def analytics_graph(base: str) -> str:
    return Iris(base).analytics_graph()


def _decimal(value: float) -> ox.Literal:
    text = f"{value:.6f}".rstrip("0")
    return ox.Literal(text + "0" if text.endswith(".") else text, datatype=XSD.decimal)


def _integer(value: object) -> ox.Literal:
    return ox.Literal(str(int(value)), datatype=XSD.integer)  # type: ignore[call-overload]


def entity_path(iri: str, base: str) -> str:
    """The part of a position's IRI that names the entity."""
    if iri.startswith(base):
        return iri[len(base) :]
    if iri.startswith(MESH_NS):
        return "mesh/" + iri[len(MESH_NS) :]
    return "iri/" + hashlib.sha1(iri.encode()).hexdigest()[:16]


def quads(
    base: str, data: Extract, metrics: dict[str, NetworkMetrics], similar: dict[str, list[Similar]]
) -> list[ox.Quad]:
    graph = ox.NamedNode(analytics_graph(base))
    out: list[ox.Quad] = []

    def add(s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> None:
        out.append(ox.Quad(s, p, o, graph))

    for name, m in metrics.items():
        network = ox.NamedNode(Iris(base).network(name))
        add(network, RDF.type, TKG.Network)
        add(network, RDFS.label, ox.Literal(f"{name} network", language="en"))
        add(network, DCTERMS.description, ox.Literal(NETWORKS[name], language="en"))
        for prop, value in (
            ("nodeCount", m.nodes),
            ("edgeCount", m.edges),
            ("componentCount", m.components),
            ("communityCount", m.communities),
        ):
            add(network, TKG[prop], _integer(value))
        add(network, TKG.modularity, _decimal(m.modularity))
        for iri, row in m.table.items():
            position = ox.NamedNode(part(network.value, entity_path(iri, base)))
            add(position, RDF.type, TKG.NetworkPosition)
            add(position, TKG.network, network)
            add(position, TKG.positionOf, ox.NamedNode(iri))
            add(position, TKG.degree, _integer(row["degree"]))
            add(position, TKG.weightedDegree, _decimal(float(row["weighted_degree"])))  # type: ignore[arg-type]
            add(position, TKG.pageRank, ox.Literal(float(row["pagerank"])))  # type: ignore[arg-type]
            if row["betweenness"] != "":
                add(position, TKG.betweenness, ox.Literal(float(row["betweenness"])))  # type: ignore[arg-type]
            add(position, TKG.componentNumber, _integer(row["component"]))
            add(position, TKG.communityNumber, _integer(row["community"]))
    for study, links in similar.items():
        subject = ox.NamedNode(study)
        for link in links:
            other = ox.NamedNode(link.other)
            node = ox.NamedNode(part(study, "similar", data.studies[link.other].nct_id))
            add(subject, TKG.similarStudy, other)
            add(subject, TKG.similarity, node)
            add(node, RDF.type, TKG.StudySimilarity)
            add(node, TKG.similarStudy, other)
            add(node, TKG.similarityScore, _decimal(link.score))
            add(node, TKG.similarityRank, _integer(link.rank))
            for feature in link.shared:
                add(node, TKG.sharedFeature, ox.NamedNode(feature))
    return out


def write(out: Path, base: str, found: list[ox.Quad]) -> list[Path]:
    """``analytics.nq.gz`` (sorted N-Quads, gzipped without name or time) and ``analytics.trig`` (prefixed)."""
    nquads, trig = out / "analytics.nq.gz", out / "analytics.trig"
    text = "".join(sorted({f"{q} .\n" for q in found}))  # str(quad) is the quad in N-Quads
    with nquads.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", filename="", mtime=0) as packed:
        packed.write(text.encode("utf-8"))
    prefixes = {
        **{k: PREFIXES[k] for k in ("tkg", "rdf", "rdfs", "xsd", "dcterms", "mesh")},
        **{name: Iris(base).space(name) for name in ("trial", "org", "intervention", "analytics")},
    }
    ox.serialize(sorted(found, key=str), str(trig), format=ox.RdfFormat.TRIG, prefixes=prefixes)
    return [nquads, trig]
