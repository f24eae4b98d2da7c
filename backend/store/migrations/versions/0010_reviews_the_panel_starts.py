"""reviews the panel starts itself: a Call of route "panel" has no tenant

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 15:00:00

The framework: the panel reviews "service areas identified as being a priority by dips in
performance or escalations of complaints". Such a review takes a Call's path from the annual
programme on, with no tenant behind it, so a Call's contact may be empty.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("call") as batch:
        batch.alter_column("contact_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    # Reviews the panel started have no tenant to point at: they go first.
    reviews = 'SELECT id FROM "call" WHERE contact_id IS NULL'
    for table in ("score", "action", "recommendation", "scrutiny_step", "call_event", "call_note"):
        op.execute(f"DELETE FROM {table} WHERE call_id IN ({reviews})")  # noqa: S608 - our names
    op.execute('DELETE FROM "call" WHERE contact_id IS NULL')
    with op.batch_alter_table("call") as batch:
        batch.alter_column("contact_id", existing_type=sa.Integer(), nullable=False)
