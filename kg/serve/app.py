"""``trialkg serve``: the ASGI app (Starlette) and running it under uvicorn.

Routes:

=========================== ==========================================================================
``/``                       home page: the dataset, its statistics, downloads, canned queries, editor
``/sparql``                 SPARQL 1.1 Protocol (GET, POST form, POST direct); service description
``/queries``                the canned queries (HTML or JSON)
``/queries/{name}``         one canned query run with query-string parameters (HTML, JSON, CSV, TSV)
``/downloads[/{name}]``     the release's files
``/.well-known/void``       VoID
``/static/...``             the pages' stylesheet, the editor's scripts (YASGUI's when installed)
``/{path}``                 any IRI under the base (or the vocabulary's), dereferenced
=========================== ==========================================================================
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import errno
import logging
import socket
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kg.errors import ServeError
from kg.serve import canned, connections, dereferencing, downloads, metadata, pages, sparql
from kg.serve.connections import ConnectionLimits
from kg.serve.current import BindSite, Current
from kg.serve.errors import HANDLERS, ApiError, respond
from kg.serve.site import Settings

STATIC = Path(__file__).resolve().parent / "static"
#: YASGUI's files in the static directory: copied there from npm by `make yasgui` (git-ignored), or absent.
YASGUI_FILES = ("yasgui/yasgui.min.js", "yasgui/yasgui.min.css")
MAX_BODY = 1_000_000  # bytes of a POSTed query


def yasgui_installed(static: Path) -> bool:
    """Whether the home page's editor is YASGUI (its files are in ``static``) or the plain one."""
    return all((static / name).is_file() for name in YASGUI_FILES)


def home(request: Request) -> Response:
    site = request.state.site
    return HTMLResponse(pages.home(site, request.query_params.get("query"), yasgui=request.app.state.yasgui))


def _too_large(size: str) -> ApiError:
    detail = f"the request body is {size}; this endpoint takes at most {MAX_BODY:,} bytes"
    return ApiError(413, "Request too large", detail, "Send a shorter query (bind long lists with VALUES yourself).")


class BodyLimit:
    """ASGI middleware: a request body over :data:`MAX_BODY` gets 413, before it is read when its
    ``Content-Length`` says so, else as soon as it grows past the limit."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > MAX_BODY:
            await respond(Request(scope), _too_large(f"{int(declared):,} bytes"))(scope, receive, send)
            return
        total = 0

        async def limited() -> Message:
            nonlocal total
            message = await receive()
            total += len(message.get("body", b""))
            if total > MAX_BODY:
                raise _too_large(f"over {MAX_BODY:,} bytes")
            return message

        await self.app(scope, limited, send)


def create_app(settings: Settings, static: Path = STATIC) -> Starlette:
    """The app for one release; opens the release now (errors are raised here), starts workers on startup.
    ``static``: the directory served at ``/static`` (the tests give one without YASGUI)."""
    current = Current(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        asyncio.get_running_loop().set_exception_handler(connections.accept_errors)
        await current.start()
        try:
            yield
        finally:
            await current.close()

    routes = [
        Route("/", home, name="home"),
        Route("/sparql", sparql.endpoint, methods=["GET", "POST"], name="sparql"),
        Route("/queries", canned.listing, name="queries"),
        Route("/queries/{name}", canned.run, name="canned"),
        Route("/downloads", downloads.listing, name="downloads"),
        Route("/downloads/{name:path}", downloads.download, name="download"),
        Route("/.well-known/void", metadata.void, name="void"),
        Mount("/static", StaticFiles(directory=static), name="static"),
        Route("/{path:path}", dereferencing.resource, name="resource"),
    ]
    middleware = [
        Middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["*"],
            expose_headers=["Link", "Content-Disposition"],
            max_age=3600,
        ),
        Middleware(BindSite, current=current),
        Middleware(BodyLimit),
        Middleware(GZipMiddleware, minimum_size=2048, compresslevel=6),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers=HANDLERS,  # type: ignore[arg-type]
        lifespan=lifespan,
    )
    app.state.current = current
    app.state.yasgui = yasgui_installed(static)
    return app


def listen(host: str, port: int) -> socket.socket:
    """The listening socket, or a :class:`ServeError` saying why not (a port in use, a bad address)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family, backlog=2048)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ServeError(
                f"port {port} on {host} is in use; stop what listens there or give --port N (--port 0 picks a free one)"
            ) from exc
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror}; check --host and --port") from exc


def serve(
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = 8000,
    announce: Callable[[str], None] = print,
    limits: ConnectionLimits | None = None,
) -> None:
    """Serve until interrupted. ``port`` 0 picks a free port; ``announce`` gets the URL once it listens."""
    import uvicorn

    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-9s %(message)s"))
    log = logging.getLogger("trialkg.serve")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    sock = listen(host, port)
    try:
        app = create_app(settings)
    except BaseException:
        sock.close()
        raise
    wanted = limits or ConnectionLimits()
    limits = dataclasses.replace(wanted, max_connections=connections.descriptor_budget(wanted.max_connections))
    connections.quiet_logs()
    config = uvicorn.Config(
        app,
        log_level="info",
        proxy_headers=False,
        timeout_graceful_shutdown=5,
        http=connections.protocol(limits),
        timeout_keep_alive=int(limits.keep_alive_seconds),
        backlog=2048,
    )
    server = uvicorn.Server(config)
    shown = f"[{host}]" if sock.family == socket.AF_INET6 else host
    announce(f"http://{shown}:{sock.getsockname()[1]}/")
    server.run(sockets=[sock])
