"""The outbox part of the store: deliveries, their progress, and the messages they created."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from .base import StoreBase
from .models import LEADER, DeliveryRow, LeaseRow, ProcessRow, SentRow

UNFINISHED = ("pending", "sending")
BUSY_RECHECK = timedelta(seconds=1)


def _alive(now: datetime) -> Select[tuple[str]]:
    return select(ProcessRow.owner).where(ProcessRow.expires_at >= now)


def _leads(owner: str, now: datetime) -> Any:
    return exists().where(
        LeaseRow.name == LEADER, LeaseRow.owner == owner, LeaseRow.expires_at >= now
    )


@dataclass(frozen=True)
class Delivery:
    id: int
    post_key: str | None
    channel: str
    kind: str
    state: str
    requests: list[dict[str, Any]]
    progress: int
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    not_after: datetime | None = None  # reminders: pointless once the event has started
    fingerprint: str | None = None
    reminder_offset: str | None = None
    created_at: datetime | None = None


@dataclass(frozen=True)
class Sent:
    delivery_id: int
    step: int
    method: str
    ids: list[str]
    role: str


@dataclass(frozen=True)
class ChannelStatus:
    channel: str
    pending: int
    failed: int
    sent: int
    last_sent_at: datetime | None
    last_error: str | None


class OutboxStore(StoreBase):
    # -- outbox -------------------------------------------------------------------------------
    def enqueue(
        self,
        dedupe_key: str,
        *,
        post_key: str | None,
        channel: str,
        kind: str,
        requests: list[dict[str, Any]],
        now: datetime,
        not_before: datetime | None = None,
        fingerprint: str | None = None,
        not_after: datetime | None = None,
        reminder_offset: str | None = None,
    ) -> int | None:
        """Add a delivery; returns None when one with the same dedupe key already exists."""
        row = DeliveryRow(
            dedupe_key=dedupe_key,
            post_key=post_key,
            channel=channel,
            kind=kind,
            state="pending",
            requests={"requests": requests},
            fingerprint=fingerprint,
            not_after=not_after,
            reminder_offset=reminder_offset,
            progress=0,
            attempts=0,
            next_attempt_at=not_before or now,
            created_at=now,
            updated_at=now,
        )
        try:
            with self.session() as s:
                s.add(row)
                s.flush()
                return row.id
        except IntegrityError:
            return None

    @staticmethod
    def _delivery(row: DeliveryRow) -> Delivery:
        return Delivery(
            row.id,
            row.post_key,
            row.channel,
            row.kind,
            row.state,
            list(row.requests.get("requests", [])),
            row.progress,
            row.attempts,
            row.next_attempt_at,
            row.last_error,
            row.not_after,
            row.fingerprint,
            row.reminder_offset,
            row.created_at,
        )

    def claim_next(self, channel: str, now: datetime, owner: str | None = None) -> Delivery | None:
        """The channel's oldest unfinished delivery, when due, marked as being sent by `owner`.

        One conditional UPDATE decides, so two processes never claim the same delivery (on
        PostgreSQL the second waits for the first and then finds it taken). While an older
        delivery of the channel is being sent by a live process nothing is claimed: a
        channel's deliveries go out one at a time and in order. A delivery left half-sent by a
        process that is no longer alive is taken over. With an `owner`, only the holder of
        the leader's lease may claim.
        """
        oldest = (
            select(func.min(DeliveryRow.id))
            .where(DeliveryRow.channel == channel, DeliveryRow.state.in_(UNFINISHED))
            .scalar_subquery()
        )
        due = and_(DeliveryRow.state == "pending", DeliveryRow.next_attempt_at <= now)
        abandoned = and_(
            DeliveryRow.state == "sending",
            DeliveryRow.owner.is_not(None),
            DeliveryRow.owner.not_in(_alive(now)),
        )
        conditions = [DeliveryRow.id == oldest, or_(due, abandoned)]
        if owner is not None:
            conditions.append(_leads(owner, now))
        with self.session() as s:
            claimed = s.execute(
                update(DeliveryRow)
                .where(*conditions)
                .values(state="sending", owner=owner, updated_at=now)
                .returning(DeliveryRow.id)
                .execution_options(synchronize_session=False)
            ).scalar()
            if claimed is None:
                return None
            row = s.get(DeliveryRow, claimed)
            assert row is not None
            return self._delivery(row)

    def next_due(self, channel: str, now: datetime) -> datetime | None:
        """When to look at the channel again: its oldest unfinished delivery decides.

        None when nothing waits; soon when another process is sending its oldest one.
        """
        with self.session() as s:
            row = s.execute(
                select(DeliveryRow.state, DeliveryRow.next_attempt_at)
                .where(DeliveryRow.channel == channel, DeliveryRow.state.in_(UNFINISHED))
                .order_by(DeliveryRow.id)
                .limit(1)
            ).first()
        if row is None:
            return None
        return row.next_attempt_at if row.state == "pending" else now + BUSY_RECHECK

    def record_step(
        self,
        delivery: Delivery,
        index: int,
        step: int,
        method: str,
        ids: list[str],
        role: str,
        now: datetime,
    ) -> None:
        """Request `index` went through: remember the ids of message slot `step`, move on."""
        with self.session() as s:
            s.add(
                SentRow(
                    delivery_id=delivery.id,
                    post_key=delivery.post_key,
                    channel=delivery.channel,
                    role=role,
                    step=step,
                    method=method,
                    message_ids={"ids": ids},
                    live=1,
                    sent_at=now,
                )
            )
            s.execute(
                update(DeliveryRow)
                .where(DeliveryRow.id == delivery.id)
                .values(progress=index + 1, updated_at=now)
            )

    def advance(self, delivery: Delivery, index: int, now: datetime) -> None:
        """Request `index` went through and created no message to remember (a pin): move on."""
        with self.session() as s:
            s.execute(
                update(DeliveryRow)
                .where(DeliveryRow.id == delivery.id)
                .values(progress=index + 1, updated_at=now)
            )

    def postpone(self, delivery_id: int, at: datetime, note: str, now: datetime) -> None:
        """Try again at `at` without counting an attempt (waiting is not failing)."""
        with self.session() as s:
            s.execute(
                update(DeliveryRow)
                .where(DeliveryRow.id == delivery_id)
                .values(
                    state="pending",
                    next_attempt_at=at,
                    last_error=note,
                    owner=None,
                    updated_at=now,
                )
            )

    def delivery_state(self, delivery_id: int) -> str | None:
        with self.session() as s:
            return s.scalar(select(DeliveryRow.state).where(DeliveryRow.id == delivery_id))

    def delivery_ids(self, delivery_id: int) -> dict[int, list[str]]:
        """Message slot → ids of what one delivery sent."""
        with self.session() as s:
            rows = s.execute(
                select(SentRow.step, SentRow.message_ids).where(SentRow.delivery_id == delivery_id)
            ).all()
        return {int(step): list(ids["ids"]) for step, ids in rows}

    def finish(self, delivery_id: int, state: str, now: datetime, error: str | None = None) -> None:
        with self.session() as s:
            s.execute(
                update(DeliveryRow)
                .where(DeliveryRow.id == delivery_id)
                .values(state=state, updated_at=now, last_error=error, owner=None)
            )

    def retry_later(self, delivery_id: int, at: datetime, error: str, now: datetime) -> int:
        with self.session() as s:
            row = s.get(DeliveryRow, delivery_id)
            assert row is not None
            row.attempts += 1
            row.state, row.next_attempt_at, row.last_error, row.updated_at = (
                "pending",
                at,
                error,
                now,
            )
            row.owner = None
            return row.attempts

    def reset_abandoned(self, now: datetime) -> int:
        """After a crash: deliveries left half-sent by processes no longer alive (or by the
        first release, which named no owner) resume from their last recorded step. Another
        live process's deliveries are left alone."""
        with self.session() as s:
            result = s.execute(
                update(DeliveryRow)
                .where(
                    DeliveryRow.state == "sending",
                    or_(DeliveryRow.owner.is_(None), DeliveryRow.owner.not_in(_alive(now))),
                )
                .values(state="pending", owner=None)
            )
            return int(getattr(result, "rowcount", 0) or 0)

    def release_claims(self, owner: str | None) -> int:
        """On stopping: hand this process's half-sent deliveries back to the queue."""
        claimant = DeliveryRow.owner.is_(None) if owner is None else DeliveryRow.owner == owner
        with self.session() as s:
            result = s.execute(
                update(DeliveryRow)
                .where(DeliveryRow.state == "sending", claimant)
                .values(state="pending", owner=None)
            )
            return int(getattr(result, "rowcount", 0) or 0)

    def cancel(
        self, *, post_key: str, channel: str | None = None, kinds: tuple[str, ...] = ()
    ) -> int:
        with self.session() as s:
            query = update(DeliveryRow).where(
                DeliveryRow.post_key == post_key, DeliveryRow.state == "pending"
            )
            if channel:
                query = query.where(DeliveryRow.channel == channel)
            if kinds:
                query = query.where(DeliveryRow.kind.in_(kinds))
            result = s.execute(query.values(state="cancelled"))
            return int(getattr(result, "rowcount", 0) or 0)

    def pending_counts(self) -> dict[str, int]:
        """Deliveries waiting or being sent, per channel (the outbox's backlog)."""
        with self.session() as s:
            rows = s.execute(
                select(DeliveryRow.channel, func.count())
                .where(DeliveryRow.state.in_(UNFINISHED))
                .group_by(DeliveryRow.channel)
            ).all()
        return {str(channel): int(count) for channel, count in rows}

    def latest_id(self) -> int:
        """The newest delivery's id (0: none): another process queued work when it grows."""
        with self.session() as s:
            return int(s.scalar(select(func.max(DeliveryRow.id))) or 0)

    def unfinished(self, channels: list[str]) -> int:
        """Deliveries of these channels still waiting or being sent."""
        with self.session() as s:
            query = select(func.count()).where(
                DeliveryRow.channel.in_(channels), DeliveryRow.state.in_(("pending", "sending"))
            )
            return int(s.scalar(query) or 0)

    def deliveries(
        self, *, state: str | None = None, post_key: str | None = None
    ) -> list[Delivery]:
        with self.session() as s:
            query = select(DeliveryRow).order_by(DeliveryRow.id)
            if state:
                query = query.where(DeliveryRow.state == state)
            if post_key:
                query = query.where(DeliveryRow.post_key == post_key)
            return [self._delivery(r) for r in s.scalars(query)]

    def last_fingerprint(self, post_key: str, channel: str) -> str | None:
        """Fingerprint of the rendering last queued for a post in a channel."""
        with self.session() as s:
            row = s.scalars(
                select(DeliveryRow)
                .where(
                    DeliveryRow.post_key == post_key,
                    DeliveryRow.channel == channel,
                    DeliveryRow.kind.in_(("publish", "edit")),
                    DeliveryRow.state != "cancelled",
                )
                .order_by(DeliveryRow.id.desc())
                .limit(1)
            ).first()
            return row.fingerprint if row else None

    def reminders_sent(self, post_key: str, event_start: datetime) -> set[str]:
        """Offsets whose reminder was queued or sent for this start of the event."""
        with self.session() as s:
            offsets = s.scalars(
                select(DeliveryRow.reminder_offset).where(
                    DeliveryRow.post_key == post_key,
                    DeliveryRow.kind == "remind",
                    DeliveryRow.not_after == event_start,
                    DeliveryRow.state != "cancelled",
                )
            )
            return {o for o in offsets if o}

    def sent(self, post_key: str, channel: str, role: str = "post") -> list[Sent]:
        """Live messages of the latest delivery of `role` for a post in a channel, by step."""
        with self.session() as s:
            rows = list(
                s.scalars(
                    select(SentRow)
                    .where(
                        SentRow.post_key == post_key,
                        SentRow.channel == channel,
                        SentRow.role == role,
                        SentRow.live == 1,
                    )
                    .order_by(SentRow.delivery_id, SentRow.step)
                )
            )
        latest: dict[int, Sent] = {}
        for r in rows:  # later deliveries (edits) supersede earlier steps
            latest[r.step] = Sent(
                r.delivery_id, r.step, r.method, list(r.message_ids["ids"]), r.role
            )
        return [latest[k] for k in sorted(latest)]

    def shown_versions(self, slug: str, channel: str) -> list[str]:
        """Keys of the versions of `slug` (`slug`, `slug@km`, ...) with live messages here."""
        version = SentRow.post_key.startswith(f"{slug}@", autoescape=True)
        with self.session() as s:
            keys = s.scalars(
                select(SentRow.post_key)
                .where(SentRow.channel == channel, SentRow.live == 1)
                .where(or_(SentRow.post_key == slug, version))
                .distinct()
            )
            return sorted(k for k in keys if k)

    def move_sent(self, old_key: str, new_key: str, channel: str) -> None:
        """The messages of one post in a channel now stand for another (its version in the
        channel's language), so edits and reminders follow that one."""
        with self.session() as s:
            s.execute(
                update(SentRow)
                .where(SentRow.post_key == old_key, SentRow.channel == channel)
                .values(post_key=new_key)
            )

    def mark_gone(self, post_key: str, channel: str, steps: list[int] | None = None) -> None:
        with self.session() as s:
            query = update(SentRow).where(SentRow.post_key == post_key, SentRow.channel == channel)
            if steps is not None:
                query = query.where(SentRow.step.in_(steps))
            s.execute(query.values(live=0))

    def status(self) -> list[ChannelStatus]:
        with self.session() as s:
            counts = s.execute(
                select(DeliveryRow.channel, DeliveryRow.state, func.count()).group_by(
                    DeliveryRow.channel, DeliveryRow.state
                )
            ).all()
            latest = select(SentRow.channel, func.max(SentRow.sent_at)).group_by(SentRow.channel)
            last: dict[str, datetime] = {row[0]: row[1] for row in s.execute(latest)}
            errors = {
                r.channel: r.last_error
                for r in s.scalars(
                    select(DeliveryRow)
                    .where(DeliveryRow.last_error.is_not(None))
                    .order_by(DeliveryRow.updated_at)
                )
            }
        table: dict[str, dict[str, int]] = {}
        for channel, state, n in counts:
            table.setdefault(channel, {})[state] = n
        names = sorted(set(table) | set(last))
        return [
            ChannelStatus(
                name,
                table.get(name, {}).get("pending", 0) + table.get(name, {}).get("sending", 0),
                table.get(name, {}).get("failed", 0),
                table.get(name, {}).get("sent", 0),
                last.get(name),
                errors.get(name),
            )
            for name in names
        ]
