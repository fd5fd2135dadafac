"""Drafts: announcements that wait for their author's Publish or an admin's approval.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("token", sa.String(32), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("author_platform", sa.String(16), nullable=False),
        sa.Column("author_id", sa.String(64), nullable=False),
        sa.Column("author_name", sa.String(255), nullable=False),
        sa.Column("author_lang", sa.String(8), nullable=False),
        sa.Column("needs_approval", sa.Integer, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("channels", sa.JSON, nullable=True),
        sa.Column("photos", sa.JSON, nullable=False),
        sa.Column("publish_at", WHEN, nullable=True),
        sa.Column("shown", sa.JSON, nullable=False),
        sa.Column("decided_by", sa.String(255), nullable=True),
        sa.Column("post_key", sa.String(255), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.UniqueConstraint("token", name="uq_drafts_token"),
    )
    op.create_index("ix_drafts_state", "drafts", ["state"])


def downgrade() -> None:
    op.drop_index("ix_drafts_state", table_name="drafts")
    op.drop_table("drafts")
