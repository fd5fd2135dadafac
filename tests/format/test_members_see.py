"""What members see, as the exact requests: event details, languages, per-channel choices,
forum posts, posts without a page."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.domain import Channel, Event, Post
from bot.format.details import with_versions
from bot.format.discord import render_discord
from bot.format.model import needs_sent
from bot.format.notices import notice_requests, recurring_post, reminder_post
from bot.format.profiles import profile_for, render
from bot.format.telegram import render_telegram
from tests.i18n.support import khmer_problems

from .support import DC, OPTS, TG, TOKYO, discord_visible, local_media, make_post, telegram_visible

START = datetime(2026, 12, 5, 18, 0, tzinfo=TOKYO)
END = datetime(2026, 12, 5, 21, 0, tzinfo=TOKYO)
EVENT = Event(START, END, "Shinjuku Cultural Center", "https://example.org/party")
PARTY = make_post(
    title="Year-end party", body="Food and music.", key="party", slug="party", event=EVENT,
    tags=("events",),
)  # fmt: skip
PARTY_KM = replace(PARTY, key="party@km", title="ពិធីជប់លៀងចុងឆ្នាំ", lang="km", body="អាហារ។")
PARTY_JA = replace(PARTY, key="party@ja", title="忘年会", lang="ja", body="食事と音楽。")
VERSIONS = [PARTY, PARTY_KM, PARTY_JA]


def tg(**choices: object) -> Channel:
    return replace(TG, **choices)  # type: ignore[arg-type]


def dc(**choices: object) -> Channel:
    return replace(DC, **choices)  # type: ignore[arg-type]


def caption(requests: list) -> str:  # type: ignore[type-arg]
    first = requests[0].params
    return telegram_visible(first.get("caption") or first.get("text") or "")


# --- event details in the announcement ---------------------------------------------------------


def test_telegram_event_says_when_where_and_how_to_add_it() -> None:
    requests = list(render_telegram(PARTY, local_media(1), OPTS, TG).requests)
    html = requests[0].params["caption"]
    shown = telegram_visible(html)
    assert "🗓 Sat 5 Dec 2026, 18:00–21:00 (JST)" in shown
    assert "📍 Shinjuku Cultural Center" in shown
    assert (
        "https://www.google.com/maps/search/?api=1&amp;query=Shinjuku%20Cultural%20Center" in html
    )
    assert "📅 Add to calendar" in shown
    assert "calendar.google.com/calendar/render?action=TEMPLATE" in html
    assert "dates=20261205T090000Z%2F20261205T120000Z" in html  # the event's hours, in UTC
    assert shown.index("🗓") < shown.index("Food and music.")  # first thing under the title


def test_discord_event_uses_timestamps_each_member_reads_in_their_zone() -> None:
    [request] = render_discord(PARTY, [], OPTS, DC).requests
    when, where = request.params["embeds"][0]["fields"]
    start, end = int(START.timestamp()), int(END.timestamp())
    assert when["name"] == "🗓 When"
    assert when["value"].startswith(f"<t:{start}:F> – <t:{end}:t>\n<t:{start}:R>\n")
    assert "[Add to calendar](<https://calendar.google.com/" in when["value"]
    assert where["name"] == "📍 Where"
    assert where["value"].startswith("[Shinjuku Cultural Center](<https://www.google.com/maps/")


def test_event_details_in_khmer_and_japanese() -> None:
    km = caption(list(render_telegram(PARTY_KM, [], OPTS, tg(lang="km")).requests))
    assert "🗓 សៅរ៍ ៥ ធ្នូ ២០២៦, ១៨:០០ – ២១:០០ (ម៉ោង\u200bនៅ\u200bជប៉ុន)" in km  # Khmer digits
    assert "បញ្ចូលទៅក្នុងប្រតិទិន" in km and not khmer_problems(km.split("\n")[0])
    ja = caption(list(render_telegram(PARTY_JA, [], OPTS, tg(lang="ja")).requests))
    assert "🗓 2026年12月5日(土) 18時00分～21時00分(日本時間)" in ja
    assert "カレンダーに追加" in ja and "ウェブサイトで読む" in ja
    [request] = render_discord(PARTY_JA, [], OPTS, dc(lang="ja")).requests
    assert [f["name"] for f in request.params["embeds"][0]["fields"]] == ["🗓 日時", "📍 場所"]


# --- languages ----------------------------------------------------------------------------------


def test_each_version_links_to_the_others_by_their_own_names() -> None:
    post = with_versions(PARTY_KM, VERSIONS, OPTS)
    km = caption(list(render_telegram(post, [], OPTS, tg(lang="km")).requests))
    assert "🌐 ភាសាផ្សេងទៀត: English · 日本語" in km
    html = render_telegram(post, [], OPTS, tg(lang="km")).requests[0].params["text"]
    assert '<a href="https://example.org/posts/party/">English</a>' in html
    assert '<a href="https://example.org/ja/posts/party/">日本語</a>' in html
    assert '<a href="https://example.org/km/posts/party/">អាននៅលើគេហទំព័រ</a>' in html
    en = with_versions(PARTY, VERSIONS, OPTS)
    [request] = render_discord(en, [], OPTS, DC).requests
    description = request.params["embeds"][0]["description"]
    assert "🌐 Also in: [ភាសាខ្មែរ](<https://example.org/km/posts/party/>)" in description
    assert description.endswith("[日本語](<https://example.org/ja/posts/party/>)\n\n\\#events")
    assert "Food and music." in discord_visible(description)


def test_a_post_url_with_lang_addresses_every_version() -> None:
    opts = replace(OPTS, post_url_template="{site_url}/{lang}/news/{slug}")
    [request] = render_discord(PARTY_KM, [], opts, DC).requests
    assert request.params["embeds"][0]["url"] == "https://example.org/km/news/party"
    [request] = render_discord(PARTY, [], opts, DC).requests
    assert request.params["embeds"][0]["url"] == "https://example.org/en/news/party"


# --- posts without a page -----------------------------------------------------------------------


def test_a_post_without_a_page_links_nowhere() -> None:
    post = make_post(body="A press text.", page=False)
    html = render_telegram(post, [], OPTS, TG).requests[0].params["text"]
    assert "href" not in html and "Read on the website" not in html
    [request] = render_discord(post, [], OPTS, DC).requests
    assert "url" not in request.params["embeds"][0]


def test_recurring_reminder_links_to_no_page() -> None:
    notice = recurring_post("general-meeting", "Meeting today at {{ time }}.", OPTS, START)
    for channel in (TG, DC):
        text = str(notice_requests(notice, OPTS, channel)[0].params)
        assert "/posts/recurring-general-meeting/" not in text and "http" not in text


def test_event_reminder_shows_its_link_once() -> None:
    now = datetime(2026, 12, 4, 18, 0, tzinfo=TOKYO)
    notice = reminder_post(PARTY, OPTS, now)
    html = notice_requests(notice, OPTS, TG, ["41"])[0].params["text"]
    assert telegram_visible(html).count("https://example.org/party") == 1
    assert html.count("href=") == 1 and "Read on the website" not in html
    km = reminder_post(PARTY_KM, OPTS, now, "km")
    assert "១ ថ្ងៃទៀត" in telegram_visible(notice_requests(km, OPTS, TG)[0].params["text"])


# --- per-channel choices ------------------------------------------------------------------------


def test_silent_channels_send_without_sound() -> None:
    for request in render(PARTY, local_media(3), OPTS, tg(silent=True)).requests:
        assert request.params["disable_notification"] is True
    calendar = profile_for(TG).calendar(tg(silent=True), local_media(1)[0])
    assert calendar.params["disable_notification"] is True
    for request in render_discord(PARTY, local_media(12), OPTS, dc(silent=True)).requests:
        assert request.params["flags"] == 4096
    assert "flags" not in render_discord(PARTY, [], OPTS, DC).requests[0].params


def test_telegram_buttons_go_where_a_keyboard_can_be() -> None:
    photo = render_telegram(PARTY, local_media(1), OPTS, tg(buttons=True)).requests
    keyboard = photo[0].params["reply_markup"]["inline_keyboard"]
    assert [[b["text"] for b in row] for row in keyboard] == [
        ["Read on the website", "Event page"], ["Map", "Add to calendar"]
    ]  # fmt: skip
    assert keyboard[0][0]["url"] == "https://example.org/posts/party/"
    assert keyboard[0][1]["url"] == "https://example.org/party"
    assert "Read on the website" not in caption(list(photo))  # the button says it
    album = render_telegram(PARTY, local_media(3), OPTS, tg(buttons=True)).requests
    assert album[0].method == "sendMediaGroup" and "reply_markup" not in album[0].params
    assert album[1].method == "sendMessage" and album[1].params["reply_markup"]["inline_keyboard"]
    assert telegram_visible(album[1].params["text"]) == "Year-end party"  # a message of its own
    assert not any("reply_markup" in r.params for r in album[2:])


def test_discord_link_buttons() -> None:
    first = render_discord(PARTY, [], OPTS, dc(buttons=True)).requests[0]
    [row] = first.params["components"]
    assert row["type"] == 1
    assert [(b["type"], b["style"], b["label"]) for b in row["components"]] == [
        (2, 5, "Read on the website"), (2, 5, "Event page"), (2, 5, "Map"),
        (2, 5, "Add to calendar"),
    ]  # fmt: skip
    assert all(len(b["url"]) <= 512 for b in row["components"])
    hook = Channel("hook", "discord-webhook", webhook_url_env="X", buttons=True)
    [request] = render_discord(PARTY, [], OPTS, hook).requests
    assert request.path.endswith("?wait=true&with_components=true")


def test_a_role_is_pinged_on_event_announcements_only() -> None:
    channel = dc(mention="999")
    first = render_discord(PARTY, local_media(1), OPTS, channel).requests[0]
    assert first.params["content"] == "<@&999>"
    assert first.params["allowed_mentions"] == {"parse": [], "roles": ["999"]}
    plain = render_discord(make_post(), [], OPTS, channel).requests[0]
    assert "content" not in plain.params and plain.params["allowed_mentions"] == {"parse": []}
    reminder = reminder_post(PARTY, OPTS, datetime(2026, 12, 4, 18, 0, tzinfo=TOKYO))
    answer = notice_requests(reminder, OPTS, channel, ["55"])[0]
    assert "<@&" not in answer.params.get("content", "")
    assert answer.params["allowed_mentions"] == {"parse": []}


def test_link_previews_only_where_no_photo_shows() -> None:
    text_only = render_telegram(PARTY, [], OPTS, TG).requests[0]
    assert text_only.params["link_preview_options"] == {
        "url": "https://example.org/posts/party/", "prefer_small_media": True
    }  # fmt: skip
    with_photos = render_telegram(make_post(body="x " * 900), local_media(2), OPTS, TG).requests
    assert all(r.params["link_preview_options"] == {"is_disabled": True} for r in with_photos[1:])


def test_pins_name_the_first_message() -> None:
    pin = profile_for(TG).pin(tg(pin=True))
    assert pin is not None and pin.method == "pinChatMessage"
    assert pin.params["disable_notification"] is True and needs_sent(pin) == {0}
    assert profile_for(TG).unpin(TG, "41").params == {"chat_id": "-100123", "message_id": 41}
    pin = profile_for(DC).pin(dc(pin=True))
    assert pin is not None and (pin.method, pin.path) == (
        "PUT",
        "/channels/777/messages/pins/{message:0}",
    )
    hook = Channel("hook", "discord-webhook", webhook_url_env="X", pin=True)
    assert profile_for(hook).pin(hook) is None


# --- Discord forum and announcement channels ----------------------------------------------------


def test_a_forum_post_is_a_thread_with_the_forums_matching_tags() -> None:
    forum = dc(kind="forum", forum_tags=(("11", "Events"), ("12", "News")))
    requests = render_discord(PARTY, local_media(6), OPTS, forum).requests
    thread = requests[0]
    assert (thread.method, thread.path, thread.purpose) == (
        "POST",
        "/channels/777/threads",
        "thread",
    )
    assert thread.params["name"] == "Year-end party"
    assert thread.params["applied_tags"] == ["11"]  # "events" matches "Events"
    assert thread.params["message"]["embeds"][0]["title"] == "Year-end party"
    assert [u.field for u in thread.uploads] == [f"files[{i}]" for i in range(6)]
    assert all(r.path == "/channels/{message:0}/messages" for r in requests[1:])
    stamped = profile_for(forum).stamp([*map(_step, requests)], "key")
    assert "nonce" not in stamped[0].request.params  # a thread's first message takes none
    long = render_discord(make_post(title="x" * 300), [], OPTS, forum).requests[0]
    assert len(long.params["name"]) == 100


def test_reminders_of_a_forum_post_go_into_its_thread() -> None:
    forum = dc(kind="forum")
    reminder = reminder_post(PARTY, OPTS, datetime(2026, 12, 4, 18, 0, tzinfo=TOKYO))
    [answer] = notice_requests(reminder, OPTS, forum, ["8080"])
    assert answer.path == "/channels/8080/messages" and "message_reference" not in answer.params
    recurring = recurring_post("meeting", "Meeting tonight.", OPTS, START)
    [own] = notice_requests(recurring, OPTS, forum)
    assert own.purpose == "thread" and own.params["name"] == "Meeting tonight."


def test_editing_a_forum_post_edits_its_starter_message() -> None:
    forum = dc(kind="forum")
    new = render_discord(PARTY, [], OPTS, forum).requests[0]
    sent = _Sent(0, "POST", ["9001"])
    edit = profile_for(forum).edit(forum, new, sent)
    assert (edit.method, edit.path) == ("PATCH", "/channels/9001/messages/9001")
    assert edit.params["embeds"][0]["title"] == "Year-end party"
    [delete] = profile_for(forum).delete(forum, sent)
    assert (delete.method, delete.path) == ("DELETE", "/channels/9001")


def test_crosspost_only_from_announcement_channels() -> None:
    news = dc(kind="announcement", crosspost=True)
    request = profile_for(news).crosspost(news)
    assert request is not None
    assert request.path == "/channels/777/messages/{message:0}/crosspost"
    assert profile_for(DC).crosspost(dc(crosspost=True)) is None  # a text channel has no followers


# --- the channel's template ---------------------------------------------------------------------


def test_a_channel_template_writes_the_text() -> None:
    source = "{{ summary }}\n\n{% if event %}**{{ _('When') }}:** {{ event.when }}{% endif %}"
    channel = tg(template="short.md.j2", template_source=source, lang="ja")
    rendering = render_telegram(replace(PARTY, abstract="Join us."), [], OPTS, channel)
    shown = caption(list(rendering.requests))
    assert "Join us.\n\n日時: 2026年12月5日(土) 18時00分～21時00分(日本時間)" in shown
    assert "Food and music." not in shown and rendering.notes == ()


def test_a_template_failing_on_a_post_names_its_line_and_the_post_still_goes_out() -> None:
    source = "{{ title }}\n{{ event.when }}\n"
    channel = dc(template="templates/short.md.j2", template_source=source)
    rendering = render_discord(make_post(body="Plain text."), [], OPTS, channel)
    [note] = rendering.notes
    assert note.startswith("template templates/short.md.j2 line 2: ")
    assert "Plain text." in rendering.requests[0].params["embeds"][0]["description"]


class _Sent:
    def __init__(self, step: int, method: str, ids: list[str]) -> None:
        self.step, self.method, self.ids = step, method, ids


def _step(request):  # type: ignore[no-untyped-def]
    from bot.format.model import Step

    return Step(request)


def test_notices_keep_their_language() -> None:
    notice = reminder_post(PARTY_JA, OPTS, datetime(2026, 12, 5, 16, 0, tzinfo=TOKYO), "ja")
    assert isinstance(notice, Post) and notice.lang == "ja" and not notice.page
    assert "あと2時間" in telegram_visible(
        notice_requests(notice, OPTS, tg(lang="ja"))[0].params["text"]
    )


def test_the_service_loads_babel_icalendar_and_jinja2_only_when_it_words_something() -> None:
    import subprocess
    import sys

    code = (
        "import sys, bot.app\n"
        "print(sorted(m for m in ('babel', 'icalendar', 'jinja2') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"  # idle memory: these cost several MB


# --- snapshots of the choices (UPDATE_GOLDEN=1 rewrites them) ----------------------------------


def test_golden_event_with_every_choice() -> None:
    import json
    import os
    from pathlib import Path

    golden = Path(__file__).resolve().parent / "golden"
    km = tg(lang="km", silent=True, buttons=True)
    forum = dc(lang="ja", kind="forum", forum_tags=(("1300000000000000009", "events"),),
               buttons=True, mention="1300000000000000999", silent=True)  # fmt: skip
    cases = {
        "event-km-telegram": (with_versions(PARTY_KM, VERSIONS, OPTS), km),
        "event-ja-discord-forum": (with_versions(PARTY_JA, VERSIONS, OPTS), forum),
    }
    for name, (post, channel) in cases.items():
        media = local_media(3, "party")
        actual = [r.to_json() for r in render(post, media, OPTS, channel).requests]
        path = golden / f"{name}.json"
        if os.environ.get("UPDATE_GOLDEN") == "1":
            text = json.dumps(actual, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
            path.write_text(text, encoding="utf-8")
        assert json.loads(path.read_text(encoding="utf-8")) == actual, name


def test_a_post_that_writes_the_stand_in_is_sent_as_written() -> None:
    from bot.format.model import resolve_sent

    post = make_post(body="Literally {message:0} and {message:7}.")
    for request in render(post, [], OPTS, dc(kind="forum")).requests:
        assert needs_sent(request) == set()  # a thread's first message names none
    [text] = render(post, [], OPTS, TG).requests
    assert needs_sent(text) == set()
    assert resolve_sent(text, {}) == text
