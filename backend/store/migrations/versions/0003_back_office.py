"""back office

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 22:50:11.287718
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import backend.models.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "representative",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("involvement", sa.String(length=40), nullable=False),
        sa.Column("serves_group", sa.String(length=40), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", backend.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=80), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["officer_id"],
            ["officer.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_entry_at"), ["at"], unique=False)

    op.create_table(
        "officer_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", backend.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", backend.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["officer_id"],
            ["officer.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("officer_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_officer_session_officer_id"), ["officer_id"], unique=False
        )

    op.create_table(
        "action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=80), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("created_at", backend.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["call.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_call_id"), ["call_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_due_on"), ["due_on"], unique=False)

    op.create_table(
        "appeal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("lodged_at", backend.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("lodged_via", sa.String(length=16), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("late_override", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("new_decision", sa.String(length=32), nullable=True),
        sa.Column("outcome_reasons", sa.Text(), nullable=False),
        sa.Column("decided_at", backend.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["call.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("appeal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appeal_call_id"), ["call_id"], unique=False)

    op.create_table(
        "call_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", backend.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["call.id"],
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"],
            ["officer.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("call_note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_call_note_call_id"), ["call_id"], unique=False)

    op.create_table(
        "follow_up",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("sent_at", backend.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("answer", sa.String(length=500), nullable=True),
        sa.Column("answered_at", backend.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["call.id"],
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("call_id", "contact_id", "months"),
    )
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follow_up_call_id"), ["call_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_up_due_on"), ["due_on"], unique=False)

    op.create_table(
        "recommendation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", backend.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["call.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recommendation_call_id"), ["call_id"], unique=False)

    op.create_table(
        "score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("performance", sa.Integer(), nullable=False),
        sa.Column("satisfaction", sa.Integer(), nullable=False),
        sa.Column("complaints", sa.Integer(), nullable=False),
        sa.Column("business_critical", sa.Integer(), nullable=False),
        sa.Column("community_bonus", sa.Integer(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("scored_at", backend.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["call.id"],
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"],
            ["officer.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("call_id"),
    )
    op.create_table(
        "scrutiny_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["call.id"],
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"],
            ["officer.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("call_id", "number"),
    )
    with op.batch_alter_table("scrutiny_step", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scrutiny_step_call_id"), ["call_id"], unique=False)

    op.create_table(
        "appeal_panel_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appeal_id", sa.Integer(), nullable=False),
        sa.Column("representative_id", sa.Integer(), nullable=False),
        sa.Column("created_at", backend.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["appeal_id"],
            ["appeal.id"],
        ),
        sa.ForeignKeyConstraint(
            ["representative_id"],
            ["representative.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("appeal_id", "representative_id"),
    )
    with op.batch_alter_table("appeal_panel_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_appeal_panel_member_appeal_id"), ["appeal_id"], unique=False
        )

    with op.batch_alter_table("call", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assigned_officer_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("signatories_needed", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "accepted_without_evidence", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.add_column(sa.Column("meeting_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("decision", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("decision_reasons", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("advice", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("immediate_recommendations", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("decided_at", backend.models.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("programme_start", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("report_summary", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("reported_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("closed_at", backend.models.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "anonymised_at", backend.models.types.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.create_index(
            batch_op.f("ix_call_assigned_officer_id"), ["assigned_officer_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_call_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_call_assigned_officer", "officer", ["assigned_officer_id"], ["id"]
        )
        batch_op.create_foreign_key("fk_call_meeting", "panel_meeting", ["meeting_id"], ["id"])

    with op.batch_alter_table("call_event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("action", sa.String(length=40), nullable=False, server_default="")
        )

    with op.batch_alter_table("officer", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column(
                "locked_until", backend.models.types.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column(
                "last_login_at", backend.models.types.UTCDateTime(timezone=True), nullable=True
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("officer", schema=None) as batch_op:
        batch_op.drop_column("last_login_at")
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_logins")

    with op.batch_alter_table("call_event", schema=None) as batch_op:
        batch_op.drop_column("action")

    with op.batch_alter_table("call", schema=None) as batch_op:
        # WARNING: constraint name is None; this directive will fail as
        # rendered.  Add a name, or use a naming convention; see
        # https://alembic.sqlalchemy.org/en/latest/naming.html
        batch_op.drop_constraint("fk_call_meeting", type_="foreignkey")
        # WARNING: constraint name is None; this directive will fail as
        # rendered.  Add a name, or use a naming convention; see
        # https://alembic.sqlalchemy.org/en/latest/naming.html
        batch_op.drop_constraint("fk_call_assigned_officer", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_call_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_call_assigned_officer_id"))
        batch_op.drop_column("anonymised_at")
        batch_op.drop_column("closed_at")
        batch_op.drop_column("reported_on")
        batch_op.drop_column("report_summary")
        batch_op.drop_column("programme_start")
        batch_op.drop_column("decided_at")
        batch_op.drop_column("immediate_recommendations")
        batch_op.drop_column("advice")
        batch_op.drop_column("decision_reasons")
        batch_op.drop_column("decision")
        batch_op.drop_column("meeting_id")
        batch_op.drop_column("accepted_without_evidence")
        batch_op.drop_column("signatories_needed")
        batch_op.drop_column("assigned_officer_id")

    with op.batch_alter_table("appeal_panel_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appeal_panel_member_appeal_id"))

    op.drop_table("appeal_panel_member")
    with op.batch_alter_table("scrutiny_step", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scrutiny_step_call_id"))

    op.drop_table("scrutiny_step")
    op.drop_table("score")
    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recommendation_call_id"))

    op.drop_table("recommendation")
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_up_due_on"))
        batch_op.drop_index(batch_op.f("ix_follow_up_call_id"))

    op.drop_table("follow_up")
    with op.batch_alter_table("call_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_call_note_call_id"))

    op.drop_table("call_note")
    with op.batch_alter_table("appeal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appeal_call_id"))

    op.drop_table("appeal")
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_due_on"))
        batch_op.drop_index(batch_op.f("ix_action_call_id"))

    op.drop_table("action")
    with op.batch_alter_table("officer_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_officer_session_officer_id"))

    op.drop_table("officer_session")
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entry_at"))

    op.drop_table("audit_entry")
    op.drop_table("representative")
