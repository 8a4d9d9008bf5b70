"""Dereferenceable IRIs: every IRI the release mints under the base answers at its path.

``/trial/NCT04282928`` describes ``{base}trial/NCT04282928`` (see :mod:`kg.serve.resources`): as HTML
for browsers, as Turtle, N-Triples, JSON-LD or RDF/XML by ``Accept`` or by a suffix (``.ttl``, ``.nt``,
``.jsonld``, ``.rdf``; ``.html`` forces the page); every alternate is advertised in ``Link`` headers.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from kg.serve import pages
from kg.serve.errors import not_found
from kg.serve.formats import HTML, formats, negotiate
from kg.serve.resources import SUFFIXES
from kg.serve.worker import write_graph


def as_uri(iri: str) -> str:
    """An IRI as a URI (non-ASCII characters percent-encoded, RFC 3987 3.1), fit for an HTTP header."""
    return quote(iri, safe="/:#?&=@!$'()*+,;~-._%[]")


def alternates(path: str) -> str:
    """The ``Link`` header value advertising every representation of the resource at ``path``."""
    path = as_uri(path)
    links = [f'<{path}.html>; rel="alternate"; type="text/html"']
    links += [f'<{path}{f.suffix}>; rel="alternate"; type="{f.media_type}"' for f in formats("graph")]
    return ", ".join(links)


def resource(request: Request) -> Response:
    site = request.state.site
    path = request.url.path
    located = site.resources.locate(path)
    if located is None:
        raise not_found(
            f"{path}: no resource {site.base}{path.lstrip('/')} in this release",
            "Look for resources with the SPARQL endpoint (/sparql) or the canned queries (/queries).",
        )
    iri, suffix = located
    plain = site.resources.local(iri) or path
    description = site.resources.describe(iri)
    if suffix is not None:
        fmt = SUFFIXES[suffix]
    else:
        graph = formats("graph")
        media = negotiate(request.headers.get("accept", ""), [HTML] + [f.media_type for f in graph])
        fmt = next((f for f in graph if f.media_type == media), None)
    headers = {"Link": alternates(plain) + f', <{as_uri(iri)}>; rel="canonical"', "Vary": "Accept"}
    if fmt is None:
        return HTMLResponse(pages.resource_page(site, description), headers=headers)
    body = write_graph(description.triples(), fmt.ox, site.prefixes)
    return Response(body, media_type=fmt.media_type, headers=headers)
