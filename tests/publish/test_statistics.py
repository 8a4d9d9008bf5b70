"""``kg.publish.statistics``: the VoID counts tallied chunk by chunk equal those counted by SPARQL, and a
tally whose chunks overlap is refused (the build then counts over the index)."""

from __future__ import annotations

import pyoxigraph as ox

from kg.iris import MESH_NS
from kg.publish.statistics import RDF_TYPE, Tally, statistics, tallied

BASE = "https://w3id.org/trialkg/"
STUDY = f"{BASE}Study"


def _iri(path: str) -> ox.NamedNode:
    return ox.NamedNode(f"{BASE}{path}")


def _study(nct: str, condition: str) -> list[ox.Triple]:
    """One study's chunk: its own subjects, an object (a MeSH link, a literal) other studies share."""
    study, arm = _iri(f"study/{nct}"), _iri(f"study/{nct}/arm/1")
    return [
        ox.Triple(study, ox.NamedNode(RDF_TYPE), ox.NamedNode(STUDY)),
        ox.Triple(study, _iri("condition"), ox.NamedNode(f"{MESH_NS}{condition}")),
        ox.Triple(study, _iri("arm"), arm),
        ox.Triple(arm, _iri("label"), ox.Literal("Placebo")),
        ox.Triple(ox.BlankNode(f"b{nct}"), _iri("label"), ox.Literal("Placebo")),
    ]


SHARED = [
    ox.Triple(ox.NamedNode(f"{MESH_NS}D003924"), _iri("label"), ox.Literal("Diabetes Mellitus, Type 2")),
    ox.Triple(ox.NamedNode(f"{MESH_NS}D003924"), ox.NamedNode(RDF_TYPE), _iri("Heading")),
]


def _store(chunks: list[list[ox.Triple]]) -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for chunk in chunks for t in chunk)
    return store


def _sum(chunks: list[list[ox.Triple]]) -> Tally:
    total = Tally()
    for chunk in chunks:
        total.add(Tally.from_bytes(Tally.of(chunk, BASE).to_bytes()))  # as kept with the fragments
    return total


def test_a_tally_of_disjoint_chunks_is_the_count_by_sparql() -> None:
    chunks = [_study("NCT00000001", "D003924"), _study("NCT00000002", "D003924"), SHARED]
    store = _store(chunks)
    counted = statistics(store, BASE)
    assert tallied(store, _sum(chunks)) == counted
    assert counted.triples == 12 and counted.distinct_subjects == 7 and counted.entities == 4
    assert counted.classes == {STUDY: 2, f"{BASE}Heading": 1}
    assert counted.links["mesh"] == {f"{BASE}condition": 2}
    assert counted.distinct_objects == 7  # the two studies' MeSH link and "Placebo" are shared


def test_a_tally_whose_chunks_share_a_subject_or_a_triple_is_refused() -> None:
    one, two = _study("NCT00000001", "D003924"), _study("NCT00000002", "D003924")
    about_shared = [*two, ox.Triple(ox.NamedNode(f"{MESH_NS}D003924"), _iri("note"), ox.Literal("x"))]
    assert tallied(_store([one, about_shared, SHARED]), _sum([one, about_shared, SHARED])) is None
    again = [*two, SHARED[0]]  # a triple in two chunks: the store holds it once
    assert tallied(_store([one, again, SHARED]), _sum([one, again, SHARED])) is None
