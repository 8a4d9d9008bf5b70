"""Statistics of a release's graph for its VoID description: tallied while the dumps are written and
checked against the query index, counted by SPARQL over the index, or worked out from the previous
release's statistics and the delta.

The index (``store/``) holds exactly the triples of the dumps in its default graph, so these are the
dumps' numbers: triples, distinct subjects and objects, entities (distinct subjects in the base IRI's
namespace), one class partition per class (distinct instances) and one property partition per
predicate (triples), and the links to the external datasets we link to (triples per predicate; a dataset
we have no link to has no predicates).

:func:`statistics` counts them all over the index (the reference). A build tallies them instead as it
writes the dumps, chunk by chunk (:class:`Tally`, kept with each chunk's fragments, so a copied chunk is not
counted again), and :func:`tallied` sums the chunks: triples, properties, classes and links are triple
counts (each chunk holds distinct triples), and the distinct subjects and entities of the chunks add up
when no subject is in two chunks. Two scans of the index check that: its size must be the triples
tallied (no triple in two chunks) and its distinct subjects the chunks' sum (no subject in two); the
distinct objects, which chunks share (literals, concepts), are the one count left to SPARQL. An
update instead takes the previous release's (kept as JSON, :meth:`Statistics.to_json`) and a
:class:`Change` tallied while the delta is applied (:func:`updated`): triples, properties and links are
triple counts, and so are the class partitions (the distinct instances of a class are its ``rdf:type``
triples, the store holding each triple once); the distinct subjects, objects and entities move by one
for each term of the delta that had a triple before and has none after, or the other way round.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

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

    def to_json(self) -> str:
        """All of it (what :meth:`from_json` reads back): kept in the release for the next update."""
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Statistics:
        return cls(**json.loads(text))


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DISTINCT_SUBJECTS = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"
DISTINCT_OBJECTS = "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


@dataclass
class Tally:
    """The counts of a chunk of distinct triples (:meth:`of`), or the sum of many (:meth:`add`): triples,
    distinct subjects and entities within each chunk, ``rdf:type`` triples per class, triples per predicate
    and links per target and predicate."""

    triples: int = 0
    subjects: int = 0
    entities: int = 0
    classes: dict[str, int] = field(default_factory=dict)
    properties: dict[str, int] = field(default_factory=dict)
    links: dict[str, dict[str, int]] = field(default_factory=dict)

    @classmethod
    def of(cls, triples: list[ox.Triple], base: str) -> Tally:
        tally = cls(triples=len(triples))
        subjects = {t.subject for t in triples}
        tally.subjects = len(subjects)
        tally.entities = sum(1 for s in subjects if isinstance(s, ox.NamedNode) and s.value.startswith(base))
        change = Change()
        for triple in triples:
            change.count(triple, 1)
        tally.classes, tally.properties, tally.links = change.classes, change.properties, change.links
        return tally

    def add(self, other: Tally) -> None:
        self.triples += other.triples
        self.subjects += other.subjects
        self.entities += other.entities
        _add(self.classes, other.classes)
        _add(self.properties, other.properties)
        for key, counts in other.links.items():
            _add(self.links.setdefault(key, {}), counts)

    def to_bytes(self) -> bytes:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":")).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> Tally:
        return cls(**json.loads(data))


def _add(counts: dict[str, int], more: dict[str, int]) -> None:
    for key, n in more.items():
        _bump(counts, key, n)


def tallied(store: ox.Store, tally: Tally) -> Statistics | None:
    """The statistics of the store's default graph from the ``tally`` of the dumps it was loaded from, or
    ``None`` when the two scans of the store say the chunks overlap (see the module's docstring)."""
    subjects = _one(store, DISTINCT_SUBJECTS)
    if len(store) != tally.triples or subjects != tally.subjects:
        return None
    return Statistics(
        triples=tally.triples,
        distinct_subjects=subjects,
        distinct_objects=_one(store, DISTINCT_OBJECTS),
        entities=tally.entities,
        classes=dict(sorted(tally.classes.items())),
        properties=dict(sorted(tally.properties.items())),
        links={key: dict(sorted(tally.links.get(key, {}).items())) for key in LINK_TARGETS},
    )


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
        distinct_subjects=_one(store, DISTINCT_SUBJECTS),
        distinct_objects=_one(store, DISTINCT_OBJECTS),
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


@dataclass
class Change:
    """What the delta does to the counts: triples per predicate, ``rdf:type`` triples per class, links per
    target and predicate (each +1 added, -1 removed), and, for every subject and object the delta
    touches, whether the store held a triple with it before (``None``: not asked yet) and after."""

    triples: int = 0
    properties: dict[str, int] = field(default_factory=dict)
    classes: dict[str, int] = field(default_factory=dict)
    links: dict[str, dict[str, int]] = field(default_factory=dict)
    subjects: dict[Term, list[bool]] = field(default_factory=dict)  # term -> [before, after]
    objects: dict[Term, list[bool]] = field(default_factory=dict)

    def count(self, triple: ox.Triple, sign: int) -> None:
        """Tally one triple added (``sign`` 1) or removed (-1)."""
        self.triples += sign
        p, o = triple.predicate.value, triple.object
        _bump(self.properties, p, sign)
        if p == RDF_TYPE and not isinstance(o, ox.Triple):
            _bump(self.classes, o.value, sign)
        if isinstance(o, ox.NamedNode):
            for key, (_, namespace) in LINK_TARGETS.items():
                if o.value.startswith(namespace):
                    _bump(self.links.setdefault(key, {}), p, sign)

    def touch(self, triple: ox.Triple) -> None:
        """Note the triple's subject and object, whose presence :meth:`presence` records."""
        self.subjects.setdefault(triple.subject, [False, False])
        self.objects.setdefault(triple.object, [False, False])

    def presence(self, store: ox.Store, after: bool) -> None:
        """Record whether ``store`` holds a triple with each touched subject and object (before or after)."""
        graph = ox.DefaultGraph()
        for s, seen in self.subjects.items():
            seen[after] = next(store.quads_for_pattern(s, None, None, graph), None) is not None  # type: ignore[arg-type]
        for o, seen in self.objects.items():
            seen[after] = next(store.quads_for_pattern(None, None, o, graph), None) is not None


def _bump(counts: dict[str, int], key: str, by: int) -> None:
    counts[key] = counts.get(key, 0) + by


def _moved(terms: dict[Term, list[bool]], keep: Callable[[Term], bool] = lambda _: True) -> int:
    """How many more of ``terms`` (those ``keep`` counts) are in the graph after than before."""
    return sum(int(after) - int(before) for term, (before, after) in terms.items() if keep(term))


def _plus(counts: dict[str, int], change: dict[str, int]) -> dict[str, int]:
    """``counts`` moved by ``change``, without the keys that fall to zero, sorted (as :func:`_counts`)."""
    total = dict(counts)
    for key, by in change.items():
        total[key] = total.get(key, 0) + by
    if any(n < 0 for n in total.values()):
        raise ValueError("the delta removes more triples than the previous statistics count")
    return dict(sorted((k, n) for k, n in total.items() if n))


def updated(previous: Statistics, change: Change, base: str) -> Statistics:
    """The statistics of the previous release's graph after ``change`` (see the module's docstring)."""

    def entity(term: Term) -> bool:
        return isinstance(term, ox.NamedNode) and term.value.startswith(base)

    return Statistics(
        triples=previous.triples + change.triples,
        distinct_subjects=previous.distinct_subjects + _moved(change.subjects),
        distinct_objects=previous.distinct_objects + _moved(change.objects),
        entities=previous.entities + _moved(change.subjects, entity),
        classes=_plus(previous.classes, change.classes),
        properties=_plus(previous.properties, change.properties),
        links={key: _plus(previous.links.get(key, {}), change.links.get(key, {})) for key in LINK_TARGETS},
    )
