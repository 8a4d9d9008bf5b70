"""The fair lane of ad-hoc queries, on its own: its share, the per-client limit, and the order."""

from __future__ import annotations

import asyncio

import pytest

from kg.serve.fairness import Lane, TooMany


def test_waiters_go_in_order_of_their_clients_recent_use() -> None:
    async def scenario() -> list[str]:
        lane = Lane(share=1, per_client=5)
        lane.usage.add("looper", 30.0)  # a client that has just had a 30-second query
        order: list[str] = []
        await lane.acquire("first")  # holds the only place

        async def wait(client: str) -> None:
            await lane.acquire(client)
            order.append(client)
            lane.release()

        tasks = [asyncio.create_task(wait(c)) for c in ("looper", "light", "looper")]
        await asyncio.sleep(0)
        lane.release()
        await asyncio.gather(*tasks)
        return order

    assert asyncio.run(scenario()) == ["light", "looper", "looper"]


def test_one_client_gets_its_share_and_no_more() -> None:
    lane = Lane(share=1, per_client=2)
    lane.enter("a")
    lane.enter("a")
    with pytest.raises(TooMany):
        lane.enter("a")
    lane.enter("b")
    lane.leave("a", 1.0)
    lane.enter("a")
    assert lane.usage.of("a") == pytest.approx(1.0, rel=0.01)


def test_a_waiter_that_gives_up_leaves_no_place_taken() -> None:
    async def scenario() -> int:
        lane = Lane(share=1, per_client=5)
        await lane.acquire("a")
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.05):
                await lane.acquire("b")
        lane.release()
        async with asyncio.timeout(1):
            await lane.acquire("c")  # the place is free again: b's wait took nothing
        return lane.holding

    assert asyncio.run(scenario()) == 1
