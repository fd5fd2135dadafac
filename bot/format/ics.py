"""An iCalendar (.ics) file for an event post, so members can add it to their calendar."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from bot.domain import EVENT_LENGTH, Post
from bot.format.markdown import first_paragraph  # and still importable from here


def event_uid(post: Post, prodid: str) -> str:
    """Stable across edits, moves and restarts, and shared by the post's versions in other
    languages (one event in a calendar): derived from the post's slug and the producer."""
    return f"{uuid.uuid5(uuid.NAMESPACE_URL, f'{prodid}/{post.shared_slug}')}@announce-bot"


def event_ics(post: Post, *, tz: ZoneInfo, url: str | None, prodid: str, now: datetime) -> bytes:
    """A VCALENDAR with one VEVENT for the post's event, as UTF-8 bytes.

    Times are given in the association's zone (with its VTIMEZONE); an event without an end
    lasts two hours; ``url`` (else the event's own link) becomes the URL property.
    """
    event = post.event
    if event is None:
        raise ValueError(f"{post.source}: no event to export")
    start = event.start.astimezone(tz)
    end = event.end.astimezone(tz) if event.end else None
    if end is None or end.timestamp() <= start.timestamp():
        end = (start.astimezone(UTC) + EVENT_LENGTH).astimezone(tz)

    calendar = Calendar()
    calendar.add("prodid", prodid)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")

    vevent = Event()
    vevent.add("uid", event_uid(post, prodid))
    vevent.add("dtstamp", now.astimezone(UTC))
    vevent.add("dtstart", start)
    vevent.add("dtend", end)
    vevent.add("summary", post.title)
    if event.location:
        vevent.add("location", event.location)
    link = url or event.url
    if link:
        vevent.add("url", link)
    description = post.abstract or first_paragraph(post.body)
    if description:
        vevent.add("description", description)
    calendar.add_component(vevent)
    calendar.add_missing_timezones()
    return calendar.to_ical()
