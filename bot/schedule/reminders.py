"""Reminder texts: Markdown built from Jinja2 templates.

A template (the default below, or one from the configuration) is the only thing compiled. Text
from posts — titles, places, links — is handed to it as values and never compiled, so it cannot
change the template. Nothing is escaped here: the Markdown renderer escapes for each platform.

Dates are written in English and in the association's time zone: ``Sat 5 Dec 2026, 18:00 (JST)``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template
from jinja2.sandbox import SandboxedEnvironment

from bot.domain import Post

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

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@lru_cache(maxsize=32)
def _compile(source: str) -> Template:
    env = SandboxedEnvironment(
        autoescape=False, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True
    )
    return env.from_string(source)


def _render(source: str, values: dict[str, Any]) -> str:
    text = _compile(source).render(**values)
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def format_date(moment: datetime) -> str:
    """``Sat 5 Dec 2026`` — English, whatever the process locale."""
    return f"{_DAYS[moment.weekday()]} {moment.day} {_MONTHS[moment.month - 1]} {moment.year}"


def format_when(start: datetime, end: datetime | None, tz: tzinfo) -> str:
    """``Sat 5 Dec 2026, 18:00 (JST)``, with ``–20:00`` or a full end date when given."""
    local = start.astimezone(tz)
    text = f"{format_date(local)}, {local:%H:%M}"
    if end is not None and end.astimezone(UTC) > start.astimezone(UTC):
        until = end.astimezone(tz)
        same_day = until.date() == local.date()
        text += f"–{until:%H:%M}" if same_day else f" – {format_date(until)}, {until:%H:%M}"
    return f"{text} ({local.tzname()})"


def _plural(count: int, unit: str) -> str:
    return f"in {count} {unit}{'' if count == 1 else 's'}"


def countdown(start: datetime, now: datetime, tz: tzinfo) -> str:
    """``in 2 hours``, ``in 1 day``, ``in 7 days``.

    Under a day it counts real time; from about a day on it counts calendar days on the local
    clock, so a reminder sent at the same time the day before says "in 1 day" even across a
    daylight-saving change.
    """
    left = start.astimezone(UTC) - now.astimezone(UTC)
    if left <= timedelta(0):
        return "already started"
    minutes = int(left / timedelta(minutes=1) + 0.5)
    if minutes < 1:
        return "starting now"
    if minutes < 60:
        return _plural(minutes, "minute")
    hours = int(left / timedelta(hours=1) + 0.5)
    if hours < 23:
        return _plural(hours, "hour")
    wall = start.astimezone(tz).replace(tzinfo=None) - now.astimezone(tz).replace(tzinfo=None)
    return _plural(max(1, int(wall / timedelta(days=1) + 0.5)), "day")


def reminder_values(
    post: Post, *, now: datetime, tz: tzinfo, post_url: str | None
) -> dict[str, Any]:
    """Everything a reminder template can use."""
    if post.event is None:
        raise ValueError(f"{post.source}: a reminder needs an event")
    event = post.event
    start = event.start.astimezone(tz)
    return {
        "title": post.title.strip(),
        "when": format_when(event.start, event.end, tz),
        "date": format_date(start),
        "time": f"{start:%H:%M}",
        "timezone": start.tzname(),
        "countdown": countdown(event.start, now, tz),
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
) -> str:
    """The reminder for an event post: what, when (with a countdown), where, and a link."""
    values = reminder_values(post, now=now, tz=tz, post_url=post_url)
    return _render(template or DEFAULT_TEMPLATE, values)


def recurring_markdown(text: str, *, now: datetime, tz: tzinfo) -> str:
    """A recurring reminder's configured text; ``{{ date }}``, ``{{ time }}`` give today's."""
    local = now.astimezone(tz)
    values = {
        "date": format_date(local),
        "time": f"{local:%H:%M}",
        "weekday": _DAYS[local.weekday()],
        "timezone": local.tzname(),
    }
    return _render(text, values)
