"""What admin commands do, whichever platform they come from. Answers are plain text.

Every use-case validates first and changes nothing when it raises :class:`AdminError`, whose
message tells the admin what to fix. Posts live in files: a new announcement is written to the
content folder and applied at once (so the watcher later finds it unchanged and sends nothing
twice); a schedule or a reminder is written into the post's frontmatter, so it survives restarts
and the website agrees.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain import Post
from ..render import channels_for
from ..schedule.plan import publish_id
from ..service import Summary
from .editing import PostEditor
from .files import MAX_PHOTOS, Photo, PhotoError
from .files import write_new_post as _write_new_post
from .lookup import AdminError, PostFinder
from .views import Preview, build_preview, queue_text, status_text
from .when import WhenError, describe, parse_when, split_when

if TYPE_CHECKING:
    from ..app import App

MAX_TITLE = 256
MAX_TEXT = 20_000

__all__ = ["AdminError", "AdminService", "Photo", "Preview"]


class AdminService:
    def __init__(self, app: App) -> None:
        self.app = app
        self.settings = app.settings
        self.tz = app.settings.association.tz
        self.finder = PostFinder(app.service.posts)
        self.editor = PostEditor(app, self.finder)

    # -- reading --------------------------------------------------------------------------------
    def find_post(self, query: str) -> Post:
        return self.finder.find(query)

    def suggest_posts(self, typed: str, limit: int = 25) -> list[tuple[str, str]]:
        return self.finder.suggest(typed, limit)

    @property
    def channel_names(self) -> list[str]:
        return list(self.app.channels)

    def suggest_jobs(self, typed: str, limit: int = 25) -> list[tuple[str, str]]:
        low = typed.strip().lower()
        jobs = [j for j in self.app.scheduler.jobs() if low in j.id.lower() and len(j.id) <= 100]
        return [(f"{describe(j.run_at)} · {j.id}"[:100], j.id) for j in jobs[:limit]]

    def when(self, text: str) -> datetime:
        try:
            hour = self.settings.content.publish_hour
            return parse_when(text, now=self.app.clock(), default_hour=hour)
        except WhenError as exc:
            raise AdminError(str(exc)) from None

    def split_when(self, text: str) -> tuple[str, datetime]:
        try:
            hour = self.settings.content.publish_hour
            return split_when(text, now=self.app.clock(), default_hour=hour)
        except WhenError as exc:
            raise AdminError(str(exc)) from None

    def preview(self, query: str) -> Preview:
        return build_preview(self.app.service.renderer, self.find_post(query), self.app.channels)

    def queue(self) -> str:
        return queue_text(self.app.scheduler.jobs(), self.app.service.posts, self.app.store)

    def status(self) -> str:
        return status_text(self.app.store.status(), self.app.channels, self.tz)

    # -- new posts ------------------------------------------------------------------------------
    async def announce(
        self,
        title: str,
        text: str,
        photos: Sequence[Photo] = (),
        channels: Sequence[str] | None = None,
    ) -> str:
        post, summary = await self._create(title, text, photos, channels, None)
        targets = channels_for(post, self.app.service.channels)
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
        if when <= self.app.clock():
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
        unknown = [n for n in chosen if n not in self.app.channels]
        if unknown or not chosen:
            known = ", ".join(self.app.channels) or "none configured"
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
        now = self.app.clock().astimezone(self.tz)
        meta: dict[str, object] = {"title": title, "date": now.isoformat(timespec="seconds")}
        if chosen is not None:
            meta["channels"] = chosen
        if publish_at is not None:
            meta["publish_at"] = publish_at.astimezone(self.tz).isoformat(timespec="seconds")
        content = self.app.service.content_dir
        try:
            written = _write_new_post(
                content_dir=content, static_dir=Path(self.settings.content.static_dir),
                day=now.date(), meta=meta, body=text, photos=photos, taken=self.app.service.posts,
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
        await self.app.service.apply(post, summary, archive=False)
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
        targets = only or [c.name for c in channels_for(post, self.app.service.channels)]
        if not targets:
            known = ", ".join(self.app.channels)
            raise AdminError(f"«{post.title}» goes to no channel; name one: {known}.")
        state = self.app.store.post(post.key)
        if state is not None and state.state == "scheduled":
            raise AdminError(
                f"«{post.title}» is not published yet: it goes out {describe(post.due_at)}. "
                f"/schedule it for another time, or /cancel post:{post.key}:publish first."
            )
        version = state.version if state is not None else 1
        ids = await self.app.service.announcer.publish(
            post, version=version, only=only, kind="resend"
        )
        where = ", ".join(targets)
        return f"Sending «{post.title}» again to {where} ({len(ids)} deliveries queued)."
