"""Drafts: a new announcement waits for a second look before anything reaches the channels.

An admin's `/announce` (with ``[admin] confirm``) becomes an open draft: its author sees the
preview and decides — publish now, schedule, cancel. An editor's becomes a draft for review:
the admin chats get the preview with Approve / Reject, only an admin decides, and the editor is
told the outcome privately. Drafts live in the state database (their photos in a folder of
their own) and expire after a day. Every decision is one atomic claim of the draft, so a second
press, here or on another platform, changes nothing. How a draft is shown and how its people
are reached belongs to each platform's `Desk`.
"""

from __future__ import annotations

import logging
import secrets
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from ..domain import Post, channels_for
from ..errors import AdminError, ContentError
from ..i18n import Words, words
from ..ingest.parse import ParseContext, parse_post
from ..ingest.writer import FOLDER, Photo, PhotoError, photo_extension, render_post, slugify
from ..store.repo import Draft, DraftPhoto, ShownAt, Store
from .admin import AdminOps
from .answers import preview_answer
from .draft_texts import Texts, describe_state
from .pictures import Pictures
from .queries import Queries

log = logging.getLogger(__name__)
TTL = timedelta(hours=24)
OWN_ACTIONS = ("publish", "schedule", "cancel")  # the author's decisions ("at": its own time)
REVIEW_ACTIONS = ("approve", "reject")  # an admin's, on an editor's draft


@dataclass(frozen=True)
class Person:
    """Someone acting on a draft, where they act."""

    platform: str  # telegram | discord
    id: str
    name: str
    lang: str = "en"
    admin: bool = True  # False: an editor, who drafts but does not decide


@dataclass(frozen=True)
class Shown:
    """A draft as a platform shows it: a picture (or the text preview), words, buttons."""

    draft: Draft
    text: str
    picture: Path | None
    preview: str  # the text preview, for answers without a picture
    actions: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    text: str
    close: bool  # the draft's buttons are of no further use
    done: bool = False  # this press decided (else it was refused, and `text` says why)


class Desk(Protocol):
    """One platform's side of the drafts: the admin chat, and private messages."""

    async def review(self, shown: Shown) -> bool:
        """Post an editor's draft with Approve / Reject in the admin chat; False if none."""
        ...

    async def tell(self, person: Person, text: str) -> None:
        """A private message; failures are logged, not raised."""
        ...


class Drafts:
    def __init__(
        self, admin: AdminOps, store: Store, queries: Queries, pictures: Pictures,
        folder: Path, *, ctx: ParseContext, clock: Callable[[], datetime],
        desk_lang: str = "en", ttl: timedelta = TTL,
    ) -> None:  # fmt: skip
        self.admin, self.store, self.queries, self.pictures = admin, store, queries, pictures
        self.folder, self.ctx, self.clock, self.ttl = folder, ctx, clock, ttl
        self.desk_words = words(desk_lang)  # the admin chats' language
        self.desks: dict[str, Desk] = {}
        self._started = False

    def start(self) -> None:
        """Before the first use of this process: a decision cut short by a crash waits again.

        Run when drafts are first touched, not at start-up: a service whose admins are quiet
        does no draft work at all."""
        if self._started:
            return
        self._started = True
        if count := self.store.unstick_drafts(self.clock()):
            log.info("drafts: %d decision(s) cut short by a restart wait again", count)

    def _texts(self, w: Words) -> Texts:
        return Texts(w, self.ctx.tz)

    def sweep(self) -> None:
        """Drafts whose day is up expire and lose their photos."""
        self.start()
        for draft in self.store.expire_drafts(self.clock()):
            self._drop_photos(draft.token)

    # -- making and showing ---------------------------------------------------------------------
    async def create(
        self, author: Person, title: str, text: str, photos: Sequence[Photo],
        channels: Sequence[str] | None, *, publish_at: datetime | None = None, w: Words,
    ) -> Shown:  # fmt: skip
        """Check the announcement as `/announce` would, keep it as a draft and show it."""
        self.sweep()
        title, text = self.admin.check_text(title, text, w)
        chosen = self.admin.check_channels(channels, w)
        self.admin.check_photos(photos, w)
        if publish_at is not None:
            self.admin.check_future(publish_at, w)
        token = secrets.token_urlsafe(12)
        kept = self._keep_photos(token, photos, w)
        now = self.clock()
        draft = self.store.add_draft(
            token=token, needs_approval=not author.admin,
            author=(author.platform, author.id, author.name, author.lang), title=title, body=text,
            channels=chosen, photos=kept, publish_at=publish_at, now=now,
            expires_at=now + self.ttl,
        )  # fmt: skip
        if author.admin:
            return await self.show(draft, w)
        review = await self.show(draft, self.desk_words, role="review")
        reached = 0
        for desk in self.desks.values():
            reached += await desk.review(review)
        if not reached:
            self._settle(draft, "cancelled")
            raise AdminError(self._texts(w).no_admin_chat())
        texts = self._texts(w)
        return Shown(draft, texts.sent_for_review(draft), review.picture, review.preview, ())

    async def show(self, draft: Draft, w: Words, *, role: str = "draft") -> Shown:
        post = self._post(draft)
        document = self.queries.preview(post)
        picture = await self.pictures.draw(document)
        channels = self.queries.channels
        preview = preview_answer(post, document, channels, w).text
        texts, where = self._texts(w), [c.name for c in channels_for(post, channels)]
        notes = [*document["warnings"], *document["problems"]]
        if role == "review":
            text = texts.review(draft, where, notes)
            return Shown(draft, text, picture, preview, REVIEW_ACTIONS)
        actions = ("at", *OWN_ACTIONS) if draft.publish_at else OWN_ACTIONS
        return Shown(draft, texts.draft(draft, where, notes), picture, preview, actions)

    async def picture(self, document: dict[str, object]) -> Path | None:
        """The picture of any preview document (for `/preview`)."""
        return await self.pictures.draw(dict(document))

    def get(self, token: str) -> Draft | None:
        return self.store.draft(token)

    def note(self, token: str, where: ShownAt) -> None:
        """Remember a message that shows the draft, or asks for its time."""
        self.store.note_shown(token, where)

    def asked(self, platform: str, chat: str, message: str) -> Draft | None:
        """The waiting draft whose time a message asked for."""
        self.start()
        for draft in self.store.waiting_drafts():
            for seen in draft.shown:
                if (seen.role, seen.platform, seen.chat, seen.message) == (
                    "ask", platform, chat, message,
                ):  # fmt: skip
                    return draft
        return None

    # -- deciding -------------------------------------------------------------------------------
    def check(self, token: str, action: str, person: Person, w: Words) -> Outcome | None:
        """Why `person` may not take `action` on the draft now (None: they may)."""
        self.start()
        texts, draft = self._texts(w), self.store.draft(token)
        if draft is None:  # a forged button, or a draft long gone: the buttons stay
            return Outcome(texts.unknown(), close=False)
        wanted = REVIEW_ACTIONS if draft.needs_approval else ("at", *OWN_ACTIONS)
        if action not in wanted:
            return Outcome(texts.wrong_button(), close=False)
        if not person.admin:
            return Outcome(texts.admins_only(), close=False)
        if draft.expired(self.clock()):
            return Outcome(texts.expired(draft), close=True)
        if draft.state == "busy":
            return Outcome(texts.busy(draft), close=False)
        if draft.state != draft.waiting_state:
            return Outcome(describe_state(texts, draft), close=True)
        return None

    async def press(
        self, token: str, action: str, person: Person, w: Words, *, when: datetime | None = None
    ) -> Outcome:
        """Carry out one decision; a refusal or a failure changes nothing and says why."""
        self.sweep()
        if (refused := self.check(token, action, person, w)) is not None:
            return refused
        draft = self.store.draft(token)
        assert draft is not None
        texts = self._texts(w)
        if action in ("cancel", "reject"):
            return await self._drop(draft, action, person, texts)
        try:
            at = None if action in ("publish", "approve") else when or draft.publish_at
            if action in ("at", "schedule"):
                if at is None:
                    raise AdminError(texts.no_time())
                self.admin.check_future(at, w)
            photos = self._photos(draft, texts)
        except AdminError as exc:
            return Outcome(str(exc), close=False)
        claimed = self.store.claim_draft(token, [draft.waiting_state], self.clock(), by=person.name)
        if claimed is None:  # another press won in the meantime
            return self.check(token, action, person, w) or Outcome(texts.busy(draft), close=False)
        try:
            post, answer = await self.admin.create(
                draft.title, draft.body, photos, draft.channels, at, w
            )
        except (AdminError, OSError) as exc:
            self.store.finish_draft(token, None, self.clock())
            return Outcome(texts.failed(str(exc)), close=False)
        self._settle(claimed, "scheduled" if at else "published", post)
        if action == "approve":
            await self._tell_author(claimed, lambda t: t.approved(claimed, person.name, at))
            answer = f"{texts.approved_by(person.name)}\n{answer}"
        return Outcome(answer, close=True, done=True)

    async def _drop(self, draft: Draft, action: str, person: Person, texts: Texts) -> Outcome:
        if self.store.claim_draft(draft.token, [draft.waiting_state], self.clock(),
                                  by=person.name) is None:  # fmt: skip
            return self.check(draft.token, action, person, texts.w) or Outcome(
                texts.busy(draft), close=False
            )
        if action == "reject":
            self._settle(draft, "rejected")
            await self._tell_author(draft, lambda t: t.rejected(draft, person.name))
            return Outcome(texts.rejected_for_admins(draft, person.name), close=True, done=True)
        self._settle(draft, "cancelled")
        return Outcome(texts.cancelled(draft), close=True, done=True)

    async def _tell_author(self, draft: Draft, text: Callable[[Texts], str]) -> None:
        desk = self.desks.get(draft.author_platform)
        if desk is None:
            log.warning("drafts: cannot reach %s on %s", draft.author_name, draft.author_platform)
            return
        person = Person(draft.author_platform, draft.author_id, draft.author_name,
                        draft.author_lang, admin=not draft.needs_approval)  # fmt: skip
        await desk.tell(person, text(self._texts(words(draft.author_lang))))

    def _settle(self, draft: Draft, state: str, post: Post | None = None) -> None:
        if draft.state != "busy":
            self.store.claim_draft(draft.token, [draft.state], self.clock(), by="the bot")
        self.store.finish_draft(draft.token, state, self.clock(),
                                post_key=post.key if post else None)  # fmt: skip
        self._drop_photos(draft.token)

    # -- the draft as a post --------------------------------------------------------------------
    def _post(self, draft: Draft) -> Post:
        """The post the draft would become, its photos where the draft keeps them."""
        now = self.clock().astimezone(self.ctx.tz)
        meta: dict[str, object] = {"title": draft.title, "date": now.isoformat(timespec="seconds")}
        if draft.photos:
            meta["images"] = [f"/{draft.token}/{p.file}" for p in draft.photos]
        if draft.channels is not None:
            meta["channels"] = list(draft.channels)
        if draft.publish_at is not None:
            meta["publish_at"] = draft.publish_at.astimezone(self.ctx.tz).isoformat()
        source = f"{FOLDER}/{now:%Y-%m-%d}-{slugify(draft.title)}.md"
        try:
            return parse_post(render_post(meta, draft.body).encode(), source, mtime=now,
                              ctx=self.ctx)  # fmt: skip
        except ContentError as exc:  # checked when made; a store edited by hand
            raise AdminError(exc.reason) from None

    def _keep_photos(self, token: str, photos: Sequence[Photo], w: Words) -> list[DraftPhoto]:
        kept: list[DraftPhoto] = []
        folder = self.folder / token
        try:
            for number, photo in enumerate(photos, 1):
                name = f"{number}.{photo_extension(photo, number)}"
                folder.mkdir(parents=True, exist_ok=True)
                (folder / name).write_bytes(photo.data)
                kept.append(DraftPhoto(name, photo.name))
        except PhotoError as exc:
            self._drop_photos(token)
            raise AdminError(f"{exc}.") from None
        except OSError as exc:
            self._drop_photos(token)
            raise AdminError(self._texts(w).not_kept(exc.strerror or str(exc))) from None
        return kept

    def _photos(self, draft: Draft, texts: Texts) -> list[Photo]:
        photos: list[Photo] = []
        for number, kept in enumerate(draft.photos, 1):
            try:
                photos.append(Photo((self.folder / draft.token / kept.file).read_bytes(),
                                    kept.name))  # fmt: skip
            except OSError:
                raise AdminError(texts.photo_gone(number, kept.name)) from None
        return photos

    def _drop_photos(self, token: str) -> None:
        shutil.rmtree(self.folder / token, ignore_errors=True)
