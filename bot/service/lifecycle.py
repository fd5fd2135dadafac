"""The life of posts: reconciled at start-up, followed through file events, applied one by one."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from typing import Any, Protocol

from ..domain import Post, pick_version
from ..errors import ContentError
from ..ingest.index import PostIndex
from ..ingest.loader import Content
from ..schedule.plan import JobSpec
from ..store.repo import PostState, Store
from .announce import Announcer, Report
from .guild_events import GuildEvents
from .reconcile import Reconciling, Summary

__all__ = ["Lifecycle", "Planner", "Summary"]

log = logging.getLogger(__name__)


class Planner(Protocol):
    """What the service needs from the scheduler."""

    def sync_post(
        self,
        post: Post,
        *,
        published: bool,
        offsets: Sequence[str],
        sent: Collection[str] = (),
        pinned: bool = False,
    ) -> Any: ...

    def remove_post(self, key: str) -> None: ...


class Lifecycle(Reconciling):
    """A post's life: found, scheduled, published, edited, moved, removed — and the jobs due."""

    def __init__(
        self,
        store: Store,
        announcer: Announcer,
        content: Content,
        *,
        offsets: Sequence[str],
        report: Report,
        clock: Callable[[], datetime],
        planner: Planner,
        guild_events: GuildEvents | None = None,
        announce_existing: bool = False,
        retract_removed: bool = False,
        wake: Callable[[], None] = lambda: None,
    ) -> None:
        self.store = store
        self.announcer = announcer
        self.content = content
        self.offsets = list(offsets)
        self.report = report
        self.clock = clock
        self.planner = planner
        self.guild_events = guild_events
        self.announce_existing = announce_existing
        self.retract_removed = retract_removed
        self.wake = wake
        self.posts = PostIndex(content.load, content.source)
        announcer.versions = self.versions

    def versions(self, post: Post) -> list[Post]:
        """`post` and the other languages' versions of it that are out (published, or in the
        archive); one still scheduled counts from its publication on."""
        found = [post]
        for key in self.posts.group(post.key):
            if key == post.key:
                continue
            state = self.store.post(key)
            if state is None or state.state in ("scheduled", "removed"):
                continue
            if (other := self.posts.get(key)) is not None:
                found.append(other)
        return found

    async def apply(
        self, post: Post, summary: Summary, *, state: PostState | None | bool = True
    ) -> None:
        """Bring the state, the schedule and the channels in line with one post.

        `state` is the stored state when the caller already has it (None: unknown post).
        """
        now = self.clock()
        if state is True:
            state = self.store.post(post.key)
        assert state is None or isinstance(state, PostState)
        self.posts[post.key] = post
        if (
            state is not None
            and state.state in ("archived", "published")
            and state.digest == post.digest
            and post.event is None
        ):
            return  # nothing to send and nothing to schedule
        if post.warnings:  # e.g. a press text without frontmatter: where its title came from
            text = f"{post.source}: " + "; ".join(post.warnings)
            await self.report(f"warning:{post.source}", text)
        if state is None or state.state == "removed":
            summary.new.append(post.key)
            if post.due_at > now:
                self.store.save_post(post, "scheduled", now)
                self._plan(post, published=False)
                summary.scheduled.append(post.key)
            else:
                await self._publish_now(post, summary, now)
            return
        changed = state.digest != post.digest
        if state.state == "archived":
            if changed:
                self.store.save_post(post, "archived", now)
        elif state.state == "scheduled":
            if post.due_at <= now:
                await self._publish_now(post, summary, now)
            else:
                self.store.save_post(post, "scheduled", now)
                self._plan(post, published=False)
                summary.scheduled.append(post.key) if changed else None
        elif changed:
            saved = self.store.save_post(post, "published", now)
            await self.announcer.update(post, version=saved.version)
            self._plan(post, published=True)
            summary.edited.append(post.key)
            await self._guild_event(post)
        else:
            self._plan(post, published=True)

    async def _publish_now(self, post: Post, summary: Summary, now: datetime) -> None:
        """A new post, or a scheduled one whose time came: out to its channels now."""
        saved = self.store.save_post(post, "published", now)
        await self.announcer.publish(post, version=saved.version)
        self._plan(post, published=True)
        summary.published.append(post.key)
        await self._guild_event(post)
        await self._siblings_changed(post.key)

    async def _siblings_changed(self, key: str) -> None:
        """A version came or went: the published others now link to a different set, and
        channels may now get another one of them."""
        for other in self.posts.group(key):
            state = self.store.post(other) if other != key else None
            if state is None or state.state != "published":
                continue
            if (post := self.posts.get(other)) is not None:
                await self.announcer.update(post, version=state.version)

    async def _guild_event(self, post: Post) -> None:
        """One Discord scheduled event per announcement: its default language's version."""
        if self.guild_events is None or post.event is None:
            return
        primary = pick_version(self.versions(post), self.announcer.options.default_lang,
                               self.announcer.options.default_lang)  # fmt: skip
        if primary is None or primary.key == post.key:
            await self.guild_events.sync(post)

    def _plan(self, post: Post, *, published: bool) -> None:
        sent: set[str] = set()
        pinned = False
        if post.event is not None:
            sent = self.store.reminders_sent(post.key, post.event.start)
            if any(c.pin for c in self.announcer.channels):
                pinned = any(c.pin for c in self.announcer.reached(post))
        self.planner.sync_post(
            post, published=published, offsets=self.offsets, sent=sent, pinned=pinned
        )

    async def remove(self, key: str, summary: Summary) -> None:
        now = self.clock()
        self.store.set_post_state(key, "removed", now)
        self.store.cancel(post_key=key)
        self.planner.remove_post(key)
        self.posts.pop(key, None)
        summary.removed.append(key)
        await self._siblings_changed(key)
        if self.guild_events is not None:
            await self.guild_events.remove(key)
        if self.retract_removed:
            self.announcer.retract(key)

    # -- scheduled work -----------------------------------------------------------------------
    async def on_due(self, job: JobSpec) -> None:
        """The scheduler says a job is due."""
        if job.kind == "publish" and job.post_key and job.post_key in self.posts:
            await self.apply(self.posts[job.post_key], Summary())
        elif job.kind == "remind" and job.post_key and job.offset:
            await self.remind(job.post_key, job.offset)
        elif job.kind == "recurring" and job.name:
            await self.announcer.recurring(job.name)
        elif job.kind == "unpin" and job.post_key and job.post_key in self.posts:
            await self.announcer.unpin(self.posts[job.post_key], job.run_at.isoformat())
        else:
            log.info("job %s has nothing left to do", job.id)

    async def remind(self, key: str, offset: str) -> list[int]:
        post = self.posts.get(key)
        if post is None or post.event is None or self.clock() >= post.event.start:
            log.info("reminder %s of %s skipped: no upcoming event", offset, key)
            return []
        return await self.announcer.remind(post, offset)

    def known_files(self) -> dict[str, tuple[str, str]]:
        """Source → (key, digest) of every post on record, to skip re-parsing unchanged files."""
        return {
            s.source: (key, s.digest)
            for key, s in self.store.posts().items()
            if s.state != "removed"
        }

    async def _report_content(self, error: ContentError, summary: Summary) -> None:
        summary.errors.append(str(error))
        await self.report(f"content:{error.source}", f"Skipped {error.source}: {error.reason}")
