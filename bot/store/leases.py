"""Processes and the leader's lease, kept in the database every process shares.

Every statement that takes or keeps the lease is one conditional UPDATE (or an INSERT that
loses to a concurrent one), so two processes can never both believe they hold it, on SQLite
as on PostgreSQL. Times come from each process's clock (UTC); hosts are expected to keep
them within a second or two of each other, far less than the lease.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from .base import StoreBase
from .models import LEADER, LeaseRow, ProcessRow

FORGET_AFTER = timedelta(days=1)  # rows of processes dead this long are removed


@dataclass(frozen=True)
class ProcessInfo:
    owner: str
    host: str
    pid: int
    role: str
    started_at: datetime
    renewed_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class LeaseInfo:
    owner: str
    since: datetime
    expires_at: datetime


class LeaseStore(StoreBase):
    # -- processes ----------------------------------------------------------------------------
    def beat(
        self, owner: str, *, host: str, pid: int, role: str, now: datetime, until: datetime
    ) -> None:
        """Record that `owner` is alive (and in which role) until `until`."""
        with self.session() as s:
            row = s.get(ProcessRow, owner)
            if row is None:
                s.add(
                    ProcessRow(
                        owner=owner, host=host, pid=pid, role=role, started_at=now,
                        renewed_at=now, expires_at=until,
                    )
                )  # fmt: skip
            else:
                row.role, row.renewed_at, row.expires_at = role, now, until

    def forget_process(self, owner: str) -> None:
        with self.session() as s:
            s.execute(delete(ProcessRow).where(ProcessRow.owner == owner))

    def processes(self, now: datetime) -> list[ProcessInfo]:
        """The processes alive at `now`, oldest first; long-dead rows are cleared on the way."""
        with self.session() as s:
            s.execute(delete(ProcessRow).where(ProcessRow.expires_at < now - FORGET_AFTER))
            alive = select(ProcessRow).where(ProcessRow.expires_at >= now)
            rows = s.scalars(alive.order_by(ProcessRow.started_at))
            return [
                ProcessInfo(
                    r.owner, r.host, r.pid, r.role, r.started_at, r.renewed_at, r.expires_at
                )
                for r in rows
            ]

    # -- the leader's lease -------------------------------------------------------------------
    def take_lease(self, owner: str, now: datetime, until: datetime, name: str = LEADER) -> bool:
        """Take or renew the lease: True when `owner` holds it until `until`.

        It is taken only when free (expired, or never held); its holder may renew it, and
        keeps the time it took it. A lease held by another process costs one read, no write.
        """
        with self.session() as s:
            row = s.get(LeaseRow, name)
            if row is not None and row.owner != owner and row.expires_at >= now:
                return False
            if row is not None:
                result = s.execute(
                    update(LeaseRow)
                    .where(
                        LeaseRow.name == name,
                        or_(LeaseRow.owner == owner, LeaseRow.expires_at < now),
                    )
                    .values(
                        owner=owner,
                        since=case((LeaseRow.owner == owner, LeaseRow.since), else_=now),
                        expires_at=until,
                    )
                    .execution_options(synchronize_session=False)
                )
                return bool(getattr(result, "rowcount", 0))
        try:
            with self.session() as s:
                s.add(LeaseRow(name=name, owner=owner, since=now, expires_at=until))
        except IntegrityError:
            return False  # another process took it in the meantime
        return True

    def release_lease(self, owner: str, name: str = LEADER) -> None:
        """Give the lease up at once, so a waiting process takes it without waiting it out."""
        with self.session() as s:
            s.execute(delete(LeaseRow).where(LeaseRow.name == name, LeaseRow.owner == owner))

    def lease(self, name: str = LEADER) -> LeaseInfo | None:
        with self.session() as s:
            row = s.get(LeaseRow, name)
            return LeaseInfo(row.owner, row.since, row.expires_at) if row else None
