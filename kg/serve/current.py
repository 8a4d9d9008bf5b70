"""The release being served, switched whole when ``trialkg build`` replaces its directory.

A build swaps a new release into the directory being served (:mod:`kg.publish.release`) and deletes
the old one. Every request first checks the directory's identity (its inode and its build report's,
two ``stat`` calls); when it has changed, the request waits while a new :class:`~kg.serve.site.Site`
is opened, with its store, pages, downloads and its own query workers (each of which checks that it
opened the new store), and then every request gets the new site: store, pages and downloads switch
together, and no worker answers from the deleted release. The old site's workers stop once the
queries they are running have had their time. While no complete release can be opened (a build
between its two renames, on file systems without an atomic exchange), requests get 503.
"""

from __future__ import annotations

import asyncio
import logging
import time

from anyio import to_thread
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from kg.errors import ReleaseError
from kg.serve.errors import ApiError, respond
from kg.serve.site import Settings, Site, identity

log = logging.getLogger("trialkg.serve")
RETRY_SECONDS = 2.0  # after a failed switch, the next request tries again this much later


class Current:
    """The site for the release now in the served directory."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.site = Site(settings)
        self._switch: asyncio.Task[Site] | None = None
        self._failed_at = 0.0
        self._retiring: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        await self.site.pool.start()

    async def close(self) -> None:
        for task in self._retiring:
            task.cancel()
        await self.site.pool.close()

    def changed(self) -> bool:
        try:
            return identity(self.site.root) != self.site.identity
        except OSError:
            return True  # the directory is gone, or between the renames of a swap

    async def get(self) -> Site:
        """The site to answer a request from: the current one, or the next once it is open."""
        if self._switch is None and not self.changed():
            return self.site
        if self._switch is None:
            if time.monotonic() - self._failed_at < RETRY_SECONDS:
                raise _unavailable("the release is being replaced")
            self._switch = asyncio.get_running_loop().create_task(self._open_next())
        try:
            return await asyncio.shield(self._switch)
        except ReleaseError as exc:
            raise _unavailable(str(exc)) from exc

    async def _open_next(self) -> Site:
        try:
            fresh = await to_thread.run_sync(Site, self.settings)
            await fresh.pool.start()
        except (ReleaseError, OSError) as exc:
            self._failed_at = time.monotonic()
            log.warning("the served release changed and the new one cannot be opened yet: %s", exc)
            raise ReleaseError(str(exc)) from exc
        finally:
            self._switch = None
        old, self.site = self.site, fresh
        log.info("release replaced: now serving %s", fresh.report.get("version", fresh.root))
        task = asyncio.get_running_loop().create_task(self._retire(old))
        self._retiring.add(task)
        task.add_done_callback(self._retiring.discard)
        return fresh

    async def _retire(self, old: Site) -> None:
        await asyncio.sleep(old.timeout + 1)  # the queries it was running end or time out meanwhile
        await old.pool.close()


def _unavailable(detail: str) -> ApiError:
    return ApiError(
        503,
        "Release being replaced",
        detail,
        "The release is being rebuilt; try again in a few seconds.",
        headers={"Retry-After": "5"},
    )


class BindSite:
    """ASGI middleware: gives each HTTP request the site of the current release, as ``request.state.site``."""

    def __init__(self, app: ASGIApp, current: Current) -> None:
        self.app, self.current = app, current

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            try:
                scope.setdefault("state", {})["site"] = await self.current.get()
            except ApiError as exc:
                await respond(Request(scope), exc)(scope, receive, send)
                return
        await self.app(scope, receive, send)
