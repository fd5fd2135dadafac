"""What members see, on the running service against the fakes: versions in each channel's
language with their reminders, silent posts, pins taken down when the event ends, buttons,
mentions, forum threads and crossposts, and the admins told about press texts."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.app import App
from bot.config import ChannelCfg
from bot.schedule.plan import JobSpec, unpin_id
from bot.schedule.scheduler import stored_jobs
from tests.conftest import DC_CHANNEL, TG_CHAT
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.telegram_api import FakeTelegram
from tests.helpers import wait_for, write_post

KM_CHAT = "-1009876543210"
ROLE = "1300000000000000999"
START = datetime.now().astimezone().replace(microsecond=0) + timedelta(days=3)


def event(start: datetime, extra: str = "") -> str:
    end = start + timedelta(hours=3)
    return (
        f"event:\n  start: '{start.isoformat()}'\n  end: '{end.isoformat()}'\n"
        "  location: 'Shinjuku Cultural Center'\n  url: 'https://example.org/party'\n" + extra
    )


def yesterday(app: App) -> str:
    return (app.clock() - timedelta(days=1)).date().isoformat()


async def started(settings: Any) -> App:
    app = App(settings, with_admin=False)
    await app.start()
    return app


def texts(tg: FakeTelegram, chat: str) -> list[str]:
    return [m.text for m in tg.messages_in(chat)]


async def test_each_channel_gets_its_language_and_its_reminders_in_it(
    site: Path, make_settings: Any, tg: FakeTelegram, dc: FakeDiscord
) -> None:
    channels = [
        ChannelCfg(name="tg-en", platform="telegram", chat_id=TG_CHAT),
        ChannelCfg(name="tg-km", platform="telegram", chat_id=KM_CHAT, lang="km"),
        ChannelCfg(name="dc-ja", platform="discord", channel_id=str(DC_CHANNEL), lang="ja"),
    ]
    app = await started(make_settings(tg=tg, dc=dc, channels=channels))
    try:
        day, start = yesterday(app), START.astimezone(app.settings.association.tz)
        for name, title, lang, body in (
            ("party.md", "Year-end party", "", "Food and music."),
            ("party.km.md", "ពិធីជប់លៀងចុងឆ្នាំ", "lang: km\n", "អាហារ និងតន្ត្រី។"),
            ("party.ja.md", "忘年会", "lang: ja\n", "食事と音楽。"),
        ):
            write_post(site / "content/ev" / name, title, body, date=day,
                       extra=f"slug: party\n{lang}{event(start)}")  # fmt: skip
            await wait_for(lambda b=body: any(b in str(m) for m in _everything(tg, dc)))
            await app.outbox.drain()
        km_text = "ភាសាផ្សេងទៀត: English · 日本語"
        await wait_for(lambda: any(km_text in t for t in texts(tg, KM_CHAT)))
        await wait_for(lambda: any("Also in: ភាសាខ្មែរ · 日本語" in t for t in texts(tg, TG_CHAT)))
        await app.outbox.drain()
        en, km = texts(tg, TG_CHAT), [t for t in texts(tg, KM_CHAT) if t]
        assert any("Food and music." in t for t in en) and not any("食事" in t for t in en)
        # the Khmer channel first got the English version; it was edited into the Khmer one
        [km_post] = km
        assert "អាហារ និងតន្ត្រី។" in km_post and "Food" not in km_post and km_text in km_post
        assert tg.calls_to("editMessageText") and len(tg.messages_in(KM_CHAT)) == 2  # and .ics
        ja = next(m for m in dc.messages[DC_CHANNEL] if m["embeds"])
        assert ja["embeds"][0]["title"] == "忘年会" and ja["edited_timestamp"]
        assert ja["embeds"][0]["url"] == "https://example.org/ja/posts/party/"

        for key in ("party", "party@km", "party@ja"):
            await app.lifecycle.remind(key, "1d")
        await app.outbox.drain()
        await wait_for(lambda: any(m.text.startswith("⏰") for m in tg.messages_in(KM_CHAT)))
        [km_reminder] = [m for m in tg.messages_in(KM_CHAT) if m.text.startswith("⏰")]
        assert "ថ្ងៃទៀត" in km_reminder.text and "ពិធីជប់លៀងចុងឆ្នាំ" in km_reminder.text
        assert km_reminder.reply_to == tg.messages_in(KM_CHAT)[0].message_id
        [en_reminder] = [m for m in tg.messages_in(TG_CHAT) if m.text.startswith("⏰")]
        assert "in 3 days" in en_reminder.text
        ja_reminder = dc.messages[DC_CHANNEL][-1]
        said = ja_reminder["embeds"][0]["description"]
        assert "あと3日" in said and "忘年会" in said and "日本時間" in said
        assert ja_reminder["message_reference"]["message_id"] == ja["id"]
    finally:
        await app.stop()


async def test_a_version_removed_after_a_restart_leaves_the_others_links(
    site: Path, make_settings: Any, tg: FakeTelegram
) -> None:
    settings = make_settings(tg=tg, webhook=False)
    app = await started(settings)
    day = yesterday(app)
    write_post(site / "content/ev/party.md", "Year-end party", "Food and music.", date=day,
               extra="slug: party\n")  # fmt: skip
    km = write_post(site / "content/ev/party.km.md", "ពិធីជប់លៀងចុងឆ្នាំ", "អាហារ។", date=day,
                    extra="slug: party\nlang: km\n")  # fmt: skip
    await wait_for(lambda: any("Also in: ភាសាខ្មែរ" in t for t in texts(tg, TG_CHAT)))
    await app.outbox.drain()
    await app.stop()
    app = await started(settings)  # both versions are in the index unparsed
    try:
        km.unlink()
        await wait_for(lambda: app.store.post("party@km").state == "removed")  # type: ignore[union-attr]
        await wait_for(lambda: not any("Also in" in t for t in texts(tg, TG_CHAT)))
        assert "party@km" not in app.lifecycle.posts
    finally:
        await app.stop()


def _everything(tg: FakeTelegram, dc: FakeDiscord) -> list[Any]:
    return [m.text for m in tg.sent] + [m for ms in dc.messages.values() for m in ms]


async def test_telegram_silent_pinned_buttons_and_the_pin_comes_down_when_it_ends(
    site: Path, make_settings: Any, tg: FakeTelegram
) -> None:
    channel = ChannelCfg(name="tg-news", platform="telegram", chat_id=TG_CHAT, silent=True,
                         pin=True, buttons=True)  # fmt: skip
    app = await started(make_settings(tg=tg, channels=[channel]))
    try:
        start = START.astimezone(app.settings.association.tz)
        write_post(site / "content/ev/party.md", "Year-end party", "Food and music.",
                   date=yesterday(app), extra=event(start))  # fmt: skip
        await wait_for(lambda: tg.calls_to("pinChatMessage"))
        sends = [c for c in tg.calls if c.method.startswith("send")]
        assert sends and all(c.params.get("disable_notification") is True for c in sends)
        first = tg.messages_in(TG_CHAT)[0]
        keyboard = first.reply_markup["inline_keyboard"]  # type: ignore[index]
        assert keyboard[0][0] == {"text": "Read on the website",
                                  "url": "https://example.org/posts/party/"}  # fmt: skip
        assert keyboard[0][1]["url"] == "https://example.org/party"
        [pin] = tg.calls_to("pinChatMessage")
        assert pin.params["message_id"] == first.message_id
        assert pin.params["disable_notification"] is True
        assert tg.pinned_in(TG_CHAT) == [first.message_id]

        jobs = {j.id: j for j in app.scheduler.jobs()}
        ends = jobs[unpin_id("party")]
        assert ends.run_at == start + timedelta(hours=3)
        await app.stop()  # the job outlives the process: a start after the end runs it at once
        kept = {j.id: j for j in stored_jobs(app.settings.database_url, start.tzinfo)}
        assert kept[unpin_id("party")].run_at == ends.run_at
        app = await started(app.settings)
        await app.lifecycle.on_due(ends)
        await wait_for(lambda: tg.calls_to("unpinChatMessage"))
        [unpin] = tg.calls_to("unpinChatMessage")
        assert unpin.params["message_id"] == first.message_id and tg.pinned_in(TG_CHAT) == []
    finally:
        await app.stop()


async def test_discord_pinned_mention_buttons_silent(
    site: Path, make_settings: Any, dc: FakeDiscord
) -> None:
    channel = ChannelCfg(name="dc-news", platform="discord", channel_id=str(DC_CHANNEL),
                         silent=True, pin=True, buttons=True, mention=ROLE)  # fmt: skip
    app = await started(make_settings(dc=dc, channels=[channel]))
    try:
        start = START.astimezone(app.settings.association.tz)
        write_post(site / "content/ev/party.md", "Year-end party", "Food and music.",
                   date=yesterday(app), extra=event(start))  # fmt: skip
        write_post(site / "content/news/plain.md", "Plain news", "No event here.",
                   date=yesterday(app))  # fmt: skip
        await wait_for(lambda: dc.pins.get(DC_CHANNEL))
        await wait_for(lambda: any("No event" in str(m) for m in dc.messages[DC_CHANNEL]))
        await app.outbox.drain()
        creates = [c for c in dc.calls if c.route == "POST /channels/{channel_id}/messages"]
        assert creates and all(c.json["flags"] == 4096 for c in creates)
        party = next(m for m in dc.messages[DC_CHANNEL] if m.get("embeds")
                     and m["embeds"][0].get("title") == "Year-end party")  # fmt: skip
        assert party["content"] == f"<@&{ROLE}>" and party["mention_roles"] == [ROLE]
        assert party["flags"] & 4096
        [row] = party["components"]
        assert [b["label"] for b in row["components"]] == [
            "Read on the website", "Event page", "Map", "Add to calendar"]  # fmt: skip
        assert all(b["style"] == 5 for b in row["components"])
        plain = next(m for m in dc.messages[DC_CHANNEL] if "No event" in str(m.get("embeds")))
        assert plain["mention_roles"] == [] and plain["content"] == ""  # no ping but for events
        pinned = dc.calls_to("PUT /channels/{channel_id}/messages/pins/{message_id}")
        assert {c.params["message_id"] for c in pinned} == {party["id"], plain["id"]}

        await app.lifecycle.on_due(JobSpec(unpin_id("party"), "unpin", start, "party"))
        await wait_for(lambda: dc.calls_to("DELETE /channels/{channel_id}/messages/pins/{}"))
        assert dc.pins[DC_CHANNEL] == [int(plain["id"])]
    finally:
        await app.stop()


async def test_a_forum_post_opens_a_thread_its_reminders_and_edits_follow(
    site: Path, make_settings: Any, dc: FakeDiscord
) -> None:
    forum = dc.add_forum(tags=("events", "news"))
    channel = ChannelCfg(name="dc-forum", platform="discord", channel_id=str(forum))
    app = await started(make_settings(dc=dc, channels=[channel]))
    try:
        assert app.channels["dc-forum"].kind == "forum"  # learned from GET /channels/{id}
        start = START.astimezone(app.settings.association.tz)
        path = write_post(
            site / "content/ev/party.md",
            "Year-end party",
            "Food and music.",
            date=yesterday(app),
            extra=f"tags: [events, tokyo]\n{event(start)}",
        )
        await wait_for(lambda: dc.threads)
        await app.outbox.drain()
        [thread] = dc.threads
        assert thread["name"] == "Year-end party" and thread["parent_id"] == str(forum)
        assert thread["applied_tags"] == [dc.forum_tag_id(forum, "events")]
        starter, calendar = dc.thread_messages(thread["id"])
        assert starter["id"] == thread["id"] and starter["embeds"][0]["title"] == "Year-end party"
        assert calendar["attachments"][0]["filename"].endswith(".ics")

        await app.lifecycle.remind("party", "1d")
        await app.outbox.drain()
        reminder = dc.thread_messages(thread["id"])[-1]
        assert "Year-end party" in reminder["embeds"][0]["description"]
        assert not dc.messages.get(forum)  # nothing outside the post's thread

        write_post(path, "Year-end party", "Food, music and games.", date=yesterday(app),
                   extra=f"tags: [events, tokyo]\n{event(start)}")  # fmt: skip
        await wait_for(lambda: "games" in str(dc.message(thread["id"])["embeds"]))
        edits = dc.calls_to("PATCH /channels/{channel_id}/messages/{message_id}")
        assert edits and edits[0].path == f"/channels/{thread['id']}/messages/{thread['id']}"
        assert len(dc.threads) == 1
    finally:
        await app.stop()


async def test_asking_what_many_channels_are_stays_under_discords_global_limit(
    make_settings: Any, dc: FakeDiscord
) -> None:
    ids = [dc.add_channel(channel_type=5 if i % 2 else 0) for i in range(80)]
    channels = [ChannelCfg(name=f"dc-{i}", platform="discord", channel_id=str(channel_id))
                for i, channel_id in enumerate(ids)]  # fmt: skip
    app = await started(make_settings(dc=dc, channels=channels))
    try:
        asked = dc.calls_to("GET /channels/{channel_id}")
        assert len(asked) >= 80 and {c.status for c in asked} == {200}  # never a 429
        kinds = {app.channels[f"dc-{i}"].kind for i in range(80)}
        assert kinds == {"text", "announcement"}
    finally:
        await app.stop()


async def test_announcement_channels_crosspost_each_post_without_holding_the_channel_up(
    site: Path, make_settings: Any, dc: FakeDiscord
) -> None:
    dc.crosspost_rate = (1, 3600.0)  # the fake's limit is tighter than the bot's pacing
    news = dc.add_channel(channel_type=5)
    channel = ChannelCfg(name="dc-news", platform="discord", channel_id=str(news),
                         crosspost=True)  # fmt: skip
    app = await started(make_settings(dc=dc, channels=[channel]))
    try:
        for name in ("one", "two"):
            write_post(site / f"content/news/{name}.md", f"News {name}", f"Text {name}.",
                       date=yesterday(app))  # fmt: skip
        await wait_for(lambda: len(dc.messages.get(news, [])) == 2)
        await wait_for(lambda: len(dc.calls_to("POST /channels/{}/messages/{}/crosspost")) == 2)
        first, second = dc.messages[news]
        assert first["flags"] & 1  # CROSSPOSTED
        refused = dc.calls_to("POST /channels/{}/messages/{}/crosspost")[1]
        assert refused.status == 429 and refused.path.endswith(f"/{second['id']}/crosspost")
        lane = [d for d in app.store.deliveries() if d.kind == "crosspost"]
        assert {d.state for d in lane} == {"sent", "pending"}  # the second waits, not dropped
        [waiting] = [d for d in lane if d.state == "pending"]
        assert waiting.attempts == 0 and waiting.next_attempt_at > app.clock() + timedelta(
            minutes=50)  # fmt: skip
        write_post(site / "content/news/three.md", "News three", "Text three.",
                   date=yesterday(app))  # fmt: skip
        await wait_for(lambda: len(dc.messages.get(news, [])) == 3)  # the channel goes on
    finally:
        await app.stop()


async def test_a_press_text_warning_reaches_the_admin_chat(
    site: Path, make_settings: Any, tg: FakeTelegram
) -> None:
    app = await started(make_settings(tg=tg, telegram={"admin_chat": "4242"}))
    try:
        (site / "content/press/new.md").write_text(
            "“Japan and Cambodia sign a new agreement”\n\nPhnom Penh, 1 November 2023\n\nText.\n",
            encoding="utf-8",
        )
        await wait_for(lambda: any("no frontmatter" in t for t in texts(tg, "4242")))
        [report] = [t for t in texts(tg, "4242") if "no frontmatter" in t]
        assert "press/new.md" in report and "quoted headline" in report
        news = next(t for t in texts(tg, TG_CHAT) if "sign a new agreement" in t)
        assert "Read on the website" not in news  # a press text has no page to link to
    finally:
        await app.stop()
