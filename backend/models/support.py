"""Support requests: a tenant asks for an officer's help with the pro-forma or evidence."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from backend.models.types import UTCDateTime, utcnow


class SupportStatus(StrEnum):
    """Whether someone has picked the request up."""

    OPEN = "open"
    ASSIGNED = "assigned"
    CLOSED = "closed"


class SupportRequest(SQLModel, table=True):
    """A tenant's request for help; CEP assigns an Officer."""

    __tablename__ = "support_request"

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", index=True)
    call_id: int | None = Field(default=None, foreign_key="call.id", index=True)
    step: str = Field(max_length=32)
    reason: str = Field(max_length=16)
    status: str = Field(default=SupportStatus.OPEN, max_length=16, index=True)
    officer_id: int | None = Field(default=None, foreign_key="officer.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    outcome: str = Field(default="", sa_type=Text)  # what came of it, when closed
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
