"""Tables of the bot's state. Works on SQLite (default) and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    DateTime,
    Dialect,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

LEADER = "leader"  # the name of the lease the working process holds


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on every database (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), dict[str, Any]: JSON}


class PostRow(Base):
    """What the bot knows of each post: its identity, version and whether it went out."""

    __tablename__ = "posts"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    source: Mapped[str] = mapped_column(String(1024), index=True)
    digest: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # archived: there before the first start; scheduled: waiting for its time;
    # published: handed to the outbox; removed: the file is gone
    state: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime]
    event_start: Mapped[datetime | None]
    first_seen: Mapped[datetime]
    updated_at: Mapped[datetime]


class DeliveryRow(Base):
    """The outbox: one row per (post version, channel, kind), sent step by step."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("dedupe_key", name="uq_deliveries_dedupe"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dedupe_key: Mapped[str] = mapped_column(String(512))
    post_key: Mapped[str | None] = mapped_column(String(255), index=True)
    channel: Mapped[str] = mapped_column(String(255), index=True)
    kind: Mapped[str] = mapped_column(String(64))  # publish, edit, retract, resend, remind, ...
    # pending → sending → sent | failed | cancelled
    state: Mapped[str] = mapped_column(String(16), index=True)
    requests: Mapped[dict[str, Any]]  # {"requests": [request JSON, ...]}
    fingerprint: Mapped[str | None] = mapped_column(String(64))  # of the rendering (publish, edit)
    not_after: Mapped[datetime | None]  # reminders: pointless once the event has started
    reminder_offset: Mapped[str | None] = mapped_column(String(16))  # reminders: 7d, 2h, ...
    owner: Mapped[str | None] = mapped_column(String(128))  # the process sending it
    progress: Mapped[int] = mapped_column(Integer, default=0)  # steps already sent
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class SentRow(Base):
    """Platform message ids of each sent step, so later edits and replies can find them."""

    __tablename__ = "sent_messages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    delivery_id: Mapped[int] = mapped_column(Integer, index=True)
    post_key: Mapped[str | None] = mapped_column(String(255), index=True)
    channel: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))  # post (the announcement) or reminder
    step: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(64))  # what created it: sendMediaGroup, POST, ...
    message_ids: Mapped[dict[str, Any]]  # {"ids": ["12", "13"]}
    live: Mapped[int] = mapped_column(Integer, default=1)  # 0 once deleted on the platform
    sent_at: Mapped[datetime]


class MetaRow(Base):
    """Small key/value facts: when the archive was first indexed, the last heartbeat."""

    __tablename__ = "bot_meta"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ProcessRow(Base):
    """A running `bot run` process; its row is renewed while it lives."""

    __tablename__ = "bot_processes"

    owner: Mapped[str] = mapped_column(String(128), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(16))  # leader or standby
    started_at: Mapped[datetime]
    renewed_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class LeaseRow(Base):
    """A lease one process holds at a time (`leader`: the one that does the work)."""

    __tablename__ = "bot_leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner: Mapped[str] = mapped_column(String(128))
    since: Mapped[datetime]
    expires_at: Mapped[datetime]


class DraftRow(Base):
    """An announcement waiting for a second look: its author's Publish, or an admin's approval.

    Its photos wait in files of their own (`photos` names them) until it is published.
    """

    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("token", name="uq_drafts_token"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token: Mapped[str] = mapped_column(String(32))  # random; what the buttons carry
    # open (its author decides) | review (an admin approves) → busy (being carried out) →
    # published | scheduled | cancelled | rejected; open or review → expired
    state: Mapped[str] = mapped_column(String(16), index=True)
    author_platform: Mapped[str] = mapped_column(String(16))
    author_id: Mapped[str] = mapped_column(String(64))
    author_name: Mapped[str] = mapped_column(String(255))
    author_lang: Mapped[str] = mapped_column(String(8))
    needs_approval: Mapped[int] = mapped_column(Integer)  # 1: an editor's, an admin decides
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    channels: Mapped[dict[str, Any] | None]  # {"names": [...]}; None: every channel
    photos: Mapped[dict[str, Any]]  # {"files": [{"file": "1.jpg", "name": "photo 1"}]}
    publish_at: Mapped[datetime | None]
    shown: Mapped[dict[str, Any]]  # {"messages": [{"platform", "chat", "message", "role"}]}
    decided_by: Mapped[str | None] = mapped_column(String(255))
    post_key: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    updated_at: Mapped[datetime]
