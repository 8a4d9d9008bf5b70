"""The bricks of the server's HTML: escaping, the page layout, links to terms, result tables.

Plain server-rendered HTML; every value that comes from data goes through :func:`e`.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pyoxigraph as ox

from kg.mapping.namespaces import PREFIXES

if TYPE_CHECKING:
    from kg.serve.site import Site

XSD_STRING = PREFIXES["xsd"] + "string"
NAV = [("/#editor", "Query editor"), ("/queries", "Canned queries"), ("/downloads", "Downloads"),
       ("/sparql", "SPARQL endpoint"), ("/ontology", "Ontology")]  # fmt: skip


def e(value: object) -> str:
    return html.escape(str(value), quote=True)


def href(path: str) -> str:
    """A local path as an href: safe characters kept, the rest (spaces, quotes) percent-encoded."""
    return e(quote(path, safe="/#?&=%:@!$'()*+,;~-._"))


def script_json(value: Any) -> str:
    """JSON to embed in a <script type="application/json"> element."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def layout(title: str, body: str, *, head: str = "", wide: bool = False) -> str:
    nav = "".join(f'<a href="{p}">{e(label)}</a>' for p, label in NAV)
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{e(title)} · trialkg</title><link rel="icon" href="data:,">'
        f'<link rel="stylesheet" href="/static/style.css">{head}</head>\n'
        f'<body><header><a class="brand" href="/">trialkg</a><nav>{nav}</nav></header>\n'
        f'<main class="{"wide" if wide else ""}">{body}</main>\n'
        "<footer>trialkg: ClinicalTrials.gov records as linked data. Data: "
        '<a href="https://clinicaltrials.gov/">ClinicalTrials.gov</a>, U.S. National Library of Medicine.</footer>'
        "</body></html>\n"
    )


def curie(site: Site, iri: str) -> str:
    """``tkg:phase`` for an IRI in a known namespace (the longest that fits), else the IRI."""
    best = ""
    for name, ns in site.prefixes.items():
        if iri.startswith(ns) and len(ns) > len(site.prefixes.get(best, "")) and len(iri) > len(ns):
            best = name
    return f"{best}:{iri[len(site.prefixes[best]) :]}" if best else iri


def iri_link(site: Site, iri: str, text: str | None = None, *, label: bool = True) -> str:
    """A link to an IRI: to its local page when it is one of ours, shown by its label if it has one.
    Only http(s) IRIs become links elsewhere: a ``javascript:`` IRI in the data stays text."""
    local = site.local(iri)
    shown = text or (site.resources.label(iri) if label else None) or curie(site, iri)
    if local is None and not iri.lower().startswith(("http://", "https://")):
        return f'<span class="iri" title="{e(iri)}">{e(shown)}</span>'
    cls = ' class="ext"' if local is None else ""
    return f'<a href="{href(local) if local else e(iri)}" title="{e(iri)}"{cls}>{e(shown)}</a>'


def literal(value: str, language: str | None = None, datatype: str | None = None) -> str:
    out = f'<span class="lit">{e(value)}</span>'
    if language:
        out += f' <small class="lang">@{e(language)}</small>'
    elif datatype and datatype != XSD_STRING:
        out += f' <small class="dt">{e(datatype.rsplit("#", 1)[-1].rsplit("/", 1)[-1])}</small>'
    return out


def term(site: Site, t: Any) -> str:
    if isinstance(t, ox.NamedNode):
        return iri_link(site, t.value)
    if isinstance(t, ox.Literal):
        return literal(t.value, t.language, t.datatype.value)
    return f'<span class="bnode">_:{e(t.value)}</span>'


def json_term(site: Site, cell: dict[str, Any] | None) -> str:
    """A cell of SPARQL JSON results."""
    if not cell:
        return ""
    if cell["type"] == "uri":
        return iri_link(site, cell["value"], label=False)
    if cell["type"] == "literal":  # datatypes left out: a column's values share theirs
        return literal(cell["value"], cell.get("xml:lang"))
    return f'<span class="bnode">_:{e(cell["value"])}</span>'


def results_table(site: Site, columns: list[str], bindings: Iterable[dict[str, Any]]) -> str:
    head = "".join(f"<th>{e(c)}</th>" for c in columns)
    rows = "".join("<tr>" + "".join(f"<td>{json_term(site, b.get(c))}</td>" for c in columns) + "</tr>\n"
                   for b in bindings)  # fmt: skip
    return f'<table class="results"><thead><tr>{head}</tr></thead><tbody>\n{rows}</tbody></table>'


def definition_table(rows: Iterable[tuple[str, str]]) -> str:
    """Rows of (label, HTML)."""
    body = "".join(f"<tr><th>{e(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<table class="facts">{body}</table>'
