"""The schema of the first release: posts, the outbox, sent messages, small facts.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "bot_meta",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "posts",
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("source", sa.String(1024), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("due_at", WHEN, nullable=False),
        sa.Column("event_start", WHEN, nullable=True),
        sa.Column("first_seen", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
    )
    op.create_index("ix_posts_digest", "posts", ["digest"])
    op.create_index("ix_posts_source", "posts", ["source"])
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("dedupe_key", sa.String(512), nullable=False),
        sa.Column("post_key", sa.String(255), nullable=True),
        sa.Column("channel", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("requests", sa.JSON, nullable=False),
        sa.Column("progress", sa.Integer, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", WHEN, nullable=False),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.UniqueConstraint("dedupe_key", name="uq_deliveries_dedupe"),
    )
    op.create_index("ix_deliveries_post_key", "deliveries", ["post_key"])
    op.create_index("ix_deliveries_channel", "deliveries", ["channel"])
    op.create_index("ix_deliveries_state", "deliveries", ["state"])
    op.create_table(
        "sent_messages",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("delivery_id", sa.Integer, nullable=False),
        sa.Column("post_key", sa.String(255), nullable=True),
        sa.Column("channel", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("method", sa.String(64), nullable=False),
        sa.Column("message_ids", sa.JSON, nullable=False),
        sa.Column("live", sa.Integer, nullable=False),
        sa.Column("sent_at", WHEN, nullable=False),
    )
    op.create_index("ix_sent_messages_delivery_id", "sent_messages", ["delivery_id"])
    op.create_index("ix_sent_messages_post_key", "sent_messages", ["post_key"])


def downgrade() -> None:
    for table in ("sent_messages", "deliveries", "posts", "bot_meta"):
        op.drop_table(table)
