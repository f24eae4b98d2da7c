"""Photos and documents a tenant sends: kept with their draft, then with their Call."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from backend.models.types import UTCDateTime, utcnow


class Evidence(SQLModel, table=True):
    """One file of evidence; until the Call is submitted it belongs to the contact's draft."""

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", index=True)
    call_id: int | None = Field(default=None, foreign_key="call.id", index=True)
    channel_ref: str = Field(max_length=500)
    content_type: str = Field(max_length=100)
    stored_path: str | None = Field(default=None, max_length=255)
    size_bytes: int | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    # Files sent through a provider are fetched after the message is answered.
    fetched_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    fetch_attempts: int = 0
    fetch_after: datetime | None = Field(default=None, sa_type=UTCDateTime)  # lease or backoff
    fetch_error: str | None = Field(default=None, max_length=200)
