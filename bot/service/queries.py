"""What the command line and the admin commands ask: check, preview, the queue.

Each answer is data (lists, the preview document); `cli.py` draws tables of it and the admin
commands write sentences.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ..config import RecurringCfg
from ..domain import Channel, Post, channels_for
from ..format.model import Step
from ..format.profiles import placeholder, profile_for, render
from ..ingest.loader import Content
from ..schedule.plan import JobSpec, next_fire, plan_post, recurring_id
from ..store.repo import PostState, Store
from .announce import delivery_key
from .prepare import Preparer

PLATFORMS = ("telegram", "discord")


@dataclass
class CheckReport:
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    checked: int = 0


@dataclass(frozen=True)
class QueueRow:
    when: datetime
    job: str
    what: str


class Queries:
    def __init__(
        self,
        content: Content,
        preparer: Preparer,
        channels: Sequence[Channel],
        *,
        offsets: Sequence[str],
        recurring: Sequence[RecurringCfg] = (),
        tz: ZoneInfo,
        warnings: Sequence[str] = (),
    ) -> None:
        self.content = content
        self.preparer = preparer
        self.channels = list(channels)
        self.offsets = list(offsets)
        self.recurring = list(recurring)
        self.tz = tz
        self.config_warnings = list(warnings)  # e.g. a webhook whose URL variable is not set

    # -- check --------------------------------------------------------------------------------
    def check(self, progress: Callable[[int, int], None] | None = None) -> CheckReport:
        """Every problem (file: reason) that would keep a post or an image from going out."""
        loaded = self.content.load_all(progress=progress)
        report = CheckReport([str(e) for e in loaded.errors], list(self.config_warnings))
        names = {c.name for c in self.channels}
        for post in loaded.posts:
            report.warnings.extend(f"{post.source}: {w}" for w in post.warnings)
            prepared = self.preparer.prepare(post)
            report.problems.extend(f"{post.source}: {p}" for p in prepared.problems)
            report.warnings.extend(f"{post.source}: {w}" for w in prepared.warnings)
            unknown = sorted(set(post.channels or ()) - names)
            report.problems.extend(f"{post.source}: unknown channel {n!r}" for n in unknown)
            for channel in channels_for(post, self.channels) or [placeholder(p) for p in PLATFORMS]:
                rendering = profile_for(channel).render(
                    post, prepared.media, self.preparer.opts, channel
                )
                report.problems.extend(  # a channel template that fails on this post
                    f"{post.source}: channel {channel.name}: {n}"
                    for n in rendering.notes
                    if n.startswith("template ")
                )
        report.checked = len(loaded.posts) + len(loaded.errors)
        return report

    # -- preview ------------------------------------------------------------------------------
    def preview(self, post: Post, platform: str | None = None) -> dict[str, Any]:
        """The exact requests a first publication makes, per channel, as one document."""
        prepared = self.preparer.prepare(post)
        targets = channels_for(post, self.channels)
        out: list[dict[str, Any]] = []
        for name in PLATFORMS if platform is None else (platform,):
            chosen = [c for c in targets if profile_for(c).platform == name]
            for channel in chosen or [placeholder(name)]:
                opts = self.preparer.opts
                rendering = render(post, prepared.media, opts, channel, prepared.calendar)
                profile = profile_for(channel)
                extra = [profile.pin(channel) if channel.pin else None, profile.crosspost(channel)]
                steps = [Step(r) for r in (*rendering.requests, *extra) if r is not None]
                key = delivery_key(post.key, channel.name, "publish", "v1")
                for step in profile_for(channel).stamp(steps, key):
                    out.append({"channel": channel.name, **step.request.to_json()})
        return {
            "post": {
                "key": post.key,
                "source": post.source,
                "title": post.title,
                "date": post.date.isoformat(),
                "due_at": post.due_at.isoformat(),
                "images": list(post.images),
                "event": None if post.event is None else {"start": post.event.start.isoformat()},
            },
            "warnings": [*post.warnings, *prepared.warnings],
            "problems": list(prepared.problems),
            "requests": out,
        }

    # -- the queue ----------------------------------------------------------------------------
    def planned(
        self, now: datetime, states: Mapping[str, PostState], stored: Sequence[JobSpec]
    ) -> tuple[list[JobSpec], dict[str, str]]:
        """The stored jobs, plus what the content implies for posts the service has not seen
        yet (so the queue is right even before the next start)."""
        jobs = {job.id: job for job in stored}
        loaded = self.content.load_all()
        sources = {p.key: f"“{p.title}”" for p in loaded.posts}
        for rec in self.recurring:
            job_id = recurring_id(rec.name)
            if job_id not in jobs:
                when = next_fire(rec.cron, now, self.tz)
                jobs[job_id] = JobSpec(job_id, "recurring", when, name=rec.name)
        for post in loaded.posts:
            state = states.get(post.key)
            if state is not None and (state.digest == post.digest or state.state == "archived"):
                continue  # the job store holds what the service planned, or nothing is due
            published = state is not None and state.state == "published"
            for job in plan_post(post, now=now, offsets=self.offsets, published=published,
                                 tz=self.tz):  # fmt: skip
                jobs.setdefault(job.id, job)
        return sorted(jobs.values(), key=lambda j: (j.run_at.timestamp(), j.id)), sources

    def queue(self, store: Store, stored: Sequence[JobSpec], now: datetime) -> list[QueueRow]:
        """Upcoming jobs with what each will send, then deliveries waiting in the outbox."""
        jobs, sources = self.planned(now, store.posts(), stored)
        rows = [QueueRow(j.run_at, j.id, describe_job(j, sources)) for j in jobs]
        for d in store.deliveries(state="pending"):
            rows.append(QueueRow(d.next_attempt_at, f"outbox #{d.id}",
                                 f"{d.kind} {d.post_key or ''} → {d.channel}"))  # fmt: skip
        return rows


def describe_job(job: JobSpec, sources: Mapping[str, str]) -> str:
    source = sources.get(job.post_key or "", job.post_key or "")
    if job.kind == "publish":
        return f"publish {source}"
    if job.kind == "remind":
        return f"reminder {job.offset} before the event of {source}"
    if job.kind == "unpin":
        return f"unpin {source}: its event is over"
    return f"recurring reminder {job.name}"
