"""Changes to existing posts, kept where they survive restarts and file edits.

A schedule becomes the post's ``publish_at``, reminders its ``event.reminders``; only those keys
of the frontmatter change. The post is then applied as the content watcher would apply it, so
the scheduler plans exactly what the file says, and the watcher later finds nothing new. A
cancelled publication returns the post to the unannounced (archived) state, which the service
never plans again by itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Protocol

from ..domain import Post
from ..errors import AdminError, ContentError
from ..ingest.loader import Content
from ..ingest.parse import parse_post
from ..ingest.writer import read_frontmatter, set_frontmatter, write_atomic
from ..schedule.plan import JobSpec, canonical_offset, publish_id, reminder_time
from ..store.repo import Store
from .answers import describe
from .lifecycle import Lifecycle, Summary
from .lookup import PostFinder


class Jobs(Protocol):
    """What the admin commands need of the scheduler."""

    def jobs(self) -> list[JobSpec]: ...

    def cancel(self, job_id: str) -> bool: ...

    def remove_post(self, key: str) -> None: ...


class PostEditor:
    def __init__(
        self,
        lifecycle: Lifecycle,
        store: Store,
        jobs: Jobs,
        finder: PostFinder,
        *,
        offsets: Sequence[str],
        tz: tzinfo,
        clock: Callable[[], datetime],
    ) -> None:
        self.lifecycle = lifecycle
        self.content: Content = lifecycle.content
        self.store = store
        self.scheduler = jobs
        self.finder = finder
        self.offsets = list(offsets)
        self.tz = tz
        self.clock = clock

    def load(self, path: Path) -> Post:
        try:
            return self.content.load(path)
        except ContentError as exc:
            raise AdminError(f"The post cannot be read back: {exc.reason}.") from None

    async def _rewrite(
        self, post: Post, updates: dict[str, object], *, rescheduled: bool = False
    ) -> Post:
        """Set frontmatter keys of a post's file, then apply the post as the watcher would."""
        path = self.content.path_of(post.source)
        try:
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise AdminError(f"{post.source} cannot be read: {exc}.") from None
        defaults = {"title": post.title, "date": post.date.isoformat(timespec="seconds")}
        new = set_frontmatter(text, updates, defaults=defaults)
        try:
            parse_post(new.encode(), post.source, mtime=post.date, ctx=self.content.ctx)
        except ContentError as exc:
            raise AdminError(f"{post.source} would become unreadable: {exc.reason}.") from None
        try:
            write_atomic(path, new.encode())
        except OSError as exc:
            reason = exc.strerror or exc
            raise AdminError(f"{post.source} could not be written: {reason}.") from None
        fresh = self.load(path)
        if rescheduled:
            self.store.set_post_state(post.key, "scheduled", self.clock())
        await self.lifecycle.apply(fresh, Summary(), archive=False)
        return fresh

    async def schedule_post(self, query: str, when: datetime) -> str:
        post = self.finder.find(query)
        state = self.store.post(post.key)
        if state is not None and state.state == "published":
            raise AdminError(
                f"«{post.title}» is already published; /resend {post.key} sends it again now."
            )
        stamp = when.astimezone(self.tz).isoformat(timespec="seconds")
        fresh = await self._rewrite(post, {"publish_at": stamp}, rescheduled=True)
        return (f"«{fresh.title}» will be published {describe(when.astimezone(self.tz))}.\n"
                f"Job: {publish_id(fresh.key)} (publish_at written to {fresh.source})")  # fmt: skip

    def _offsets_of(self, post: Post) -> list[str]:
        assert post.event is not None
        current = post.event.reminders
        offsets = current if current is not None else self.offsets
        return [canonical_offset(o) for o in offsets]

    async def _set_reminders(self, post: Post, offsets: list[str]) -> Post:
        path = self.content.path_of(post.source)
        event = dict(read_frontmatter(path.read_text(encoding="utf-8-sig")).get("event") or {})
        event["reminders"] = offsets
        return await self._rewrite(post, {"event": event})

    async def remind(self, query: str, offsets: Sequence[str]) -> str:
        post = self.finder.find(query)
        if post.event is None:
            raise AdminError(
                f"«{post.title}» is not an event: only posts with an event start have reminders."
            )
        state = self.store.post(post.key)
        if state is not None and state.state == "archived":
            raise AdminError(
                f"«{post.title}» was never announced (it is in the archive), so it has no "
                "reminders; /schedule it first."
            )
        now = self.clock()
        if post.event.start <= now:
            raise AdminError(f"The event of «{post.title}» has already started.")
        if not offsets:
            raise AdminError("Say how long before the event, like: 1d 2h (w, d, h or m).")
        wanted: list[str] = []
        for raw in offsets:
            try:
                offset = canonical_offset(raw)
            except ValueError as exc:
                raise AdminError(str(exc)) from None
            moment = reminder_time(post.event.start, offset, self.tz)
            if moment <= now:
                when = describe(moment)
                raise AdminError(f"The {offset} reminder would be {when}, which has passed.")
            wanted.append(offset)
        current = self._offsets_of(post)
        fresh = await self._set_reminders(post, current + [o for o in wanted if o not in current])
        jobs = [j for j in self.scheduler.jobs() if j.post_key == fresh.key and j.kind == "remind"]
        lines = [f"{j.offset}: {describe(j.run_at)} ({j.id})" for j in jobs]
        return f"Reminders of «{fresh.title}»:\n" + ("\n".join(lines) or "none left to send")

    async def cancel(self, job_id: str) -> str:
        jobs = {j.id: j for j in self.scheduler.jobs()}
        job = jobs.get(job_id.strip())
        if job is None:
            raise AdminError(f"No scheduled job {job_id.strip()!r}; /queue lists them.")
        post = self.lifecycle.posts.get(job.post_key or "")
        if job.kind == "remind" and post is not None and post.event is not None and job.offset:
            left = [o for o in self._offsets_of(post) if o != job.offset]
            await self._set_reminders(post, left)
            self.scheduler.cancel(job.id)
            return f"Cancelled the {job.offset} reminder of «{post.title}»."
        if job.kind == "publish" and post is not None:
            self.store.set_post_state(post.key, "archived", self.clock())
            self.scheduler.remove_post(post.key)
            planned = describe(job.run_at)
            return (f"Cancelled: «{post.title}» will not be announced (it was planned {planned})."
                    " /schedule or /resend it to announce it after all.")  # fmt: skip
        self.scheduler.cancel(job.id)
        if job.kind == "recurring":
            return (f"Stopped the recurring reminder {job.name!r} until the bot restarts "
                    "(it comes from the configuration).")  # fmt: skip
        return f"Cancelled {job.id}."
