"""What admin commands do, whichever platform they come from. Answers are plain text.

Every use-case validates first and changes nothing when it raises :class:`AdminError`, whose
message tells the admin what to fix. Posts live in files: a new announcement is written to the
content folder and applied at once (so the watcher later finds it unchanged and sends nothing
twice); a schedule or a reminder is written into the post's frontmatter, so it survives restarts
and the website agrees.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, tzinfo
from pathlib import Path

from ..domain import Channel, Post, channels_for
from ..errors import AdminError
from ..ingest.writer import MAX_PHOTOS, Photo, PhotoError
from ..ingest.writer import write_new_post as _write_new_post
from ..schedule.plan import publish_id
from ..store.repo import Store
from .answers import Preview, describe, preview_answer, queue_text, status_text
from .editing import Jobs, PostEditor
from .lifecycle import Lifecycle, Summary
from .lookup import PostFinder
from .queries import Queries

Written = Callable[[Sequence[Path], str], Awaitable[None]]
MAX_TITLE = 256
MAX_TEXT = 20_000

__all__ = ["AdminError", "AdminOps", "Photo", "Preview"]


class AdminOps:
    def __init__(
        self,
        lifecycle: Lifecycle,
        store: Store,
        jobs: Jobs,
        queries: Queries,
        channels: Mapping[str, Channel],
        *,
        static_dir: Path,
        announce_dir: Path,
        offsets: Sequence[str],
        publish_hour: int,
        tz: tzinfo,
        clock: Callable[[], datetime],
        written: Written | None = None,
    ) -> None:
        self.lifecycle = lifecycle
        self.written = written  # told of each post file written (to push it to the website)
        self.store = store
        self.scheduler = jobs
        self.queries = queries
        self.channels = dict(channels)
        self.static_dir = static_dir
        self.announce_dir = announce_dir  # where new posts are written
        self.publish_hour = publish_hour  # for times typed without an hour
        self.tz = tz
        self.clock = clock
        self.finder = PostFinder(lifecycle.posts)
        self.editor = PostEditor(
            lifecycle, store, jobs, self.finder, offsets=offsets, tz=tz, clock=clock
        )

    # -- reading --------------------------------------------------------------------------------
    def find_post(self, query: str) -> Post:
        return self.finder.find(query)

    def suggest_posts(self, typed: str, limit: int = 25) -> list[tuple[str, str]]:
        return self.finder.suggest(typed, limit)

    @property
    def channel_names(self) -> list[str]:
        return list(self.channels)

    def suggest_jobs(self, typed: str, limit: int = 25) -> list[tuple[str, str]]:
        low = typed.strip().lower()
        jobs = [j for j in self.scheduler.jobs() if low in j.id.lower() and len(j.id) <= 100]
        return [(f"{describe(j.run_at)} · {j.id}"[:100], j.id) for j in jobs[:limit]]

    def preview(self, query: str) -> Preview:
        post = self.find_post(query)
        document = self.queries.preview(post)
        return preview_answer(post, document, list(self.channels.values()))

    def queue(self) -> str:
        waiting = len(self.store.deliveries(state="pending"))
        return queue_text(self.scheduler.jobs(), self.lifecycle.posts, waiting)

    def status(self) -> str:
        return status_text(self.store.status(), self.channels, self.tz)

    # -- new posts ------------------------------------------------------------------------------
    async def announce(
        self,
        title: str,
        text: str,
        photos: Sequence[Photo] = (),
        channels: Sequence[str] | None = None,
    ) -> str:
        post, summary = await self._create(title, text, photos, channels, None)
        targets = channels_for(post, list(self.channels.values()))
        where = ", ".join(c.name for c in targets) or "no channel"
        pics = f" with {len(post.images)} photo(s)" if post.images else ""
        done = "Publishing" if post.key in summary.published else "Saved"
        return f"{done} «{post.title}»{pics} to {where}.\nPost file: {post.source}"

    async def schedule_text(
        self,
        title: str,
        text: str,
        when: datetime,
        photos: Sequence[Photo] = (),
        channels: Sequence[str] | None = None,
    ) -> str:
        self.check_future(when)
        post, _ = await self._create(title, text, photos, channels, when)
        return (f"«{post.title}» will be published {describe(when)}.\nPost file: {post.source}\n"
                f"Job: {publish_id(post.key)}")  # fmt: skip

    def check_future(self, when: datetime) -> None:
        if when <= self.clock():
            raise AdminError(f"{describe(when)} has already passed; give a time in the future.")

    def check_title(self, title: str) -> str:
        title = " ".join(title.split())
        if not title:
            raise AdminError("The announcement needs a title.")
        if len(title) > MAX_TITLE:
            raise AdminError(f"The title has {len(title)} characters; the limit is {MAX_TITLE}.")
        return title

    def check_text(self, title: str, text: str) -> tuple[str, str]:
        title, text = self.check_title(title), text.strip()
        if not text:
            raise AdminError("The announcement needs a text below its title.")
        if len(text) > MAX_TEXT:
            raise AdminError(f"The text has {len(text):,} characters; the limit is {MAX_TEXT:,}.")
        return title, text

    def check_channels(self, names: Sequence[str] | None) -> list[str] | None:
        if names is None:
            return None
        chosen = list(dict.fromkeys(n.strip().lstrip("#") for n in names if n.strip()))
        unknown = [n for n in chosen if n not in self.channels]
        if unknown or not chosen:
            known = ", ".join(self.channels) or "none configured"
            named = ", ".join(unknown) or "(none named)"
            raise AdminError(f"Unknown channel {named}; the channels are: {known}.")
        return chosen

    async def _create(
        self, title: str, text: str, photos: Sequence[Photo], channels: Sequence[str] | None,
        publish_at: datetime | None,
    ) -> tuple[Post, Summary]:  # fmt: skip
        title, text = self.check_text(title, text)
        chosen = self.check_channels(channels)
        if len(photos) > MAX_PHOTOS:
            raise AdminError(f"{len(photos)} photos; an announcement takes at most {MAX_PHOTOS}.")
        now = self.clock().astimezone(self.tz)
        meta: dict[str, object] = {"title": title, "date": now.isoformat(timespec="seconds")}
        if chosen is not None:
            meta["channels"] = chosen
        if publish_at is not None:
            meta["publish_at"] = publish_at.astimezone(self.tz).isoformat(timespec="seconds")
        try:
            written = _write_new_post(
                folder=self.announce_dir, static_dir=self.static_dir,
                day=now.date(), meta=meta, body=text, photos=photos, taken=self.lifecycle.posts,
            )  # fmt: skip
        except PhotoError as exc:
            raise AdminError(f"{exc}.") from None
        except OSError as exc:
            reason = exc.strerror or exc
            raise AdminError(f"The post file could not be written: {reason}.") from None
        try:
            post = self.editor.load(written.path)
        except AdminError:
            written.remove()
            raise
        summary = Summary()
        await self.lifecycle.apply(post, summary, archive=False)
        if self.written is not None:
            await self.written([written.path, *written.images], f"Announcement: {post.title}")
        return post, summary

    # -- existing posts -------------------------------------------------------------------------
    async def schedule_post(self, query: str, when: datetime) -> str:
        self.check_future(when)
        return await self.editor.schedule_post(query, when)

    async def remind(self, query: str, offsets: Sequence[str]) -> str:
        return await self.editor.remind(query, offsets)

    async def cancel(self, job_id: str) -> str:
        return await self.editor.cancel(job_id)

    async def resend(self, query: str, channel: str | None = None) -> str:
        post = self.find_post(query)
        only = self.check_channels([channel]) if channel else None
        targets = only or [c.name for c in channels_for(post, list(self.channels.values()))]
        if not targets:
            known = ", ".join(self.channels)
            raise AdminError(f"«{post.title}» goes to no channel; name one: {known}.")
        state = self.store.post(post.key)
        if state is not None and state.state == "scheduled":
            raise AdminError(
                f"«{post.title}» is not published yet: it goes out {describe(post.due_at)}. "
                f"/schedule it for another time, or /cancel post:{post.key}:publish first."
            )
        version = state.version if state is not None else 1
        ids = await self.lifecycle.announcer.publish(
            post, version=version, only=only, kind="resend"
        )
        where = ", ".join(targets)
        return f"Sending «{post.title}» again to {where} ({len(ids)} deliveries queued)."
