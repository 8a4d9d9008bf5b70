"""The SPARQL 1.1 Protocol endpoint at ``/sparql``: read-only, with every result format in one table.

GET ``?query=``, POST ``application/x-www-form-urlencoded`` (``query=``) and POST
``application/sparql-query`` run a query in a killable worker (see :mod:`kg.serve.pool`). The answer's
format is chosen by a ``format`` parameter if given, else by ``Accept``, among :data:`FORMATS`.
SPARQL Update, in any form, is refused with 403; so is federated query (``SERVICE``), which would let
anyone make the server fetch arbitrary URLs: the query is put in its normal form and screened by
:mod:`kg.serve.guard`, and that very text is what a worker screens again and runs (workers cannot
open sockets either). ``GET /sparql`` without a query gives the service description.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from kg.serve import guard
from kg.serve.errors import ApiError
from kg.serve.worker import Job


@dataclass(frozen=True)
class Format:
    kind: str  # "results" (SELECT, ASK) or "graph" (CONSTRUCT, DESCRIBE, resources)
    name: str  # the value of the format parameter
    media_type: str
    ox: str  # the pyoxigraph QueryResultsFormat or RdfFormat member
    w3c: str  # its name under http://www.w3.org/ns/formats/
    suffix: str
    aliases: tuple[str, ...] = ()  # other format names and media types that choose it


#: Every format the server answers in: content type <-> format parameter <-> serializer, in one table.
FORMATS: tuple[Format, ...] = (
    Format("results", "json", "application/sparql-results+json", "JSON", "SPARQL_Results_JSON", ".srj",
           ("srj", "application/json")),
    Format("results", "xml", "application/sparql-results+xml", "XML", "SPARQL_Results_XML", ".srx",
           ("srx", "application/xml", "text/xml")),
    Format("results", "csv", "text/csv", "CSV", "SPARQL_Results_CSV", ".csv"),
    Format("results", "tsv", "text/tab-separated-values", "TSV", "SPARQL_Results_TSV", ".tsv"),
    Format("graph", "turtle", "text/turtle", "TURTLE", "Turtle", ".ttl", ("ttl", "application/x-turtle")),
    Format("graph", "ntriples", "application/n-triples", "N_TRIPLES", "N-Triples", ".nt",
           ("nt", "n-triples", "text/plain")),
    Format("graph", "jsonld", "application/ld+json", "JSON_LD", "JSON-LD", ".jsonld",
           ("json-ld", "json", "application/json")),
    Format("graph", "rdfxml", "application/rdf+xml", "RDF_XML", "RDF_XML", ".rdf", ("rdf", "xml")),
)  # fmt: skip

HTML = "text/html"


def formats(kind: str) -> list[Format]:
    return [f for f in FORMATS if f.kind == kind]


def by_ox(kind: str, ox_name: str) -> Format:
    return next(f for f in formats(kind) if f.ox == ox_name)


def negotiate(accept: str, offers: Sequence[str]) -> str | None:
    """The offer ``accept`` likes best (on a tie the earlier offer); the first if ``accept`` is empty;
    ``None`` if it accepts none. The most specific matching range gives an offer its quality."""
    if not accept.strip():
        return offers[0] if offers else None
    ranges: list[tuple[str, float]] = []
    for part in accept.lower().split(","):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media:
            ranges.append((media, q))
    best, best_q = None, 0.0
    for offer in offers:
        kind = offer.split("/")[0]
        matches = [(2 if m == offer else 1 if m == f"{kind}/*" else 0, q) for m, q in ranges
                   if m in (offer, f"{kind}/*", "*/*")]  # fmt: skip
        quality = max(matches)[1] if matches else 0.0
        if quality > best_q:
            best, best_q = offer, quality
    return best


def pick(kind: str, accept: str, requested: str | None) -> Format | None:
    """The format of ``kind`` to answer in: the requested one (None if it is of the other kind), else
    the one ``Accept`` prefers, else the first of the kind (a lenient default rather than a 406)."""
    candidates = formats(kind)
    if requested:
        wanted = requested.strip().lower()
        return next((f for f in candidates if wanted in (f.name, f.media_type, *f.aliases)), None)
    media = negotiate(accept, [m for f in candidates for m in (f.media_type, *f.aliases) if "/" in m])
    return next((f for f in candidates if media in (f.media_type, *f.aliases)), candidates[0])


def check_format_name(requested: str | None) -> None:
    if requested and pick("results", "", requested) is None and pick("graph", "", requested) is None:
        names = ", ".join(f.name for f in FORMATS)
        raise ApiError(406, "Unknown format", f"format={requested!r} is not one this endpoint writes", f"use {names}")


def refuse_update() -> ApiError:
    refused = guard.update_refused()
    return ApiError(refused.status, refused.title, refused.detail, refused.hint)


def screen(text: str) -> str:
    """The normal form of ``text`` (what runs); an :class:`ApiError` for updates and federated queries."""
    try:
        return guard.screen(text)
    except guard.Refused as refused:
        raise ApiError(refused.status, refused.title, refused.detail, refused.hint) from refused


# -- the protocol ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class SparqlRequest:
    query: str | None
    format: str | None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


async def read_request(request: Request) -> SparqlRequest:
    """The query and its options from any of the three forms the protocol allows."""
    fields: list[tuple[str, str]] = list(request.query_params.multi_items())
    queries = [v for k, v in fields if k == "query"]
    if request.method == "POST":
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype == "application/sparql-update":
            raise refuse_update()
        if ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.form()
            posted = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
            fields += posted
            queries += [v for k, v in posted if k == "query"]
        elif ctype == "application/sparql-query":
            try:
                queries.append((await request.body()).decode("utf-8"))
            except UnicodeDecodeError as exc:
                raise ApiError(400, "Query is not UTF-8", str(exc), "Send the query text encoded as UTF-8.") from exc
        else:
            raise ApiError(
                415,
                "Unsupported media type",
                f"POST /sparql with Content-Type {ctype or '(none)'}",
                "POST application/sparql-query (the query as the body) or a form with a query= field.",
            )
    if any(k == "update" for k, _ in fields):
        raise refuse_update()
    if len(queries) > 1:
        raise ApiError(400, "More than one query", f"{len(queries)} query parameters", "Send exactly one query.")
    fmt = next((v for k, v in fields if k in ("format", "output") and v), None)
    return SparqlRequest(
        queries[0] if queries else None,
        fmt,
        tuple(v for k, v in fields if k == "default-graph-uri"),
        tuple(v for k, v in fields if k == "named-graph-uri"),
    )


async def endpoint(request: Request) -> Response:
    from kg.serve import metadata, pages

    site = request.state.site
    sparql = await read_request(request)
    accept = request.headers.get("accept", "")
    if sparql.query is None:
        return metadata.service_description(request, site)
    if not sparql.query.strip():
        raise ApiError(400, "Empty query", "the query parameter is empty", "Give a SPARQL 1.1 query.")
    text = screen(sparql.query)
    check_format_name(sparql.format)
    html = sparql.format is None and negotiate(accept, [f.media_type for f in formats("results")] + [HTML]) == HTML
    results = by_ox("results", "JSON") if html else pick("results", accept, sparql.format)
    graph = by_ox("graph", "TURTLE") if html else pick("graph", accept, sparql.format)
    job = Job(
        text,
        results.ox if results else None,
        graph.ox if graph else None,
        site.max_results,
        sparql.default_graphs,
        sparql.named_graphs,
        site.prefixes,
    )
    answer = await site.pool.run(job, request.client.host if request.client else "unknown")
    if html:
        return HTMLResponse(pages.sparql_results(site, sparql.query, answer), headers={"Vary": "Accept"})
    media_type = by_ox("graph" if answer.kind == "graph" else "results", answer.format).media_type
    return Response(answer.body, media_type=media_type, headers={"Vary": "Accept"})
