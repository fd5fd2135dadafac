"""Drafts in the store: one decision wins, whatever presses race for it (both databases)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from bot.store.repo import DraftPhoto, ShownAt, Store

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(hours=24)


def add(store: Store, token: str = "tok-one-abcdef", *, editor: bool = False) -> None:
    store.add_draft(
        token=token, needs_approval=editor, author=("telegram", "5001", "Dara", "km"),
        title="ពិធីបុណ្យចូលឆ្នាំ", body="Join us.", channels=["tg-news"],
        photos=[DraftPhoto("1.jpg", "message 7")], publish_at=None, now=NOW,
        expires_at=NOW + DAY,
    )  # fmt: skip


def test_a_draft_keeps_what_it_was_given(store: Store) -> None:
    add(store)
    store.note_shown("tok-one-abcdef", ShownAt("telegram", "5001", "12", "draft"))
    draft = store.draft("tok-one-abcdef")
    assert draft is not None and draft.state == "open" and draft.title == "ពិធីបុណ្យចូលឆ្នាំ"
    assert draft.channels == ("tg-news",) and draft.photos == (DraftPhoto("1.jpg", "message 7"),)
    assert draft.shown == (ShownAt("telegram", "5001", "12", "draft"),)
    assert draft.expires_at == NOW + DAY and draft.author_lang == "km"
    assert store.draft("no-such-token") is None


def test_only_one_of_two_claims_wins_and_a_decided_draft_stays_decided(store: Store) -> None:
    add(store)
    first = store.claim_draft("tok-one-abcdef", ["open"], NOW, by="Dara")
    second = store.claim_draft("tok-one-abcdef", ["open"], NOW, by="Sok")
    assert first is not None and first.state == "busy" and second is None
    store.finish_draft("tok-one-abcdef", "published", NOW, post_key="2026-12-01-party")
    draft = store.draft("tok-one-abcdef")
    assert draft is not None and (draft.state, draft.decided_by) == ("published", "Dara")
    assert draft.post_key == "2026-12-01-party"
    assert store.claim_draft("tok-one-abcdef", ["open"], NOW, by="Sok") is None


def test_an_undone_decision_waits_again_and_an_editors_draft_waits_for_review(
    store: Store,
) -> None:
    add(store, "tok-review-abcd", editor=True)
    assert store.claim_draft("tok-review-abcd", ["open"], NOW, by="x") is None  # not its state
    assert store.claim_draft("tok-review-abcd", ["review"], NOW, by="Dara") is not None
    store.finish_draft("tok-review-abcd", None, NOW)  # e.g. its photos were gone
    draft = store.draft("tok-review-abcd")
    assert draft is not None and (draft.state, draft.decided_by) == ("review", None)


def test_expiry_and_a_restart_in_the_middle_of_a_decision(store: Store) -> None:
    add(store, "tok-stale-abcde")
    add(store, "tok-stuck-abcde", editor=True)
    assert store.claim_draft("tok-stuck-abcde", ["review"], NOW, by="Dara") is not None
    assert store.claim_draft("tok-stale-abcde", ["open"], NOW + DAY, by="late") is None
    assert store.unstick_drafts(NOW) == 1  # the process died while publishing it
    stuck = store.draft("tok-stuck-abcde")
    assert stuck is not None and stuck.state == "review"
    gone = store.expire_drafts(NOW + DAY)
    assert {d.token for d in gone} == {"tok-stale-abcde", "tok-stuck-abcde"}
    assert {d.state for d in store.waiting_drafts()} == set()
    stale = store.draft("tok-stale-abcde")
    assert stale is not None and stale.state == "expired" and stale.body == "Join us."
    store.expire_drafts(NOW + DAY * 32)  # decided over a month ago: forgotten
    assert store.draft("tok-stale-abcde") is None


def test_presses_racing_on_several_processes_decide_once(store: Store, db_url: str) -> None:
    add(store)
    stores = [Store(db_url) for _ in range(4)]  # one engine each, as processes would have
    won: list[str] = []
    lock = threading.Lock()

    def press(mine: Store, name: str) -> None:
        if mine.claim_draft("tok-one-abcdef", ["open"], NOW, by=name) is not None:
            with lock:
                won.append(name)

    try:
        threads = [threading.Thread(target=press, args=(s, f"p{i}")) for i, s in enumerate(stores)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        for mine in stores:
            mine.close()
    assert len(won) == 1
    draft = store.draft("tok-one-abcdef")
    assert draft is not None and draft.decided_by == won[0]
