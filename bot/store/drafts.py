"""The drafts part of the store: announcements waiting for a decision.

A decision is one conditional UPDATE from a waiting state (and before the draft expires) to
`busy`, as the outbox claims its deliveries: of two presses of Publish, on one process or two,
exactly one wins; the other finds the draft taken and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, delete, select, update

from .base import StoreBase
from .models import DraftRow

WAITING = ("open", "review")  # open: its author decides; review: an admin approves
FINAL = ("published", "scheduled", "cancelled", "rejected", "expired")
FORGET_AFTER = timedelta(days=30)  # decided drafts are kept this long, then removed


@dataclass(frozen=True)
class DraftPhoto:
    file: str  # the file's name in the draft's folder
    name: str  # what the platform called it, for messages


@dataclass(frozen=True)
class ShownAt:
    """A message that shows the draft (with its buttons), or asks for its time."""

    platform: str
    chat: str
    message: str
    role: str  # draft (its author's), review (an admin chat's), ask (asks for a time)


@dataclass(frozen=True)
class Draft:
    id: int
    token: str
    state: str
    author_platform: str
    author_id: str
    author_name: str
    author_lang: str
    needs_approval: bool
    title: str
    body: str
    channels: tuple[str, ...] | None
    photos: tuple[DraftPhoto, ...]
    publish_at: datetime | None
    shown: tuple[ShownAt, ...]
    decided_by: str | None
    post_key: str | None
    created_at: datetime
    expires_at: datetime

    @property
    def waiting_state(self) -> str:
        return "review" if self.needs_approval else "open"

    def expired(self, now: datetime) -> bool:
        return self.state == "expired" or (self.state in WAITING and self.expires_at <= now)


def _draft(row: DraftRow) -> Draft:
    names = (row.channels or {}).get("names")
    return Draft(
        id=row.id,
        token=row.token,
        state=row.state,
        author_platform=row.author_platform,
        author_id=row.author_id,
        author_name=row.author_name,
        author_lang=row.author_lang,
        needs_approval=bool(row.needs_approval),
        title=row.title,
        body=row.body,
        channels=None if names is None else tuple(names),
        photos=tuple(DraftPhoto(p["file"], p.get("name", "")) for p in row.photos["files"]),
        publish_at=row.publish_at,
        shown=tuple(ShownAt(**m) for m in row.shown.get("messages", [])),
        decided_by=row.decided_by,
        post_key=row.post_key,
        created_at=row.created_at,
        expires_at=row.expires_at,
    )


class DraftStore(StoreBase):
    def add_draft(
        self,
        *,
        token: str,
        needs_approval: bool,
        author: tuple[str, str, str, str],  # platform, id, name, lang
        title: str,
        body: str,
        channels: Sequence[str] | None,
        photos: Sequence[DraftPhoto],
        publish_at: datetime | None,
        now: datetime,
        expires_at: datetime,
    ) -> Draft:
        platform, author_id, name, lang = author
        row = DraftRow(
            token=token, state="review" if needs_approval else "open",
            needs_approval=int(needs_approval), author_platform=platform, author_id=author_id,
            author_name=name[:255], author_lang=lang, title=title, body=body,
            channels=None if channels is None else {"names": list(channels)},
            photos={"files": [{"file": p.file, "name": p.name} for p in photos]},
            publish_at=publish_at, shown={"messages": []}, created_at=now,
            expires_at=expires_at, updated_at=now,
        )  # fmt: skip
        with self.session() as s:
            s.add(row)
            s.flush()
            return _draft(row)

    def draft(self, token: str) -> Draft | None:
        with self.session() as s:
            row = s.scalars(select(DraftRow).where(DraftRow.token == token)).first()
            return _draft(row) if row else None

    def waiting_drafts(self) -> list[Draft]:
        with self.session() as s:
            rows = s.scalars(select(DraftRow).where(DraftRow.state.in_(WAITING)))
            return [_draft(r) for r in rows.all()]

    def claim_draft(
        self, token: str, waiting: Sequence[str], now: datetime, *, by: str
    ) -> Draft | None:
        """Take a waiting, unexpired draft to carry out a decision on it; None when it is not
        (any more) waiting in one of `waiting`: the caller reads it again to say why."""
        with self.session() as s:
            result = s.execute(
                update(DraftRow)
                .where(
                    DraftRow.token == token,
                    DraftRow.state.in_(list(waiting)),
                    DraftRow.expires_at > now,
                )
                .values(state="busy", decided_by=by[:255], updated_at=now)
                .execution_options(synchronize_session=False)
            )
            if not getattr(result, "rowcount", 0):
                return None
        return self.draft(token)

    def finish_draft(
        self, token: str, state: str | None, now: datetime, *, post_key: str | None = None
    ) -> None:
        """A busy draft's decision was carried out (`state`, final) or undone (None: it
        waits again)."""
        values: dict[str, Any] = {"updated_at": now}
        if state is None:
            values["state"] = case((DraftRow.needs_approval == 1, "review"), else_="open")
            values["decided_by"] = None
        else:
            values["state"] = state
        if post_key is not None:
            values["post_key"] = post_key
        with self.session() as s:
            s.execute(
                update(DraftRow)
                .where(DraftRow.token == token, DraftRow.state == "busy")
                .values(**values)
                .execution_options(synchronize_session=False)
            )

    def note_shown(self, token: str, where: ShownAt) -> None:
        with self.session() as s:
            row = s.scalars(select(DraftRow).where(DraftRow.token == token)).first()
            if row is not None:
                entry = {"platform": where.platform, "chat": where.chat,
                         "message": where.message, "role": where.role}  # fmt: skip
                row.shown = {"messages": [*row.shown.get("messages", []), entry]}

    def expire_drafts(self, now: datetime) -> list[Draft]:
        """Mark the waiting drafts whose time is up as expired; long-decided ones are removed.
        Returns the drafts expired or removed now (their photos can go)."""
        with self.session() as s:
            due = (DraftRow.state.in_(WAITING)) & (DraftRow.expires_at <= now)
            old = (DraftRow.state.in_(FINAL)) & (DraftRow.updated_at < now - FORGET_AFTER)
            gone = [_draft(r) for r in s.scalars(select(DraftRow).where(due | old)).all()]
            s.execute(
                update(DraftRow).where(due).values(state="expired", updated_at=now)
                .execution_options(synchronize_session=False)
            )  # fmt: skip
            s.execute(delete(DraftRow).where(old).execution_options(synchronize_session=False))
        return gone

    def unstick_drafts(self, now: datetime) -> int:
        """After a crash: drafts left busy wait again, so no decision is lost half-made."""
        back = case((DraftRow.needs_approval == 1, "review"), else_="open")
        with self.session() as s:
            result = s.execute(
                update(DraftRow).where(DraftRow.state == "busy")
                .values(state=back, decided_by=None, updated_at=now)
                .execution_options(synchronize_session=False)
            )  # fmt: skip
            return int(getattr(result, "rowcount", 0))
