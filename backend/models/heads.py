"""Heads of Operations: the landlord's senior managers, each answering for business areas."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from backend.models.types import UTCDateTime, utcnow


class HeadOfOperations(SQLModel, table=True):
    """A Head of Operations, who agrees the action plan for the areas they lead. They may have
    a viewer account, to read the reports and the plans in the back office."""

    __tablename__ = "head_of_operations"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80)
    job_title: str = Field(default="", max_length=100)
    email: str = Field(default="", max_length=254)
    officer_id: int | None = Field(default=None, foreign_key="officer.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AreaHead(SQLModel, table=True):
    """Who is the Head of Operations "for that particular area of the business"."""

    __tablename__ = "area_head"

    service_area: str = Field(max_length=32, primary_key=True)
    head_id: int = Field(foreign_key="head_of_operations.id", index=True)
    assigned_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
