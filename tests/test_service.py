"""The running service on loopback fakes: new files, edits, restarts, first starts."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.app import App
from tests.conftest import DC_CHANNEL, TG_CHAT
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.telegram_api import FakeTelegram
from tests.helpers import wait_for, write_post


def tg_texts(tg: FakeTelegram) -> list[str]:
    return [m.text for m in tg.messages_in(TG_CHAT) if not m.deleted]


def dc_bodies(dc: FakeDiscord) -> list[str]:
    out = []
    for m in dc.messages.get(DC_CHANNEL, []):
        out.append(
            " ".join(e.get("title", "") + " " + e.get("description", "") for e in m["embeds"])
        )
    return out


async def started(settings: Any, **kwargs: Any) -> App:
    app = App(settings, with_admin=False, **kwargs)
    await app.start()
    return app


async def test_first_start_records_the_archive_silently(make_settings, tg, dc) -> None:
    app = await started(make_settings(tg=tg, dc=dc))
    try:
        assert sorted(app.summary.archived) == sorted(app.summary.new) and len(app.summary.new) == 2
        await asyncio.sleep(0.3)
        assert not tg.messages_in(TG_CHAT) and not dc.messages.get(DC_CHANNEL)
    finally:
        await app.stop()


async def test_new_file_goes_everywhere_then_edit_edits_in_place(
    site: Path, make_settings, tg, dc
) -> None:
    settings = make_settings(tg=tg, dc=dc)
    app = await started(settings)
    try:
        post = write_post(
            site / "content/news/general-assembly.md",
            "General assembly",
            "All members are invited.",
        )
        await wait_for(lambda: any("All members are invited." in t for t in tg_texts(tg)))
        await wait_for(lambda: len(dc.messages.get(DC_CHANNEL, [])) == 2)  # bot channel + webhook
        first_ids = [m.message_id for m in tg.messages_in(TG_CHAT)]

        write_post(post, "General assembly", "All members are invited. Room 201.")
        await wait_for(lambda: any("Room 201" in t for t in tg_texts(tg)))
        await wait_for(lambda: all("Room 201" in b for b in dc_bodies(dc)))
        assert [m.message_id for m in tg.messages_in(TG_CHAT)] == first_ids  # edited, not re-sent
        assert tg.messages_in(TG_CHAT)[0].edit_count == 1
        assert len(dc.messages[DC_CHANNEL]) == 2
    finally:
        await app.stop()


async def test_restart_resends_nothing(site: Path, make_settings, tg, dc) -> None:
    settings = make_settings(tg=tg, dc=dc)
    app = await started(settings)
    write_post(site / "content/news/a.md", "Picnic", "Sunday at the park.")
    await wait_for(lambda: len(dc.messages.get(DC_CHANNEL, [])) == 2 and tg_texts(tg))
    await app.stop()
    sent_before = (len(tg.calls_to("sendMessage")), len(dc.calls))

    app = await started(settings)
    try:
        assert app.summary.published == [] and app.summary.new == []
        await asyncio.sleep(0.5)
        assert len(tg.calls_to("sendMessage")) == sent_before[0]
        assert not [c for c in dc.calls[sent_before[1] :] if c.method == "POST"]
    finally:
        await app.stop()


async def test_new_post_while_down_goes_out_at_start(site: Path, make_settings, tg, dc) -> None:
    settings = make_settings(tg=tg, dc=dc)
    app = await started(settings)
    await app.stop()
    write_post(site / "content/news/while-down.md", "Written while down", "Still announced.")
    app = await started(settings)
    try:
        assert app.summary.published == ["while-down"]
        await wait_for(lambda: any("Still announced." in t for t in tg_texts(tg)))
    finally:
        await app.stop()


async def test_removed_post_cancels_nothing_sent_unless_asked(
    site: Path, make_settings, tg, dc
) -> None:
    settings = make_settings(tg=tg, dc=dc, content={"retract_removed": True})
    app = await started(settings)
    try:
        post = write_post(site / "content/news/typo.md", "Wrong post", "Posted by mistake.")
        await wait_for(lambda: tg_texts(tg) and len(dc.messages.get(DC_CHANNEL, [])) == 2)
        post.unlink()
        await wait_for(lambda: not tg_texts(tg))
        await wait_for(lambda: not dc.messages.get(DC_CHANNEL))
    finally:
        await app.stop()


async def test_renamed_file_is_not_a_new_post(site: Path, make_settings, tg, dc) -> None:
    settings = make_settings(tg=tg, dc=dc)
    app = await started(settings)
    try:
        post = write_post(
            site / "content/news/old-name.md", "Concert", "Friday night.", extra="slug: concert\n"
        )
        await wait_for(lambda: tg_texts(tg))
        post.rename(post.with_name("new-name.md"))
        await asyncio.sleep(0.6)
        assert len(tg_texts(tg)) == 1
    finally:
        await app.stop()


async def test_a_copy_made_while_down_is_a_new_post_and_the_original_stays(
    site: Path, make_settings, tg, dc
) -> None:
    settings = make_settings(tg=tg, dc=dc, webhook=False)
    app = await started(settings)
    post = write_post(site / "content/news/orig.md", "Trip", "Bus leaves at 8.")
    await wait_for(lambda: tg_texts(tg))
    await app.stop()
    post.with_name("copy.md").write_bytes(post.read_bytes())
    app = await started(settings)
    try:
        assert app.summary is not None and app.summary.renamed == []
        orig = app.store.post("orig")
        assert orig is not None and orig.state == "published" and orig.source == "news/orig.md"
    finally:
        await app.stop()


async def test_future_post_waits_for_its_time(site: Path, make_settings, tg, dc) -> None:
    settings = make_settings(tg=tg, dc=dc)
    app = await started(settings)
    try:
        soon = datetime.now(settings.association.tz).replace(microsecond=0)
        when = soon.isoformat()
        write_post(
            site / "content/news/later.md", "Later", "Not yet.", extra=f"publish_at: '{when}'\n"
        )
        await wait_for(lambda: any("Not yet." in t for t in tg_texts(tg)), timeout=15)
    finally:
        await app.stop()


async def test_edit_while_down_is_applied_at_start(site: Path, make_settings, tg, dc) -> None:
    settings = make_settings(tg=tg, dc=dc, webhook=False)
    app = await started(settings)
    post = write_post(site / "content/news/down.md", "Trip", "Bus leaves at 8.")
    await wait_for(lambda: any("Bus leaves at 8." in t for t in tg_texts(tg)))
    await app.stop()
    write_post(post, "Trip", "Bus leaves at 9.")
    app = await started(settings)
    try:
        assert app.summary is not None and app.summary.edited == ["down"]
        await wait_for(lambda: any("Bus leaves at 9." in t for t in tg_texts(tg)))
        assert len(tg_texts(tg)) == 1
    finally:
        await app.stop()


async def test_unchanged_event_keeps_its_reminders_across_restarts(
    site: Path, make_settings, tg, dc
) -> None:
    settings = make_settings(tg=tg, dc=dc, webhook=False)
    start = datetime.now(settings.association.tz).replace(microsecond=0)
    start = start.replace(hour=18, minute=0, second=0) + timedelta(days=10)
    extra = f"event:\n  start: '{start.isoformat()}'\n"
    app = await started(settings)
    write_post(site / "content/ev/gm.md", "General meeting", "Agenda.", extra=extra)
    await wait_for(lambda: len(app.scheduler.jobs()) == 3)  # 7d, 1d and 2h before
    await app.stop()
    app = await started(settings)
    try:
        ids = sorted(j.id for j in app.scheduler.jobs())
        assert [i for i in ids if i.startswith("post:gm:")] == [
            "post:gm:remind:1d",
            "post:gm:remind:2h",
            "post:gm:remind:7d",
        ]
        assert "gm" in app.lifecycle.posts and app.lifecycle.posts["gm"].event is not None
    finally:
        await app.stop()
