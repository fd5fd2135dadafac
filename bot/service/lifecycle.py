"""The life of posts: reconciled at start-up, followed through file events, applied one by one."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from ..domain import Post, pick_version
from ..errors import ContentError
from ..ingest.index import PostIndex
from ..ingest.loader import Content, LoadResult, check_duplicates
from ..schedule.plan import JobSpec
from ..store.repo import PostState, Store
from .announce import Announcer, Report
from .guild_events import GuildEvents

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


class NoPlanner:
    def sync_post(
        self,
        post: Post,
        *,
        published: bool,
        offsets: Sequence[str],
        sent: Collection[str] = (),
        pinned: bool = False,
    ) -> None:
        return None

    def remove_post(self, key: str) -> None:
        return None


@dataclass
class Summary:
    new: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)
    scheduled: list[str] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class Lifecycle:
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
        planner: Planner | None = None,
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
        self.planner: Planner = planner or NoPlanner()
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

    @property
    def content_dir(self) -> Path:
        return self.content.dir

    # -- ingest -------------------------------------------------------------------------------
    async def reconcile(
        self, loaded: LoadResult, *, announce_existing: bool | None = None
    ) -> Summary:
        """Start-up: compare the content folder with the state and act on the differences."""
        summary = Summary()
        first = self.store.get_meta("indexed_at") is None
        announce = self.announce_existing if announce_existing is None else announce_existing
        for error in loaded.errors:
            await self._report_content(error, summary)
        broken = {e.source for e in loaded.errors}
        known = self.store.posts()
        if await self._detect_renames(loaded.posts, broken, summary, known=known):
            known = self.store.posts()
        if first and not announce:  # the archive is recorded in one go, never announced
            fresh = [p for p in loaded.posts if p.key not in known]
            self.store.save_posts(fresh, "archived", self.clock())
            summary.new.extend(p.key for p in fresh)
            summary.archived.extend(p.key for p in fresh)
            self.posts.update((p.key, p) for p in fresh)
            known = self.store.posts()
        for post in loaded.posts:
            await self.apply(post, summary, archive=False, state=known.get(post.key))
            await asyncio.sleep(0)
        now = self.clock()
        for key, path in loaded.unchanged:  # same bytes as last time: parsed only if needed
            self.posts.add_lazy(key, path)
            state = known.get(key)
            upcoming = (
                state is not None and state.event_start is not None and state.event_start > now
            )
            if state is not None and (state.state == "scheduled" or upcoming) and key in self.posts:
                await self.apply(self.posts[key], summary, archive=False, state=state)
        seen = {p.key for p in loaded.posts} | {key for key, _ in loaded.unchanged}
        for key, state in known.items():
            if key not in seen and state.state != "removed" and state.source not in broken:
                await self.remove(key, summary)
        if first:
            self.store.set_meta("indexed_at", self.clock().isoformat())
        self.wake()
        return summary

    async def files_changed(self, changed: Iterable[Path], removed: Iterable[Path]) -> Summary:
        """A debounced batch of file-system events."""
        summary = Summary()
        parsed: list[Post] = []
        for path in sorted(set(changed)):
            if not path.is_file() or not self.content.is_post(path):
                continue
            try:
                parsed.append(self.content.load(path))
            except ContentError as exc:
                await self._report_content(exc, summary)
        changed_sources = {p.source for p in parsed}
        owners = {k: src for k, src in self.posts.sources().items() if src not in changed_sources}
        checked = check_duplicates(parsed, owners)
        fresh = checked.posts
        for error in checked.errors:
            await self._report_content(error, summary)
        gone = {self.content.source(p) for p in removed if not p.exists()}
        await self._detect_renames(fresh, set(), summary, gone=gone)
        for post in fresh:
            await self.apply(post, summary, archive=False)
            await asyncio.sleep(0)  # let the outbox start sending the first ones
        for key, source in self.posts.sources().items():
            if source in gone:
                await self.remove(key, summary)
        return summary

    async def _detect_renames(
        self,
        posts: Sequence[Post],
        broken: set[str],
        summary: Summary,
        gone: set[str] | None = None,
        known: dict[str, PostState] | None = None,
    ) -> bool:
        """Posts whose file moved keep their identity. True when any was renamed."""
        known = self.store.posts() if known is None else known
        before = len(summary.renamed)
        present = {p.key for p in posts} | {
            k for k, src in self.posts.sources().items() if src not in (gone or set())
        }
        by_digest: dict[str, list[str]] = {}
        for key, state in known.items():
            if state.state != "removed":
                by_digest.setdefault(state.digest, []).append(key)
        for post in posts:
            if post.key in known:
                continue
            for key in by_digest.get(post.digest, []):
                state = known[key]
                moved = state.source in gone if gone is not None else key not in present
                if moved and state.source not in broken:
                    self.store.rename_post(key, post.key, post.source, self.clock())
                    self.planner.remove_post(key)
                    self.posts.pop(key, None)
                    by_digest[post.digest].remove(key)
                    summary.renamed.append(f"{state.source} → {post.source}")
                    break
        return len(summary.renamed) > before

    async def apply(
        self, post: Post, summary: Summary, *, archive: bool, state: PostState | None | bool = True
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
            if archive:
                self.store.save_post(post, "archived", now)
                summary.archived.append(post.key)
            elif post.due_at > now:
                self.store.save_post(post, "scheduled", now)
                self._plan(post, published=False)
                summary.scheduled.append(post.key)
            else:
                saved = self.store.save_post(post, "published", now)
                await self.announcer.publish(post, version=saved.version)
                self._plan(post, published=True)
                summary.published.append(post.key)
                await self._guild_event(post)
                await self._siblings_changed(post)
            return
        changed = state.digest != post.digest
        if state.state == "archived":
            if changed:
                self.store.save_post(post, "archived", now)
        elif state.state == "scheduled":
            if post.due_at <= now:
                saved = self.store.save_post(post, "published", now)
                await self.announcer.publish(post, version=saved.version)
                summary.published.append(post.key)
                self._plan(post, published=True)
                await self._guild_event(post)
                await self._siblings_changed(post)
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

    async def _siblings_changed(self, post: Post) -> None:
        """A version came or went: the published others now link to a different set, and
        channels may now get another one of them."""
        for other in self.versions(post)[1:]:
            state = self.store.post(other.key)
            if state is not None and state.state == "published":
                await self.announcer.update(other, version=state.version)

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
        gone = self.posts.pop(key, None)
        summary.removed.append(key)
        if gone is not None:
            await self._siblings_changed(gone)
        if self.guild_events is not None:
            await self.guild_events.remove(key)
        if self.retract_removed:
            self.announcer.retract(key)

    # -- scheduled work -----------------------------------------------------------------------
    async def on_due(self, job: JobSpec) -> None:
        """The scheduler says a job is due."""
        if job.kind == "publish" and job.post_key and job.post_key in self.posts:
            await self.apply(self.posts[job.post_key], Summary(), archive=False)
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
