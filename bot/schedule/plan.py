"""Planning: which jobs a post or a recurring reminder needs, and when. Pure, clock injected.

Reminder offsets
    ``h`` and ``m`` offsets are exact durations: "2h" is two real hours before the start.
    ``d`` and ``w`` offsets are calendar days in the association's time zone: "1d" before an
    event at 19:00 is 19:00 on the day before, even across a daylight-saving change (the gap is
    then 23 or 25 real hours). A wall-clock time skipped by a DST jump moves forward by the jump;
    a repeated one means its first occurrence.

Late reminders
    A reminder whose moment has passed while the event has not started is sent at once, but
    only the latest such reminder (several missed reminders would all say the same thing), and
    never one whose moment lies at or before the announcement itself.

Recurring reminders
    Crontab expressions in the association's time zone (see ``bot.schedule.cron``).

Pins
    An event announced with a pin has its pin taken down when the event ends (at its end, or
    two hours after its start without one); a job missed while the bot was down runs at start.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo

from bot.config import OFFSET_RE, RecurringCfg
from bot.domain import EVENT_LENGTH, Post
from bot.schedule.cron import cron_trigger

JobKind = Literal["publish", "remind", "recurring", "unpin"]

_UNITS = {
    "w": timedelta(weeks=1),
    "d": timedelta(days=1),
    "h": timedelta(hours=1),
    "m": timedelta(minutes=1),
}


@dataclass(frozen=True, slots=True)
class JobSpec:
    """One scheduled action. ``id`` is deterministic, so planning twice gives the same jobs."""

    id: str
    kind: JobKind
    run_at: datetime
    post_key: str | None = None
    offset: str | None = None
    name: str | None = None
    not_after: datetime | None = None  # reminders: the event start; never run at or after it


def publish_id(key: str) -> str:
    return f"post:{key}:publish"


def remind_id(key: str, offset: str) -> str:
    return f"post:{key}:remind:{offset}"


def unpin_id(key: str) -> str:
    return f"post:{key}:unpin"


def recurring_id(name: str) -> str:
    return f"recurring:{name}"


def _split_offset(text: str) -> tuple[int, str]:
    match = OFFSET_RE.match(text)
    if match is None:
        raise ValueError(
            f"reminder offset {text!r} must be a whole number and a unit (w, d, h or m), "
            "like 7d, 1d, 2h, 30m or 1w"
        )
    return int(match[1]), match[2]


def parse_offset(text: str) -> timedelta:
    """``"7d"`` → 7 days, ``"2h"`` → 2 hours, ``"30m"``, ``"1w"``; ValueError otherwise."""
    count, unit = _split_offset(text)
    return count * _UNITS[unit]


def canonical_offset(text: str) -> str:
    """The offset as used in job ids: ``" 1 d"`` → ``"1d"``."""
    count, unit = _split_offset(text)
    return f"{count}{unit}"


def localize(wall: datetime, tz: tzinfo) -> datetime:
    """Attach ``tz`` to a naive wall-clock time; a time inside a DST gap moves forward."""
    return wall.replace(tzinfo=tz, fold=0).astimezone(UTC).astimezone(tz)


def reminder_time(start: datetime, offset: str, tz: tzinfo | None = None) -> datetime:
    """The moment of the ``offset`` reminder for an event at ``start`` (see the module notes)."""
    count, unit = _split_offset(offset)
    _aware(start, "event start")
    zone = tz or start.tzinfo or UTC
    if unit in "hm":
        return (start.astimezone(UTC) - count * _UNITS[unit]).astimezone(zone)
    wall = start.astimezone(zone).replace(tzinfo=None) - count * _UNITS[unit]
    return localize(wall, zone)


def _utc(moment: datetime) -> datetime:
    """For comparisons: aware datetimes sharing a zone compare by wall clock, not by instant."""
    return moment.astimezone(UTC)


def _aware(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got {value!r}")


def plan_post(
    post: Post,
    *,
    now: datetime,
    offsets: Sequence[str],
    published: bool,
    tz: tzinfo | None = None,
    sent: Collection[str] = (),
    pinned: bool = False,
) -> list[JobSpec]:
    """The jobs a post needs from ``now`` on, sorted by time.

    A publish job when the post is unpublished and due later (a post already due is not a job:
    the caller publishes it now). For an event that has not started, one reminder per offset
    (``post.event.reminders`` overrides ``offsets``), skipping those at or after the start, at
    or before the announcement, and those named in ``sent`` (offsets already delivered for the
    event's current start). ``tz`` is the association's zone for calendar-day offsets; by
    default the event start's own zone. With ``pinned``, the pin comes down when the event
    ends (however late: a job missed while the bot was down runs at once).
    """
    _aware(now, "now")
    _aware(post.due_at, f"{post.source}: publication time")
    zone = tz or post.due_at.tzinfo
    jobs = _plan_reminders(post, now=now, offsets=offsets, published=published, tz=tz, sent=sent)
    if not published and _utc(post.due_at) > _utc(now):
        due = post.due_at.astimezone(zone)
        jobs.append(JobSpec(publish_id(post.key), "publish", due, post_key=post.key))
    if pinned and post.event is not None:
        _aware(post.event.start, f"{post.source}: event start")
        ends = post.event.end or post.event.start + EVENT_LENGTH
        jobs.append(JobSpec(unpin_id(post.key), "unpin", ends.astimezone(zone), post.key))
    return sorted(jobs, key=lambda job: (_utc(job.run_at), job.id))


def _plan_reminders(
    post: Post,
    *,
    now: datetime,
    offsets: Sequence[str],
    published: bool,
    tz: tzinfo | None,
    sent: Collection[str],
) -> list[JobSpec]:
    event = post.event
    if event is None:
        return []
    _aware(event.start, f"{post.source}: event start")
    if _utc(event.start) <= _utc(now):
        return []
    zone = tz or event.start.tzinfo
    start = event.start.astimezone(zone)
    # An unpublished post that is already due goes out now, so "now" is its announcement.
    now_utc, due_utc, start_utc = _utc(now), _utc(post.due_at), _utc(start)
    announced = min(due_utc, now_utc) if published else max(due_utc, now_utc)
    done = {canonical_offset(o) for o in sent}
    chosen = event.reminders if event.reminders is not None else offsets
    upcoming: list[JobSpec] = []
    late: JobSpec | None = None
    moments: set[datetime] = set()
    for offset in dict.fromkeys(canonical_offset(o) for o in chosen):
        moment = reminder_time(start, offset, zone)
        if not announced < _utc(moment) < start_utc or _utc(moment) in moments:
            continue
        moments.add(_utc(moment))
        spec = JobSpec(
            remind_id(post.key, offset), "remind", moment, post.key, offset, not_after=start
        )
        if _utc(moment) > now_utc:
            if offset not in done:
                upcoming.append(spec)
        elif late is None or _utc(moment) > _utc(late.run_at):
            late = spec
    if late is not None and late.offset not in done:
        upcoming.append(replace(late, run_at=now.astimezone(zone)))
    return upcoming


def due_reminder_is_valid(job: JobSpec, now: datetime) -> bool:
    """False once ``now`` has reached the job's ``not_after`` (the event has started)."""
    return job.not_after is None or _utc(now) < _utc(job.not_after)


def next_fire(cron: str, after: datetime, tz: ZoneInfo) -> datetime:
    """The first time strictly after ``after`` that ``cron`` fires, in ``tz``."""
    _aware(after, "after")
    start = (after.astimezone(UTC) + timedelta(microseconds=1)).astimezone(tz)
    fire = cron_trigger(cron, tz).get_next_fire_time(None, start)
    if fire is None:
        raise ValueError(f"cron {cron!r} never fires after {after.isoformat()}")
    return fire.astimezone(UTC).astimezone(tz)


def recurring_jobs(
    recurring: Sequence[RecurringCfg], tz: ZoneInfo, *, now: datetime
) -> list[JobSpec]:
    """The next occurrence of each configured recurring reminder."""
    return [
        JobSpec(recurring_id(r.name), "recurring", next_fire(r.cron, now, tz), name=r.name)
        for r in recurring
    ]


def local_date_to_publish_time(d: date, tz: tzinfo, publish_hour: int) -> datetime:
    """A date given without a time publishes at ``publish_hour`` local time."""
    return localize(datetime.combine(d, time(publish_hour)), tz)
