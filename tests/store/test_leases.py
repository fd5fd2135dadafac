"""Several processes on one database: one lease, claims that cannot collide (both databases)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.store.repo import Store

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
TTL = timedelta(seconds=15)
STEP = [{"platform": "telegram", "method": "sendMessage", "params": {"text": "x"}}]


def alive(store: Store, owner: str, at: datetime = NOW, role: str = "standby") -> None:
    store.beat(owner, host="host", pid=1, role=role, now=at, until=at + TTL)


def queue(store: Store, key: str, channel: str = "tg", **extra: Any) -> int:
    found = store.enqueue(
        key, post_key=key, channel=channel, kind="publish", requests=STEP, now=NOW, **extra
    )
    assert found is not None
    return found


def test_one_holder_at_a_time_and_renewal_keeps_since(store: Store) -> None:
    assert store.take_lease("a", NOW, NOW + TTL)
    assert not store.take_lease("b", NOW + timedelta(seconds=5), NOW + timedelta(seconds=20))
    later = NOW + timedelta(seconds=10)
    assert store.take_lease("a", later, later + TTL)  # renewed
    lease = store.lease()
    assert lease is not None and (lease.owner, lease.since) == ("a", NOW)
    assert lease.expires_at == later + TTL


def test_an_expired_lease_is_taken_and_the_old_holder_cannot_renew(store: Store) -> None:
    assert store.take_lease("a", NOW, NOW + TTL)
    after = NOW + TTL + timedelta(seconds=1)
    assert store.take_lease("b", after, after + TTL)
    assert not store.take_lease("a", after, after + TTL)
    lease = store.lease()
    assert lease is not None and (lease.owner, lease.since) == ("b", after)


def test_a_released_lease_is_taken_at_once(store: Store) -> None:
    assert store.take_lease("a", NOW, NOW + TTL)
    store.release_lease("b")  # not the holder: nothing happens
    assert not store.take_lease("b", NOW, NOW + TTL)
    store.release_lease("a")
    assert store.lease() is None
    assert store.take_lease("b", NOW, NOW + TTL)


def test_only_the_leader_claims(store: Store) -> None:
    alive(store, "a", role="leader")
    alive(store, "b")
    queue(store, "p1")
    assert store.take_lease("a", NOW, NOW + TTL)
    assert store.claim_next("tg", NOW, "b") is None
    claimed = store.claim_next("tg", NOW, "a")
    assert claimed is not None and claimed.state == "sending"


def test_a_channel_sends_one_delivery_at_a_time_in_order(store: Store) -> None:
    alive(store, "a", role="leader")
    assert store.take_lease("a", NOW, NOW + TTL)
    first, second = queue(store, "p1"), queue(store, "p2")
    other = queue(store, "p3", channel="dc")
    d1 = store.claim_next("tg", NOW, "a")
    assert d1 is not None and d1.id == first
    assert store.claim_next("tg", NOW, "a") is None  # the first is still on its way
    assert store.next_due("tg", NOW) == NOW + timedelta(seconds=1)
    d3 = store.claim_next("dc", NOW, "a")
    assert d3 is not None and d3.id == other  # other channels go on
    store.finish(first, "sent", NOW)
    d2 = store.claim_next("tg", NOW, "a")
    assert d2 is not None and d2.id == second


def test_start_up_hands_back_only_what_dead_processes_left(store: Store) -> None:
    alive(store, "a", role="leader")
    assert store.take_lease("a", NOW, NOW + TTL)
    queue(store, "p1")
    queue(store, "p2", channel="dc")
    assert store.claim_next("tg", NOW, "a") is not None
    # a takes "dc" too, then a new leader starts up while a is still alive
    assert store.claim_next("dc", NOW, "a") is not None
    assert store.reset_abandoned(NOW + timedelta(seconds=5)) == 0
    # a dies: its process lease runs out, and so does its lease as leader
    gone = NOW + TTL + timedelta(seconds=1)
    alive(store, "b", at=gone, role="leader")
    assert store.take_lease("b", gone, gone + TTL)
    assert store.reset_abandoned(gone) == 2
    resumed = store.claim_next("tg", gone, "b")
    assert resumed is not None and resumed.progress == 0


def test_a_dead_claimants_delivery_is_taken_over_without_a_restart(store: Store) -> None:
    alive(store, "a", role="leader")
    assert store.take_lease("a", NOW, NOW + TTL)
    queue(store, "p1")
    assert store.claim_next("tg", NOW, "a") is not None
    gone = NOW + TTL + timedelta(seconds=1)
    alive(store, "b", at=gone, role="leader")
    assert store.take_lease("b", gone, gone + TTL)
    taken = store.claim_next("tg", gone, "b")
    assert taken is not None and taken.state == "sending"


def test_stopping_releases_only_its_own_claims(store: Store) -> None:
    for owner in ("a", "b"):
        alive(store, owner)
    assert store.take_lease("a", NOW, NOW + TTL)
    queue(store, "p1")
    queue(store, "p2", channel="dc")
    assert store.claim_next("tg", NOW, "a") is not None
    store.release_lease("a")
    assert store.take_lease("b", NOW, NOW + TTL)
    assert store.claim_next("dc", NOW, "b") is not None
    assert store.release_claims("a") == 1
    assert [d.state for d in store.deliveries()] == ["pending", "sending"]


def test_processes_lists_the_living(store: Store) -> None:
    alive(store, "a", role="leader")
    alive(store, "b", at=NOW + timedelta(seconds=1))
    store.beat("c", host="h", pid=3, role="standby", now=NOW - timedelta(days=3),
               until=NOW - timedelta(days=2))  # fmt: skip
    assert [(p.owner, p.role) for p in store.processes(NOW)] == [("a", "leader"), ("b", "standby")]
    store.forget_process("a")
    assert [p.owner for p in store.processes(NOW)] == ["b"]


def test_concurrent_claims_never_take_a_delivery_twice(store: Store, db_url: str) -> None:
    channels = [f"ch{i}" for i in range(4)]
    ids = {queue(store, f"p{n}", channel=channels[n % 4]) for n in range(40)}
    claimed: list[int] = []
    lock = threading.Lock()
    stores = [Store(db_url) for _ in range(3)]  # one engine each, as processes would have

    def work(mine: Store) -> None:
        while mine.unfinished(channels):
            for channel in channels:
                delivery = mine.claim_next(channel, NOW)
                if delivery is not None:
                    with lock:
                        claimed.append(delivery.id)
                    mine.finish(delivery.id, "sent", NOW)

    try:
        threads = [threading.Thread(target=work, args=(mine,)) for mine in stores]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        for mine in stores:
            mine.close()
    assert sorted(claimed) == sorted(ids)  # each exactly once


def test_concurrent_takers_get_one_lease(store: Store, db_url: str) -> None:
    results: dict[str, bool] = {}
    barrier = threading.Barrier(4)
    stores = {f"p{i}": Store(db_url) for i in range(4)}

    def take(owner: str) -> None:
        barrier.wait()
        results[owner] = stores[owner].take_lease(owner, NOW, NOW + TTL)

    try:
        threads = [threading.Thread(target=take, args=(owner,)) for owner in stores]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        for mine in stores.values():
            mine.close()
    winners = [owner for owner, won in results.items() if won]
    lease = store.lease()
    assert len(winners) == 1 and lease is not None and lease.owner == winners[0]
