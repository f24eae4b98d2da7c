"""Petitions: the signatures a Call gathers from the people it affects."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from backend.models.types import UTCDateTime, utcnow


class PetitionStatus(StrEnum):
    """Where a petition is."""

    AWAITING_TARGET = "awaiting_target"  # CEP has not yet said how many signatures
    OPEN = "open"
    TARGET_MET = "target_met"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


SIGNABLE = frozenset(
    {PetitionStatus.AWAITING_TARGET, PetitionStatus.OPEN, PetitionStatus.TARGET_MET}
)


class Petition(SQLModel, table=True):
    """A Call's petition; the count is kept up to date as people sign, never recounted."""

    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="call.id", unique=True)
    code: str = Field(max_length=12, unique=True)
    title: str = Field(max_length=120)
    summary: str = Field(sa_type=Text)  # public: first name and area at most
    status: str = Field(default=PetitionStatus.AWAITING_TARGET, max_length=16, index=True)
    signature_count: int = 0
    milestone: int = 0  # the last share of the target the tenant was told about: 25, 50, 75, 100
    closes_on: date = Field(index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Signature(SQLModel, table=True):
    """One person's signature. One per phone and per name and address (or household)."""

    __table_args__ = (
        UniqueConstraint("petition_id", "phone"),
        UniqueConstraint("petition_id", "identity"),
        # The checks made on every signature look these up; without them each signature
        # scanned every earlier one, and a surge slowed as it grew.
        Index("ix_signature_petition_home", "petition_id", "home"),
        Index("ix_signature_petition_ip", "petition_id", "ip_hash", "verified_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    petition_id: int = Field(foreign_key="petition.id", index=True)
    name: str = Field(max_length=80)
    address: str = Field(max_length=200)
    postcode_district: str = Field(default="", max_length=4, index=True)
    phone: str | None = Field(default=None, max_length=20)
    identity: str = Field(max_length=64)  # hash of the normalised name and address
    home: str = Field(default="", max_length=64)  # hash of the normalised address alone
    affected: bool = True
    hear_outcome: bool = False
    # "Have you reported this yourself?" on the signing form (optional: None, not asked or no
    # answer); the panel sees how many did, as it checks the complaints procedure was tried.
    reported_problem: bool | None = None
    verified_by: str = Field(max_length=16)  # "sms_code" (the page) or "reply" (SIGN by text)
    verified_at: datetime = Field(sa_type=UTCDateTime)
    ip_hash: str = Field(default="", max_length=64)
    flagged: str = Field(default="", max_length=200)  # why it looks odd, for review
    struck_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    struck_reason: str = Field(default="", max_length=500)
    struck_by: int | None = Field(default=None, foreign_key="officer.id")
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    anonymised_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PendingSignature(SQLModel, table=True):
    """A signature waiting for its phone to be confirmed with a 6-digit code."""

    __tablename__ = "pending_signature"

    id: int | None = Field(default=None, primary_key=True)
    petition_id: int = Field(foreign_key="petition.id", index=True)
    token: str = Field(max_length=43, unique=True)  # in the verify page's URL
    code_hash: str = Field(max_length=64)
    name: str = Field(max_length=80)
    address: str = Field(max_length=200)
    phone: str = Field(max_length=20)
    hear_outcome: bool = False
    reported_problem: bool | None = None
    # "sign" (the signing form) or "withdraw" (taking a signature back on the web): the same
    # texted code proves the phone either way.
    purpose: str = Field(default="sign", max_length=8)
    ip_hash: str = Field(default="", max_length=64)
    attempts: int = 0
    expires_at: datetime = Field(sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class RateEvent(SQLModel, table=True):
    """Something limited (a code sent, a sign-in tried), counted per key over a window."""

    __tablename__ = "rate_event"
    __table_args__ = (Index("ix_rate_event_kind_key_at", "kind", "key", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=24)
    key: str = Field(max_length=64)
    at: datetime = Field(sa_type=UTCDateTime)
