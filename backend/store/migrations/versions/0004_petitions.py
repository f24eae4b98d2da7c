"""petitions

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 23:02:23.667287
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import backend.models.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "rate_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("at", backend.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("rate_event", schema=None) as batch_op:
        batch_op.create_index("ix_rate_event_kind_key_at", ["kind", "key", "at"], unique=False)

    op.create_table(
        "petition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("signature_count", sa.Integer(), nullable=False),
        sa.Column("milestone", sa.Integer(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("created_at", backend.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", backend.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["call.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("call_id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("petition", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_petition_closes_on"), ["closes_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_petition_status"), ["status"], unique=False)

    op.create_table(
        "pending_signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=43), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("hear_outcome", sa.Boolean(), nullable=False),
        sa.Column("ip_hash", sa.String(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("expires_at", backend.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", backend.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", backend.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["petition_id"],
            ["petition.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token"),
    )
    with op.batch_alter_table("pending_signature", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pending_signature_petition_id"), ["petition_id"], unique=False
        )

    op.create_table(
        "signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("postcode_district", sa.String(length=4), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("identity", sa.String(length=64), nullable=False),
        sa.Column("affected", sa.Boolean(), nullable=False),
        sa.Column("hear_outcome", sa.Boolean(), nullable=False),
        sa.Column("verified_by", sa.String(length=16), nullable=False),
        sa.Column("verified_at", backend.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ip_hash", sa.String(length=64), nullable=False),
        sa.Column("flagged", sa.String(length=200), nullable=False),
        sa.Column("struck_at", backend.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("struck_reason", sa.String(length=500), nullable=False),
        sa.Column("struck_by", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", backend.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("anonymised_at", backend.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["petition_id"],
            ["petition.id"],
        ),
        sa.ForeignKeyConstraint(
            ["struck_by"],
            ["officer.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("petition_id", "identity"),
        sa.UniqueConstraint("petition_id", "phone"),
    )
    with op.batch_alter_table("signature", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signature_petition_id"), ["petition_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_signature_postcode_district"), ["postcode_district"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("signature", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signature_postcode_district"))
        batch_op.drop_index(batch_op.f("ix_signature_petition_id"))

    op.drop_table("signature")
    with op.batch_alter_table("pending_signature", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_signature_petition_id"))

    op.drop_table("pending_signature")
    with op.batch_alter_table("petition", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_petition_status"))
        batch_op.drop_index(batch_op.f("ix_petition_closes_on"))

    op.drop_table("petition")
    with op.batch_alter_table("rate_event", schema=None) as batch_op:
        batch_op.drop_index("ix_rate_event_kind_key_at")

    op.drop_table("rate_event")
