"""Reminder and recurring texts rendered from templates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from jinja2.exceptions import SecurityError, UndefinedError

from bot.domain import Event, Post
from bot.schedule.reminders import countdown, format_when, recurring_markdown, reminder_markdown

TOKYO = ZoneInfo("Asia/Tokyo")
PARIS = ZoneInfo("Europe/Paris")
START = datetime(2026, 12, 5, 18, 0, tzinfo=TOKYO)  # a Saturday


def make_post(
    *,
    title: str = "Year-end party",
    location: str | None = "Room 101",
    url: str | None = "https://example.org/party",
    end: datetime | None = None,
    start: datetime = START,
) -> Post:
    return Post(
        key="party",
        source="party.md",
        title=title,
        date=datetime(2026, 11, 1, 9, 0, tzinfo=TOKYO),
        body="Come!",
        event=Event(start=start, end=end, location=location, url=url),
    )


def test_default_reminder() -> None:
    text = reminder_markdown(
        make_post(), now=START - timedelta(days=1), tz=TOKYO, post_url="https://site/p/party/"
    )
    assert text == (
        "⏰ **Year-end party**\n"
        "🗓 Sat 5 Dec 2026, 18:00 (JST) — in 1 day\n"
        "📍 Room 101\n"
        "🔗 <https://example.org/party>"
    )


def test_link_falls_back_to_the_post_and_lines_are_left_out() -> None:
    post = make_post(location=None, url=None)
    text = reminder_markdown(post, now=START - timedelta(hours=2), tz=TOKYO, post_url="https://s/p")
    assert text.splitlines() == [
        "⏰ **Year-end party**",
        "🗓 Sat 5 Dec 2026, 18:00 (JST) — in 2 hours",
        "🔗 <https://s/p>",
    ]
    bare = reminder_markdown(post, now=START - timedelta(days=7), tz=TOKYO, post_url=None)
    assert bare.splitlines()[-1] == "🗓 Sat 5 Dec 2026, 18:00 (JST) — in 7 days"


def test_times_are_shown_in_the_association_zone() -> None:
    utc_start = START.astimezone(UTC)
    text = reminder_markdown(
        make_post(start=utc_start), now=utc_start - timedelta(hours=2), tz=TOKYO, post_url=None
    )
    assert "Sat 5 Dec 2026, 18:00 (JST)" in text


@pytest.mark.parametrize(
    ("left", "expected"),
    [
        (timedelta(days=7), "in 7 days"),
        (timedelta(days=1), "in 1 day"),
        (timedelta(hours=2), "in 2 hours"),
        (timedelta(hours=1), "in 1 hour"),
        (timedelta(minutes=30), "in 30 minutes"),
        (timedelta(minutes=1), "in 1 minute"),
        (timedelta(seconds=20), "starting now"),
        (timedelta(hours=20), "in 20 hours"),
        (timedelta(days=1, hours=20), "in 2 days"),
        (timedelta(0), "already started"),
    ],
)
def test_countdown(left: timedelta, expected: str) -> None:
    assert countdown(START, START - left, TOKYO) == expected


def test_countdown_counts_calendar_days_across_dst() -> None:
    start = datetime(2026, 3, 29, 19, 0, tzinfo=PARIS)
    day_before = datetime(2026, 3, 28, 19, 0, tzinfo=PARIS)  # 23 real hours earlier
    assert countdown(start, day_before, PARIS) == "in 1 day"
    two_hours = (start.astimezone(UTC) - timedelta(hours=2)).astimezone(PARIS)
    assert countdown(start, two_hours, PARIS) == "in 2 hours"


def test_when_with_an_end() -> None:
    same_day = START + timedelta(hours=2)
    assert format_when(START, same_day, TOKYO) == "Sat 5 Dec 2026, 18:00–20:00 (JST)"
    next_day = START + timedelta(hours=8)
    assert (
        format_when(START, next_day, TOKYO) == "Sat 5 Dec 2026, 18:00 – Sun 6 Dec 2026, 02:00 (JST)"
    )
    summer = datetime(2026, 7, 14, 21, 0, tzinfo=PARIS)
    assert format_when(summer, None, PARIS) == "Tue 14 Jul 2026, 21:00 (CEST)"


def test_user_text_cannot_change_the_template() -> None:
    title = "{{ 7*7 }} {% if true %}x{% endif %} **bold** <b>"
    location = "{% endif %}{{ secret }}"
    post = make_post(title=title, location=location)
    text = reminder_markdown(post, now=START - timedelta(days=1), tz=TOKYO, post_url=None)
    assert f"**{title}**" in text
    assert f"📍 {location}" in text
    assert "49" not in text


def test_multilingual_text_is_kept() -> None:
    post = make_post(title="ពិធីជប់លៀងចុងឆ្នាំ 忘年会", location="東京・本郷キャンパス")
    text = reminder_markdown(post, now=START - timedelta(days=1), tz=TOKYO, post_url=None)
    assert "**ពិធីជប់លៀងចុងឆ្នាំ 忘年会**" in text
    assert "📍 東京・本郷キャンパス" in text


def test_custom_template() -> None:
    template = (
        "{{ title }}: {{ date }} {{ time }} ({{ timezone }}), {{ countdown }}"
        "{% if location %} @ {{ location }}{% endif %}"
    )
    text = reminder_markdown(
        make_post(), now=START - timedelta(hours=2), tz=TOKYO, post_url=None, template=template
    )
    assert text == "Year-end party: Sat 5 Dec 2026 18:00 (JST), in 2 hours @ Room 101"


def test_template_mistakes_and_unsafe_access_raise() -> None:
    now = START - timedelta(days=1)
    with pytest.raises(UndefinedError):
        reminder_markdown(make_post(), now=now, tz=TOKYO, post_url=None, template="{{ titel }}")
    with pytest.raises(SecurityError):
        reminder_markdown(
            make_post(), now=now, tz=TOKYO, post_url=None, template="{{ title.__class__.__mro__ }}"
        )


def test_reminder_needs_an_event() -> None:
    post = Post(key="k", source="k.md", title="t", date=START, body="")
    with pytest.raises(ValueError, match="needs an event"):
        reminder_markdown(post, now=START, tz=TOKYO, post_url=None)


def test_recurring_text() -> None:
    now = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # 19:00 in Tokyo
    text = recurring_markdown(
        "**General meeting** today, {{ date }} at {{ time }} ({{ timezone }}). 総会へようこそ!",
        now=now,
        tz=TOKYO,
    )
    assert text == "**General meeting** today, Tue 1 Dec 2026 at 19:00 (JST). 総会へようこそ!"
