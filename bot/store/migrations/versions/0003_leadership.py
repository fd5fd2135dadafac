"""Several processes on one database: who runs, who leads, and who is sending what.

`bot_processes` has one row per running process (renewed while it lives); `bot_leases` holds
the leader's lease; a delivery being sent names its `owner`, so a process starting up hands
back only what a process that is no longer alive left half-sent.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "bot_processes",
        sa.Column("owner", sa.String(128), primary_key=True),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("started_at", WHEN, nullable=False),
        sa.Column("renewed_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
    )
    op.create_table(
        "bot_leases",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("owner", sa.String(128), nullable=False),
        sa.Column("since", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
    )
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("owner", sa.String(128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("owner")
    op.drop_table("bot_leases")
    op.drop_table("bot_processes")
