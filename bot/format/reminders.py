"""Reminder texts: Markdown built from Jinja2 templates.

A template (the default below, or one from the configuration) is the only thing compiled. Text
from posts — titles, places, links — is handed to it as values and never compiled, so it cannot
change the template. Nothing is escaped here: the Markdown renderer escapes for each platform.

Dates, times and countdowns are written in the channel's language (`bot.i18n`, CLDR) and in the
association's time zone: ``Sat 5 Dec 2026, 18:00 (JST)``, ``2026年12月5日(土) 18:00(日本時間)``.
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from bot.domain import Post
from bot.format.templates import environment
from bot.i18n import words

if TYPE_CHECKING:
    from jinja2 import Template

DEFAULT_TEMPLATE = """\
⏰ **{{ title }}**
🗓 {{ when }} — {{ countdown }}
{% if location %}
📍 {{ location }}
{% endif %}
{% if link %}
🔗 <{{ link }}>
{% endif %}
"""


@lru_cache(maxsize=32)
def _compile(source: str) -> Template:
    return environment().from_string(source)


def _render(source: str, values: dict[str, Any]) -> str:
    text = _compile(source).render(**values)
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def format_when(start: datetime, end: datetime | None, tz: tzinfo, lang: str = "en") -> str:
    """``Sat 5 Dec 2026, 18:00 (JST)``, with ``–20:00`` or a full end date when given."""
    return words(lang).when(start, end, tz)


def countdown(start: datetime, now: datetime, tz: tzinfo, lang: str = "en") -> str:
    """``in 2 hours``, ``in 1 day``, ``in 7 days``; calendar days from about a day on."""
    return words(lang).countdown(start, now, tz)


def reminder_values(
    post: Post, *, now: datetime, tz: tzinfo, post_url: str | None, lang: str = "en"
) -> dict[str, Any]:
    """Everything a reminder template can use, worded in `lang`."""
    if post.event is None:
        raise ValueError(f"{post.source}: a reminder needs an event")
    event = post.event
    start = event.start.astimezone(tz)
    say = words(lang)
    return {
        "title": post.title.strip(),
        "when": say.when(event.start, event.end, tz),
        "date": say.date(start),
        "time": say.time(start),
        "timezone": say.zone_name(start),
        "countdown": say.countdown(event.start, now, tz),
        "location": event.location,
        "link": event.url or post_url,
        "event_url": event.url,
        "post_url": post_url,
        "abstract": post.abstract,
        "start": start,
        "end": event.end.astimezone(tz) if event.end else None,
    }


def reminder_markdown(
    post: Post,
    *,
    now: datetime,
    tz: tzinfo,
    post_url: str | None,
    template: str | None = None,
    lang: str = "en",
) -> str:
    """The reminder for an event post: what, when (with a countdown), where, and a link."""
    values = reminder_values(post, now=now, tz=tz, post_url=post_url, lang=lang)
    return _render(template or DEFAULT_TEMPLATE, values)


def recurring_markdown(text: str, *, now: datetime, tz: tzinfo, lang: str = "en") -> str:
    """A recurring reminder's configured text; ``{{ date }}``, ``{{ time }}`` give today's."""
    local = now.astimezone(tz)
    say = words(lang)
    values = {
        "date": say.date(local),
        "time": say.time(local),
        "weekday": say.weekday(local),
        "timezone": say.zone_name(local),
    }
    return _render(text, values)
