"""performance and management information: each business area's figures, quarter by quarter

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 12:00:00

"The Customer Empowerment Panel will be provided with the relevant performance and management
information to score the business area": per business area and quarter, the performance
indicators on target, customer satisfaction, complaints received and complaints escalated.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import backend.models.types

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "performance_figure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_area", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("indicators_on_target", sa.Integer(), nullable=False),
        sa.Column("indicators_total", sa.Integer(), nullable=False),
        sa.Column("satisfaction_percent", sa.Float(), nullable=False),
        sa.Column("complaints_received", sa.Integer(), nullable=False),
        sa.Column("complaints_escalated", sa.Integer(), nullable=False),
        sa.Column("loaded_at", backend.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("loaded_by", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["loaded_by"], ["officer.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("service_area", "year", "quarter"),
    )


def downgrade() -> None:
    op.drop_table("performance_figure")
