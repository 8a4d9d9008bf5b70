"""The stand-in API (tests/fetch/standin.py) on a loopback port, started and stopped per test, serving
records of the real corpus; and an API client that retries quickly."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kg.fetch.client import ApiClient
from kg.transport import Retry
from tests.fetch.standin import StandIn, corpus_records

Start = Callable[..., StandIn]
QUICK = Retry(attempts=6, backoff=0.01, cap=0.05)


@pytest.fixture(scope="session")
def records(corpus: Path) -> list[dict[str, Any]]:
    """The API v2 records of the corpus (ctgov-json), as the stand-in serves them."""
    return corpus_records(corpus / "ctgov-json")


@pytest.fixture()
def standin(records: list[dict[str, Any]]) -> Iterator[Start]:
    """Start stand-ins: ``standin()`` serves the whole JSON corpus, ``standin(some)`` those records."""
    started: list[StandIn] = []

    def start(chosen: list[dict[str, Any]] | None = None, **options: Any) -> StandIn:
        server = StandIn(copy.deepcopy(records if chosen is None else chosen), **options).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def client(server: StandIn, **options: Any) -> ApiClient:
    return ApiClient(server.url, rate=options.pop("rate", 0), retry=options.pop("retry", QUICK), **options)


from tests.load.conftest import oxigraph  # noqa: E402,F401 - real Oxigraph servers for the update tests
