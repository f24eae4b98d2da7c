"""What a business area's figures say: the latest quarter against the one before, and the score
each part of the matrix would get from them (a proposal: the panel scores).

The seed: "A scoring matrix is used that considers performance, customer satisfaction and
complaints. The Customer Empowerment Panel also consider if the service is business critical."
Business critical is the panel's judgement alone: no figure proposes it.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from sqlmodel import Session

from backend.casework.performance import figures
from backend.models import PerformanceFigure

# Where each part's score starts (0 to 5; a higher score puts the area higher in the programme).
# Performance: the share of indicators on target; satisfaction: the share satisfied. Each list
# holds the lowest share still scoring 0, 1, 2, 3 and 4; below the last, 5.
ON_TARGET_FLOORS = (95.0, 85.0, 75.0, 65.0, 50.0)
SATISFIED_FLOORS = (90.0, 85.0, 80.0, 75.0, 65.0)
# Complaints: the share escalated scores from these ceilings up (under 5% is 0), and one more
# if more were escalated than the quarter before.
ESCALATED_CEILINGS = (5.0, 10.0, 15.0, 20.0, 30.0)
QUARTERS_SHOWN = 4


def _from_floors(value: float, floors: tuple[float, ...]) -> int:
    """The score for a share where more is better: 0 at or above the first floor."""
    return next((n for n, floor in enumerate(floors) if value >= floor), len(floors))


@dataclass(frozen=True)
class AreaTrend:
    """A business area's recent quarters, newest first, and what they say."""

    area: str
    quarters: list[PerformanceFigure]  # newest first, at most QUARTERS_SHOWN

    @property
    def latest(self) -> PerformanceFigure | None:
        """The newest quarter's figures (None: nothing loaded for this area)."""
        return self.quarters[0] if self.quarters else None

    @property
    def previous(self) -> PerformanceFigure | None:
        """The quarter before the newest, to compare with (None: only one loaded)."""
        return self.quarters[1] if len(self.quarters) > 1 else None

    def change(self, measure: str) -> float | None:
        """The newest quarter minus the one before, for a measure (None: nothing to compare)."""
        if self.latest is None or self.previous is None:
            return None
        return float(getattr(self.latest, measure)) - float(getattr(self.previous, measure))

    @property
    def proposed(self) -> dict[str, int]:
        """The score the figures propose for each part they speak to (empty: no figures)."""
        latest = self.latest
        if latest is None:
            return {}
        complaints = bisect.bisect_right(ESCALATED_CEILINGS, latest.escalated_percent)
        rose = self.change("complaints_escalated")
        if rose is not None and rose > 0:
            complaints += 1
        return {
            "performance": _from_floors(latest.on_target_percent, ON_TARGET_FLOORS),
            "satisfaction": _from_floors(latest.satisfaction_percent, SATISFIED_FLOORS),
            "complaints": min(complaints, 5),
        }

    def said(self, part: str) -> str:
        """The figures behind one part of the matrix, in a sentence ("" for business critical,
        or when nothing is loaded)."""
        latest, previous = self.latest, self.previous
        if latest is None or part not in self.proposed:
            return ""
        since = f" in {latest.name}"
        if part == "performance":
            line = (
                f"{latest.indicators_on_target} of {latest.indicators_total} performance "
                f"indicators on target{since} ({latest.on_target_percent:.0f}%)"
            )
            change = self.change("on_target_percent")
            if change is not None and previous is not None:
                line += f", {_points(change)} on {previous.name}"
        elif part == "satisfaction":
            line = f"{latest.satisfaction_percent:g}% of customers satisfied{since}"
            change = self.change("satisfaction_percent")
            if change is not None and previous is not None:
                line += f", {_points(change)} on {previous.name}"
        else:
            line = (
                f"{latest.complaints_escalated} of {latest.complaints_received} complaints "
                f"escalated{since} ({latest.escalated_percent:.0f}%)"
            )
            if previous is not None:
                line += (
                    f"; {previous.complaints_escalated} of {previous.complaints_received} "
                    f"in {previous.name}"
                )
        return f"{line}. Proposed: {self.proposed[part]}."

    def dips(self, points: float) -> list[str]:
        """Why the figures make the area a priority now: indicators on target or satisfaction
        down by `points` or more on the quarter before, or escalated complaints up (empty:
        neither). "Service areas identified as being a priority by dips in performance or
        escalations of complaints"."""
        latest, previous = self.latest, self.previous
        if latest is None or previous is None:
            return []
        found = []
        for measure, words in (
            ("on_target_percent", "performance indicators on target"),
            ("satisfaction_percent", "customers satisfied"),
        ):
            fell = -(self.change(measure) or 0.0)
            if round(fell, 6) >= points:
                found.append(
                    f"{words} fell {fell:.0f} points, from {getattr(previous, measure):.0f}% "
                    f"in {previous.name} to {getattr(latest, measure):.0f}% in {latest.name}"
                )
        if latest.complaints_escalated > previous.complaints_escalated:
            found.append(
                f"escalated complaints rose from {previous.complaints_escalated} in "
                f"{previous.name} to {latest.complaints_escalated} in {latest.name}"
            )
        return found


def _points(change: float) -> str:
    if abs(change) < 0.5:  # shown in whole points: less than half a point is no change
        return "the same as"
    points = round(abs(change))
    return f"{'up' if change > 0 else 'down'} {points} point{'' if points == 1 else 's'}"


def area_trend(session: Session, area: str | None) -> AreaTrend | None:
    """A business area's last four quarters of figures (None: not a business area)."""
    if area is None:
        return None
    return AreaTrend(area, figures(session, area)[:QUARTERS_SHOWN])


def trends(session: Session) -> dict[str, AreaTrend]:
    """Every business area with figures, and its last four quarters."""
    found: dict[str, list[PerformanceFigure]] = {}
    for figure in figures(session):
        quarters = found.setdefault(figure.service_area, [])
        if len(quarters) < QUARTERS_SHOWN:
            quarters.append(figure)
    return {area: AreaTrend(area, quarters) for area, quarters in found.items()}
