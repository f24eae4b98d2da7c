"""one problem, one petition: a Call's neighbourhood indexed with its service, and joins

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 02:10:00

A tenant describing a problem is offered an open petition on the same service nearby with a
similar concern, and officers join Calls about one problem: a Call keeps its postcode sector
and district beside the postcode (filled in here for every existing Call) under an index with
its service and status; call_join records each join and its undoing, and moved_signature the
signatures a join moved, so an undo puts back exactly those.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _areas(postcode: str) -> tuple[str, str]:
    """The sector ("M14 5") and district ("M14") of a stored postcode ("M14 5AB")."""
    outward, _, inward = postcode.strip().upper().partition(" ")
    if not outward or not inward:
        return "", ""
    return f"{outward} {inward[0]}", outward


def upgrade() -> None:
    with op.batch_alter_table("call") as batch:
        batch.add_column(
            sa.Column("postcode_sector", sa.String(length=6), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("postcode_district", sa.String(length=4), nullable=False, server_default="")
        )
    calls = sa.table(
        "call",
        sa.column("id", sa.Integer),
        sa.column("postcode", sa.String),
        sa.column("postcode_sector", sa.String),
        sa.column("postcode_district", sa.String),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(calls.c.id, calls.c.postcode)).all()
    for call_id, postcode in rows:
        sector, district = _areas(postcode or "")
        if sector:
            connection.execute(
                calls.update()
                .where(calls.c.id == call_id)
                .values(postcode_sector=sector, postcode_district=district)
            )
    op.create_index("ix_call_service_sector", "call", ["service_area", "postcode_sector", "status"])
    op.create_index(
        "ix_call_service_district", "call", ["service_area", "postcode_district", "status"]
    )
    op.create_table(
        "call_join",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("call_id", sa.Integer(), sa.ForeignKey("call.id"), nullable=False),
        sa.Column("into_id", sa.Integer(), sa.ForeignKey("call.id"), nullable=False),
        sa.Column("officer_id", sa.Integer(), sa.ForeignKey("officer.id"), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("from_status", sa.String(length=32), nullable=False),
        sa.Column("petition_status", sa.String(length=16), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("undone_by", sa.Integer(), sa.ForeignKey("officer.id"), nullable=True),
    )
    op.create_index("ix_call_join_call_id", "call_join", ["call_id"])
    op.create_index("ix_call_join_into_id", "call_join", ["into_id"])
    op.create_table(
        "moved_signature",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("join_id", sa.Integer(), sa.ForeignKey("call_join.id"), nullable=False),
        sa.Column("signature_id", sa.Integer(), sa.ForeignKey("signature.id"), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
    )
    op.create_index("ix_moved_signature_join_id", "moved_signature", ["join_id"])
    op.create_index("ix_moved_signature_signature_id", "moved_signature", ["signature_id"])


def downgrade() -> None:
    op.drop_table("moved_signature")
    op.drop_table("call_join")
    op.drop_index("ix_call_service_district", table_name="call")
    op.drop_index("ix_call_service_sector", table_name="call")
    with op.batch_alter_table("call") as batch:
        batch.drop_column("postcode_district")
        batch.drop_column("postcode_sector")
