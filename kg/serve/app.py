"""``trialkg serve``: the ASGI app (Starlette) and running it under uvicorn.

Routes:

=========================== ==========================================================================
``/``                       home page: the dataset, its statistics, downloads, canned queries, editor
``/sparql``                 SPARQL 1.1 Protocol (GET, POST form, POST direct); service description
``/queries``                the canned queries (HTML or JSON)
``/queries/{name}``         one canned query run with query-string parameters (HTML, JSON, CSV, TSV)
``/downloads[/{name}]``     the release's files
``/.well-known/void``       VoID
``/static/...``             the page's stylesheet and script
``/{path}``                 any IRI under the base (or the vocabulary's), dereferenced
=========================== ==========================================================================
"""

from __future__ import annotations

import contextlib
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

from kg.serve import canned, downloads, metadata, pages, resources, sparql
from kg.serve.errors import HANDLERS
from kg.serve.site import Settings, Site

STATIC = Path(__file__).resolve().parent / "static"
MAX_BODY = 1_000_000  # bytes of a POSTed query


def home(request: Request) -> Response:
    site = request.app.state.site
    return HTMLResponse(pages.home(site, request.query_params.get("query")))


def create_app(settings: Settings) -> Starlette:
    """The app for one release; opens the release now (errors are raised here), starts workers on startup."""
    site = Site(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await site.pool.start()
        try:
            yield
        finally:
            await site.pool.close()

    routes = [
        Route("/", home, name="home"),
        Route("/sparql", sparql.endpoint, methods=["GET", "POST"], name="sparql"),
        Route("/queries", canned.listing, name="queries"),
        Route("/queries/{name}", canned.run, name="canned"),
        Route("/downloads", downloads.listing, name="downloads"),
        Route("/downloads/{name:path}", downloads.download, name="download"),
        Route("/.well-known/void", metadata.void, name="void"),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
        Route("/{path:path}", resources.resource, name="resource"),
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
        Middleware(GZipMiddleware, minimum_size=2048, compresslevel=6),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers=HANDLERS,  # type: ignore[arg-type]
        lifespan=lifespan,
        max_body_size=MAX_BODY,
    )
    app.state.site = site
    return app


def serve(
    settings: Settings, host: str = "127.0.0.1", port: int = 8000, announce: Callable[[str], None] = print
) -> None:
    """Serve until interrupted. ``port`` 0 picks a free port; ``announce`` gets the URL once it listens."""
    import uvicorn

    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-9s %(message)s"))
    log = logging.getLogger("trialkg.serve")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    app = create_app(settings)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.create_server((host, port), family=family)
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    config = uvicorn.Config(app, log_level="info", proxy_headers=False, timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    announce(f"http://{shown}:{bound}/")
    server.run(sockets=[sock])
