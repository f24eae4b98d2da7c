"""a texted code can withdraw a signature on the web, as well as sign

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 00:20:00

A neighbour who signed by mistake, or changed their mind, takes the signature back on the
signing page: the phone is proven with a texted code, as for signing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pending_signature") as batch:
        batch.add_column(
            sa.Column("purpose", sa.String(length=8), nullable=False, server_default="sign")
        )


def downgrade() -> None:
    with op.batch_alter_table("pending_signature") as batch:
        batch.drop_column("purpose")
