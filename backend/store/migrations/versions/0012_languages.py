"""the language we write to each contact in

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 02:45:00

A tenant chooses the language of the conversation (or the channel guesses it); a signer signs on
the page in theirs. Every later message to them, a decision or a milestone, is written in it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contact") as batch:
        batch.add_column(
            sa.Column("language", sa.String(length=16), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("contact") as batch:
        batch.drop_column("language")
