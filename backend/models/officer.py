"""Officer accounts for the back office."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from backend.models.types import UTCDateTime, utcnow


class OfficerRole(StrEnum):
    """What an account may do in the back office."""

    OFFICER = "officer"  # support officer
    PANEL = "panel"  # CEP member
    MANAGER = "manager"  # Customer Empowerment Manager
    VIEWER = "viewer"  # Board and Executive Management Team: reports only


class Officer(SQLModel, table=True):
    """A person who works Calls in the back office."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    name: str = Field(max_length=80)
    role: str = Field(max_length=16)
    password_hash: str = Field(max_length=200)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
