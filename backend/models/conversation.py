"""Where each contact is in the pro-forma, saved after every message."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from backend.models.types import UTCDateTime, utcnow


class ConversationRecord(SQLModel, table=True):
    """The stored Conversation state; `version` guards against two workers saving at once."""

    __tablename__ = "conversation"

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", unique=True)
    step: str = Field(max_length=32)
    state: str = Field(sa_type=Text)
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
