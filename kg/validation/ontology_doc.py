"""The ontology as one standalone HTML page: metadata, classes, properties, datatypes, concept schemes.

Everything is read from ``ontology/trialkg.ttl`` (labels, comments, domains, ranges, super-classes and
-properties, SKOS matches, the concept schemes generated from ``kg/codes.py``); the page needs no
external CSS or scripts. ``write_ontology_doc(path)`` writes it, e.g. into a release.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import rdflib
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from kg.iris import curie
from kg.mapping.namespaces import PREFIXES
from kg.packaged import ONTOLOGY
from kg.templates import render

TKG = PREFIXES["tkg"]
TKGV = PREFIXES["tkgv"]


@dataclass(frozen=True)
class Link:
    """A term as the page shows it: ``text`` (a CURIE, or a literal's text), linked to ``href`` if it has one."""

    text: str
    href: str = ""


Term = list[Link]  # one link, or one per member of a union ("A or B")


class _Doc:
    """Reads one ontology graph and gathers what its page shows."""

    def __init__(self, graph: Graph) -> None:
        self.g = graph

    def curie(self, node: Node) -> str:
        if isinstance(node, URIRef):
            return curie(str(node), term=True)
        if (node, OWL.unionOf, None) in self.g:
            members = Collection(self.g, self.g.value(node, OWL.unionOf))  # type: ignore[arg-type]
            return " or ".join(self.curie(m) for m in members)
        return str(node)

    def link(self, node: Node) -> Term:
        """A term: a link to its section when it is ours, else to its IRI; a union, member by member."""
        if isinstance(node, URIRef):
            iri = str(node)
            if iri.startswith(TKG):
                target = f"#{iri[len(TKG) :]}"
            elif iri.startswith(TKGV) and (node, RDF.type, SKOS.ConceptScheme) in self.g:
                target = f"#scheme-{iri[len(TKGV) :]}"
            else:
                target = iri
            return [Link(self.curie(node), target)]
        if (node, OWL.unionOf, None) in self.g:
            members = Collection(self.g, self.g.value(node, OWL.unionOf))  # type: ignore[arg-type]
            return [link for m in members for link in self.link(m)]
        return [Link(self.curie(node))]

    def links(self, nodes: Iterable[Node]) -> list[Term]:
        return [self.link(v) for v in sorted(nodes, key=str)]

    def values(self, nodes: Iterable[Node]) -> list[Term]:
        return [[Link(str(v))] if isinstance(v, Literal) else self.link(v) for v in nodes]

    def text(self, node: Node, prop: URIRef) -> str:
        values = sorted(self.g.objects(node, prop), key=lambda v: (getattr(v, "language", None) != "en", str(v)))
        return str(values[0]) if values else ""

    def entry(self, node: URIRef, rows: Iterable[tuple[str, Iterable[Node]]]) -> dict[str, Any]:
        return {
            "anchor": str(node)[len(TKG) :] if str(node).startswith(TKG) else "",
            "label": self.text(node, RDFS.label) or self.text(node, SKOS.prefLabel),
            "curie": self.curie(node),
            "comment": self.text(node, RDFS.comment),
            "iri": str(node),
            "rows": [(name, found) for name, values in rows if (found := self.links(values))],
        }

    def ours(self, kind: URIRef) -> list[URIRef]:
        return sorted(
            (n for n in self.g.subjects(RDF.type, kind) if isinstance(n, URIRef) and str(n).startswith(TKG)), key=str
        )

    def matches(self, node: Node) -> list[tuple[str, Iterable[Node]]]:
        return [
            ("exact match", self.g.objects(node, SKOS.exactMatch)),
            ("close match", self.g.objects(node, SKOS.closeMatch)),
        ]

    def classes(self) -> list[dict[str, Any]]:
        out = []
        for cls in self.ours(OWL.Class):
            subclasses = [s for s in self.g.subjects(RDFS.subClassOf, cls) if isinstance(s, URIRef)]
            disjoint = [
                m
                for group in self.g.subjects(RDF.type, OWL.AllDisjointClasses)
                for members in [list(Collection(self.g, self.g.value(group, OWL.members)))]  # type: ignore[arg-type]
                if cls in members
                for m in members
                if m != cls
            ]
            rows = [
                ("subclass of", self.g.objects(cls, RDFS.subClassOf)),
                ("subclasses", subclasses),
                ("disjoint with", disjoint),
                ("used as domain of", self.g.subjects(RDFS.domain, cls)),
                ("used as range of", self.g.subjects(RDFS.range, cls)),
                *self.matches(cls),
            ]
            out.append(self.entry(cls, rows))
        return out

    def properties(self, kind: URIRef) -> list[dict[str, Any]]:
        out = []
        for prop in self.ours(kind):
            rows = [
                ("domain", self.g.objects(prop, RDFS.domain)),
                ("range", self.g.objects(prop, RDFS.range)),
                ("subproperty of", self.g.objects(prop, RDFS.subPropertyOf)),
                ("values from", self.g.subjects(RDFS.seeAlso, prop)),
                *self.matches(prop),
            ]
            out.append(self.entry(prop, rows))
        return out

    def datatypes(self) -> list[dict[str, Any]]:
        out = []
        for datatype in self.ours(RDFS.Datatype):
            rows = [("equivalent to", self.g.objects(datatype, OWL.equivalentClass))]
            out.append(self.entry(datatype, rows))
        return out

    def schemes(self) -> list[dict[str, Any]]:
        out = []
        for scheme in sorted(self.g.subjects(RDF.type, SKOS.ConceptScheme), key=str):
            assert isinstance(scheme, URIRef)
            concepts = [
                {
                    "notation": self.text(concept, SKOS.notation),
                    "label": self.text(concept, SKOS.prefLabel),
                    "iri": str(concept),
                    "matches": self.links(
                        [*self.g.objects(concept, SKOS.exactMatch), *self.g.objects(concept, SKOS.closeMatch)]
                    ),
                }
                for concept in sorted(self.g.subjects(SKOS.inScheme, scheme), key=str)
            ]
            out.append(
                {
                    "name": str(scheme).rsplit("/", 1)[-1],
                    "label": self.text(scheme, SKOS.prefLabel),
                    "iri": str(scheme),
                    "definition": self.text(scheme, SKOS.definition),
                    "note": self.text(scheme, SKOS.scopeNote),
                    "users": self.links(self.g.objects(scheme, RDFS.seeAlso)),
                    "concepts": concepts,
                }
            )
        return out

    def page(self) -> str:
        onto = next(iter(self.g.subjects(RDF.type, OWL.Ontology)), None)
        meta = None
        if onto is not None:
            rows = [
                ("ontology IRI", [onto]),
                ("version IRI", self.g.objects(onto, OWL.versionIRI)),
                ("version", self.g.objects(onto, OWL.versionInfo)),
                ("creator", self.g.objects(onto, DCTERMS.creator)),
                ("licence", self.g.objects(onto, DCTERMS.license)),
                ("rights", self.g.objects(onto, DCTERMS.rights)),
            ]
            meta = {
                "rows": [(name, self.values(values)) for name, values in rows],
                "description": self.text(onto, DCTERMS.description),
            }
        sections = [
            {"key": "classes", "name": "Classes", "entries": self.classes()},
            {"key": "object-properties", "name": "Object properties", "entries": self.properties(OWL.ObjectProperty)},
            {
                "key": "datatype-properties",
                "name": "Datatype properties",
                "entries": self.properties(OWL.DatatypeProperty),
            },
            {"key": "datatypes", "name": "Datatypes", "entries": self.datatypes()},
            {"key": "schemes", "name": "Concept schemes", "entries": self.schemes()},
        ]
        title = self.text(onto, DCTERMS.title) if onto is not None else "ontology"
        return render("validation/ontology.html", title=title, meta=meta, sections=sections)


def ontology_html(path: str | Path = ONTOLOGY) -> str:
    """The documentation page of the ontology file at ``path``."""
    graph = rdflib.Graph()
    graph.parse(path, format="turtle")
    return _Doc(graph).page()


def write_ontology_doc(out: str | Path, ontology: str | Path = ONTOLOGY) -> Path:
    """Write the documentation page to ``out`` (a file, or a directory to put ``ontology.html`` in)."""
    target = Path(out)
    if target.is_dir():
        target = target / "ontology.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(ontology_html(ontology), encoding="utf-8")
    return target
