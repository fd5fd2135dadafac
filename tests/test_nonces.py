"""Every Discord message carries a nonce of its own; Telegram's HTML error pages are one warning.

The Discord fake drops a repeated nonce (with ``enforce_nonce``) the way Discord does: it answers
with the earlier message and creates nothing. Two messages sharing a nonce lose the second one.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.app import App
from bot.config import RecurringCfg
from bot.schedule.plan import JobSpec
from tests.conftest import DC_CHANNEL, TG_CHAT
from tests.fakes.discord_api import FakeDiscord
from tests.helpers import preview_document, wait_for, write_post

MESSAGES = "POST /channels/{channel_id}/messages"


def event_post(site: Path, name: str, start: datetime, yesterday: str) -> Path:
    extra = f"event:\n  start: '{start.isoformat()}'\n  location: 'Hall {name}'\n"
    return write_post(
        site / f"content/ev/{name}.md", f"Event {name}", f"Come to {name}.", date=yesterday,
        extra=extra,
    )  # fmt: skip


def nonces(dc: FakeDiscord) -> list[str]:
    return [str(c.json["nonce"]) for c in dc.calls_to(MESSAGES) if c.json and c.status == 200]


async def started(settings) -> App:
    app = App(settings, with_admin=False)
    await app.start()
    return app


async def test_two_events_announced_together_all_arrive(site: Path, make_settings, dc) -> None:
    app = await started(make_settings(dc=dc, webhook=False))
    try:
        now = datetime.now(app.settings.association.tz)
        yesterday = (now - timedelta(days=1)).date().isoformat()
        start = (now + timedelta(days=5)).replace(microsecond=0)
        event_post(site, "a", start, yesterday)
        event_post(site, "b", start + timedelta(hours=1), yesterday)
        # each event: one delivery of two messages, the announcement and its calendar file
        await wait_for(lambda: len(app.store.deliveries(state="sent")) == 2, timeout=15)
        assert len(dc.messages[DC_CHANNEL]) == 4
        assert not dc.deduplicated_calls
        files = [a["filename"] for m in dc.messages[DC_CHANNEL] for a in m["attachments"]]
        assert sorted(f for f in files if f.endswith(".ics")) == ["a.ics", "b.ics"]
        sent = [s.ids[0] for key in ("a", "b") for s in app.store.sent(key, "dc-news")]
        assert len(set(sent)) == 4  # no delivery recorded another one's message
    finally:
        await app.stop()


async def test_two_reminders_due_in_the_same_minute_all_arrive(
    site: Path, make_settings, tg, dc
) -> None:
    meeting = RecurringCfg(name="meeting", cron="0 19 * * *", text="Meeting at {{ time }}.")
    cleanup = RecurringCfg(name="cleanup", cron="0 19 * * *", text="Cleanup at {{ time }}.")
    settings = make_settings(dc=dc, webhook=False, reminders={"recurring": [meeting, cleanup]})
    app = await started(settings)
    try:
        now = datetime.now(app.settings.association.tz)
        yesterday = (now - timedelta(days=1)).date().isoformat()
        start = (now + timedelta(days=2)).replace(microsecond=0)
        event_post(site, "c", start, yesterday)
        event_post(site, "d", start, yesterday)
        await wait_for(lambda: len(app.store.deliveries(state="sent")) == 2, timeout=15)
        for key in ("c", "d"):
            await app.lifecycle.on_due(JobSpec(f"post:{key}:remind:1d", "remind", now, key, "1d"))
        for name in ("meeting", "cleanup"):
            await app.lifecycle.on_due(JobSpec(f"recurring:{name}", "recurring", now, name=name))
        await wait_for(lambda: len(app.store.deliveries(state="sent")) == 6, timeout=15)
        texts = [m["embeds"][0].get("description", "") for m in dc.messages[DC_CHANNEL][4:]]
        assert len(texts) == 4 and not dc.deduplicated_calls
        assert sum("Hall c" in t for t in texts) == 1 and sum("Hall d" in t for t in texts) == 1
        assert any("Meeting at" in t for t in texts) and any("Cleanup at" in t for t in texts)
        assert len(set(nonces(dc))) == len(nonces(dc)) == 8
    finally:
        await app.stop()


async def test_a_reminder_whose_answer_was_lost_is_not_doubled(
    site: Path, make_settings, dc
) -> None:
    settings = make_settings(dc=dc, webhook=False, delivery={"request_timeout": 1.0})
    app = await started(settings)
    try:
        now = datetime.now(app.settings.association.tz)
        yesterday = (now - timedelta(days=1)).date().isoformat()
        event_post(site, "e", (now + timedelta(days=2)).replace(microsecond=0), yesterday)
        await wait_for(lambda: len(app.store.deliveries(state="sent")) == 1, timeout=15)
        dc.fail_next(MESSAGES, status=200, delay=1.5)  # reaches Discord, the answer is lost
        await app.lifecycle.on_due(JobSpec("post:e:remind:1d", "remind", now, "e", "1d"))
        await wait_for(lambda: len(app.store.deliveries(state="sent")) == 2, timeout=20)
        assert len(dc.messages[DC_CHANNEL]) == 3
        assert len(dc.deduplicated_calls) == 1  # the resend carried the same nonce
    finally:
        await app.stop()


async def test_preview_shows_the_nonces_of_a_first_publication(
    site: Path, make_settings, dc
) -> None:
    settings = make_settings(dc=dc, webhook=False)
    app = await started(settings)
    try:
        path = write_post(site / "content/n/first.md", "First", "Seen before it is sent.")
        planned = preview_document(settings, path, "discord")["requests"]
        await wait_for(lambda: app.store.deliveries(state="sent"), timeout=10)
        made = [c.json["nonce"] for c in dc.calls_to(MESSAGES) if c.status == 200]
        assert made == [r["params"]["nonce"] for r in planned]
    finally:
        await app.stop()


async def test_resend_of_a_published_post_is_not_swallowed(site: Path, make_settings, dc) -> None:
    app = await started(make_settings(dc=dc, webhook=False))
    try:
        write_post(site / "content/n/again.md", "Again", "Said twice on purpose.")
        await wait_for(lambda: app.store.deliveries(state="sent"), timeout=10)
        post = app.lifecycle.posts["again"]
        await app.announcer.publish(post, kind="resend")
        await wait_for(lambda: len(app.store.deliveries(state="sent")) == 2, timeout=10)
        assert len(dc.messages[DC_CHANNEL]) == 2 and not dc.deduplicated_calls
    finally:
        await app.stop()


async def test_an_html_error_page_is_one_warning(
    site: Path, make_settings, tg, caplog: pytest.LogCaptureFixture
) -> None:
    app = await started(make_settings(tg=tg))
    try:
        caplog.clear()
        tg.fail_next("sendMessage", status=502, html=True)
        with caplog.at_level(logging.DEBUG, logger="telegram"):
            write_post(site / "content/n/gw.md", "Gateway", "Behind a flaky proxy.")
            await wait_for(
                lambda: [m for m in tg.messages_in(TG_CHAT) if "flaky" in m.text], timeout=15
            )
            await asyncio.sleep(0.1)
        assert [c.status for c in tg.calls_to("sendMessage")] == [502, 200]
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
        retries = [r for r in caplog.records if "502" in r.getMessage()]
        assert len(retries) == 1 and retries[0].levelno == logging.WARNING
        assert "Bad Gateway" in retries[0].getMessage() and "not JSON" in retries[0].getMessage()
        assert "<html>" not in caplog.text and "Traceback" not in caplog.text
    finally:
        await app.stop()


async def test_a_success_answered_with_an_html_page_is_retried_without_a_traceback(
    site: Path, make_settings, tg, caplog: pytest.LogCaptureFixture
) -> None:
    app = await started(make_settings(tg=tg))
    try:
        caplog.clear()
        tg.fail_next("sendMessage", status=200, html=True)  # sent, but the answer is a page
        write_post(site / "content/n/page.md", "Proxy", "An answer that is not JSON.")
        await wait_for(lambda: len(tg.calls_to("sendMessage")) == 2, timeout=15)
        await app.outbox.drain()
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
        assert "Traceback" not in caplog.text and "not JSON" in caplog.text
    finally:
        await app.stop()
