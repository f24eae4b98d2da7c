"""The message log: every message in and out, on every channel."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from backend.models.types import UTCDateTime, utcnow


class Direction(StrEnum):
    """Which way a message went."""

    IN = "in"
    OUT = "out"


class MessageStatus(StrEnum):
    """Where a message is: received (in); queued, sending, sent, delivered, failed (out)."""

    RECEIVED = "received"
    QUEUED = "queued"  # in the outbox, waiting for the worker
    SENDING = "sending"  # leased by a worker until locked_until
    SENT = "sent"  # the provider accepted it
    DELIVERED = "delivered"  # the provider says it arrived (or it was shown in the web chat)
    FAILED = "failed"  # given up after the last try, or refused for good
    SUPPRESSED = "suppressed"  # not sent: the person opted out


UNSENT = frozenset({MessageStatus.QUEUED, MessageStatus.SENDING})
# The messages waiting to go, as ix_message_unsent holds them and as the outbox asks for them:
# literal SQL, because SQLite uses a partial index only for the index's own condition written in
# the query (not through a bound parameter). tests/integration/test_outbox_index.py checks it.
_UNSENT_INDEX = text("status IN ('queued', 'sending')")
UNSENT_ROWS = text("message.status IN ('queued', 'sending')")
_ANSWERS = text("in_reply_to IS NOT NULL")


class Message(SQLModel, table=True):
    """One message; the provider's id is unique per channel and direction (replays stop here)."""

    __table_args__ = (
        UniqueConstraint("channel", "direction", "provider_message_id"),
        # The outbox's few: it never reads the whole table (migration 0014).
        Index(
            "ix_message_unsent", "id", sqlite_where=_UNSENT_INDEX, postgresql_where=_UNSENT_INDEX
        ),
        # Replies to a message: a turn writes no entry for a message that answers nothing.
        Index(
            "ix_message_in_reply_to",
            "in_reply_to",
            sqlite_where=_ANSWERS,
            postgresql_where=_ANSWERS,
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", index=True)
    channel: str = Field(max_length=16)
    direction: str = Field(max_length=3)
    provider_message_id: str | None = Field(default=None, max_length=128)
    body: str = Field(sa_type=Text)
    buttons: str = Field(default="[]", sa_type=Text)  # JSON [[label, reply], ...]
    status: str = Field(max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    in_reply_to: int | None = Field(default=None, foreign_key="message.id")

    # The outbox: delivery attempts of an outbound message.
    attempts: int = 0
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, max_length=200)
