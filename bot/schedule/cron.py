"""Crontab expressions for recurring reminders, as APScheduler triggers.

The five fields are read as crontab reads them, in the association's time zone:

* day-of-week numbers count from Sunday (0 or 7 = Sunday, 1 = Monday); APScheduler 3 on its
  own would count from Monday, so the field is translated into day names;
* when both day-of-month and day-of-week are restricted, either one matching is enough
  ("0 19 1 * 1": the 1st of the month and every Monday);
* times are wall-clock times: "0 19 * * *" fires at 19:00 local time all year round. A time
  skipped by a daylight-saving jump fires at the same instant as the first valid time after
  it; a time that occurs twice when clocks go back fires at both occurrences.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger

_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # crontab numbering
_APS_ORDER = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def weekday_names(field: str) -> str:
    """A crontab day-of-week field as APScheduler day names: ``"1-5"`` → ``"mon,tue,…,fri"``."""
    days: set[int] = set()
    for item in field.lower().split(","):
        span, slash, step_text = item.partition("/")
        step = int(step_text) if step_text.isdigit() else 0
        if slash and step < 1:
            raise ValueError(f"bad step {step_text!r} in day-of-week {field!r}")
        if span in ("*", "?"):
            first, last = 0, 6
        else:
            low, dash, high = span.partition("-")
            first = _weekday_number(low, field)
            last = _weekday_number(high, field) if dash else (6 if slash else first)
            if dash and last == 0:
                last = 7  # "fri-sun", "5-0": up to Sunday
            if last < first:
                raise ValueError(f"day-of-week range {span!r} runs backwards in {field!r}")
        days.update(day % 7 for day in range(first, last + 1, step or 1))
    if len(days) == 7:
        return "*"
    return ",".join(name for name in _APS_ORDER if _WEEKDAYS.index(name) in days)


def _weekday_number(token: str, field: str) -> int:
    if token.isdigit() and int(token) <= 7:
        return int(token)
    if token in _WEEKDAYS:
        return _WEEKDAYS.index(token)
    raise ValueError(f"unknown day of week {token!r} in {field!r}")


def cron_trigger(cron: str, tz: ZoneInfo) -> BaseTrigger:
    """The APScheduler trigger for a five-field crontab expression; ValueError if malformed."""
    fields = cron.split()
    if len(fields) != 5:
        raise ValueError(f"cron {cron!r} needs five fields: minute hour day month day-of-week")
    minute, hour, day, month, weekday = fields
    try:
        names = weekday_names(weekday)
        if day.startswith(("*", "?")) or weekday.startswith(("*", "?")):
            return CronTrigger(
                minute=minute, hour=hour, day=day, month=month, day_of_week=names, timezone=tz
            )
        return OrTrigger(
            [
                CronTrigger(minute=minute, hour=hour, day=day, month=month, timezone=tz),
                CronTrigger(minute=minute, hour=hour, month=month, day_of_week=names, timezone=tz),
            ]
        )
    except ValueError as exc:
        raise ValueError(f"cron {cron!r}: {exc}") from exc
