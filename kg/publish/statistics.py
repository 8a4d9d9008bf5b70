"""Statistics of a release's graph for its VoID description, counted by SPARQL over the query index.

The index (``store/``) holds exactly the triples of the dumps in its default graph, so these are the
dumps' numbers: triples, distinct subjects and objects, entities (distinct subjects in the base IRI's
namespace), one class partition per class (distinct instances) and one property partition per
predicate (triples), and the links to the external datasets we link to (triples per predicate; a dataset
we have no link to has no predicates).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.iris import MESH_NS, PUBMED_NS, ROR_NS, bio2rdf, identifiers_org

#: External datasets the graph links to: key -> (title, namespace of their IRIs). Every link to one of
#: them (a triple whose object is an IRI in its namespace) is counted in its link set.
LINK_TARGETS: dict[str, tuple[str, str]] = {
    "mesh": ("Medical Subject Headings (MeSH)", MESH_NS),
    "ror": ("Research Organization Registry (ROR)", ROR_NS),
    "pubmed": ("PubMed", PUBMED_NS),
    "identifiers-org": ("identifiers.org, ClinicalTrials.gov namespace", identifiers_org("")),
    "bio2rdf": ("Bio2RDF ClinicalTrials.gov", bio2rdf("")),
}


@dataclass
class Statistics:
    triples: int = 0
    distinct_subjects: int = 0
    distinct_objects: int = 0
    entities: int = 0
    classes: dict[str, int] = field(default_factory=dict)  # class IRI -> distinct instances
    properties: dict[str, int] = field(default_factory=dict)  # predicate IRI -> triples
    links: dict[str, dict[str, int]] = field(default_factory=dict)  # target key -> predicate IRI -> triples

    def as_dict(self) -> dict[str, object]:
        return {
            "triples": self.triples,
            "distinct_subjects": self.distinct_subjects,
            "distinct_objects": self.distinct_objects,
            "entities": self.entities,
            "classes": len(self.classes),
            "properties": len(self.properties),
            "links": {key: sum(counts.values()) for key, counts in self.links.items()},
        }


def _one(store: ox.Store, query: str) -> int:
    result = store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    for row in result:
        term = row[0]
        return int(term.value) if term is not None else 0
    return 0


def _counts(store: ox.Store, query: str) -> dict[str, int]:
    result = store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    counts = {}
    for row in result:
        key, value = row[0], row[1]
        if key is not None and value is not None:
            counts[key.value] = int(value.value)
    return dict(sorted(counts.items()))


def statistics(store: ox.Store, base: str) -> Statistics:
    """The statistics of the store's default graph."""
    space = ox.Literal(base)
    stats = Statistics(
        triples=_one(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
        distinct_subjects=_one(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"),
        distinct_objects=_one(store, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"),
        entities=_one(
            store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), {space})) }}"
        ),
        classes=_counts(store, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c"),
        properties=_counts(store, "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p"),
    )
    for key, (_, namespace) in LINK_TARGETS.items():
        stats.links[key] = _counts(
            store,
            "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o "
            f"FILTER(isIRI(?o) && STRSTARTS(STR(?o), {ox.Literal(namespace)})) }} GROUP BY ?p",
        )
    return stats
