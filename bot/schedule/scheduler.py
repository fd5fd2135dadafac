"""Persistent scheduling: APScheduler 3 on the asyncio loop, jobs kept in the app's database.

A job stores only its :class:`JobSpec` fields (strings, ISO times) and calls :func:`fire`, which
hands the spec to the running :class:`Scheduler`'s ``on_due``. One-off jobs whose time passed
while the bot was down fire at start-up, however late; reminders are then dropped if their
event has started. A recurring reminder missed by more than ``recurring_grace`` is skipped,
since its text speaks of the day it is sent.

Start-up: ``start(paused=True)``, ``sync_recurring`` and ``sync_post`` for every post (so moved
or removed events are corrected before anything fires), then ``resume()``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, replace
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from bot.config import RecurringCfg
from bot.domain import Post
from bot.schedule.cron import cron_trigger
from bot.schedule.plan import (
    JobKind,
    JobSpec,
    due_reminder_is_valid,
    next_fire,
    plan_post,
    recurring_id,
)

log = logging.getLogger(__name__)

OnDue = Callable[[JobSpec], Awaitable[None]]
_KINDS: tuple[JobKind, ...] = ("publish", "remind", "recurring", "unpin")
_UTC_NOW: Callable[[], datetime] = partial(datetime.now, UTC)
_running: Scheduler | None = None  # the instance whose jobs fire() delivers


def _to_kwargs(spec: JobSpec) -> dict[str, str | None]:
    fields: dict[str, Any] = asdict(spec)
    for name in ("run_at", "not_after"):
        fields[name] = fields[name].isoformat() if fields[name] else None
    return fields


def _from_kwargs(fields: Mapping[str, Any], tz: ZoneInfo) -> JobSpec:
    if fields["kind"] not in _KINDS:
        raise ValueError(f"job {fields['id']!r} has unknown kind {fields['kind']!r}")
    times = {
        name: datetime.fromisoformat(fields[name]).astimezone(tz) if fields.get(name) else None
        for name in ("run_at", "not_after")
    }
    return JobSpec(**{**fields, **times})


def _owned_by(job_id: str, key: str) -> bool:
    """True for the publish, reminder and unpin jobs of the post ``key`` (of no other post)."""
    prefix = f"post:{key}:"
    if not job_id.startswith(prefix):
        return False
    rest = job_id[len(prefix) :]
    return rest in ("publish", "unpin") or (rest.startswith("remind:") and ":" not in rest[7:])


async def fire(
    *,
    id: str,
    kind: str,
    run_at: str,
    post_key: str | None = None,
    offset: str | None = None,
    name: str | None = None,
    not_after: str | None = None,
) -> None:
    """The stored job function: rebuild the spec and deliver it through the running scheduler."""
    scheduler = _running
    if scheduler is None:
        log.error("job %s fell due while no scheduler is running; dropped", id)
        return
    fields = dict(id=id, kind=kind, run_at=run_at, post_key=post_key, offset=offset, name=name)
    spec = _from_kwargs(fields | {"not_after": not_after}, scheduler.tz)
    await scheduler._deliver(spec)


class Scheduler:
    """Jobs for posts and recurring reminders, persisted in ``db_url`` (SQLite or PostgreSQL)."""

    def __init__(
        self,
        db_url: str,
        *,
        tz: ZoneInfo,
        on_due: OnDue,
        clock: Callable[[], datetime] = _UTC_NOW,
        tablename: str = "apscheduler_jobs",
        recurring_grace: timedelta | None = timedelta(hours=1),
    ) -> None:
        self.tz = tz
        self._on_due = on_due
        self._clock = clock
        self._grace = int(recurring_grace.total_seconds()) if recurring_grace else None
        store = SQLAlchemyJobStore(url=db_url, tablename=tablename)
        self._aps = AsyncIOScheduler(
            timezone=tz,
            jobstores={"default": store},
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )

    def start(self, *, paused: bool = False) -> None:
        """Open the job store and, unless ``paused``, fire every job that is due (needs a loop)."""
        global _running
        if _running is not None and _running is not self:
            raise RuntimeError("another Scheduler is already running in this process")
        _running = self
        try:
            self._aps.start(paused=paused)
        except BaseException:
            _running = None
            raise

    def resume(self) -> None:
        """Begin firing jobs after ``start(paused=True)``."""
        self._aps.resume()

    def shutdown(self) -> None:
        """Stop firing jobs at once; the job store closes on the loop's next turn."""
        global _running
        if self._aps.running:
            self._aps.pause()
            self._aps.shutdown(wait=False)
        if _running is self:
            _running = None

    @property
    def running(self) -> bool:
        return bool(self._aps.running)

    def _require_running(self) -> None:
        if not self._aps.running:
            raise RuntimeError("call Scheduler.start() first: the job store is not open yet")

    def sync_post(
        self,
        post: Post,
        *,
        published: bool,
        offsets: Sequence[str],
        sent: Collection[str] = (),
        pinned: bool = False,
    ) -> list[JobSpec]:
        """Make the post's stored jobs exactly ``plan_post(...)``; returns the planned jobs.

        ``sent`` names the reminder offsets already delivered for the event's current start;
        ``pinned``: the announcement is pinned somewhere, and unpinned when the event ends.
        """
        self._require_running()
        planned = plan_post(
            post, now=self._clock(), offsets=offsets, published=published, tz=self.tz, sent=sent,
            pinned=pinned,
        )  # fmt: skip
        self._drop_post_jobs(post.key, keep={spec.id for spec in planned})
        for spec in planned:
            self.add_job(spec)
        return planned

    def remove_post(self, key: str) -> None:
        """Cancel every publication and reminder of the post ``key``."""
        self._drop_post_jobs(key, keep=set())

    def _drop_post_jobs(self, key: str, keep: set[str]) -> None:
        self._require_running()
        for job in self._aps.get_jobs():
            if _owned_by(job.id, key) and job.id not in keep:
                self.cancel(job.id)

    def sync_recurring(self, recurring: Sequence[RecurringCfg]) -> None:
        """One cron job ``recurring:<name>`` per entry; entries gone from the config are removed."""
        self._require_running()
        wanted: set[str] = set()
        for entry in recurring:
            trigger = cron_trigger(entry.cron, self.tz)
            job_id = recurring_id(entry.name)
            wanted.add(job_id)
            current = self._aps.get_job(job_id)
            same = current is not None and repr(current.trigger) == repr(trigger)
            if same and current.misfire_grace_time == self._grace:
                continue  # unchanged: keep its stored next run time
            first = next_fire(entry.cron, self._clock(), self.tz)  # ValueError if never
            self._put(JobSpec(job_id, "recurring", first, name=entry.name), trigger, self._grace)
        for job in self._aps.get_jobs():
            if job.id.startswith("recurring:") and job.id not in wanted:
                self.cancel(job.id)

    def add_job(self, spec: JobSpec) -> None:
        """Schedule a one-off publication or reminder, replacing a job with the same id."""
        self._require_running()
        if spec.kind == "recurring":
            raise ValueError("recurring jobs come from the configuration: use sync_recurring()")
        if spec.run_at.utcoffset() is None:
            raise ValueError(f"job {spec.id}: run_at must be timezone-aware")
        self._put(spec, DateTrigger(run_date=spec.run_at, timezone=self.tz), grace=None)

    def _put(self, spec: JobSpec, trigger: Any, grace: int | None) -> None:
        self._aps.add_job(
            fire,
            trigger=trigger,
            id=spec.id,
            name=spec.id,
            kwargs=_to_kwargs(spec),
            next_run_time=spec.run_at,
            replace_existing=True,
            misfire_grace_time=grace,
            coalesce=True,
        )

    def cancel(self, job_id: str) -> bool:
        """Remove one job; False when there was no such job."""
        self._require_running()
        try:
            self._aps.remove_job(job_id)
        except JobLookupError:
            return False
        return True

    def jobs(self) -> list[JobSpec]:
        """Upcoming jobs, soonest first, with times in the association's zone."""
        self._require_running()
        specs: list[JobSpec] = []
        for job in self._aps.get_jobs():
            if job.next_run_time is not None:
                spec = _from_kwargs(job.kwargs, self.tz)
                specs.append(replace(spec, run_at=job.next_run_time.astimezone(self.tz)))
        return sorted(specs, key=lambda spec: (spec.run_at.timestamp(), spec.id))

    async def _deliver(self, spec: JobSpec) -> None:
        now = self._clock()
        if spec.kind == "recurring":
            spec = replace(spec, run_at=now.astimezone(self.tz))
        elif not due_reminder_is_valid(spec, now):
            log.warning("reminder %s dropped: its event started at %s", spec.id, spec.not_after)
            return
        await self._on_due(spec)


def stored_jobs(db_url: str, tz: ZoneInfo) -> list[JobSpec]:
    """The jobs in the job store, read without running them (for `queue` outside the service).

    APScheduler opens its store on a loop; a fresh one runs in a worker thread, since the
    caller may already be inside a loop.
    """
    found: list[JobSpec] = []

    async def read() -> None:
        async def nothing(_: JobSpec) -> None:
            return None

        scheduler = Scheduler(db_url, tz=tz, on_due=nothing)
        scheduler.start(paused=True)
        try:
            found.extend(scheduler.jobs())
        finally:
            scheduler.shutdown()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, read()).result()
    return found
