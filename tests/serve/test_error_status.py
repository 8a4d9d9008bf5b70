"""Every error the app returns has one JSON shape, and its status says whose fault it is."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route
from starlette.testclient import TestClient

from kg.errors import QueryError, ReleaseError, TrialkgError
from kg.guard import federation_refused
from kg.serve.errors import HANDLERS


def _raising(exc: Exception):  # noqa: ANN202
    def endpoint(request: Request) -> None:
        raise exc

    return endpoint


CASES = [
    (QueryError("SELECT ?x {: syntax error"), 400, "Bad request"),
    (federation_refused(), 403, "Federated query is disabled"),
    (ReleaseError("store/: cannot be opened"), 500, "Release fault"),
    (TrialkgError("something of ours"), 500, "Release fault"),
    (ZeroDivisionError("a bug"), 500, "Internal server error"),
]


@pytest.fixture(scope="module")
def client() -> TestClient:
    routes = [Route(f"/{i}", _raising(exc)) for i, (exc, _, _) in enumerate(CASES)]
    return TestClient(Starlette(routes=routes, exception_handlers=HANDLERS), raise_server_exceptions=False)


@pytest.mark.parametrize(("index", "status", "title"), [(i, s, t) for i, (_, s, t) in enumerate(CASES)])
def test_status_and_shape(client: TestClient, index: int, status: int, title: str) -> None:
    response = client.get(f"/{index}", headers={"Accept": "application/json"})
    assert response.status_code == status
    error = response.json()["error"]
    assert error["title"] == title and error["status"] == status and error["detail"]
