"""outbox and evidence fetching

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 22:24:45.051133
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import backend.models.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("fetched_at", backend.models.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("fetch_attempts", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("fetch_error", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("fetch_after", backend.models.types.UTCDateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("in_reply_to", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column(
                "next_attempt_at", backend.models.types.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column(
                "locked_until", backend.models.types.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column("sent_at", backend.models.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("last_error", sa.String(length=200), nullable=True))
        batch_op.create_index(batch_op.f("ix_message_in_reply_to"), ["in_reply_to"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_message_next_attempt_at"), ["next_attempt_at"], unique=False
        )
        batch_op.create_foreign_key("fk_message_in_reply_to", "message", ["in_reply_to"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_constraint("fk_message_in_reply_to", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_message_next_attempt_at"))
        batch_op.drop_index(batch_op.f("ix_message_in_reply_to"))
        batch_op.drop_column("last_error")
        batch_op.drop_column("sent_at")
        batch_op.drop_column("locked_until")
        batch_op.drop_column("next_attempt_at")
        batch_op.drop_column("attempts")
        batch_op.drop_column("in_reply_to")

    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_column("fetch_after")
        batch_op.drop_column("fetch_error")
        batch_op.drop_column("fetch_attempts")
        batch_op.drop_column("fetched_at")
