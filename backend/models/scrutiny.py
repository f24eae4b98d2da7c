"""After acceptance: the score, the 10 scrutiny steps, recommendations and the action plan."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from backend.models.types import UTCDateTime, utcnow


class ScoreParts(SQLModel):
    """The scoring matrix, 0 to 5 each; the weights live in settings."""

    performance: int
    satisfaction: int
    complaints: int
    business_critical: int


class Score(ScoreParts, table=True):
    """A Call's score: the matrix, plus the bonus a Community Call for Scrutiny earns."""

    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="call.id", unique=True)
    community_bonus: int
    total: float
    officer_id: int = Field(foreign_key="officer.id")
    scored_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AreaScore(ScoreParts, table=True):
    """A business area with no Call, scored from performance and management information so
    the panel can rank it in the annual programme (no community-call bonus)."""

    __tablename__ = "area_score"

    id: int | None = Field(default=None, primary_key=True)
    service_area: str = Field(max_length=32, unique=True)
    total: float
    officer_id: int = Field(foreign_key="officer.id")
    scored_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ScrutinyStep(SQLModel, table=True):
    """One of the 10 steps of a scrutiny activity, with when, who and what was found."""

    __tablename__ = "scrutiny_step"
    __table_args__ = (UniqueConstraint("call_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="call.id", index=True)
    number: int
    done_on: date | None = None
    notes: str = Field(default="", sa_type=Text)
    officer_id: int | None = Field(default=None, foreign_key="officer.id")


class RecommendationResponse(StrEnum):
    """The landlord's answer to one of the panel's recommendations."""

    ACCEPTED = "accepted"
    PARTLY_ACCEPTED = "partly_accepted"
    NOT_ACCEPTED = "not_accepted"


class Recommendation(SQLModel, table=True):
    """A recommendation of the final report to the Executive Management Team and Board, and
    the response of the Customer Empowerment Manager and Head of Operations to it."""

    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="call.id", index=True)
    text: str = Field(sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    response: str = Field(default="", max_length=16)  # RecommendationResponse; "" none yet
    response_reason: str = Field(default="", sa_type=Text)
    responded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    responded_by: int | None = Field(default=None, foreign_key="officer.id")

    @property
    def needs_action(self) -> bool:
        """Accepted in whole or part: the plan must say what will be done about it."""
        return self.response in (
            RecommendationResponse.ACCEPTED,
            RecommendationResponse.PARTLY_ACCEPTED,
        )


class Action(SQLModel, table=True):
    """An action of the plan agreed with the Head of Operations, monitored by the panel."""

    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="call.id", index=True)
    # The recommendation it answers (None: a serious failure's immediate recommendations).
    recommendation_id: int | None = Field(default=None, foreign_key="recommendation.id")
    description: str = Field(sa_type=Text)
    owner: str = Field(max_length=80)
    due_on: date = Field(index=True)
    done_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class FollowUp(SQLModel, table=True):
    """Three and six months after the action plan: did the service improve?"""

    __tablename__ = "follow_up"
    __table_args__ = (UniqueConstraint("call_id", "contact_id", "months"),)

    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="call.id", index=True)
    contact_id: int = Field(foreign_key="contact.id")
    months: int
    due_on: date = Field(index=True)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    answer: str | None = Field(default=None, max_length=500)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
