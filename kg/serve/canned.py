"""Canned queries over HTTP: ``/queries`` lists them, ``/queries/{name}`` runs one.

Parameters come from the query string (``/queries/studies-of-sponsor?sponsor=Pfizer``) and are bound
exactly as ``trialkg query --param`` binds them: as RDF terms in a trailing VALUES clause
(:func:`kg.query.prepared`), never pasted into the text. The answer is an HTML table, or the JSON,
CSV or TSV that ``trialkg query --format`` prints, chosen by a suffix (``.json``, ``.csv``,
``.tsv``, ``.html``) or by ``Accept``.

A release never changes, so a canned query's answer for given parameters never does either: answers
are kept (:class:`Answers`, least recently used first out, within a byte budget) for as long as the
release is served, and clients asking for the same answer at once share one run of the query. That
is what keeps canned queries quick however busy the workers are with ad-hoc queries.
"""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from kg import query as q
from kg.errors import QueryError
from kg.serve import pages
from kg.serve.errors import ApiError, not_found
from kg.serve.formats import negotiate, wants_html
from kg.serve.worker import Job

MAX_BYTES = 512 * 2**20  # answers kept, in all
MAX_ANSWER = 96 * 2**20  # an answer larger than this is not kept (the corpus's adverse-events JSON: 20 MiB)


class Answers:
    """Answers of canned queries (their bodies) by (name, output, parameters): kept, and shared between
    concurrent askers."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes, self.bytes = max_bytes, 0
        self._kept: OrderedDict[tuple[str, ...], bytes] = OrderedDict()
        self._running: dict[tuple[str, ...], asyncio.Task[bytes]] = {}

    async def get(self, key: tuple[str, ...], run: Callable[[], Awaitable[bytes]]) -> bytes:
        if key in self._kept:
            self._kept.move_to_end(key)
            return self._kept[key]
        task = self._running.get(key)
        if task is None:
            task = asyncio.ensure_future(run())
            self._running[key] = task
            task.add_done_callback(lambda done: self._finished(key, done))
        return await asyncio.shield(task)

    def _finished(self, key: tuple[str, ...], task: asyncio.Task[bytes]) -> None:
        del self._running[key]
        if task.cancelled() or task.exception() is not None or len(task.result()) > MAX_ANSWER:
            return
        answer = task.result()
        self._kept[key] = answer
        self.bytes += len(answer)
        while self.bytes > self.max_bytes:
            _, dropped = self._kept.popitem(last=False)
            self.bytes -= len(dropped)


#: What /queries/{name} answers in: suffix -> (media type, formatter of kg.query.FORMATTERS or None for HTML).
OUTPUTS: dict[str, tuple[str, str | None]] = {
    "json": ("application/json", "json"),
    "html": ("text/html", None),
    "csv": ("text/csv", "csv"),
    "tsv": ("text/tab-separated-values", "tsv"),
}


def describe(request: Request, query: q.CannedQuery) -> dict[str, Any]:
    return {
        "name": query.name,
        "title": query.title,
        "description": query.description,
        "params": [{"name": p.name, "type": p.type, "description": p.description} for p in query.params],
        "url": str(request.url_for("canned", name=query.name)),
    }


def listing(request: Request) -> Response:
    site = request.state.site
    if wants_html(request):
        return HTMLResponse(pages.queries_page(site), headers={"Vary": "Accept"})
    return JSONResponse({"queries": [describe(request, c) for c in site.queries.values()]}, headers={"Vary": "Accept"})


def _output(request: Request, name: str, known: dict[str, q.CannedQuery]) -> tuple[q.CannedQuery, str]:
    stem, dot, suffix = name.rpartition(".")
    if dot and suffix in OUTPUTS and stem in known:
        return known[stem], suffix
    if name not in known:
        raise not_found(f"no canned query {name!r}", f"The canned queries are listed at /queries: {', '.join(known)}.")
    media = negotiate(request.headers.get("accept", ""), [m for m, _ in OUTPUTS.values()])
    return known[name], next((k for k, (m, _) in OUTPUTS.items() if m == media), "json")


def _values(request: Request) -> dict[str, str]:
    values: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key in values:
            raise ApiError(400, "Parameter given twice", f"{key} appears more than once", "Give each parameter once.")
        values[key] = value
    return values


async def run(request: Request) -> Response:
    site = request.state.site
    query, output = _output(request, request.path_params["name"], site.queries)
    values = _values(request)
    if output == "html" and query.params and not values:
        return HTMLResponse(pages.query_page(site, query, values, None))  # the form, to fill in
    hint = "; ".join(f"{p.name} ({p.type}): {p.description}" for p in query.params) or "It takes no parameters."
    missing = [p.name for p in query.params if p.name not in values]
    if missing:
        example = "&".join(f"{m}=..." for m in missing)
        raise ApiError(400, "Missing parameters", f"give /queries/{query.name}?{example}", hint)
    try:
        text = q.prepared(query, values)
    except QueryError as exc:
        raise ApiError(400, "Bad parameters", str(exc), hint) from exc
    key = (query.name, output, *(f"{k}={v}" for k, v in sorted(values.items())))
    body = await site.answers.get(key, lambda: _answer(site, query, values, text, output))
    media = OUTPUTS[output][0]
    return Response(body, media_type=media, headers={"Vary": "Accept"})


async def _answer(site: Any, query: q.CannedQuery, values: dict[str, str], text: str, output: str) -> bytes:
    """The body of the answer to a canned query, in ``output``: run by a worker, then written out."""
    answer = await site.pool.run(Job(text, "JSON", None, site.max_results), canned=True)
    data = json.loads(answer.body)
    columns: list[str] = data["head"]["vars"]
    bindings: list[dict[str, Any]] = data["results"]["bindings"]
    if output == "html":
        return pages.query_page(site, query, values, (columns, bindings)).encode()
    rows = [{c: b[c]["value"] if c in b else "" for c in columns} for b in bindings]
    formatter = OUTPUTS[output][1]
    assert formatter is not None
    return q.FORMATTERS[formatter](columns, rows).encode()
