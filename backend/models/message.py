"""The message log: every message in and out, on every channel."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import ColumnElement, Index, Text, UniqueConstraint, bindparam, text
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
# The messages waiting to go, as ix_message_unsent holds them (see waiting_to_go).
_UNSENT_INDEX = text("status IN ('queued', 'sending')")
_ANSWERS = text("in_reply_to IS NOT NULL")


def waiting_to_go(status: Any) -> ColumnElement[bool]:
    """`status IN ('queued', 'sending')` with the values written into the SQL itself: SQLite
    plans on a partial index only where the query states the index's own condition (a bound
    parameter hides it), and the outbox must never read the whole message log.
    tests/integration/test_outbox_index.py reads the plan."""
    values = sorted(status_.value for status_ in UNSENT)
    return cast(
        "ColumnElement[bool]",
        status.in_(bindparam(None, values, expanding=True, literal_execute=True)),
    )


class Message(SQLModel, table=True):
    """One message; the provider's id is unique per channel and direction (replays stop here)."""

    __table_args__ = (
        UniqueConstraint("channel", "direction", "provider_message_id"),
        # The outbox's few, by person: it never reads the whole log (migration 0014).
        Index(
            "ix_message_unsent",
            "contact_id",
            "id",
            sqlite_where=_UNSENT_INDEX,
            postgresql_where=_UNSENT_INDEX,
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
