"""The server's HTML pages: home, resources (and the ontology), canned queries, results, downloads, errors."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import pyoxigraph as ox

from kg import query as q
from kg.serve.downloads import human_size
from kg.serve.html import (
    curie,
    definition_table,
    e,
    href,
    iri_link,
    layout,
    results_table,
    script_json,
    term,
)
from kg.serve.resources import COUNT_LIMIT, INCOMING_LIMIT, Description
from kg.serve.sparql import formats

if TYPE_CHECKING:
    from kg.serve.errors import ApiError
    from kg.serve.site import Site
    from kg.serve.worker import Answer

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LONG_TEXT = 280  # characters of a literal shown before "more"
START_QUERY = """PREFIX tkg: <https://w3id.org/trialkg/ontology#>
PREFIX schema: <https://schema.org/>

SELECT ?study ?title WHERE {
  ?study a tkg:ClinicalStudy ;
         schema:name ?title .
}
LIMIT 20
"""


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


def home(site: Site, initial: str | None) -> str:
    stats = definition_table((k, e(v)) for k, v in site.statistics)
    starts = "".join(f"<li>{iri_link(site, iri)}</li>" for iri in site.examples)
    dumps = "".join(
        f'<li><a href="/downloads/{href(f.name)}">{e(f.name)}</a> ({human_size(f.size)}): {e(f.description)}</li>'
        for f in site.files.values()
        if "/" not in f.name
    )
    queries = "".join(
        f'<li><a href="/queries/{e(n)}">{e(c.title)}</a>: {e(c.description)}</li>' for n, c in site.queries.items()
    )
    options = "".join(f'<option value="{e(n)}">{e(c.title)}</option>' for n, c in site.queries.items())
    examples = {n: example_text(c) for n, c in site.queries.items()}
    config = {"namespaces": site.namespaces, "labels": {}}
    body = f"""
<section class="intro"><h1>ClinicalTrials.gov as a knowledge graph</h1>
<p>Every study registered at <a href="https://clinicaltrials.gov/">ClinicalTrials.gov</a> in this release, as
linked data: each study, arm, outcome, sponsor, condition, intervention, site and country has its own IRI under
<code>{e(site.base)}</code>, linked to MeSH, PubMed and the registry itself. Open any of them here, query them with
SPARQL below or at <a href="/sparql">/sparql</a>, run a <a href="/queries">canned query</a>, or download the
whole graph.</p></section>
<div class="columns">
<section id="stats"><h2>The dataset</h2>{stats}<p><a href="/.well-known/void">VoID description</a></p></section>
<section id="start"><h2>Start browsing</h2><ul>{starts}</ul><p><a href="/ontology">The ontology</a></p></section>
<section id="dumps"><h2>Downloads</h2><ul>{dumps}</ul><p><a href="/downloads">Every file of the release</a></p>
</section></div>
<section id="editor"><h2>Query editor</h2>
<form id="query-form" action="/sparql" method="post">
<p><label>Start from a canned query <select id="examples"><option value="">(choose)</option>{options}</select></label>
<span class="help">Ctrl+Enter runs the query.</span></p>
<textarea id="query" name="query" rows="16" spellcheck="false">{e(initial or START_QUERY)}</textarea>
<p><button type="submit" id="run">Run query</button> <span id="status" role="status"></span></p>
</form>
<div id="results"></div>
<script type="application/json" id="example-queries">{script_json(examples)}</script>
<script type="application/json" id="editor-config">{script_json(config)}</script>
<script src="/static/editor.js" defer></script>
</section>
<section id="queries"><h2>Canned queries</h2><ul class="queries">{queries}</ul></section>"""
    return layout("ClinicalTrials.gov as a knowledge graph", body, wide=True)


def _properties(site: Site, triples: list[ox.Triple], subject: Any, depth: int = 0) -> str:
    """One row per property of ``subject`` with all its values; blank nodes nested in place."""
    by_predicate: dict[str, list[Any]] = defaultdict(list)
    for t in triples:
        if t.subject == subject:
            by_predicate[t.predicate.value].append(t.object)
    rows = []
    for predicate, objects in by_predicate.items():
        cells = []
        for o in objects:
            if isinstance(o, ox.BlankNode) and depth < 4:
                cells.append(_properties(site, triples, o, depth + 1))
            elif isinstance(o, ox.Literal) and len(o.value) > LONG_TEXT:
                cells.append(f"<details><summary>{e(o.value[:LONG_TEXT])}…</summary>{term(site, o)}</details>")
            else:
                cells.append(term(site, o))
        label = site.resources.label(predicate) or ""
        name = _predicate(site, predicate)
        values = "".join(f"<li>{c}</li>" for c in cells)
        long = any(isinstance(o, ox.Literal) and len(o.value) > LONG_TEXT for o in objects)
        row = f'<tr><th>{name}<br><small>{e(label)}</small></th><td><ul class="values">{values}</ul></td></tr>'
        rows.append((long, row))
    rows.sort(key=lambda row: row[0])  # long texts last, the facts first
    return f'<table class="props">{"".join(html for _, html in rows)}</table>'


def _predicate(site: Site, iri: str) -> str:
    return iri_link(site, iri, curie(site, iri))


def resource_page(site: Site, d: Description) -> str:
    node = ox.NamedNode(d.iri)
    title = site.resources.label(d.iri) or curie(site, d.iri)
    types = [t.object for t in d.outgoing if t.subject == node and t.predicate.value == RDF_TYPE]
    own = [t for t in d.outgoing if not (t.subject == node and t.predicate.value == RDF_TYPE)]
    local = site.local(d.iri) or ""
    links = " · ".join(f'<a href="{href(local + f.suffix)}">{e(f.name)}</a>' for f in formats("graph"))
    body = [
        f'<h1>{e(title)}</h1><p class="iri"><code>{e(d.iri)}</code></p>',
        f'<p class="types">{" ".join(term(site, t) for t in types)}</p>' if types else "",
        f'<p class="alternates">Also as {links}</p>',
        "<h2>Properties</h2>" + _properties(site, own, node),
    ]
    if d.document:
        body.append(_terms(site, d))
    if d.incoming_total:
        cells = ((term(site, t.subject), _predicate(site, t.predicate.value)) for t in d.incoming)
        rows = "".join(f"<tr><td>{s}</td><td>{p}</td></tr>" for s, p in cells)
        total = f"{d.incoming_total:,}{'+' if d.incoming_total >= COUNT_LIMIT else ''}"
        more = ""
        if d.incoming_total > len(d.incoming):
            query = f"SELECT ?from ?property WHERE {{ ?from ?property <{d.iri}> }}"
            more = (f"<p>Showing the first {INCOMING_LIMIT} of {total}. "
                    f'<a href="{href(editor_link(query))}">List them all with SPARQL</a>.</p>')  # fmt: skip
        body.append(f"<h2>Incoming links ({total})</h2>{more}"
                    f'<table class="incoming"><tr><th>from</th><th>property</th></tr>{rows}</table>')  # fmt: skip
    head = "".join(
        f'<link rel="alternate" type="{f.media_type}" href="{href(local + f.suffix)}">' for f in formats("graph")
    )
    return layout(title, "\n".join(body), head=head)


def _terms(site: Site, d: Description) -> str:
    """The ontology's own terms, one section each, anchored by their fragment (``/ontology#phase``)."""
    subjects = sorted({t.subject.value for t in d.outgoing if isinstance(t.subject, ox.NamedNode)} - {d.iri})
    sections = []
    for iri in (s for s in subjects if s.startswith(d.iri + "#")):
        label = site.resources.label(iri) or ""
        sections.append(f'<section id="{e(iri.split("#", 1)[1])}"><h3>{e(curie(site, iri))} <small>{e(label)}</small>'
                        f"</h3>{_properties(site, d.outgoing, ox.NamedNode(iri))}</section>")  # fmt: skip
    return "<h2>Terms</h2>" + "\n".join(sections)


def queries_page(site: Site) -> str:
    items = []
    for name, c in site.queries.items():
        params = "".join(f"<li><code>{e(p.name)}</code> ({e(p.type)}): {e(p.description)}</li>" for p in c.params)
        items.append(f'<li><h3><a href="/queries/{e(name)}">{e(c.title)}</a></h3><p>{e(c.description)}</p>'
                     f'{"<ul>" + params + "</ul>" if params else ""}</li>')  # fmt: skip
    body = ("<h1>Canned queries</h1><p>Questions researchers ask of the registry, each a SPARQL query kept in "
            "<code>queries/NAME.rq</code>; <code>trialkg query NAME</code> runs the same query from the command "
            "line. Each answers as a table, as JSON (<code>.json</code>) or as CSV (<code>.csv</code>).</p>"
            f'<ul class="canned">{"".join(items)}</ul>')  # fmt: skip
    return layout("Canned queries", body)


def query_page(
    site: Site, c: q.CannedQuery, values: dict[str, str], results: tuple[list[str], list[Any]] | None
) -> str:
    inputs = "".join(
        f'<p><label>{e(p.name)} <input name="{e(p.name)}" value="{e(values.get(p.name, ""))}" required '
        f'placeholder="{e(p.description)}"></label> <small>{e(p.type)}: {e(p.description)}</small></p>'
        for p in c.params
    )
    form = f'<form method="get" class="params">{inputs}<p><button type="submit" id="run-canned">Run</button></p></form>'
    form = form if inputs else ""
    body = [f"<h1>{e(c.title)}</h1><p>{e(c.description)}</p>", form]
    if results is not None:
        columns, bindings = results
        qs = ("?" + urlencode(values)) if values else ""
        links = " · ".join(f'<a href="/queries/{e(c.name)}.{x}{e(qs)}">{x.upper()}</a>' for x in ("json", "csv"))
        text = q.prepared(c, values)
        body.append(f'<p class="meta">{len(bindings)} rows · {links} · <a href="{href(editor_link(text))}">'
                    "Open in the query editor</a></p>" + results_table(site, columns, bindings))  # fmt: skip
    body.append(f"<details><summary>The query</summary><pre>{e(c.text)}</pre></details>")
    return layout(c.title, "\n".join(body), wide=True)


def sparql_results(site: Site, query: str, answer: Answer) -> str:
    """A query's answer as a page, for a browser that asked /sparql directly."""
    if answer.kind == "graph":
        shown = f"<pre>{e(answer.body.decode())}</pre>"
    else:
        data = json.loads(answer.body)
        if "boolean" in data:
            shown = f'<p class="boolean">{"true" if data["boolean"] else "false"}</p>'
        else:
            table = results_table(site, data["head"]["vars"], data["results"]["bindings"])
            shown = f"<p>{answer.count} rows</p>{table}"
    body = (f'<h1>Query results</h1><p><a href="{href(editor_link(query))}">Edit the query</a></p>'
            f"<details><summary>The query</summary><pre>{e(query)}</pre></details>{shown}")  # fmt: skip
    return layout("Query results", body, wide=True)


def downloads_page(site: Site) -> str:
    rows = "".join(
        f'<tr><td><a href="/downloads/{href(f.name)}">{e(f.name)}</a></td><td class="num">{human_size(f.size)}</td>'
        f"<td>{e(f.media_type)}</td><td>{e(f.description)}</td></tr>"
        for f in site.files.values()
    )
    body = ("<h1>Downloads</h1><p>Every file of this release. The dumps hold the whole graph; "
            'its VoID description is also at <a href="/.well-known/void">/.well-known/void</a>.</p>'
            '<table class="files"><tr><th>file</th><th>size</th><th>type</th><th></th></tr>'
            f"{rows}</table>")  # fmt: skip
    return layout("Downloads", body)


def rdf_page(title: str, turtle: str, intro: str = "") -> str:
    """RDF shown as Turtle, after ``intro`` (HTML)."""
    return layout(title, f"<h1>{e(title)}</h1>{intro}<pre>{e(turtle)}</pre>")


def error_page(error: ApiError) -> str:
    body = (f'<h1>{e(error.title)}</h1><p class="status">HTTP {error.status}</p><p>{e(error.detail)}</p>'
            f'{f"<p class=hint>{e(error.hint)}</p>" if error.hint else ""}<p><a href="/">Home</a></p>')  # fmt: skip
    return layout(error.title, body)
