"""The message log: every message in and out, on every channel."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from backend.models.types import UTCDateTime, utcnow


class Direction(StrEnum):
    """Which way a message went."""

    IN = "in"
    OUT = "out"


class MessageStatus(StrEnum):
    """Where a message is: received (in), or queued, sent, delivered or failed (out)."""

    RECEIVED = "received"
    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"


class Message(SQLModel, table=True):
    """One message; the provider's id is unique per channel and direction (replays stop here)."""

    __table_args__ = (UniqueConstraint("channel", "direction", "provider_message_id"),)

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", index=True)
    channel: str = Field(max_length=16)
    direction: str = Field(max_length=3)
    provider_message_id: str | None = Field(default=None, max_length=128)
    body: str = Field(sa_type=Text)
    buttons: str = Field(default="[]", sa_type=Text)  # JSON [[label, reply], ...]
    status: str = Field(max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
