"""Appeals against the panel's decision, and the representatives who may sit on appeal panels."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from backend.models.types import UTCDateTime, utcnow


class Representative(SQLModel, table=True):
    """A representative of one involvement method, who may sit on an appeal panel."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80)
    involvement: str = Field(max_length=40)  # see backend/appeals/representatives.py INVOLVEMENT
    serves_group: str | None = Field(default=None, max_length=40)  # business area group served
    active: bool = True


class Appeal(SQLModel, table=True):
    """A tenant's appeal, in writing within 28 days; the appeal panel's decision is final."""

    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="call.id", index=True)
    lodged_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    lodged_via: str = Field(max_length=16)  # "message" or "letter"
    reasons: str = Field(sa_type=Text)
    late_override: str = Field(default="", sa_type=Text)  # a manager's reason to accept it late
    outcome: str | None = Field(default=None, max_length=16)  # "upheld" or "overturned"
    new_decision: str | None = Field(default=None, max_length=32)
    outcome_reasons: str = Field(default="", sa_type=Text)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AppealPanelMember(SQLModel, table=True):
    """A representative sitting on one appeal panel."""

    __tablename__ = "appeal_panel_member"
    __table_args__ = (UniqueConstraint("appeal_id", "representative_id"),)

    id: int | None = Field(default=None, primary_key=True)
    appeal_id: int = Field(foreign_key="appeal.id", index=True)
    representative_id: int = Field(foreign_key="representative.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
