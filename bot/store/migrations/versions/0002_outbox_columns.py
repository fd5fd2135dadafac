"""The outbox keeps its fingerprint, deadline and reminder offset in columns of their own.

The first release kept the rendering's fingerprint and a reminder's `not_after` inside the
`requests` JSON, and a reminder's offset only in its kind (`remind:1d`) and dedupe key. Rows
written by it are carried over: nothing is lost, and dedupe keys stay as they were, so nothing
queued before the upgrade is queued again.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_deliveries = sa.table(
    "deliveries",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("requests", sa.JSON),
    sa.column("fingerprint", sa.String),
    sa.column("not_after", sa.DateTime(timezone=True)),
    sa.column("reminder_offset", sa.String),
)


def _moment(text: str | None, sqlite: bool) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(text).astimezone(UTC)
    return moment.replace(tzinfo=None) if sqlite else moment  # as the store writes them


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("fingerprint", sa.String(64), nullable=True))
        batch.add_column(sa.Column("not_after", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("reminder_offset", sa.String(16), nullable=True))
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    rows = bind.execute(sa.select(_deliveries.c.id, _deliveries.c.kind, _deliveries.c.requests))
    for row_id, kind, stored in rows.all():
        data: dict[str, Any] = dict(stored) if isinstance(stored, dict) else {"requests": stored}
        offset = kind.removeprefix("remind:") if kind.startswith("remind:") else None
        bind.execute(
            sa.update(_deliveries)
            .where(_deliveries.c.id == row_id)
            .values(
                requests={"requests": list(data.get("requests") or [])},
                fingerprint=data.get("fingerprint"),
                not_after=_moment(data.get("not_after"), sqlite),
                reminder_offset=offset,
                kind="remind" if offset else kind,
            )
        )


def downgrade() -> None:
    bind = op.get_bind()
    columns = _deliveries.c
    query = sa.select(
        columns.id, columns.kind, columns.requests, columns.fingerprint, columns.not_after,
        columns.reminder_offset,
    )  # fmt: skip
    for row_id, kind, stored, fingerprint, not_after, offset in bind.execute(query).all():
        if not_after is not None and not_after.tzinfo is None:
            not_after = not_after.replace(tzinfo=UTC)
        data = {
            "requests": list((stored or {}).get("requests") or []),
            "fingerprint": fingerprint,
            "not_after": not_after.isoformat() if not_after else None,
        }
        label = f"remind:{offset}" if kind == "remind" and offset else kind
        bind.execute(
            sa.update(_deliveries).where(columns.id == row_id).values(requests=data, kind=label)
        )
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("reminder_offset")
        batch.drop_column("not_after")
        batch.drop_column("fingerprint")
