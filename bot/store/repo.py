"""The state store: posts and small facts, plus the outbox (see `outbox.py`).

Every method is one short transaction, so a crash between two of them leaves a consistent state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from ..domain import Post
from .base import make_engine
from .drafts import Draft, DraftPhoto, DraftStore, ShownAt
from .leases import LeaseInfo, LeaseStore, ProcessInfo
from .models import DeliveryRow, MetaRow, PostRow, SentRow
from .outbox import ChannelStatus, Delivery, OutboxStore, Sent

__all__ = [
    "ChannelStatus",
    "Delivery",
    "Draft",
    "DraftPhoto",
    "LeaseInfo",
    "PostState",
    "ProcessInfo",
    "Sent",
    "ShownAt",
    "Store",
    "make_engine",
]


@dataclass(frozen=True)
class PostState:
    key: str
    source: str
    digest: str
    version: int
    state: str
    due_at: datetime
    event_start: datetime | None = None


class Store(OutboxStore, LeaseStore, DraftStore):
    def get_meta(self, name: str) -> str | None:
        with self.session() as s:
            row = s.get(MetaRow, name)
            return row.value if row else None

    def set_meta(self, name: str, value: str) -> None:
        with self.session() as s:
            s.merge(MetaRow(name=name, value=value))

    # -- posts --------------------------------------------------------------------------------
    @staticmethod
    def _post_state(row: PostRow) -> PostState:
        return PostState(
            row.key, row.source, row.digest, row.version, row.state, row.due_at, row.event_start
        )

    def posts(self) -> dict[str, PostState]:
        cols = (
            PostRow.key,
            PostRow.source,
            PostRow.digest,
            PostRow.version,
            PostRow.state,
            PostRow.due_at,
            PostRow.event_start,
        )
        with self.session() as s:
            return {row[0]: PostState(*row) for row in s.execute(select(*cols))}

    def post(self, key: str) -> PostState | None:
        with self.session() as s:
            row = s.get(PostRow, key)
            return self._post_state(row) if row else None

    def save_post(self, post: Post, state: str, now: datetime) -> PostState:
        """Insert or update; the version goes up whenever the content changed."""
        with self.session() as s:
            row = s.get(PostRow, post.key)
            if row is None:
                row = PostRow(key=post.key, version=1, first_seen=now)
                s.add(row)
            elif row.digest != post.digest:
                row.version += 1
            row.source, row.digest, row.title = post.source, post.digest, post.title
            row.state, row.due_at, row.updated_at = state, post.due_at, now
            row.event_start = post.event.start if post.event else None
            s.flush()
            return self._post_state(row)

    def save_posts(self, posts: list[Post], state: str, now: datetime) -> None:
        """Record many new posts in one transaction (the archive on a first start)."""
        with self.session() as s:
            s.add_all(
                PostRow(
                    key=p.key,
                    source=p.source,
                    digest=p.digest,
                    title=p.title,
                    version=1,
                    state=state,
                    due_at=p.due_at,
                    event_start=p.event.start if p.event else None,
                    first_seen=now,
                    updated_at=now,
                )
                for p in posts
            )

    def set_post_state(self, key: str, state: str, now: datetime) -> None:
        with self.session() as s:
            s.execute(update(PostRow).where(PostRow.key == key).values(state=state, updated_at=now))

    def rename_post(self, old_key: str, new_key: str, source: str, now: datetime) -> None:
        """A file moved or renamed: the post keeps its history under its new key."""
        with self.session() as s:
            s.execute(
                update(PostRow)
                .where(PostRow.key == old_key)
                .values(key=new_key, source=source, updated_at=now)
            )
            s.execute(
                update(DeliveryRow).where(DeliveryRow.post_key == old_key).values(post_key=new_key)
            )
            s.execute(update(SentRow).where(SentRow.post_key == old_key).values(post_key=new_key))
