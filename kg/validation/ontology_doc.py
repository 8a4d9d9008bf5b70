"""The ontology as one standalone HTML page: metadata, classes, properties, datatypes, concept schemes.

Everything is read from ``ontology/trialkg.ttl`` (labels, comments, domains, ranges, super-classes and
-properties, SKOS matches, the concept schemes generated from ``kg/codes.py``); the page needs no
external CSS or scripts. ``write_ontology_doc(path)`` writes it, e.g. into a release.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path

import rdflib
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from kg.mapping.namespaces import PREFIXES
from kg.validation.engine import ONTOLOGY

TKG = PREFIXES["tkg"]
TKGV = PREFIXES["tkgv"]
_MORE_PREFIXES = {"obo": "http://purl.obolibrary.org/obo/", "fhir": "http://hl7.org/fhir/"}
_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.6rem} h2{margin-top:2.5rem;border-bottom:1px solid #ccc} h3{margin:1.6rem 0 .3rem}
dl{display:grid;grid-template-columns:11rem 1fr;gap:.2rem .8rem;margin:.3rem 0} dt{color:#555}
dd{margin:0} code{font-size:.9em;word-break:break-all} nav ul{columns:3} table{border-collapse:collapse}
td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top} th{background:#f5f5f5}
"""


def _esc(text: object) -> str:
    return html.escape(str(text))


class _Doc:
    """Reads one ontology graph and renders its parts."""

    def __init__(self, graph: Graph) -> None:
        self.g = graph
        self.prefixes = {**PREFIXES, **_MORE_PREFIXES}

    def curie(self, node: Node) -> str:
        if isinstance(node, URIRef):
            iri = str(node)
            for prefix, namespace in sorted(self.prefixes.items(), key=lambda kv: -len(kv[1])):
                if iri.startswith(namespace) and len(iri) > len(namespace) and "/" not in iri[len(namespace) :]:
                    return f"{prefix}:{iri[len(namespace) :]}"
            return iri
        if (node, OWL.unionOf, None) in self.g:
            members = Collection(self.g, self.g.value(node, OWL.unionOf))  # type: ignore[arg-type]
            return " or ".join(self.curie(m) for m in members)
        return str(node)

    def link(self, node: Node) -> str:
        """A term as HTML: a link to its section when it is ours, else to its IRI."""
        if isinstance(node, URIRef):
            text = _esc(self.curie(node))
            iri = str(node)
            if iri.startswith(TKG):
                target = f"#{iri[len(TKG) :]}"
            elif iri.startswith(TKGV) and (node, RDF.type, SKOS.ConceptScheme) in self.g:
                target = f"#scheme-{iri[len(TKGV) :]}"
            else:
                target = _esc(iri)
            return f'<a href="{target}"><code>{text}</code></a>'
        if (node, OWL.unionOf, None) in self.g:
            members = Collection(self.g, self.g.value(node, OWL.unionOf))  # type: ignore[arg-type]
            return " or ".join(self.link(m) for m in members)
        return _esc(self.curie(node))

    def values(self, nodes: Iterable[Node]) -> str:
        return ", ".join(_esc(v) if isinstance(v, Literal) else self.link(v) for v in nodes)

    def text(self, node: Node, prop: URIRef) -> str:
        values = sorted(self.g.objects(node, prop), key=lambda v: (getattr(v, "language", None) != "en", str(v)))
        return str(values[0]) if values else ""

    def entry(self, node: URIRef, rows: Iterable[tuple[str, Iterable[Node]]]) -> str:
        anchor = str(node)[len(TKG) :] if str(node).startswith(TKG) else ""
        label = self.text(node, RDFS.label) or self.text(node, SKOS.prefLabel)
        parts = [f'<h3 id="{_esc(anchor)}">{_esc(label)} <code>{_esc(self.curie(node))}</code></h3>']
        comment = self.text(node, RDFS.comment)
        if comment:
            parts.append(f"<p>{_esc(comment)}</p>")
        parts.append(f"<dl><dt>IRI</dt><dd><code>{_esc(node)}</code></dd>")
        for name, values in rows:
            rendered = ", ".join(self.link(v) for v in sorted(values, key=str))
            if rendered:
                parts.append(f"<dt>{_esc(name)}</dt><dd>{rendered}</dd>")
        parts.append("</dl>")
        return "\n".join(parts)

    def ours(self, kind: URIRef) -> list[URIRef]:
        return sorted(
            (n for n in self.g.subjects(RDF.type, kind) if isinstance(n, URIRef) and str(n).startswith(TKG)), key=str
        )

    def matches(self, node: Node) -> list[tuple[str, Iterable[Node]]]:
        return [
            ("exact match", self.g.objects(node, SKOS.exactMatch)),
            ("close match", self.g.objects(node, SKOS.closeMatch)),
        ]

    def classes(self) -> list[str]:
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

    def properties(self, kind: URIRef) -> list[str]:
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

    def datatypes(self) -> list[str]:
        out = []
        for datatype in self.ours(RDFS.Datatype):
            rows = [("equivalent to", self.g.objects(datatype, OWL.equivalentClass))]
            out.append(self.entry(datatype, rows))
        return out

    def schemes(self) -> list[str]:
        out = []
        for scheme in sorted(self.g.subjects(RDF.type, SKOS.ConceptScheme), key=str):
            assert isinstance(scheme, URIRef)
            name = str(scheme).rsplit("/", 1)[-1]
            concepts = sorted(self.g.subjects(SKOS.inScheme, scheme), key=str)
            users = ", ".join(self.link(p) for p in sorted(self.g.objects(scheme, RDFS.seeAlso), key=str))
            rows = []
            for concept in concepts:
                found = [*self.g.objects(concept, SKOS.exactMatch), *self.g.objects(concept, SKOS.closeMatch)]
                matches = ", ".join(self.link(m) for m in sorted(found, key=str))
                rows.append(
                    f"<tr><td><code>{_esc(self.text(concept, SKOS.notation))}</code></td>"
                    f"<td>{_esc(self.text(concept, SKOS.prefLabel))}</td><td><code>{_esc(concept)}</code></td>"
                    f"<td>{matches}</td></tr>"
                )
            note = self.text(scheme, SKOS.scopeNote)
            heading = f"{_esc(self.text(scheme, SKOS.prefLabel))} <code>{_esc(scheme)}</code>"
            out.append(
                f'<h3 id="scheme-{_esc(name)}">{heading}</h3>'
                f"<p>{_esc(self.text(scheme, SKOS.definition))}{' ' + _esc(note) if note else ''}</p>"
                + (f"<p>Values of {users}.</p>" if users else "")
                + "<table><tr><th>notation (API v2 code)</th><th>label</th><th>concept</th><th>matches</th></tr>"
                + "".join(rows)
                + "</table>"
            )
        return out

    def page(self) -> str:
        onto = next(iter(self.g.subjects(RDF.type, OWL.Ontology)), None)
        title = self.text(onto, DCTERMS.title) if onto is not None else "ontology"
        meta = ""
        if onto is not None:
            rows = [
                ("ontology IRI", [onto]),
                ("version IRI", self.g.objects(onto, OWL.versionIRI)),
                ("version", self.g.objects(onto, OWL.versionInfo)),
                ("creator", self.g.objects(onto, DCTERMS.creator)),
                ("licence", self.g.objects(onto, DCTERMS.license)),
                ("rights", self.g.objects(onto, DCTERMS.rights)),
            ]
            meta = "<dl>" + "".join(f"<dt>{_esc(k)}</dt><dd>{self.values(vs)}</dd>" for k, vs in rows) + "</dl>"
            meta += f"<p>{_esc(self.text(onto, DCTERMS.description))}</p>"
        sections = [
            ("classes", "Classes", self.classes()),
            ("object-properties", "Object properties", self.properties(OWL.ObjectProperty)),
            ("datatype-properties", "Datatype properties", self.properties(OWL.DatatypeProperty)),
            ("datatypes", "Datatypes", self.datatypes()),
            ("schemes", "Concept schemes", self.schemes()),
        ]
        nav = "".join(f'<li><a href="#{key}">{_esc(name)}</a> ({len(items)})</li>' for key, name, items in sections)
        body = "".join(f'<h2 id="{key}">{_esc(name)}</h2>' + "\n".join(items) for key, name, items in sections)
        return (
            f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{_esc(title)}</title>'
            f"<style>{_CSS}</style></head><body><h1>{_esc(title)}</h1>{meta}<nav><ul>{nav}</ul></nav>"
            f"{body}</body></html>\n"
        )


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
