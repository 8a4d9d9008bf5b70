"""One error shape for every failure the server reports.

As JSON (the default)::

    {"error": {"status": 403, "title": "SPARQL Update is not allowed", "detail": "...", "hint": "..."}}

and as a small HTML page when the client is a browser (its ``Accept`` prefers ``text/html``). The
answers the HTTP layer gives before the app sees a request (a request read too slowly, too many
connections, a malformed request) have the same JSON shape: :func:`raw_response`.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from kg.errors import QueryError, TrialkgError
from kg.guard import Refused
from kg.serve import pages
from kg.serve.formats import wants_html

log = logging.getLogger("trialkg.serve")


class ApiError(Exception):
    """An answer the client gets instead of what it asked for; the message says why and what to do."""

    def __init__(
        self, status: int, title: str, detail: str = "", hint: str = "", headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(f"{status} {title}: {detail}")
        self.status, self.title, self.detail, self.hint = status, title, detail, hint
        self.headers = headers or {}

    def body(self) -> dict[str, dict[str, object]]:
        return {"error": {"status": self.status, "title": self.title, "detail": self.detail, "hint": self.hint}}


_STATUS_TITLES = {
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    413: "Request too large",
    415: "Unsupported media type",
}


def not_found(what: str, hint: str = "") -> ApiError:
    return ApiError(404, "Not found", what, hint or "Start from the home page (/) or search with the SPARQL endpoint.")


def raw_response(status: int, title: str, detail: str, hint: str = "") -> bytes:
    """A whole HTTP/1.1 response in the error shape, closing the connection: for the HTTP layer."""
    body = json.dumps(ApiError(status, title, detail, hint).body()).encode()
    head = (
        f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


def respond(request: Request, error: ApiError) -> Response:
    headers = {"Vary": "Accept", **error.headers}
    if error.status == 405 and request.scope.get("allowed_methods"):
        headers["Allow"] = ", ".join(request.scope["allowed_methods"])
    if wants_html(request):
        return HTMLResponse(pages.error_page(error), status_code=error.status, headers=headers)
    return JSONResponse(error.body(), status_code=error.status, headers=headers)


async def api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return respond(request, exc)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    title = _STATUS_TITLES.get(exc.status_code, "Error")
    detail = exc.detail if exc.detail and exc.detail != title else f"{request.method} {request.url.path}"
    return respond(request, ApiError(exc.status_code, title, str(detail)))


async def trialkg_error(request: Request, exc: Exception) -> Response:
    """A query's fault is the client's (4xx); any other error of ours here is the served release's (500)."""
    if isinstance(exc, Refused):
        return respond(request, ApiError(exc.status, exc.title, exc.detail, exc.hint))
    if isinstance(exc, QueryError):
        return respond(request, ApiError(400, "Bad request", str(exc)))
    log.error("release fault on %s %s: %s", request.method, request.url.path, exc)
    hint = "The release being served is damaged or incomplete: its publisher should rebuild it."
    return respond(request, ApiError(500, "Release fault", str(exc), hint))


async def client_gone(request: Request, exc: Exception) -> Response:
    """The client closed the connection before its request was read: nobody reads this answer."""
    log.debug("client left during %s %s", request.method, request.url.path)
    return respond(request, ApiError(400, "Request incomplete", "the connection closed before the request ended"))


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    detail = f"{type(exc).__name__} while answering {request.method} {request.url.path}"
    hint = "This is a bug in trialkg: please report it."
    return respond(request, ApiError(500, "Internal server error", detail, hint))


HANDLERS = {
    ApiError: api_error,
    HTTPException: http_error,
    TrialkgError: trialkg_error,
    ClientDisconnect: client_gone,
    Exception: server_error,
}
