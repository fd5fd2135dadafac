"""Changes to existing posts, kept where they survive restarts and file edits.

A schedule becomes the post's ``publish_at``, reminders its ``event.reminders``; only those keys
of the frontmatter change. The post is then applied as the content watcher would apply it, so
the scheduler plans exactly what the file says, and the watcher later finds nothing new. A
cancelled publication returns the post to the unannounced (archived) state, which the service
never plans again by itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Protocol

from ..domain import Post
from ..errors import AdminError, ContentError
from ..i18n import Words
from ..ingest.loader import Content
from ..ingest.parse import parse_post
from ..ingest.writer import read_frontmatter, set_frontmatter, write_atomic
from ..schedule.plan import JobSpec, canonical_offset, publish_id, reminder_time
from ..store.repo import Store
from .answers import ENGLISH, describe, quoted
from .lifecycle import Lifecycle, Summary
from .lookup import PostFinder

Updates = Mapping[str, object] | Callable[[str], Mapping[str, object]]  # frontmatter keys to set


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

    def load(self, path: Path, w: Words = ENGLISH) -> Post:
        try:
            return self.content.load(path)
        except ContentError as exc:
            # TRANSLATORS: {reason} is the parser's, in English.
            message = w._("The post cannot be read back: {reason}.")
            raise AdminError(message.format(reason=exc.reason)) from None

    async def _rewrite(
        self, post: Post, updates: Updates, w: Words, *, rescheduled: bool = False
    ) -> Post:
        """Set frontmatter keys of a post's file, then apply the post as the watcher would.
        `updates` may be made from the file's text, read here once."""
        path = self.content.path_of(post.source)
        try:
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            # TRANSLATORS: {file} is a post's file; {reason} the system's, in English.
            message = w._("{file} cannot be read: {reason}.")
            raise AdminError(message.format(file=post.source, reason=exc)) from None
        if callable(updates):
            updates = updates(text)
        defaults = {"title": post.title, "date": post.date.isoformat(timespec="seconds")}
        new = set_frontmatter(text, updates, defaults=defaults)
        try:
            parse_post(new.encode(), post.source, mtime=post.date, ctx=self.content.ctx)
        except ContentError as exc:
            message = w._("{file} would become unreadable: {reason}.")
            raise AdminError(message.format(file=post.source, reason=exc.reason)) from None
        try:
            write_atomic(path, new.encode())
        except OSError as exc:
            message = w._("{file} could not be written: {reason}.")
            reason = exc.strerror or exc
            raise AdminError(message.format(file=post.source, reason=reason)) from None
        fresh = self.load(path, w)
        if rescheduled:
            self.store.set_post_state(post.key, "scheduled", self.clock())
        await self.lifecycle.apply(fresh, Summary())
        return fresh

    async def schedule_post(self, query: str, when: datetime, w: Words = ENGLISH) -> str:
        post = self.finder.find(query, w)
        state = self.store.post(post.key)
        if state is not None and state.state == "published":
            message = w._("{title} is already published; {command} sends it again now.")
            command = f"/resend {post.key}"
            raise AdminError(message.format(title=quoted(post.title), command=command))
        stamp = when.astimezone(self.tz).isoformat(timespec="seconds")
        fresh = await self._rewrite(post, {"publish_at": stamp}, w, rescheduled=True)
        done = w._("{title} will be published {when}.").format(
            title=quoted(fresh.title), when=describe(when.astimezone(self.tz), w))  # fmt: skip
        # TRANSLATORS: {id} is the job's id; {key} the frontmatter key written (publish_at).
        job = w._("Job: {id} ({key} written to {file})")
        job = job.format(id=publish_id(fresh.key), key="publish_at", file=fresh.source)
        return f"{done}\n{job}"

    def _offsets_of(self, post: Post) -> list[str]:
        assert post.event is not None
        current = post.event.reminders
        offsets = current if current is not None else self.offsets
        return [canonical_offset(o) for o in offsets]

    async def _set_reminders(self, post: Post, offsets: list[str], w: Words) -> Post:
        def updates(text: str) -> dict[str, object]:
            event = dict(read_frontmatter(text).get("event") or {})
            event["reminders"] = offsets
            return {"event": event}

        return await self._rewrite(post, updates, w)

    def _check_remindable(self, post: Post, w: Words) -> None:
        if post.event is None:
            message = w._("{title} is not an event: only posts with an event start have "
                          "reminders.")  # fmt: skip
            raise AdminError(message.format(title=quoted(post.title)))
        state = self.store.post(post.key)
        if state is not None and state.state == "archived":
            message = w._("{title} was never announced (it is in the archive), so it has no "
                          "reminders; {command} it first.")  # fmt: skip
            raise AdminError(message.format(title=quoted(post.title), command="/schedule"))
        if post.event.start <= self.clock():
            message = w._("The event of {title} has already started.")
            raise AdminError(message.format(title=quoted(post.title)))

    async def remind(self, query: str, offsets: Sequence[str], w: Words = ENGLISH) -> str:
        post = self.finder.find(query, w)
        self._check_remindable(post, w)
        assert post.event is not None
        now = self.clock()
        if not offsets:
            message = w._("Say how long before the event, like: {example} ({units}).")
            raise AdminError(message.format(example="1d 2h", units="w, d, h, m"))
        wanted: list[str] = []
        for raw in offsets:
            try:
                offset = canonical_offset(raw)
            except ValueError:
                # TRANSLATORS: {offset} is what the admin typed; {units} are w, d, h, m.
                message = w._("{offset} is not a reminder offset; use {units}, like {examples}.")
                raise AdminError(message.format(offset=repr(raw), units="w, d, h, m",
                                                examples="1d, 2h")) from None  # fmt: skip
            moment = reminder_time(post.event.start, offset, self.tz)
            if moment <= now:
                message = w._("The {offset} reminder would be {when}, which has passed.")
                raise AdminError(message.format(offset=offset, when=describe(moment, w)))
            wanted.append(offset)
        current = self._offsets_of(post)
        merged = current + [o for o in wanted if o not in current]
        fresh = await self._set_reminders(post, merged, w)
        jobs = [j for j in self.scheduler.jobs() if j.post_key == fresh.key and j.kind == "remind"]
        lines = [f"{j.offset}: {describe(j.run_at, w)} ({j.id})" for j in jobs]
        head = w._("Reminders of {title}:").format(title=quoted(fresh.title))
        return f"{head}\n" + ("\n".join(lines) or w._("none left to send"))

    async def cancel(self, job_id: str, w: Words = ENGLISH) -> str:
        jobs = {j.id: j for j in self.scheduler.jobs()}
        job = jobs.get(job_id.strip())
        if job is None:
            message = w._("No scheduled job {id}; {command} lists them.")
            raise AdminError(message.format(id=repr(job_id.strip()), command="/queue"))
        post = self.lifecycle.posts.get(job.post_key or "")
        if job.kind == "remind" and post is not None and post.event is not None and job.offset:
            left = [o for o in self._offsets_of(post) if o != job.offset]
            await self._set_reminders(post, left, w)
            self.scheduler.cancel(job.id)
            message = w._("Cancelled the {offset} reminder of {title}.")
            return message.format(offset=job.offset, title=quoted(post.title))
        if job.kind == "publish" and post is not None:
            self.store.set_post_state(post.key, "archived", self.clock())
            self.scheduler.remove_post(post.key)
            message = w._("Cancelled: {title} will not be announced (it was planned {when}). "
                          "{schedule} or {resend} it to announce it after all.")  # fmt: skip
            when = describe(job.run_at, w)
            return message.format(title=quoted(post.title), when=when, schedule="/schedule",
                                  resend="/resend")  # fmt: skip
        self.scheduler.cancel(job.id)
        if job.kind == "recurring":
            message = w._("Stopped the recurring reminder {name} until the bot restarts "
                          "(it comes from the configuration).")  # fmt: skip
            return message.format(name=repr(job.name))
        return w._("Cancelled {id}.").format(id=job.id)
