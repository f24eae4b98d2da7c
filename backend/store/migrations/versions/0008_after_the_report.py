"""after the report: the Board and EMT, Heads of Operations, responses to recommendations

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 09:00:00

"The PCHA Board and EMT will consider the report and delegate the task of responding to the
recommendations to the Customer Empowerment Manager and Head of Operations for that particular
area of the business. The Head of Operations will agree an action plan with the Customer
Empowerment Panel": when each considered the report, the delegation, the Heads of Operations and
the areas they lead, the response to each recommendation, the recommendation each action
answers, and with whom and when the plan was agreed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import backend.models.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "head_of_operations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("job_title", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("created_at", backend.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["officer_id"], ["officer.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "area_head",
        sa.Column("service_area", sa.String(length=32), nullable=False),
        sa.Column("head_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", backend.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["head_id"], ["head_of_operations.id"]),
        sa.PrimaryKeyConstraint("service_area"),
    )
    with op.batch_alter_table("area_head") as batch:
        batch.create_index(batch.f("ix_area_head_head_id"), ["head_id"], unique=False)
    with op.batch_alter_table("call") as batch:
        batch.add_column(sa.Column("board_considered_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("emt_considered_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("delegated_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("delegated_manager_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("head_of_operations_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("plan_agreed_with", sa.String(length=80), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("plan_agreed_on", sa.Date(), nullable=True))
        batch.create_foreign_key(
            "fk_call_delegated_manager", "officer", ["delegated_manager_id"], ["id"]
        )
        batch.create_foreign_key(
            "fk_call_head_of_operations", "head_of_operations", ["head_of_operations_id"], ["id"]
        )
    with op.batch_alter_table("recommendation") as batch:
        batch.add_column(
            sa.Column("response", sa.String(length=16), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("response_reason", sa.Text(), nullable=False, server_default=""))
        batch.add_column(
            sa.Column(
                "responded_at", backend.models.types.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch.add_column(sa.Column("responded_by", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_recommendation_responded_by", "officer", ["responded_by"], ["id"]
        )
    with op.batch_alter_table("action") as batch:
        batch.add_column(sa.Column("recommendation_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_action_recommendation", "recommendation", ["recommendation_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("action") as batch:
        batch.drop_constraint("fk_action_recommendation", type_="foreignkey")
        batch.drop_column("recommendation_id")
    with op.batch_alter_table("recommendation") as batch:
        batch.drop_constraint("fk_recommendation_responded_by", type_="foreignkey")
        for name in ("responded_by", "responded_at", "response_reason", "response"):
            batch.drop_column(name)
    with op.batch_alter_table("call") as batch:
        batch.drop_constraint("fk_call_head_of_operations", type_="foreignkey")
        batch.drop_constraint("fk_call_delegated_manager", type_="foreignkey")
        for name in (
            "plan_agreed_on",
            "plan_agreed_with",
            "head_of_operations_id",
            "delegated_manager_id",
            "delegated_on",
            "emt_considered_on",
            "board_considered_on",
        ):
            batch.drop_column(name)
    op.drop_table("area_head")
    op.drop_table("head_of_operations")
