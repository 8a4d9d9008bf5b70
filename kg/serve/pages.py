"""The server's HTML pages: home, resources (and the ontology), canned queries, results, downloads, errors.

Each function gathers what its page shows and renders its template (``kg/templates/serve/``), which escapes it.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import pyoxigraph as ox

from kg import query as q
from kg.mapping.namespaces import PREFIXES
from kg.serve.formats import formats
from kg.serve.html import Term, curie, iri_term, result_rows, term
from kg.serve.resources import COUNT_LIMIT, INCOMING_LIMIT, Description
from kg.templates import render

if TYPE_CHECKING:
    from kg.serve.errors import ApiError
    from kg.serve.site import Site
    from kg.serve.worker import Answer

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LONG_TEXT = 280  # characters of a literal shown before "more"
NESTING = 4  # levels of blank nodes shown in place
START_QUERY = """PREFIX tkg: <https://w3id.org/trialkg/ontology#>
PREFIX schema: <https://schema.org/>

SELECT ?study ?title WHERE {
  ?study a tkg:ClinicalStudy ;
         schema:name ?title .
}
LIMIT 20
"""


@dataclass(frozen=True)
class Value:
    """One value of a property: a term, a long literal folded after ``summary``, or a blank node's properties."""

    term: Term | None = None
    summary: str = ""
    nested: list[Property] | None = None


@dataclass(frozen=True)
class Property:
    predicate: Term
    label: str
    values: list[Value]


@dataclass(frozen=True)
class Service:
    """What the SPARQL endpoint's page says of it before its service description."""

    endpoint: str
    formats: list[str]
    timeout: float
    max_results: int


def editor_link(text: str) -> str:
    return "/?" + urlencode({"query": text}) + "#editor"


def example_text(query: q.CannedQuery) -> str:
    """A canned query as an editor example: its parameters bound to the example in their description."""
    if not query.params:
        return query.text
    values = []
    for p in query.params:
        found = re.search(r"e\.g\.\s+([^\s,;()]+)", p.description)
        example = found.group(1) if found else ""
        values.append(f"<{example}>" if p.type == "iri" else example if p.type == "integer" else json.dumps(example))
    names = " ".join(f"?{p.name}" for p in query.params)
    return f"{query.text.rstrip()}\n# parameters: edit the values below\nVALUES ({names}) {{ ({' '.join(values)}) }}\n"


def vocabulary_terms(site: Site) -> dict[str, list[str]]:
    """The ontology's classes and properties, which YASGUI completes from (instead of asking another host)."""
    owl, rdf = PREFIXES["owl"], PREFIXES["rdf"]
    kinds = {
        "classes": [owl + "Class"],
        "properties": [owl + "ObjectProperty", owl + "DatatypeProperty", rdf + "Property"],
    }
    terms = {}
    for kind, types in kinds.items():
        found = {
            quad.subject.value
            for t in types
            for quad in site.vocabulary.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(t))
            if isinstance(quad.subject, ox.NamedNode)
        }
        terms[kind] = sorted(found)
    return terms


def home(site: Site, initial: str | None, yasgui: bool = False) -> str:
    """The home page; its editor is YASGUI when ``yasgui`` (its files are installed), else the plain one."""
    config: dict[str, Any] = {"namespaces": site.namespaces}
    if yasgui:
        config |= {"start": START_QUERY, "prefixes": site.prefixes, "terms": vocabulary_terms(site)}
    return render(
        "serve/home.html",
        base=site.base,
        statistics=site.statistics,
        starts=[iri_term(site, iri) for iri in site.examples],
        dumps=[f for f in site.files.values() if "/" not in f.name],
        queries=site.queries,
        initial=initial or START_QUERY,
        examples={n: example_text(c) for n, c in site.queries.items()},
        config=config,
        yasgui=yasgui,
    )


def _properties(site: Site, triples: list[ox.Triple], subject: Any, depth: int = 0) -> list[Property]:
    """One row per property of ``subject`` with all its values; blank nodes nested in place; long texts last."""
    by_predicate: dict[str, list[Any]] = defaultdict(list)
    for t in triples:
        if t.subject == subject:
            by_predicate[t.predicate.value].append(t.object)
    rows = []
    for predicate, objects in by_predicate.items():
        values = []
        for o in objects:
            if isinstance(o, ox.BlankNode) and depth < NESTING:
                values.append(Value(nested=_properties(site, triples, o, depth + 1)))
            elif isinstance(o, ox.Literal) and len(o.value) > LONG_TEXT:
                values.append(Value(term(site, o), summary=o.value[:LONG_TEXT]))
            else:
                values.append(Value(term(site, o)))
        long = any(isinstance(o, ox.Literal) and len(o.value) > LONG_TEXT for o in objects)
        rows.append((long, Property(_predicate(site, predicate), site.resources.label(predicate) or "", values)))
    rows.sort(key=lambda row: row[0])  # long texts last, the facts first
    return [row for _, row in rows]


def _predicate(site: Site, iri: str) -> Term:
    return iri_term(site, iri, curie(site, iri))


def resource_page(site: Site, d: Description) -> str:
    node = ox.NamedNode(d.iri)
    types = [t.object for t in d.outgoing if t.subject == node and t.predicate.value == RDF_TYPE]
    own = [t for t in d.outgoing if not (t.subject == node and t.predicate.value == RDF_TYPE)]
    total = f"{d.incoming_total:,}{'+' if d.incoming_total >= COUNT_LIMIT else ''}"
    more = ""
    if d.incoming_total > len(d.incoming):
        more = editor_link(f"SELECT ?from ?property WHERE {{ ?from ?property <{d.iri}> }}")
    incoming = {
        "total": d.incoming_total,
        "shown_total": total,
        "limit": INCOMING_LIMIT,
        "more": more,
        "rows": [(term(site, t.subject), _predicate(site, t.predicate.value)) for t in d.incoming],
    }
    return render(
        "serve/resource.html",
        title=site.resources.label(d.iri) or curie(site, d.iri),
        iri=d.iri,
        types=[term(site, t) for t in types],
        local=site.local(d.iri) or "",
        alternates=formats("graph"),
        properties=_properties(site, own, node),
        terms=_terms(site, d) if d.document else None,
        incoming=incoming,
    )


def _terms(site: Site, d: Description) -> list[dict[str, Any]]:
    """The ontology's own terms, one section each, anchored by their fragment (``/ontology#phase``)."""
    subjects = sorted({t.subject.value for t in d.outgoing if isinstance(t.subject, ox.NamedNode)} - {d.iri})
    return [
        {
            "anchor": iri.split("#", 1)[1],
            "curie": curie(site, iri),
            "label": site.resources.label(iri) or "",
            "properties": _properties(site, d.outgoing, ox.NamedNode(iri)),
        }
        for iri in subjects
        if iri.startswith(d.iri + "#")
    ]


def queries_page(site: Site) -> str:
    return render("serve/queries.html", queries=site.queries)


def query_page(
    site: Site, c: q.CannedQuery, values: dict[str, str], results: tuple[list[str], list[Any]] | None
) -> str:
    shown = None
    if results is not None:
        columns, bindings = results
        shown = {
            "columns": columns,
            "rows": result_rows(site, columns, bindings),
            "query_string": ("?" + urlencode(values)) if values else "",
            "editor": editor_link(q.prepared(c, values)),
        }
    return render("serve/query.html", query=c, values=values, results=shown)


def sparql_results(site: Site, query: str, answer: Answer) -> str:
    """A query's answer as a page, for a browser that asked /sparql directly."""
    shown: dict[str, Any] = {"graph": None, "boolean": None, "columns": [], "rows": [], "count": answer.count}
    if answer.kind == "graph":
        shown["graph"] = answer.body.decode()
    else:
        data = json.loads(answer.body)
        if "boolean" in data:
            shown["boolean"] = bool(data["boolean"])
        else:
            shown["columns"] = data["head"]["vars"]
            shown["rows"] = result_rows(site, shown["columns"], data["results"]["bindings"])
    return render("serve/sparql_results.html", query=query, editor=editor_link(query), **shown)


def downloads_page(site: Site) -> str:
    return render("serve/downloads.html", files=list(site.files.values()))


def rdf_page(title: str, turtle: str, service: Service | None = None) -> str:
    """RDF shown as Turtle, after what ``service`` says of the SPARQL endpoint (for its description)."""
    return render("serve/rdf.html", title=title, turtle=turtle, service=service)


def error_page(error: ApiError) -> str:
    return render("serve/error.html", error=error)
