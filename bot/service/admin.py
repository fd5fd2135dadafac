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

from ..domain import Channel, Post
from ..errors import AdminError
from ..i18n import Words
from ..ingest.writer import MAX_PHOTOS, Photo, PhotoError
from ..ingest.writer import write_new_post as _write_new_post
from ..schedule.plan import publish_id
from ..store.repo import Store
from .answers import ENGLISH, Preview, describe, preview_answer, queue_text, quoted, status_text
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
    def find_post(self, query: str, w: Words = ENGLISH) -> Post:
        return self.finder.find(query, w)

    def suggest_posts(self, typed: str, limit: int = 25) -> list[tuple[str, str]]:
        return self.finder.suggest(typed, limit)

    @property
    def channel_names(self) -> list[str]:
        return list(self.channels)

    def suggest_jobs(self, typed: str, limit: int = 25) -> list[tuple[str, str]]:
        low = typed.strip().lower()
        jobs = [j for j in self.scheduler.jobs() if low in j.id.lower() and len(j.id) <= 100]
        return [(f"{describe(j.run_at)} · {j.id}"[:100], j.id) for j in jobs[:limit]]

    def preview(self, query: str, w: Words = ENGLISH) -> Preview:
        post = self.find_post(query, w)
        document = self.queries.preview(post)
        return preview_answer(post, document, list(self.channels.values()), w)

    def queue(self, w: Words = ENGLISH) -> str:
        waiting = len(self.store.deliveries(state="pending"))
        return queue_text(self.scheduler.jobs(), self.lifecycle.posts, waiting, w)

    def status(self, w: Words = ENGLISH) -> str:
        return status_text(self.store.status(), self.channels, self.tz, w)

    # -- new posts ------------------------------------------------------------------------------
    async def announce(
        self,
        title: str,
        text: str,
        photos: Sequence[Photo] = (),
        channels: Sequence[str] | None = None,
        w: Words = ENGLISH,
    ) -> str:
        return (await self.create(title, text, photos, channels, None, w))[1]

    async def create(
        self, title: str, text: str, photos: Sequence[Photo], channels: Sequence[str] | None,
        publish_at: datetime | None, w: Words = ENGLISH,
    ) -> tuple[Post, str]:  # fmt: skip
        """A new post, published now or scheduled: the post and the answer for the admin."""
        if publish_at is not None:
            return await self._schedule_new(title, text, publish_at, photos, channels, w)
        post, summary = await self._create(title, text, photos, channels, None, w)
        targets = self.lifecycle.announcer.targets(post, None)
        # TRANSLATORS: instead of channel names, when an announcement goes to no channel.
        where = ", ".join(c.name for c in targets) or w._("no channel")
        count = len(post.images)
        if post.key in summary.published and count:
            done = w.n_("Publishing {title} with {count} photo to {where}.",
                        "Publishing {title} with {count} photos to {where}.", count)  # fmt: skip
        elif post.key in summary.published:
            done = w._("Publishing {title} to {where}.")
        elif count:
            done = w.n_("Saved {title} with {count} photo to {where}.",
                        "Saved {title} with {count} photos to {where}.", count)  # fmt: skip
        else:
            done = w._("Saved {title} to {where}.")
        answer = done.format(title=quoted(post.title), count=w.number(count), where=where)
        return post, f"{answer}\n{_file_line(post, w)}"

    async def schedule_text(
        self,
        title: str,
        text: str,
        when: datetime,
        photos: Sequence[Photo] = (),
        channels: Sequence[str] | None = None,
        w: Words = ENGLISH,
    ) -> str:
        return (await self.create(title, text, photos, channels, when, w))[1]

    async def _schedule_new(
        self, title: str, text: str, when: datetime, photos: Sequence[Photo],
        channels: Sequence[str] | None, w: Words,
    ) -> tuple[Post, str]:  # fmt: skip
        self.check_future(when, w)
        post, _ = await self._create(title, text, photos, channels, when, w)
        done = w._("{title} will be published {when}.").format(
            title=quoted(post.title), when=describe(when, w))  # fmt: skip
        # TRANSLATORS: the id of the scheduled job, which /cancel takes.
        job_line = w._("Job: {id}").format(id=publish_id(post.key))
        return post, f"{done}\n{_file_line(post, w)}\n{job_line}"

    def check_future(self, when: datetime, w: Words = ENGLISH) -> None:
        if when <= self.clock():
            message = w._("{when} has already passed; give a time in the future.")
            raise AdminError(message.format(when=describe(when, w)))

    def check_title(self, title: str, w: Words = ENGLISH) -> str:
        title = " ".join(title.split())
        if not title:
            raise AdminError(w._("The announcement needs a title."))
        if len(title) > MAX_TITLE:
            message = w._("The title has {count} characters; the limit is {limit}.")
            raise AdminError(message.format(count=w.number(len(title)), limit=w.number(MAX_TITLE)))
        return title

    def check_text(self, title: str, text: str, w: Words = ENGLISH) -> tuple[str, str]:
        title, text = self.check_title(title, w), text.strip()
        if not text:
            raise AdminError(w._("The announcement needs a text below its title."))
        if len(text) > MAX_TEXT:
            message = w._("The text has {count} characters; the limit is {limit}.")
            raise AdminError(message.format(count=w.number(len(text)), limit=w.number(MAX_TEXT)))
        return title, text

    def check_channels(self, names: Sequence[str] | None, w: Words = ENGLISH) -> list[str] | None:
        if names is None:
            return None
        chosen = list(dict.fromkeys(n.strip().lstrip("#") for n in names if n.strip()))
        unknown = [n for n in chosen if n not in self.channels]
        if unknown or not chosen:
            # TRANSLATORS: instead of the list of channels, when the configuration has none.
            known = ", ".join(self.channels) or w._("none configured")
            # TRANSLATORS: instead of unknown channel names, when the admin named none.
            named = ", ".join(unknown) or w._("(none named)")
            message = w._("Unknown channel {named}; the channels are: {known}.")
            raise AdminError(message.format(named=named, known=known))
        return chosen

    def check_photos(self, photos: Sequence[Photo], w: Words = ENGLISH) -> None:
        if len(photos) > MAX_PHOTOS:
            message = w._("{count} photos; an announcement takes at most {limit}.")
            raise AdminError(
                message.format(count=w.number(len(photos)), limit=w.number(MAX_PHOTOS))
            )

    def validate(
        self, title: str, text: str, photos: Sequence[Photo], channels: Sequence[str] | None,
        w: Words = ENGLISH,
    ) -> tuple[str, str, list[str] | None]:  # fmt: skip
        """A new announcement's title, text and channels as they will be written; raises
        AdminError when one of them, or its photos, will not do."""
        title, text = self.check_text(title, text, w)
        chosen = self.check_channels(channels, w)
        self.check_photos(photos, w)
        return title, text, chosen

    async def _create(
        self, title: str, text: str, photos: Sequence[Photo], channels: Sequence[str] | None,
        publish_at: datetime | None, w: Words,
    ) -> tuple[Post, Summary]:  # fmt: skip
        title, text, chosen = self.validate(title, text, photos, channels, w)
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
            # TRANSLATORS: {reason} is the system's, in English.
            message = w._("The post file could not be written: {reason}.")
            raise AdminError(message.format(reason=exc.strerror or exc)) from None
        try:
            post = self.editor.load(written.path, w)
        except AdminError:
            written.remove()
            raise
        summary = Summary()
        await self.lifecycle.apply(post, summary)
        if self.written is not None:
            await self.written([written.path, *written.images], f"Announcement: {post.title}")
        return post, summary

    # -- existing posts -------------------------------------------------------------------------
    async def schedule_post(self, query: str, when: datetime, w: Words = ENGLISH) -> str:
        self.check_future(when, w)
        return await self.editor.schedule_post(query, when, w)

    async def remind(self, query: str, offsets: Sequence[str], w: Words = ENGLISH) -> str:
        return await self.editor.remind(query, offsets, w)

    async def cancel(self, job_id: str, w: Words = ENGLISH) -> str:
        return await self.editor.cancel(job_id, w)

    async def resend(self, query: str, channel: str | None = None, w: Words = ENGLISH) -> str:
        post = self.find_post(query, w)
        only = self.check_channels([channel], w) if channel else None
        targets = [c.name for c in self.lifecycle.announcer.targets(post, only)]
        if not targets:
            message = w._("{title} goes to no channel; name one: {known}.")
            raise AdminError(
                message.format(title=quoted(post.title), known=", ".join(self.channels))
            )
        state = self.store.post(post.key)
        if state is not None and state.state == "scheduled":
            message = w._("{title} is not published yet: it goes out {when}. {schedule} it for "
                          "another time, or {cancel} first.")  # fmt: skip
            when, cancel = describe(post.due_at, w), f"/cancel post:{post.key}:publish"
            raise AdminError(message.format(title=quoted(post.title), when=when,
                                            schedule="/schedule", cancel=cancel))  # fmt: skip
        version = state.version if state is not None else 1
        ids = await self.lifecycle.announcer.publish(
            post, version=version, only=only, kind="resend"
        )
        message = w.n_("Sending {title} again to {where} ({count} delivery queued).",
                       "Sending {title} again to {where} ({count} deliveries queued).",
                       len(ids))  # fmt: skip
        where, count = ", ".join(targets), w.number(len(ids))
        return message.format(title=quoted(post.title), where=where, count=count)


def _file_line(post: Post, w: Words) -> str:
    # TRANSLATORS: the file the announcement was written to, under the content folder.
    return w._("Post file: {file}").format(file=post.source)
