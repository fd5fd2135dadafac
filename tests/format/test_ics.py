"""Calendar files, checked by parsing them back with icalendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bot.domain import Event, Post
from bot.format.ics import event_ics, first_paragraph

TOKYO = ZoneInfo("Asia/Tokyo")
PARIS = ZoneInfo("Europe/Paris")
PRODID = "-//Student Association//Announcement Bot//EN"
NOW = datetime(2026, 11, 23, 22, 0, tzinfo=TOKYO)
START = datetime(2026, 12, 5, 18, 0, tzinfo=TOKYO)
KHMER = "ពិធីជប់លៀងចុងឆ្នាំរបស់សមាគមនិស្សិតកម្ពុជា"
JAPANESE = "カンボジア留学生協会の忘年会へようこそ。皆さんのご参加をお待ちしています。"


def make_post(
    *,
    key: str = "party",
    title: str = "Year-end party",
    body: str = "# Party\n\n![poster](poster.png)\n\nJoin us for food\nand music.\n\nMore later.",
    abstract: str | None = None,
    end: datetime | None = None,
    start: datetime = START,
) -> Post:
    event = Event(start=start, end=end, location="Room 101", url="https://example.org/register")
    return Post(
        key=key, source=f"{key}.md", title=title, date=NOW, body=body, abstract=abstract,
        event=event,
    )  # fmt: skip


def parse(data: bytes) -> tuple[Calendar, Any]:
    calendar = Calendar.from_ical(data)
    events = [c for c in calendar.walk() if c.name == "VEVENT"]
    assert len(events) == 1
    return calendar, events[0]


def test_event_round_trip() -> None:
    data = event_ics(make_post(), tz=TOKYO, url="https://site/p/party/", prodid=PRODID, now=NOW)
    calendar, vevent = parse(data)
    assert str(calendar["prodid"]) == PRODID and str(calendar["version"]) == "2.0"
    assert vevent.decoded("dtstart") == START
    assert vevent.decoded("dtstart").utcoffset() == timedelta(hours=9)
    assert vevent.decoded("dtend") == START + timedelta(hours=2)
    assert vevent.decoded("dtstamp") == NOW.astimezone(UTC)
    assert str(vevent["summary"]) == "Year-end party"
    assert str(vevent["location"]) == "Room 101"
    assert str(vevent["url"]) == "https://site/p/party/"
    assert str(vevent["description"]) == "Join us for food and music."
    assert b"DTSTART;TZID=Asia/Tokyo:20261205T180000" in data
    assert any(c.name == "VTIMEZONE" and str(c["tzid"]) == "Asia/Tokyo" for c in calendar.walk())


def test_uid_is_stable_per_post() -> None:
    def uid(post: Post, now: datetime = NOW) -> str:
        return str(parse(event_ics(post, tz=TOKYO, url=None, prodid=PRODID, now=now))[1]["uid"])

    moved = make_post(start=START + timedelta(days=3))
    assert uid(make_post()) == uid(moved, NOW + timedelta(days=1))
    assert uid(make_post()) != uid(make_post(key="other"))


def test_end_abstract_and_event_link() -> None:
    end = START + timedelta(hours=4)
    post = make_post(end=end, abstract="Food, music and friends.")
    _, vevent = parse(event_ics(post, tz=TOKYO, url=None, prodid=PRODID, now=NOW))
    assert vevent.decoded("dtend") == end
    assert str(vevent["description"]) == "Food, music and friends."
    assert str(vevent["url"]) == "https://example.org/register"


def test_zone_with_dst_gets_its_rules() -> None:
    start = datetime(2026, 7, 14, 21, 0, tzinfo=PARIS)
    calendar, vevent = parse(
        event_ics(make_post(start=start), tz=PARIS, url=None, prodid=PRODID, now=NOW)
    )
    assert vevent.decoded("dtstart") == start
    assert vevent.decoded("dtstart").utcoffset() == timedelta(hours=2)
    zone = next(c for c in calendar.walk() if c.name == "VTIMEZONE")
    assert {c.name for c in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}


def test_multilingual_text_survives_folding() -> None:
    title = f"{KHMER} {JAPANESE}"
    post = make_post(title=title, body=f"{JAPANESE}\n{KHMER}\n\n{KHMER}")
    data = event_ics(post, tz=TOKYO, url=None, prodid=PRODID, now=NOW)
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    _, vevent = parse(data)
    assert str(vevent["summary"]) == title
    assert str(vevent["description"]) == f"{JAPANESE} {KHMER}"


def test_first_paragraph() -> None:
    assert first_paragraph("## Title\n\n![x](a.png)\n\n---\n\nHello\nworld\n\nBye") == "Hello world"
    assert first_paragraph("") is None


def test_post_without_event_is_refused() -> None:
    post = Post(key="k", source="k.md", title="t", date=NOW, body="")
    with pytest.raises(ValueError, match="no event"):
        event_ics(post, tz=TOKYO, url=None, prodid=PRODID, now=NOW)
