"""Reviews the panel starts itself. The framework: involved customers "carry out detailed
assessments on PCHA service areas identified as being a priority by dips in performance or
escalations of complaints. The assessments are programmed and a minimum of two reviews will be
carried out each year."

The figures flag an area; the panel scores it on the programme, puts it on the programme with a
start date, and from there it runs its ten steps, report and action plan as a Call does (it is a
Call of route "panel", with no tenant behind it and no community-call bonus).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, or_, select

from backend.casework.areas import BUSINESS_AREAS
from backend.casework.lifecycle import PANEL, PANEL_ROUTE, IllegalTransition, S
from backend.casework.reports import IN_PROGRAMME
from backend.casework.trends import AreaTrend, trends
from backend.models import AreaScore, Call, Officer, OfficerRole, Score
from backend.models.types import saved_id
from backend.store.references import next_sequence
from backend.store.timeline import add_event
from bot.render import label

# Its own prefix, so nobody takes it for a tenant's Call; the number comes from the same
# counter, so Call references may skip one where a review took it.
REVIEW_PREFIX = "REV"


@dataclass(frozen=True)
class Flag:
    """A business area the figures make a priority, why, and what is in the programme for it."""

    area: str
    trend: AreaTrend
    reasons: list[str]
    in_programme: Call | None  # a Call or a review of the area already in the programme


def in_programme(session: Session, area: str) -> Call | None:
    """The Call or review of a business area in the programme now, if there is one."""
    return session.exec(
        select(Call)
        .where(
            col(Call.status).in_([s.value for s in IN_PROGRAMME]),
            or_(Call.service_area == area, Call.business_area == area),
        )
        .order_by(col(Call.id))
    ).first()


def flagged(session: Session, points: float) -> list[Flag]:
    """Business areas whose figures dipped by `points` or whose escalated complaints rose, in
    the landlord's order of areas."""
    found = []
    for area, trend in trends(session).items():
        reasons = trend.dips(points)
        if reasons:
            found.append(Flag(area, trend, reasons, in_programme(session, area)))
    return sorted(found, key=lambda flag: BUSINESS_AREAS.index(flag.area))


def start_review(
    session: Session, officer: Officer, area: str, start: date, reason: str, now: datetime
) -> Call:
    """Puts a business area on the annual programme as the panel's own review, with the score
    the panel gave the area; from here it is scrutinised like any Call."""
    if OfficerRole(officer.role) not in PANEL or not officer.active:
        raise IllegalTransition("Only the panel puts a business area on the programme.")
    if area not in BUSINESS_AREAS:
        raise IllegalTransition("Choose one of the business areas.")
    if not reason.strip():
        raise IllegalTransition("Say why the panel is reviewing it (the figures, for example).")
    name = label("service_area", area)
    scored = session.exec(select(AreaScore).where(AreaScore.service_area == area)).first()
    if scored is None:
        raise IllegalTransition(f"Score {name} first: the programme is ordered by score.")
    busy = in_programme(session, area)
    if busy is not None:
        raise IllegalTransition(f"{name} is in the programme already, as {busy.reference}.")
    sequence = next_sequence(session, now.year)
    call = Call(
        reference=f"{REVIEW_PREFIX}-{now.year}-{sequence:04d}",
        year=now.year,
        sequence=sequence,
        contact_id=None,
        status=S.PROGRAMMED,
        # No tenant: the pro-forma's answers stay empty; "concerns" holds the panel's reason.
        tenant_name="",
        address="",
        postcode="",
        contact_preference="",
        service_area=area,
        concerns=reason.strip(),
        actions_taken="",
        complaint_stage="",
        failures="",
        failures_since="",
        failures_frequency="",
        others_affected="",
        route=PANEL_ROUTE,
        programme_start=start,
        submitted_at=now,
        updated_at=now,
    )
    session.add(call)
    session.flush()
    session.add(
        Score(
            call_id=saved_id(call),
            officer_id=saved_id(officer),
            performance=scored.performance,
            satisfaction=scored.satisfaction,
            complaints=scored.complaints,
            business_critical=scored.business_critical,
            community_bonus=0,  # "additional points ... for a Community Call for Scrutiny" only
            total=scored.total,
            scored_at=now,
        )
    )
    add_event(
        session,
        call,
        "start_review",
        now,
        note=f"The panel's own review of {name}, starting {start:%d %B %Y}: {reason.strip()}",
        officer_id=officer.id,
        first=True,
    )
    return call
