"""The leader's lease between processes, with a hand-moved clock (one database, two members)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.service.leadership import Leadership
from bot.store.repo import Store
from tests.helpers import wait_for


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def member(store: Store, clock: Clock, pid: int) -> Leadership:
    return Leadership(store, clock=clock, ttl=15, renew=0.05, poll=0.02, host="h", pid=pid)


async def test_a_standby_takes_over_when_the_leader_gives_up(tmp_path: Path) -> None:
    store, clock = Store(f"sqlite:///{tmp_path / 's.sqlite3'}"), Clock()
    first, second = member(store, clock, 1), member(store, clock, 2)
    stop = asyncio.Event()
    try:
        assert await first.wait(stop) and first.leading
        waiting = asyncio.create_task(second.wait(stop))
        await asyncio.sleep(0.1)
        assert not waiting.done() and second.role == "standby"
        roles = {p.pid: p.role for p in store.processes(clock.now)}
        assert roles == {1: "leader", 2: "standby"}
        await first.release()
        assert await asyncio.wait_for(waiting, 2) is True and second.leading
        assert not first.leading and not first.lost.is_set()
    finally:
        stop.set()
        await first.close()
        await second.close()
        store.close()


async def test_a_leader_that_cannot_renew_stops_leading(tmp_path: Path) -> None:
    store, clock = Store(f"sqlite:///{tmp_path / 's.sqlite3'}"), Clock()
    first, second = member(store, clock, 1), member(store, clock, 2)
    stop = asyncio.Event()
    try:
        assert await first.wait(stop)
        first._keeper.cancel()  # the leader freezes: it renews nothing for a while
        clock.now += timedelta(seconds=20)
        assert await asyncio.wait_for(second.wait(stop), 2)
        first._keeper = asyncio.create_task(first._keep())  # it wakes up
        await wait_for(lambda: first.lost.is_set(), timeout=2)
        assert not first.leading and second.leading
        lease = store.lease()
        assert lease is not None and lease.owner == second.owner
    finally:
        stop.set()
        await first.close()
        await second.close()
        store.close()


async def test_waiting_ends_when_told_to_stop(tmp_path: Path) -> None:
    store, clock = Store(f"sqlite:///{tmp_path / 's.sqlite3'}"), Clock()
    first, second = member(store, clock, 1), member(store, clock, 2)
    stop = asyncio.Event()
    try:
        assert await first.wait(stop)
        waiting = asyncio.create_task(second.wait(stop))
        await asyncio.sleep(0.05)
        stop.set()
        assert await asyncio.wait_for(waiting, 2) is False
    finally:
        await first.close()
        await second.close()
        store.close()
    again = Store(f"sqlite:///{tmp_path / 's.sqlite3'}")
    assert not again.processes(clock.now)  # both rows are gone with their processes
    again.close()
