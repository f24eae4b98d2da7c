"""A tenant's address on one channel: a chat id, an E.164 phone, a web chat visitor."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from backend.models.types import UTCDateTime, utcnow


class Contact(SQLModel, table=True):
    """Someone we talk to, on the channel they used."""

    __table_args__ = (UniqueConstraint("channel", "address"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    address: str = Field(max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    opted_out_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The language we write to them in ("": the installation's first): what they chose in the
    # conversation, or the signing page's language for a signer. Every message uses it.
    language: str = Field(default="", max_length=16)
