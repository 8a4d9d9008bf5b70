"""The SPARQL 1.1 Protocol endpoint at ``/sparql``: read-only, with every result format in one table.

GET ``?query=``, POST ``application/x-www-form-urlencoded`` (``query=``) and POST
``application/sparql-query`` run a query in a killable worker (see :mod:`kg.serve.pool`). The answer's
format is chosen by a ``format`` parameter if given, else by ``Accept``, among :data:`FORMATS`.
SPARQL Update, in any form, is refused with 403; so is federated query (``SERVICE``), which would let
anyone make the server fetch arbitrary URLs: the query is put in its normal form and screened by
:mod:`kg.guard`, and that very text is what a worker screens again and runs (workers cannot
open sockets either). ``GET /sparql`` without a query gives the service description.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from kg import guard
from kg.serve import metadata, pages
from kg.serve.errors import ApiError
from kg.serve.formats import FORMATS, HTML, by_ox, formats, negotiate, pick
from kg.serve.worker import Job


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
