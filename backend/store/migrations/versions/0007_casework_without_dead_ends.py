"""casework without dead ends: the panel's checks, monitoring, support outcomes, area size

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 23:00:00

With every decision the panel records whether it found "systematic failures or persistent
service delivery failure" and how far "the complaints procedure" was used; a monitoring decision
records what is monitored, when the panel looks again and what it found; an officer records the
size of the area or block (the petition is "representative of the area in which you live") and,
for "something else", the business area; a support request is closed with an outcome; signers
may say whether they reported the problem themselves.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import backend.models.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _call_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("area_households", sa.Integer(), nullable=True),
        sa.Column("business_area", sa.String(length=32), nullable=True),
        sa.Column("failure_found", sa.String(length=16), nullable=False, server_default=""),
        sa.Column("complaints_used", sa.String(length=16), nullable=False, server_default=""),
        sa.Column("monitoring_what", sa.Text(), nullable=False, server_default=""),
        sa.Column("monitoring_review_on", sa.Date(), nullable=True),
        sa.Column("monitoring_outcome", sa.String(length=16), nullable=False, server_default=""),
    ]


def upgrade() -> None:
    with op.batch_alter_table("call") as batch:
        for column in _call_columns():
            batch.add_column(column)
    with op.batch_alter_table("support_request") as batch:
        batch.add_column(sa.Column("outcome", sa.Text(), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("closed_at", backend.models.types.UTCDateTime(timezone=True), nullable=True)
        )
    for table in ("signature", "pending_signature"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("reported_problem", sa.Boolean(), nullable=True))


def downgrade() -> None:
    for table in ("signature", "pending_signature"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("reported_problem")
    with op.batch_alter_table("support_request") as batch:
        batch.drop_column("closed_at")
        batch.drop_column("outcome")
    with op.batch_alter_table("call") as batch:
        for column in reversed(_call_columns()):
            batch.drop_column(column.name)
