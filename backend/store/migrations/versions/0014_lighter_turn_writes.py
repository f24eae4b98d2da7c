"""the outbox finds what is unsent without reading every message; a turn writes fewer pages

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 05:40:00

The outbox looked for messages to send by reading the whole message table every second and at
every wake (the index on next_attempt_at could not serve a search that also takes leases run
out), and for each message due it read the person's whole history (nothing goes before an
older message to them): ix_message_unsent holds only the messages waiting to go, by person,
so a round costs the same at a thousand messages or a million. Every turn wrote index entries
nobody reads: a conversation's step (no query asks by step), and the NULL next_attempt_at and
in_reply_to of messages the outbox never sends or that answer nothing. They go; in_reply_to
keeps its index for the messages that answer another, the only ones looked up by it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

UNSENT = sa.text("status IN ('queued', 'sending')")
ANSWERS = sa.text("in_reply_to IS NOT NULL")


def upgrade() -> None:
    op.drop_index("ix_conversation_step", table_name="conversation")
    op.drop_index("ix_message_next_attempt_at", table_name="message")
    op.create_index(
        "ix_message_unsent",
        "message",
        ["contact_id", "id"],
        sqlite_where=UNSENT,
        postgresql_where=UNSENT,
    )
    op.drop_index("ix_message_in_reply_to", table_name="message")
    op.create_index(
        "ix_message_in_reply_to",
        "message",
        ["in_reply_to"],
        sqlite_where=ANSWERS,
        postgresql_where=ANSWERS,
    )


def downgrade() -> None:
    op.drop_index("ix_message_in_reply_to", table_name="message")
    op.create_index("ix_message_in_reply_to", "message", ["in_reply_to"])
    op.drop_index("ix_message_unsent", table_name="message")
    op.create_index("ix_message_next_attempt_at", "message", ["next_attempt_at"])
    op.create_index("ix_conversation_step", "conversation", ["step"])
