"""Scheduled meetings of the Customer Empowerment Panel."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from backend.models.types import UTCDateTime, utcnow


class PanelMeeting(SQLModel, table=True):
    """A CEP meeting; a ready Call goes on the next one's agenda."""

    __tablename__ = "panel_meeting"

    id: int | None = Field(default=None, primary_key=True)
    held_on: date = Field(index=True)
    location: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
