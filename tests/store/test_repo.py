"""The state store on SQLite and on PostgreSQL (skipped with a reason when no server answers)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain import Post
from bot.store.repo import Store

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=TOKYO)


def post(key: str = "picnic", digest: str = "d1", when: datetime = NOW) -> Post:
    return Post(
        key=key, source=f"news/{key}.md", title="Picnic ពិធី 祭り", date=when, body="x", digest=digest
    )


def test_versions_go_up_only_when_content_changes(store: Store) -> None:
    assert store.save_post(post(), "published", NOW).version == 1
    assert store.save_post(post(), "published", NOW).version == 1
    saved = store.save_post(post(digest="d2"), "published", NOW)
    assert saved.version == 2 and saved.digest == "d2"


def test_datetimes_come_back_aware_and_equal(store: Store) -> None:
    saved = store.save_post(post(when=NOW), "scheduled", NOW)
    again = store.post(saved.key)
    assert again is not None and again.due_at == NOW and again.due_at.tzinfo is not None


def test_outbox_dedupes_orders_and_respects_due_time(store: Store) -> None:
    req = [{"platform": "telegram", "method": "sendMessage", "params": {"text": "hi"}}]
    first = store.enqueue(
        "k:1", post_key="picnic", channel="tg", kind="publish", requests=req, now=NOW
    )
    assert first is not None
    assert (
        store.enqueue("k:1", post_key="picnic", channel="tg", kind="publish", requests=req, now=NOW)
        is None
    )
    later = NOW + timedelta(minutes=5)
    store.enqueue(
        "k:2", post_key="picnic", channel="tg", kind="edit", requests=req, now=NOW, not_before=later
    )
    claimed = store.claim_next("tg", NOW)
    assert claimed is not None and claimed.id == first and claimed.state == "sending"
    store.finish(first, "sent", NOW)
    assert store.claim_next("tg", NOW) is None  # the second one is not due yet
    assert store.next_due("tg", NOW) == later
    assert store.claim_next("tg", later) is not None


def test_progress_survives_a_crash(store: Store) -> None:
    reqs = [{"platform": "telegram", "method": "sendMessage", "params": {}}] * 3
    did = store.enqueue(
        "k", post_key="picnic", channel="tg", kind="publish", requests=reqs, now=NOW
    )
    assert did is not None
    d = store.claim_next("tg", NOW)
    assert d is not None
    store.record_step(d, 0, 0, "sendMessage", ["11"], "post", NOW)
    assert store.reset_abandoned(NOW) == 1  # what a restart does
    resumed = store.claim_next("tg", NOW)
    assert resumed is not None and resumed.progress == 1
    assert [s.ids for s in store.sent("picnic", "tg")] == [["11"]]


def test_retry_counts_attempts_and_status_reports(store: Store) -> None:
    req = [{"platform": "discord", "method": "POST", "params": {}}]
    did = store.enqueue("k", post_key="picnic", channel="dc", kind="publish", requests=req, now=NOW)
    assert did is not None
    assert store.retry_later(did, NOW + timedelta(seconds=3), "503", NOW) == 1
    assert store.retry_later(did, NOW + timedelta(seconds=9), "503", NOW) == 2
    store.finish(did, "failed", NOW, "gave up")
    [row] = store.status()
    assert (row.channel, row.failed, row.pending, row.last_error) == ("dc", 1, 0, "gave up")


def test_latest_edit_supersedes_and_gone_messages_vanish(store: Store) -> None:
    req = [{"platform": "telegram", "method": "sendMessage", "params": {}}]
    a = store.enqueue(
        "a", post_key="picnic", channel="tg", kind="publish", requests=req * 2, now=NOW
    )
    b = store.enqueue("b", post_key="picnic", channel="tg", kind="edit", requests=req, now=NOW)
    assert a is not None and b is not None
    da, db = store.claim_next("tg", NOW), None
    assert da is not None
    store.record_step(da, 0, 0, "sendMessage", ["1"], "post", NOW)
    store.record_step(da, 1, 1, "sendMessage", ["2"], "post", NOW)
    store.finish(da.id, "sent", NOW)
    db = store.claim_next("tg", NOW)
    assert db is not None
    store.record_step(db, 0, 1, "sendMessage", ["2"], "post", NOW)
    assert [(s.step, s.delivery_id) for s in store.sent("picnic", "tg")] == [(0, a), (1, b)]
    store.mark_gone("picnic", "tg", [0])
    assert [s.step for s in store.sent("picnic", "tg")] == [1]


def test_rename_keeps_history_and_reminders_are_remembered(store: Store) -> None:
    store.save_post(post("old"), "published", NOW)
    start = datetime(2026, 12, 5, 18, 0, tzinfo=TOKYO)
    store.enqueue(
        f"old:tg:remind:1d:{start.isoformat()}",
        post_key="old",
        channel="tg",
        kind="remind",
        requests=[],
        now=NOW,
        not_after=start,
        reminder_offset="1d",
    )
    store.rename_post("old", "new", "news/new.md", NOW)
    assert "new" in store.posts() and "old" not in store.posts()
    assert store.reminders_sent("new", start) == {"1d"}
    assert store.reminders_sent("new", start.astimezone(UTC)) == {"1d"}  # the same instant
    assert store.reminders_sent("new", datetime(2026, 12, 6, tzinfo=UTC)) == set()
    (delivery,) = store.deliveries(post_key="new")
    assert (delivery.not_after, delivery.reminder_offset) == (start, "1d")
