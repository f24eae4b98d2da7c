"""signing stays as fast at the 100,000th signature as at the first

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 00:40:00

Each signature checks how many came from the same home and the same connection; these
indexes (and the hashed home they use) make those checks lookups instead of scans.
Signatures made before this keep an empty home: they were checked when they were made.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("signature") as batch:
        batch.add_column(sa.Column("home", sa.String(length=64), nullable=False, server_default=""))
    op.create_index("ix_signature_petition_home", "signature", ["petition_id", "home"])
    op.create_index(
        "ix_signature_petition_ip", "signature", ["petition_id", "ip_hash", "verified_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_signature_petition_ip", table_name="signature")
    op.drop_index("ix_signature_petition_home", table_name="signature")
    with op.batch_alter_table("signature") as batch:
        batch.drop_column("home")
