"""business areas without a Call are scored for the annual programme

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 01:30:00

"All business areas are scored prior to being scheduled for scrutiny": a Call's score lives
with the Call; an area with no Call in the programme gets a score of its own.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import backend.models.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "area_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_area", sa.String(length=32), nullable=False),
        sa.Column("performance", sa.Integer(), nullable=False),
        sa.Column("satisfaction", sa.Integer(), nullable=False),
        sa.Column("complaints", sa.Integer(), nullable=False),
        sa.Column("business_critical", sa.Integer(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("scored_at", backend.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["officer_id"], ["officer.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("service_area"),
    )


def downgrade() -> None:
    op.drop_table("area_score")
