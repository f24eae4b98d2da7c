"""Performance and management information: a business area's figures for one quarter."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from backend.models.types import UTCDateTime, utcnow


class PerformanceFigure(SQLModel, table=True):
    """One business area's figures for one quarter, as the landlord reports them: performance
    indicators on target, customer satisfaction, complaints received and escalated. "The
    Customer Empowerment Panel will be provided with the relevant performance and management
    information to score the business area"."""

    __tablename__ = "performance_figure"
    __table_args__ = (UniqueConstraint("service_area", "year", "quarter"),)

    id: int | None = Field(default=None, primary_key=True)
    service_area: str = Field(max_length=32)
    year: int
    quarter: int  # 1 to 4
    indicators_on_target: int
    indicators_total: int
    satisfaction_percent: float
    complaints_received: int
    complaints_escalated: int
    loaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    loaded_by: int | None = Field(default=None, foreign_key="officer.id")  # None: the command
    source: str = Field(default="", max_length=200)  # the file it came from

    @property
    def on_target_percent(self) -> float:
        """The share of the area's performance indicators on target, in per cent."""
        return 100.0 * self.indicators_on_target / self.indicators_total

    @property
    def escalated_percent(self) -> float:
        """The share of complaints received that were escalated, in per cent."""
        if not self.complaints_received:
            return 0.0
        return 100.0 * self.complaints_escalated / self.complaints_received

    @property
    def name(self) -> str:
        """The quarter as people write it: 2026 Q3."""
        return f"{self.year} Q{self.quarter}"
