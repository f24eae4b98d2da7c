"""Demo performance and management information: four quarters for every business area, loaded
through the same check as a real CSV. Compliance dips in the latest quarter (fewer indicators
on target, more complaints escalated), so the dashboard has an area to flag; grounds
maintenance is already on the programme as the panel's own review."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import Session

from backend.casework import performance, reviews
from backend.casework.workflow import Workflow
from backend.messaging.notify import Notifier
from backend.models import Officer
from backend.settings import Settings

# Per area, oldest quarter first: (indicators on target of 10, % satisfied, complaints
# received, complaints escalated).
FIGURES: dict[str, tuple[tuple[int, float, int, int], ...]] = {
    "community_safety": ((8, 82, 40, 3), (8, 83, 42, 4), (9, 84, 38, 3), (9, 83, 41, 3)),
    "customer_access": ((7, 76, 90, 9), (7, 75, 95, 10), (6, 74, 99, 11), (7, 76, 92, 9)),
    "neighbourhood_services": ((9, 88, 25, 1), (9, 87, 24, 1), (9, 88, 26, 2), (9, 89, 25, 1)),
    "independent_living": ((9, 92, 12, 0), (10, 93, 10, 1), (9, 92, 11, 1), (9, 94, 12, 1)),
    "repairs": ((7, 74, 210, 18), (7, 73, 220, 20), (6, 72, 230, 22), (6, 71, 226, 21)),
    "void_works": ((6, 70, 35, 6), (6, 72, 33, 5), (7, 75, 30, 4), (8, 79, 26, 3)),
    "compliance": ((10, 86, 20, 1), (10, 85, 22, 2), (9, 86, 21, 2), (6, 78, 34, 6)),
    "communal_cleaning": ((8, 80, 30, 2), (8, 81, 31, 2), (8, 80, 29, 2), (8, 81, 30, 2)),
    "grounds_maintenance": ((8, 84, 18, 1), (9, 86, 15, 1), (8, 85, 20, 1), (8, 84, 19, 1)),
    "home_improvement_works": ((9, 87, 14, 1), (9, 88, 15, 1), (8, 86, 16, 1), (9, 87, 14, 1)),
}


def last_quarters(today: date, count: int = 4) -> list[tuple[int, int]]:
    """The `count` quarters before the one `today` is in, oldest first."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    found = []
    for _ in range(count):
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        found.append((year, quarter))
    return found[::-1]


def load_figures(session: Session, now: datetime) -> None:
    """Four quarters of figures for every business area, as a CSV the manager would load."""
    quarters = last_quarters(now.date())
    lines = [",".join(performance.COLUMNS)]
    for area, rows in FIGURES.items():
        for (year, quarter), (on_target, satisfied, received, escalated) in zip(
            quarters, rows, strict=True
        ):
            lines.append(
                f"{year} Q{quarter},{area},{on_target},10,{satisfied},{received},{escalated}"
            )
    checked = performance.check("\n".join(lines).encode(), now.date())
    performance.load(session, checked, now=now, officer_id=None, source="demo figures")


def panel_review(session: Session, settings: Settings, panel: Officer, now: datetime) -> None:
    """The panel scored grounds maintenance from its figures and put it on the programme."""
    flow = Workflow(Notifier.of(session, settings, now), panel, settings=settings)
    parts = {"performance": 2, "satisfaction": 2, "complaints": 1, "business_critical": 2}
    flow.score_area("grounds_maintenance", parts)
    reviews.start_review(
        session,
        panel,
        "grounds_maintenance",
        (now + timedelta(days=45)).date(),
        "Tenant inspectors reported overgrown estates; the panel wants a full review.",
        now,
    )
