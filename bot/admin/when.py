"""Times as admins type them → aware datetimes in the association's zone. Pure, clock injected.

Accepted (case-insensitive), always in the zone of ``now``:

* ``2026-12-01 18:00``, ``2026-12-01T18:00``, ``2026/12/01 6pm``, ``2026-12-01`` (at
  ``default_hour``);
* ``today 18:00``, ``tonight 20:00``, ``tomorrow 9:00``, ``tomorrow`` (at ``default_hour``);
* ``fri 18:00``, ``friday 6:30pm``, ``next fri 18:00`` — the next such day whose time is still
  ahead (today counts when the time has not passed yet);
* ``18:00`` — today, or an error when that time has passed;
* ``in 2h``, ``in 30m``, ``in 1d 2h`` — from now.

A time that is not ahead of ``now`` is rejected with a message saying so.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from ..errors import AdminError
from ..i18n import Words
from ..schedule.plan import localize
from ..service.answers import ENGLISH, describe

__all__ = ["PastError", "WhenError", "describe", "parse_when", "split_when"]

_DAYS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4, "sat": 5,
    "saturday": 5, "sun": 6, "sunday": 6,
}  # fmt: skip
_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_TIME = re.compile(r"^(\d{1,2})(?:[:h.](\d{2}))?\s*(am|pm)?$")
_SPAN = re.compile(r"^(\d+)\s*(w|d|h|m|min|mins|minutes?|hours?|days?|weeks?)$")
_SPAN_UNITS = {"w": timedelta(weeks=1), "d": timedelta(days=1), "h": timedelta(hours=1),
               "m": timedelta(minutes=1)}  # fmt: skip
EXAMPLES = "2026-12-01 18:00, tomorrow 9:00, fri 18:00 or in 2h"


class WhenError(AdminError, ValueError):
    """The text is not a time, or not one in the future; the message says which."""


class PastError(WhenError):
    """The text names a time that has already passed."""


def _clock_time(text: str, w: Words) -> time:
    match = _TIME.match(text)
    if match is None or (match[2] is None and match[3] is None):
        # TRANSLATORS: {text} is what the admin typed, in quotes.
        message = w._("{text} is not a time of day (like {examples})")
        raise WhenError(message.format(text=repr(text), examples="18:00, 6pm"))
    hour, minute = int(match[1]), int(match[2] or 0)
    if match[3]:
        if not 1 <= hour <= 12:
            message = w._("{text}: with {suffix} the hour goes from {first} to {last}")
            raise WhenError(message.format(text=repr(text), suffix="am/pm", first=1, last=12))
        hour = hour % 12 + (12 if match[3] == "pm" else 0)
    if hour > 23 or minute > 59:
        raise WhenError(w._("{text} is not a time of day").format(text=repr(text)))
    return time(hour, minute)


def _calendar_date(text: str, w: Words) -> date:
    match = _DATE.match(text)
    if match is None:
        raise WhenError(w._("{text} is not a date").format(text=repr(text)))
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        message = w._("{text} is not a date in the calendar")
        raise WhenError(message.format(text=repr(text))) from None


def _span(typed: list[str], w: Words) -> timedelta:
    total = timedelta()
    for word in typed:
        match = _SPAN.match(word)
        if match is None:
            message = w._("{text} is not a duration (like {examples})")
            raise WhenError(message.format(text=repr(word), examples="2h, 30m, 1d"))
        total += int(match[1]) * _SPAN_UNITS[match[2][0]]
    if not typed or total <= timedelta():
        message = w._("say how long from now, like: {example}")
        raise WhenError(message.format(example="in 2h"))
    return total


def _split_words(text: str) -> list[str]:
    lowered = re.sub(r"(\d)\s+(am|pm)\b", r"\1\2", text.strip().lower())
    return re.sub(r"^(\d{4}-\d{1,2}-\d{1,2})t(\d)", r"\1 \2", lowered).split()


def _resolve(typed: list[str], now: datetime, default_hour: int, w: Words) -> datetime:
    tz = now.tzinfo
    assert tz is not None
    today = now.astimezone(tz).date()
    if typed[0] == "in":
        return now + _span(typed[1:], w)
    if typed[0] == "next" and len(typed) > 1 and typed[1] in _DAYS:
        typed = typed[1:]
    head, rest = typed[0], typed[1:]
    if len(rest) > 1:
        message = w._("{text} has more than a day and a time")
        raise WhenError(message.format(text=repr(" ".join(typed))))
    at = _clock_time(rest[0], w) if rest else time(20 if head == "tonight" else default_hour)
    if head in ("today", "tonight"):
        day = today
    elif head == "tomorrow":
        day = today + timedelta(days=1)
    elif head in _DAYS:
        day = today + timedelta(days=(_DAYS[head] - today.weekday()) % 7)
        if localize(datetime.combine(day, at), tz) <= now:
            day += timedelta(days=7)
    elif _DATE.match(head):
        day = _calendar_date(head, w)
    elif not rest:
        day, at = today, _clock_time(head, w)
    else:
        message = w._("{text} is not a day (like {examples})")
        raise WhenError(
            message.format(text=repr(head), examples="2026-12-01, today, tomorrow, fri")
        )
    return localize(datetime.combine(day, at), tz)


def parse_when(text: str, *, now: datetime, default_hour: int = 9, w: Words = ENGLISH) -> datetime:
    """The moment ``text`` names, in ``now``'s zone; WhenError if unreadable or not ahead."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    typed = _split_words(text)
    if not typed:
        # TRANSLATORS: {examples} are times as typed (English words, not translated).
        raise WhenError(w._("say when, for example {examples}").format(examples=EXAMPLES))
    try:
        moment = _resolve(typed, now, default_hour, w)
    except WhenError as exc:
        # TRANSLATORS: {problem} says what is wrong with a typed time; {examples} as typed.
        message = w._("{problem}; for example {examples}")
        raise WhenError(message.format(problem=exc, examples=EXAMPLES)) from None
    if moment <= now:
        message = w._("{when} has already passed; give a time in the future")
        raise PastError(message.format(when=describe(moment, w)))
    return moment


def split_when(
    text: str, *, now: datetime, default_hour: int = 9, w: Words = ENGLISH
) -> tuple[str, datetime]:
    """Find the time at the end of ``text``: ``("rest", moment)``.

    The longest readable ending wins; a time in the past is reported, not skipped.
    """
    typed = text.split()
    for size in range(min(4, len(typed)), 0, -1):
        try:
            moment = parse_when(" ".join(typed[-size:]), now=now, default_hour=default_hour, w=w)
        except PastError:
            raise
        except WhenError:
            continue
        return " ".join(typed[:-size]), moment
    message = w._("no time found at the end; for example {examples}")
    raise WhenError(message.format(examples=EXAMPLES))
