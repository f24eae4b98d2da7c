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
    failed_logins: int = 0
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def first_name(self) -> str:
        """How the tenant is told who their officer is."""
        return self.name.split()[0] if self.name.split() else self.name


class OfficerSession(SQLModel, table=True):
    """A signed-in browser: the cookie holds a token whose hash is kept here."""

    __tablename__ = "officer_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    officer_id: int = Field(foreign_key="officer.id", index=True)
    csrf_token: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)


class AuditEntry(SQLModel, table=True):
    """Who looked at or changed personal data, and when (signature lists, exports, erasure)."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    officer_id: int | None = Field(default=None, foreign_key="officer.id")
    action: str = Field(max_length=40)
    subject: str = Field(max_length=80)
    detail: str = Field(default="", max_length=500)
