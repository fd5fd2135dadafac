"""Event posts on the running service: announcement with a calendar file, reminders as replies."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from bot.app import App
from tests.conftest import DC_CHANNEL, TG_CHAT
from tests.helpers import queue_rows, wait_for, write_post


def event_extra(start: datetime, reminders: str = "") -> str:
    extra = f"event:\n  start: '{start.isoformat()}'\n  location: 'Shinjuku Cultural Center'\n"
    return extra + (f"  reminders: [{reminders}]\n" if reminders else "")


async def test_reminder_replies_to_the_announcement(site: Path, make_settings, tg, dc) -> None:
    settings = make_settings(tg=tg, dc=dc, webhook=False)
    app = App(settings, with_admin=False)
    await app.start()
    try:
        now = datetime.now(settings.association.tz)
        start = (now + timedelta(hours=2, seconds=2)).replace(microsecond=0)
        yesterday = (now - timedelta(days=1)).date().isoformat()
        write_post(
            site / "content/ev/party.md",
            "Year-end party",
            "Food and music.",
            date=yesterday,
            extra=event_extra(start, "2h"),
        )
        await wait_for(
            lambda: any(m.kind == "document" for m in tg.messages_in(TG_CHAT)), timeout=10
        )
        announcement = next(m for m in tg.messages_in(TG_CHAT) if "Food and music." in m.text)
        ics = next(m for m in tg.messages_in(TG_CHAT) if m.kind == "document")
        assert ics.file_name and ics.file_name.endswith(".ics")

        assert "Shinjuku Cultural Center" in announcement.text  # where, in the announcement
        await wait_for(
            lambda: any(
                "Shinjuku" in m.text and m is not announcement for m in tg.messages_in(TG_CHAT)
            ),
            timeout=15,
        )
        reminder = next(
            m for m in tg.messages_in(TG_CHAT) if "Shinjuku" in m.text and m is not announcement
        )
        assert reminder.reply_to == announcement.message_id
        assert "in 2 hours" in reminder.text
        await wait_for(lambda: len(dc.messages.get(DC_CHANNEL, [])) >= 3, timeout=10)
        dc_reminder = dc.messages[DC_CHANNEL][-1]
        assert dc_reminder["message_reference"]["message_id"] == str(
            dc.messages[DC_CHANNEL][0]["id"]
        )
    finally:
        await app.stop()


async def test_queue_lists_the_reminders_of_a_new_event(site: Path, make_settings) -> None:
    settings = make_settings()
    now = datetime.now(settings.association.tz)
    start = (now + timedelta(days=10)).replace(hour=18, minute=0, second=0, microsecond=0)
    write_post(
        site / "content/ev/meeting.md",
        "General meeting",
        "Agenda inside.",
        date=(now - timedelta(days=1)).date().isoformat(),
        extra=event_extra(start),
    )
    rows = queue_rows(settings, now=now)
    reminders = [r for r in rows if r[1].startswith("post:meeting:remind:")]
    assert [r[1].rsplit(":", 1)[1] for r in reminders] == ["7d", "1d", "2h"]
    assert all("General meeting" in r[2] for r in reminders)
    assert reminders[-1][0].startswith((start - timedelta(hours=2)).strftime("%a %Y-%m-%d 16:00"))


async def test_discord_guild_event_follows_the_post(site: Path, make_settings, tg, dc) -> None:
    from tests.fakes.discord_api import DEFAULT_GUILD_ID

    guild = str(DEFAULT_GUILD_ID)
    settings = make_settings(
        dc=dc, webhook=False, discord={"scheduled_events": True, "guild_ids": [guild]}
    )
    app = App(settings, with_admin=False)
    await app.start()
    try:
        now = datetime.now(settings.association.tz)
        start = (now + timedelta(days=3)).replace(hour=18, minute=0, second=0, microsecond=0)
        path = write_post(
            site / "content/ev/fest.md",
            "Khmer New Year festival",
            "Dance and food.",
            date=(now - timedelta(days=1)).date().isoformat(),
            extra=event_extra(start),
        )
        await wait_for(lambda: dc.scheduled_events.get(DEFAULT_GUILD_ID), timeout=10)
        [event] = dc.scheduled_events[DEFAULT_GUILD_ID]
        assert event["name"] == "Khmer New Year festival"
        assert event["entity_metadata"]["location"] == "Shinjuku Cultural Center"
        assert datetime.fromisoformat(event["scheduled_start_time"]) == start

        moved = start + timedelta(days=1)
        write_post(
            path,
            "Khmer New Year festival",
            "Dance and food.",
            date=(now - timedelta(days=1)).date().isoformat(),
            extra=event_extra(moved),
        )
        await wait_for(
            lambda: datetime.fromisoformat(
                dc.scheduled_events[DEFAULT_GUILD_ID][0]["scheduled_start_time"]
            )
            == moved,
            timeout=10,
        )
        assert len(dc.scheduled_events[DEFAULT_GUILD_ID]) == 1
        path.unlink()
        await wait_for(lambda: not dc.scheduled_events.get(DEFAULT_GUILD_ID), timeout=10)
    finally:
        await app.stop()


async def test_recurring_reminder_goes_to_its_channels(make_settings, tg, dc) -> None:
    from bot.config import RecurringCfg
    from bot.schedule.plan import JobSpec

    meeting = RecurringCfg(
        name="general-meeting",
        cron="0 19 1 * *",
        text="The monthly general meeting is today at {{ time }}.",
        channels=["tg-news"],
    )
    settings = make_settings(tg=tg, dc=dc, webhook=False, reminders={"recurring": [meeting]})
    app = App(settings, with_admin=False)
    await app.start()
    try:
        assert [j.id for j in app.scheduler.jobs()] == ["recurring:general-meeting"]
        now = datetime.now(settings.association.tz)
        await app.lifecycle.on_due(
            JobSpec("recurring:general-meeting", "recurring", now, name="general-meeting")
        )
        await wait_for(
            lambda: any("general meeting is today" in m.text for m in tg.messages_in(TG_CHAT))
        )
        assert not dc.messages.get(DC_CHANNEL)
    finally:
        await app.stop()
