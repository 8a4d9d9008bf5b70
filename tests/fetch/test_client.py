"""The HTTP client against the stand-in: politeness (User-Agent, rate), retries of 429 (honouring
Retry-After), 503, dropped connections and bodies cut short; errors that no retry changes."""

from __future__ import annotations

import time

import pytest

from kg import __version__
from kg.fetch import FetchError
from kg.fetch.client import ApiClient
from kg.transport import Retry, Transient, with_retries
from tests.fetch.conftest import Start, client
from tests.load.conftest import free_port


@pytest.mark.parametrize("kind", ["429", "503", "drop", "truncate", "garble"])
def test_a_transient_failure_is_retried(standin: Start, kind: str) -> None:
    server = standin([])
    server.fault(kind, path="/version", times=2)
    with client(server) as api:
        assert api.get_json("version")["dataTimestamp"] == server.timestamp
        assert (api.requests, api.retries) == (3, 2)
    assert len(server.requests("/version")) == 3


def test_retry_after_is_honoured(standin: Start) -> None:
    server = standin([])
    server.fault("429", path="/version", retry_after="1")
    with client(server) as api:
        api.get_json("version")
    first, second = server.requests("/version")
    assert second.at - first.at >= 0.95


def test_giving_up_says_what_failed_and_what_to_do(standin: Start) -> None:
    server = standin([])
    server.fault("503", path="/version", times=100)
    with client(server, retry=Retry(attempts=3, backoff=0.01)) as api, pytest.raises(FetchError) as caught:
        api.get_json("version")
    assert "/version: still failing after 3 attempts (HTTP 503)" in str(caught.value)
    assert "try again later" in str(caught.value)
    assert len(server.requests("/version")) == 3


def test_a_bad_request_is_not_retried(standin: Start) -> None:
    server = standin([])
    with client(server) as api, pytest.raises(FetchError, match="answered 400.*check the options"):
        api.get_json("studies", {"filter.advanced": "AREA[Phase]PHASE2"})
    assert len(server.requests("/studies")) == 1


def test_user_agent_names_trialkg_and_its_version(standin: Start) -> None:
    server = standin([])
    with client(server) as api:
        api.get_json("version")
    assert server.log[0].user_agent.startswith(f"trialkg/{__version__} ")


def test_the_rate_is_kept(standin: Start) -> None:
    server = standin([])
    started = time.monotonic()
    with client(server, rate=10) as api:
        for _ in range(6):
            api.get_json("version")
    # timed at the client: the server's arrival times jitter on a loaded machine, the client's waits do not
    assert time.monotonic() - started >= 0.5 and len(server.requests("/version")) == 6


def test_nothing_answers() -> None:
    url = f"http://127.0.0.1:{free_port()}/api/v2"
    with ApiClient(url, rate=0, retry=Retry(2, 0.01)) as api, pytest.raises(FetchError, match="ConnectError"):
        api.get_json("version")


def test_backoff_grows_with_jitter_and_a_cap() -> None:
    import random

    policy = Retry(attempts=10, backoff=1.0, cap=8.0, rng=random.Random(7))
    pauses = [policy.pause(n) for n in range(8)]
    assert all(0 <= p <= min(8.0, 2**n) for n, p in enumerate(pauses))
    assert len(set(pauses)) == len(pauses)  # drawn, not fixed
    assert policy.pause(0, "3") == 3.0 and Retry(max_wait=5).pause(0, "120") == 5.0
    slept: list[float] = []
    calls = iter([Transient("x", "2"), Transient("y"), None])

    def attempt() -> str:
        failure = next(calls)
        if failure:
            raise failure
        return "done"

    assert with_retries(policy, attempt, sleep=slept.append) == "done"
    assert slept[0] == 2.0 and 0 <= slept[1] <= 2.0
