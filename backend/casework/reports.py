"""What the panel, EMT and Board read: charts of Calls and the CSV of Calls (the programme is in
programme.py, the final report in final_report.py).

Queries only: the routes in backend/web/routes/officer/reports.py turn these into pages.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, extract
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from backend.casework.lifecycle import PANEL_ROUTE
from backend.models import (
    Call,
    CallStatus,
    Score,
)
from bot.render import label
from conversations.proforma import SERVICE_AREAS

# Accepted and waiting for a start date, scheduled, or being reviewed now: the programme
# (programme.py; STATUS tells a tenant their Call's place in it).
IN_PROGRAMME = (CallStatus.ACCEPTED, CallStatus.PROGRAMMED, CallStatus.IN_SCRUTINY)
# Histogram of decision times: bins start on these days (the last one is open-ended).
DECISION_BINS = (0, 7, 14, 28, 56, 84)
# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# -- charts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaMonthCounts:
    """Calls received per service area and month, over the last few months."""

    months: list[date]  # the first day of each month, oldest first
    areas: list[str]
    counts: dict[tuple[str, date], int] = field(default_factory=dict)

    def count(self, area: str, month: date) -> int:
        """Calls about `area` received in `month`."""
        return self.counts.get((area, month), 0)

    @property
    def by_month(self) -> list[int]:
        """Calls received in each month, in the order of `months`."""
        return [sum(self.count(a, m) for a in self.areas) for m in self.months]

    @property
    def by_area(self) -> dict[str, int]:
        """Calls received about each area over all the months."""
        return {a: sum(self.count(a, m) for m in self.months) for a in self.areas}

    @property
    def total(self) -> int:
        """Calls received over all the months."""
        return sum(self.counts.values())


def _month_starts(today: date, months: int) -> list[date]:
    first = today.replace(day=1)
    found = [first]
    for _ in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
        found.append(first)
    return found[::-1]


def _utc(column: Any, session: Session) -> ColumnElement[Any]:
    # PostgreSQL keeps timestamptz and would group by the session's time zone; SQLite stores UTC.
    if session.get_bind().dialect.name == "postgresql":
        return func.timezone("UTC", column)
    return column  # type: ignore[no-any-return]


def calls_by_area_and_month(
    session: Session, months: int = 12, today: date | None = None
) -> AreaMonthCounts:
    """How many Calls each service area received in each of the last `months` months."""
    today = today or datetime.now(UTC).date()
    starts = _month_starts(today, months)
    since = datetime.combine(starts[0], datetime.min.time(), tzinfo=UTC)
    submitted = _utc(col(Call.submitted_at), session)
    year, month = extract("year", submitted), extract("month", submitted)
    rows = session.exec(
        select(Call.service_area, year, month, func.count())
        # Received from tenants: the panel's own reviews are not Calls anyone sent.
        .where(col(Call.submitted_at) >= since, col(Call.route) != PANEL_ROUTE)
        .group_by(col(Call.service_area), year, month)
    ).all()
    counts: dict[tuple[str, date], int] = {}
    for area, y, m, count in rows:
        key = (area, date(int(y), int(m), 1))
        if key[1] in starts:  # a Call dated in the future stays out of the chart
            counts[key] = counts.get(key, 0) + int(count)
    areas = list(SERVICE_AREAS) + sorted({a for a, _ in counts} - set(SERVICE_AREAS))
    return AreaMonthCounts(starts, areas, counts)


@dataclass(frozen=True)
class DecisionTimes:
    """Days from submission to the panel's decision, per decided Call."""

    days: list[tuple[str, float]]  # reference, days (one decimal place)
    median: float | None

    def histogram(self) -> list[tuple[int, int | None, int]]:
        """(from day, up to day or None for "and over", how many Calls) per bin."""
        edges = [*DECISION_BINS, None]
        bins = []
        for low, high in itertools.pairwise(edges):
            assert low is not None  # noqa: S101 - only the last edge is open
            count = sum(1 for _, d in self.days if d >= low and (high is None or d < high))
            bins.append((low, high, count))
        return bins


def decision_times(session: Session) -> DecisionTimes:
    """Days from submission to decision for every decided Call, and their median."""
    rows = session.exec(
        select(Call.reference, Call.submitted_at, Call.decided_at)
        .where(col(Call.decided_at).is_not(None))
        .order_by(col(Call.decided_at))
    ).all()
    days = [
        (reference, round(max((decided - submitted).total_seconds(), 0) / 86400, 1))
        for reference, submitted, decided in rows
        if decided is not None
    ]
    return DecisionTimes(days, statistics.median(d for _, d in days) if days else None)


# -- the CSV of Calls -------------------------------------------------------------------

CSV_HEADER = (
    "Reference",
    "Submitted",
    "Service area",
    "Service area (other)",
    "Status",
    "Decision",
    "Decided",
    "Score",
    "Signatures needed",
    "Route",
)


def safe_cell(value: object) -> str:
    """The cell as text, with a quote in front if a spreadsheet would run it as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_rows(session: Session) -> Iterator[list[str]]:
    """The header, then one row per Call, oldest first; no personal data beyond the reference."""
    yield list(CSV_HEADER)
    rows = session.execute(
        sa_select(
            col(Call.reference),
            col(Call.submitted_at),
            col(Call.service_area),
            col(Call.service_area_other),
            col(Call.status),
            col(Call.decision),
            col(Call.decided_at),
            col(Score.total),
            col(Call.signatories_needed),
            col(Call.route),
        )
        .join(Score, col(Score.call_id) == col(Call.id), isouter=True)
        .order_by(col(Call.id))
        .execution_options(yield_per=1000)  # 100,000 Calls stream, not load at once
    )
    for ref, sent, area, other, status, decision, decided, total, needed, route in rows:
        yield [
            safe_cell(cell)
            for cell in (
                ref,
                f"{sent:%Y-%m-%d}",
                label("service_area", area),
                other,  # free text the tenant typed: escaped like every other cell
                label("call_status", status),
                label("decision", decision) if decision else "",
                f"{decided:%Y-%m-%d}" if decided else "",
                f"{total:g}" if total is not None else "",
                needed,
                "The panel's own review" if route == PANEL_ROUTE else label("route", route),
            )
        ]
