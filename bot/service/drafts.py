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
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

from ..domain import Post, channels_for
from ..errors import AdminError
from ..i18n import Words, words
from ..ingest.parse import ParseContext
from ..ingest.writer import Photo, PhotoError
from ..store.repo import Draft, ShownAt, Store
from .admin import AdminOps
from .answers import preview_answer
from .desk import Desk, Outcome, Person, Shown
from .draft_files import DraftFiles, MissingPhoto
from .draft_texts import Texts, describe_state
from .pictures import Pictures
from .queries import Queries

__all__ = ["Desk", "Drafts", "Outcome", "Person", "Shown"]
log = logging.getLogger(__name__)
TTL = timedelta(hours=24)
OWN_ACTIONS = ("publish", "schedule", "cancel")  # the author's decisions ("at": its own time)
REVIEW_ACTIONS = ("approve", "reject")  # an admin's, on an editor's draft


class Drafts:
    def __init__(
        self, admin: AdminOps, store: Store, queries: Queries, pictures: Pictures,
        folder: Path, *, ctx: ParseContext, clock: Callable[[], datetime],
        desk_lang: str = "en", ttl: timedelta = TTL,
    ) -> None:  # fmt: skip
        self.admin, self.store, self.queries, self.pictures = admin, store, queries, pictures
        self.ctx, self.clock, self.ttl = ctx, clock, ttl
        self.files = DraftFiles(folder, ctx, clock)
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
            self.files.drop(draft.token)

    # -- making and showing ---------------------------------------------------------------------
    async def create(
        self, author: Person, title: str, text: str, photos: Sequence[Photo],
        channels: Sequence[str] | None, *, publish_at: datetime | None = None, w: Words,
    ) -> Shown:  # fmt: skip
        """Check the announcement as `/announce` would, keep it as a draft and show it."""
        self.sweep()
        title, text, chosen = self.admin.validate(title, text, photos, channels, w)
        if publish_at is not None:
            self.admin.check_future(publish_at, w)
        token = secrets.token_urlsafe(12)
        try:
            kept = self.files.keep(token, photos)
        except PhotoError as exc:
            raise AdminError(f"{exc}.") from None
        except OSError as exc:
            raise AdminError(self._texts(w).not_kept(exc.strerror or str(exc))) from None
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
        post = self.files.post(draft)
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
            photos = self.files.photos(draft)
        except MissingPhoto as gone:
            return Outcome(texts.photo_gone(gone.number, gone.name), close=False)
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
        except Exception:  # a bug: the draft waits again rather than stay claimed
            log.exception("drafts: carrying out %s on %s failed", action, token)
            self.store.finish_draft(token, None, self.clock())
            raise
        self._settle(claimed, "scheduled" if at else "published", post)
        if action == "approve":
            await self._tell_author(claimed, lambda t: t.approved(claimed, person.name, at))
            answer = f"{texts.approved_by(person.name)}\n{answer}"
        return Outcome(answer, close=True, done=True)

    async def _drop(self, draft: Draft, action: str, person: Person, texts: Texts) -> Outcome:
        claimed = self.store.claim_draft(draft.token, [draft.waiting_state], self.clock(),
                                         by=person.name)  # fmt: skip
        if claimed is None:
            return self.check(draft.token, action, person, texts.w) or Outcome(
                texts.busy(draft), close=False
            )
        if action == "reject":
            self._settle(claimed, "rejected")
            await self._tell_author(draft, lambda t: t.rejected(draft, person.name))
            return Outcome(texts.rejected_for_admins(draft, person.name), close=True, done=True)
        self._settle(claimed, "cancelled")
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
        self.files.drop(draft.token)
