"""A Community Call for Scrutiny, its reference sequence and its timeline."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from backend.models.types import UTCDateTime, utcnow


class CallStatus(StrEnum):
    """Where a Call is in the panel's process (backend/casework/lifecycle.py says how it moves)."""

    SUBMITTED = "submitted"  # new: CEP to advise
    GATHERING_EVIDENCE = "gathering_evidence"  # an officer helps the tenant gather evidence
    COLLECTING_SIGNATURES = "collecting_signatures"  # a petition, signatories set by CEP
    READY = "ready"  # ready for the next panel meeting
    ON_AGENDA = "on_agenda"  # on a meeting's agenda
    NOT_EXHAUSTED = "not_exhausted"  # decision: other avenues first
    MONITORING = "monitoring"  # decision: referred to CEP to monitor
    ACCEPTED = "accepted"  # decision: accepted; to be scored and programmed
    SERIOUS_FAILURE = "serious_failure"  # decision: immediate recommendations
    PROGRAMMED = "programmed"  # scored and scheduled in the annual programme
    IN_SCRUTINY = "in_scrutiny"  # the 10 steps under way
    REPORTED = "reported"  # final report presented to EMT and Board
    ACTION_PLAN = "action_plan"  # action plan agreed, monitored by CEP
    COMPLETED = "completed"  # every action done
    CLOSED = "closed"
    # Joined into another Call about the same problem: its signatures count there (join.py);
    # the join can be undone until the panel decides on the surviving Call.
    JOINED = "joined"


class Decision(StrEnum):
    """What the panel decides at its meeting."""

    NOT_EXHAUSTED = "not_exhausted"
    MONITORING = "monitoring"
    ACCEPTED = "accepted"
    SERIOUS_FAILURE = "serious_failure"


class FailureFound(StrEnum):
    """What the panel found: "systematic failures or persistent service delivery failure"."""

    SYSTEMATIC = "systematic"
    PERSISTENT = "persistent"
    BOTH = "both"
    NEITHER = "neither"


class ComplaintsUsed(StrEnum):
    """How far the complaints procedure was used, as the panel found."""

    NONE = "none"  # the values the tenant's own answer uses, and one step beyond them
    STAGE_1 = "stage_1"
    STAGE_2 = "stage_2"
    REVIEW_PANEL = "review_panel"
    OMBUDSMAN = "ombudsman"


class MonitoringOutcome(StrEnum):
    """What the panel found when it looked again at a service it monitored."""

    IMPROVED = "improved"
    NOT_IMPROVED = "not_improved"


class Call(SQLModel, table=True):
    """One tenant's pro-forma and everything that follows from it; or a review the panel
    started itself from performance information (route "panel", no tenant), which takes the
    same path from the annual programme on."""

    __table_args__ = (
        UniqueConstraint("year", "sequence"),
        # The look-up for a similar Call (casework/similar.py) reads open Calls on one service
        # in one neighbourhood: these keep it to a few rows at 100,000 Calls.
        Index("ix_call_service_sector", "service_area", "postcode_sector", "status"),
        Index("ix_call_service_district", "service_area", "postcode_district", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=20, unique=True)
    year: int
    sequence: int
    contact_id: int | None = Field(default=None, foreign_key="contact.id", index=True)
    status: str = Field(default=CallStatus.SUBMITTED, max_length=32, index=True)

    tenant_name: str = Field(max_length=80)
    address: str = Field(max_length=200)
    postcode: str = Field(max_length=8, index=True)
    # The neighbourhood, from the postcode ("M14 5" and "M14"): which Calls are near each other.
    postcode_sector: str = Field(default="", max_length=6)
    postcode_district: str = Field(default="", max_length=4)
    contact_preference: str = Field(max_length=16)
    contact_phone: str | None = Field(default=None, max_length=20)
    service_area: str = Field(max_length=32, index=True)
    service_area_other: str | None = Field(default=None, max_length=100)
    concerns: str = Field(sa_type=Text)
    actions_taken: str = Field(sa_type=Text)
    complaint_stage: str = Field(max_length=16)
    complaint_reference: str | None = Field(default=None, max_length=40)
    failures: str = Field(sa_type=Text)
    failures_since: str = Field(max_length=100)
    failures_frequency: str = Field(max_length=16)
    others_affected: str = Field(max_length=8)
    affected_who: str | None = Field(default=None, sa_type=Text)
    affected_households: int | None = None
    # The size of the area or block, as an officer records it: the petition's target is
    # "representative of the area in which you live or the number of customers affected".
    area_households: int | None = None
    # For a Call about "something else": the business area an officer says it concerns (the
    # appeal panel's conflict rule applies to that area).
    business_area: str | None = Field(default=None, max_length=32)
    evidence_notes: str = Field(default="", sa_type=Text)
    route: str = Field(max_length=16)
    support_requested: bool = False

    # The panel's handling (see backend/casework/workflow.py).
    assigned_officer_id: int | None = Field(default=None, foreign_key="officer.id", index=True)
    signatories_needed: int | None = None
    accepted_without_evidence: bool = False
    meeting_id: int | None = Field(default=None, foreign_key="panel_meeting.id", index=True)
    decision: str | None = Field(default=None, max_length=32)
    decision_reasons: str = Field(default="", sa_type=Text)
    advice: str = Field(default="", sa_type=Text)  # which avenue to use first (not_exhausted)
    immediate_recommendations: str = Field(default="", sa_type=Text)  # serious_failure
    # The panel's checks, recorded with every decision: "systematic failures or persistent
    # service delivery failure", and whether "the complaints procedure" was used, how far.
    failure_found: str = Field(default="", max_length=16)  # FailureFound
    complaints_used: str = Field(default="", max_length=16)  # ComplaintsUsed
    # "Referred to the Customer Empowerment Panel to monitor": what, until when, and how it went.
    monitoring_what: str = Field(default="", sa_type=Text)
    monitoring_review_on: date | None = None
    monitoring_outcome: str = Field(default="", max_length=16)  # MonitoringOutcome
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    programme_start: date | None = None  # when its scrutiny is scheduled to start
    report_summary: str = Field(default="", sa_type=Text)
    reported_on: date | None = None
    # "The PCHA Board and EMT will consider the report and delegate the task of responding to
    # the recommendations to the Customer Empowerment Manager and Head of Operations for that
    # particular area of the business": when each considered it, and the delegation.
    board_considered_on: date | None = None
    emt_considered_on: date | None = None
    delegated_on: date | None = None
    delegated_manager_id: int | None = Field(default=None, foreign_key="officer.id")
    head_of_operations_id: int | None = Field(default=None, foreign_key="head_of_operations.id")
    # "The Head of Operations will agree an action plan with the Customer Empowerment Panel":
    # with whom (their name as it was that day) and when.
    plan_agreed_with: str = Field(default="", max_length=80)
    plan_agreed_on: date | None = None
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    anonymised_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    submitted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ReferenceCounter(SQLModel, table=True):
    """The last reference number given out in a year (one row per year)."""

    __tablename__ = "reference_counter"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last: int = 0


class CallEvent(SQLModel, table=True):
    """One change to a Call: who, when, from and to which status, and why (the timeline).

    Append-only: the officer timeline is this table, so nothing here is ever updated.
    """

    __tablename__ = "call_event"

    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="call.id", index=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    officer_id: int | None = Field(default=None, foreign_key="officer.id")
    from_status: str | None = Field(default=None, max_length=32)
    to_status: str = Field(max_length=32)
    action: str = Field(default="", max_length=40)
    note: str = Field(default="", sa_type=Text)


class CallJoin(SQLModel, table=True):
    """A Call joined into another about the same problem by an officer, and its undoing.

    Kept whole after an undo (undone_at set), so both timelines and this record agree."""

    __tablename__ = "call_join"

    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="call.id", index=True)  # the Call joined in
    into_id: int = Field(foreign_key="call.id", index=True)  # the surviving Call
    officer_id: int | None = Field(default=None, foreign_key="officer.id")
    reason: str = Field(sa_type=Text)
    from_status: str = Field(max_length=32)  # where the joined Call was, for an undo
    petition_status: str = Field(default="", max_length=16)  # its petition's, likewise
    joined_at: datetime = Field(sa_type=UTCDateTime)
    undone_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    undone_by: int | None = Field(default=None, foreign_key="officer.id")


class MovedSignature(SQLModel, table=True):
    """A signature a join moved onto the surviving petition ("moved"), or the joined Call's
    tenant signing it ("tenant"): what an undo puts back exactly."""

    __tablename__ = "moved_signature"

    id: int | None = Field(default=None, primary_key=True)
    join_id: int = Field(foreign_key="call_join.id", index=True)
    signature_id: int = Field(foreign_key="signature.id", index=True)
    kind: str = Field(max_length=8)


class CallNote(SQLModel, table=True):
    """An internal note on a Call, for officers and the panel only."""

    __tablename__ = "call_note"

    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="call.id", index=True)
    officer_id: int = Field(foreign_key="officer.id")
    body: str = Field(sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
