"""What the release says about one IRI (a :class:`Description`), for the pages and the RDF answers.

``/trial/NCT04282928`` describes ``{base}trial/NCT04282928``: as HTML for browsers, as Turtle,
N-Triples, JSON-LD or RDF/XML by ``Accept`` or by a suffix (``.ttl``, ``.nt``, ``.jsonld``, ``.rdf``;
``.html`` forces the page). The vocabulary (``/ontology``, ``/vocab/phase/PHASE2``) answers the same
way from the release's ``ontology/`` files, the shapes (``/shapes``) from its ``shapes/`` files, and the
dataset, its versions, distributions and partitions and the publisher (``/dataset``, ``/publisher``)
from its ``void.ttl``. A description holds the resource's own triples (with the blank nodes under them)
and the triples that point at it (the first :data:`INCOMING_LIMIT`); the ontology and the shapes are
documents: all of their triples.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from kg.mapping.namespaces import DESCRIPTION_PREFIXES, PREFIXES
from kg.serve.formats import Format, formats

INCOMING_LIMIT = 200
COUNT_LIMIT = 100_000
ONTOLOGY = PREFIXES["tkg"].rstrip("#")
SHAPES = DESCRIPTION_PREFIXES["tkgsh"].rstrip("#")
SUFFIXES: dict[str, Format | None] = {f.suffix: f for f in formats("graph")} | {".html": None}
LABELS = [
    ox.NamedNode(PREFIXES["skos"] + "prefLabel"),
    ox.NamedNode(PREFIXES["rdfs"] + "label"),
    ox.NamedNode(PREFIXES["schema"] + "name"),
    ox.NamedNode(PREFIXES["dcterms"] + "title"),
]


@dataclass
class Description:
    iri: str
    outgoing: list[ox.Triple]  # about the resource, and about the blank nodes under it
    incoming: list[ox.Triple]  # pointing at it: the first INCOMING_LIMIT
    incoming_total: int  # all of them (counted up to COUNT_LIMIT)
    document: bool = False  # the ontology or the shapes: every triple of the document

    def triples(self) -> list[ox.Triple]:
        return self.outgoing + self.incoming


class Document:
    """Turtle files of the release (its ontology, shapes or VoID) in memory, with the datatypes as written
    (a ``pyoxigraph.Store`` turns ``xsd:nonNegativeInteger`` into ``xsd:integer``): the patterns that
    :class:`Resources` asks of a store, answered from a ``pyoxigraph.Dataset``."""

    def __init__(self, files: Iterable[Path] = (), base_iri: str | None = None) -> None:
        self.dataset = ox.Dataset()
        for file in files:
            for quad in ox.parse(path=str(file), format=ox.RdfFormat.TURTLE, base_iri=base_iri):
                self.dataset.add(quad)

    @classmethod
    def of_folder(cls, folder: Path) -> Document:
        """The Turtle files of one of the release's folders (``ontology/``, ``shapes/``), in name order."""
        return cls(sorted(folder.glob("*.ttl")))

    def quads_for_pattern(
        self,
        s: ox.NamedNode | ox.BlankNode | None,
        p: ox.NamedNode | None,
        o: ox.NamedNode | ox.BlankNode | ox.Literal | None = None,
        g: ox.DefaultGraph | None = None,
    ) -> Iterator[ox.Quad]:
        """The quads matching a pattern (``None``: any), like ``pyoxigraph.Store.quads_for_pattern``."""
        if s is not None:
            quads: Iterable[ox.Quad] = self.dataset.quads_for_subject(s)
        else:
            quads = self.dataset.quads_for_object(o) if o is not None else self.dataset
        for quad in quads:
            matches = (p is None or quad.predicate == p) and (o is None or quad.object == o)
            if matches and (g is None or quad.graph_name == g):
                yield quad


class Resources:
    """The IRIs of a release: its data (``store``), its vocabulary, shapes and dataset description."""

    def __init__(
        self,
        store: ox.Store,
        vocabulary: Document,
        namespaces: list[str],
        shapes: Document | None = None,
        dataset: Document | None = None,
    ) -> None:
        self.store, self.vocabulary, self.namespaces = store, vocabulary, namespaces
        self.shapes, self.dataset = shapes or Document(), dataset or Document()
        self.documents = {ONTOLOGY: self.vocabulary, SHAPES: self.shapes}
        self.sources = (self.vocabulary, self.shapes, self.dataset, self.store)  # where a subject is described
        self.label = lru_cache(maxsize=100_000)(self._label)

    def local(self, iri: str) -> str | None:
        """The path on this server that describes ``iri``, if it is one of ours."""
        for ns in self.namespaces:
            if iri.startswith(ns) and len(iri) > len(ns):
                return "/" + iri[len(ns) :]
        return None

    def locate(self, path: str) -> tuple[str, str | None] | None:
        """The IRI a local path names, and the suffix it was asked with (if any)."""
        rel = path.lstrip("/")
        candidates: list[tuple[str, str | None]] = [
            (rel[: -len(s)], s) for s in SUFFIXES if rel.endswith(s) and len(rel) > len(s)
        ]
        for name, suffix in [*candidates, (rel, None)]:
            for ns in self.namespaces:
                if self._exists(ns + name):
                    return ns + name, suffix
        return None

    def _exists(self, iri: str) -> bool:
        try:
            node = ox.NamedNode(iri)
        except ValueError:
            return False
        return any(
            next(iter(s.quads_for_pattern(node, None, None, ox.DefaultGraph())), None) is not None for s in self.sources
        )

    def describe(self, iri: str) -> Description:
        node = ox.NamedNode(iri)
        if iri in self.documents:
            whole = self.documents[iri].quads_for_pattern(None, None, None, ox.DefaultGraph())
            return Description(iri, sorted((q.triple for q in whole), key=_order), [], 0, document=True)
        outgoing: list[ox.Triple] = []
        for store in self.sources:
            outgoing += _closure(store, node)
        incoming_all = itertools.chain.from_iterable(
            s.quads_for_pattern(None, None, node, ox.DefaultGraph()) for s in (self.dataset, self.store)
        )
        incoming = [q.triple for q in itertools.islice(incoming_all, INCOMING_LIMIT)]
        total = len(incoming) + sum(1 for _ in itertools.islice(incoming_all, COUNT_LIMIT - len(incoming)))
        return Description(iri, sorted(outgoing, key=_order), sorted(incoming, key=_order), total)

    def _label(self, iri: str) -> str | None:
        node = ox.NamedNode(iri)
        for predicate in LABELS:
            for store in self.sources:
                for quad in store.quads_for_pattern(node, predicate, None, ox.DefaultGraph()):
                    if isinstance(quad.object, ox.Literal):
                        return quad.object.value
        return None


def _closure(store: ox.Store | Document, node: ox.NamedNode | ox.BlankNode) -> list[ox.Triple]:
    """The triples about ``node`` and, recursively, about the blank nodes they lead to."""
    out: list[ox.Triple] = []
    todo, seen = [node], set()
    while todo:
        subject = todo.pop()
        for quad in store.quads_for_pattern(subject, None, None, ox.DefaultGraph()):
            out.append(quad.triple)
            if isinstance(quad.object, ox.BlankNode) and quad.object not in seen:
                seen.add(quad.object)
                todo.append(quad.object)
    return out


def _order(t: ox.Triple) -> tuple[bool, str, bool, str, str]:
    """Own triples first, rdf:type first among them, then by predicate and value."""
    is_type = t.predicate.value == PREFIXES["rdf"] + "type"
    return (isinstance(t.subject, ox.BlankNode), str(t.subject), not is_type, t.predicate.value, str(t.object))
