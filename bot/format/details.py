"""What an announcement says besides its text, platform-neutral: an event's when and where,
links to a map and a calendar, the other languages' versions, and URL buttons.

Everything is worded in the channel's language (`bot.i18n`); dates and times in the
association's zone. Links are plain https URLs, kept within Discord's 512 characters for a
button.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import quote, urlencode

from ..domain import EVENT_LENGTH, Post, Version
from ..i18n import Words, labels, words
from .layout import FormatOptions, post_url
from .model import Block, Span

URL_MAX = 512  # Discord's limit for a button's url, the tightest of all
CALENDAR_URL = "https://calendar.google.com/calendar/render"


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class EventInfo:
    """An event as an announcement shows it, in one language."""

    start: datetime
    end: datetime | None
    when: str  # local date, weekday and time with the end and the zone's name
    location: str | None
    map_url: str | None
    calendar_url: str
    url: str | None  # the event's own page


def map_url(location: str, opts: FormatOptions) -> str:
    """A map search for the place, as `[association] map_url` addresses it."""
    for size in (len(location), 200, 100, 50):
        url = opts.map_url.format(query=quote(location[:size], safe=""))
        if len(url) <= URL_MAX:
            return url
    return opts.map_url.format(query="")


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar_url(post: Post, opts: FormatOptions) -> str:
    """A link that adds the event to a Google Calendar (other calendars take the .ics file)."""
    assert post.event is not None
    event, page = post.event, post_url(post, opts)
    end = event.end or event.start + EVENT_LENGTH  # without an end: as its .ics file says
    title = post.title
    while True:
        dates = f"{_stamp(event.start)}/{_stamp(end)}"
        query = {"action": "TEMPLATE", "text": title, "dates": dates}
        if event.location:
            query["location"] = event.location[:200]
        if page or event.url:
            query["details"] = str(page or event.url)
        url = f"{CALENDAR_URL}?{urlencode(query, quote_via=quote)}"
        if len(url) <= URL_MAX or len(title) < 8:
            return url[:URL_MAX]
        title = title[: len(title) * 2 // 3].rstrip() + "…"


def event_info(post: Post, opts: FormatOptions, lang: str) -> EventInfo | None:
    """The event of `post` worded in `lang`, or None for a post that is no event."""
    event = post.event
    if event is None:
        return None
    say = words(lang)
    return EventInfo(
        start=event.start,
        end=event.end,
        when=say.when(event.start, event.end, opts.tz),
        location=event.location,
        map_url=map_url(event.location, opts) if event.location else None,
        calendar_url=calendar_url(post, opts),
        url=event.url if event.url and event.url.startswith(("https://", "http://")) else None,
    )


def with_versions(post: Post, versions: Sequence[Post], opts: FormatOptions) -> Post:
    """`post`, knowing the other languages' versions it links to (en, km, ja, then others)."""
    order = {lang: i for i, lang in enumerate(("en", "km", "ja"))}
    others = sorted(
        (v for v in versions if v.key != post.key),
        key=lambda v: (order.get(v.lang or opts.default_lang, 9), v.lang or "", v.key),
    )
    found = tuple(Version(v.lang or opts.default_lang, post_url(v, opts)) for v in others)
    return replace(post, versions=found)


def version_links(post: Post) -> list[tuple[str, str | None]]:
    """The other versions: each language's name in itself (ភាសាខ្មែរ, 日本語), and its page."""
    return [(words(v.lang).language_name(v.lang), v.url) for v in post.versions]


def versions_block(post: Post, say: Words) -> Block | None:
    """ "Also in: ភាសាខ្មែរ · 日本語", each name linking to that version's page."""
    found = version_links(post)
    if not found:
        return None
    spans = [Span(f"🌐 {say._(labels.ALSO_IN)}: ")]
    for i, (name, url) in enumerate(found):
        spans += [Span(" · ")] if i else []
        spans.append(Span(name, href=url))
    return Block("para", tuple(spans))


def buttons(
    post: Post, opts: FormatOptions, lang: str, info: EventInfo | None = None
) -> list[Link]:
    """URL buttons for a channel that wants them: the post's page, and an event's own page,
    map and calendar. `info` is the post's `event_info`, when already worded in `lang`."""
    say = words(lang)
    found: list[Link] = []
    if page := post_url(post, opts):
        found.append(Link(say._(labels.READ_ON_WEBSITE), page))
    if info is None:
        info = event_info(post, opts, lang)
    if info is not None:
        if info.url:
            found.append(Link(say._(labels.EVENT_PAGE), info.url))
        if info.map_url:
            found.append(Link(say._(labels.MAP), info.map_url))
        found.append(Link(say._(labels.ADD_TO_CALENDAR), info.calendar_url))
    return [b for b in found if len(b.url) <= URL_MAX]
