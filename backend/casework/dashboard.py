"""What officers look at first: counts by stage, what needs action today, the list of Calls."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import literal, union_all
from sqlmodel import Session, col, func, or_, select

from backend import petitions
from backend.casework.lifecycle import APPEAL_DAYS, DECIDED
from backend.casework.plan_check import Waiting, recommendations_waiting
from backend.casework.reviews import Flag, flagged
from backend.casework.support import SupportRow, support_requests
from backend.models import (
    Action,
    Appeal,
    Call,
    CallStatus,
    PanelMeeting,
    Petition,
)
from backend.store.db import escape_like

PER_PAGE = 25


STAGES = tuple(CallStatus)


TOTAL = "*total*"  # not a status: the row of counts_by_stage's query that counts every Call


@dataclass(frozen=True)
class Filters:
    """What the dashboard list is narrowed to."""

    stage: str = ""
    area: str = ""
    officer_id: int | None = None
    since: date | None = None
    until: date | None = None
    q: str = ""
    page: int = 1


def counts_by_stage(session: Session) -> dict[str, int]:
    """How many Calls are at each stage (every stage listed, zeros included)."""
    # Closed Calls pile up for years: counting them one by one took 9 of the dashboard's 14 ms
    # at 100,000 Calls (bench/backoffice.py). So the other stages are counted through the status
    # index, and closed is the table's total (cheap to count) minus those. One statement, one
    # snapshot: the numbers add up even while Calls move.
    others = [stage.value for stage in STAGES if stage != CallStatus.CLOSED]
    open_counts = (
        select(col(Call.status), func.count())
        .where(col(Call.status).in_(others))
        .group_by(col(Call.status))
    )
    total = select(literal(TOTAL), select(func.count()).select_from(Call).scalar_subquery())
    found = {status: int(n) for status, n in session.execute(union_all(open_counts, total))}
    found[CallStatus.CLOSED.value] = found.pop(TOTAL, 0) - sum(found.values())
    return {stage.value: found.get(stage.value, 0) for stage in STAGES}


def find_calls(session: Session, filters: Filters) -> tuple[list[Call], int]:
    """One page of Calls matching the filters, newest first, and how many match in all."""
    query = select(Call)
    if filters.stage:
        query = query.where(Call.status == filters.stage)
    if filters.area:
        query = query.where(Call.service_area == filters.area)
    if filters.officer_id:
        query = query.where(Call.assigned_officer_id == filters.officer_id)
    if filters.since:
        query = query.where(col(Call.submitted_at) >= _start_of(filters.since))
    if filters.until:
        query = query.where(col(Call.submitted_at) < _start_of(filters.until + timedelta(days=1)))
    if filters.q.strip():
        term = filters.q.strip()
        query = query.where(
            or_(
                func.upper(Call.reference) == term.upper(),
                col(Call.tenant_name).ilike(f"%{escape_like(term)}%", escape="\\"),
                col(Call.postcode).ilike(f"{escape_like(term)}%", escape="\\"),
            )
        )
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(Call.submitted_at).desc(), col(Call.id).desc())
        .offset((max(filters.page, 1) - 1) * PER_PAGE)
        .limit(PER_PAGE)
    ).all()
    return list(rows), int(total)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC)


@dataclass
class Today:
    """What needs someone's attention today."""

    new_calls: list[Call] = field(default_factory=list)
    support_requests: list[SupportRow] = field(default_factory=list)
    monitoring_due: list[Call] = field(default_factory=list)
    ready_for_agenda: list[Call] = field(default_factory=list)
    decisions_due: list[tuple[Call, PanelMeeting]] = field(default_factory=list)
    appeals_open: list[tuple[Appeal, Call]] = field(default_factory=list)
    appeal_windows_closing: list[Call] = field(default_factory=list)
    overdue_actions: list[tuple[Action, Call]] = field(default_factory=list)
    petitions_closed: list[tuple[Petition, Call]] = field(default_factory=list)
    # After a final report: recommendations with no response, accepted ones with no action.
    no_response: list[Waiting] = field(default_factory=list)
    no_action: list[Waiting] = field(default_factory=list)
    # Business areas the figures make a priority, with nothing of theirs in the programme.
    dipped: list[Flag] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Nothing at all needs action."""
        return not any(vars(self).values())


def needs_action(
    session: Session,
    today: date,
    limit: int = 10,
    support_days: int = 2,
    dip_points: float = 10.0,
) -> Today:
    """New Calls, help requested, agendas, decisions due, monitoring reviews due, appeals,
    recommendations waiting for a response or an action, overdue actions, and business areas
    whose figures dipped (`dip_points` or more) with nothing in the programme."""
    soon = today + timedelta(days=7)
    no_response, no_action = recommendations_waiting(session, limit)
    return Today(
        no_response=no_response,
        no_action=no_action,
        dipped=[f for f in flagged(session, dip_points) if f.in_programme is None][:limit],
        new_calls=list(
            session.exec(
                select(Call)
                .where(Call.status == CallStatus.SUBMITTED)
                .order_by(col(Call.submitted_at))
                .limit(limit)
            )
        ),
        support_requests=support_requests(session, support_days, limit=limit),
        monitoring_due=list(
            session.exec(
                select(Call)
                .where(Call.status == CallStatus.MONITORING, col(Call.monitoring_review_on) <= soon)
                .order_by(col(Call.monitoring_review_on))
                .limit(limit)
            )
        ),
        ready_for_agenda=list(
            session.exec(select(Call).where(Call.status == CallStatus.READY).limit(limit))
        ),
        decisions_due=[
            (call, meeting)
            for call, meeting in session.exec(
                select(Call, PanelMeeting)
                .join(PanelMeeting, col(PanelMeeting.id) == col(Call.meeting_id))
                .where(Call.status == CallStatus.ON_AGENDA, PanelMeeting.held_on <= soon)
                .order_by(col(PanelMeeting.held_on))
                .limit(limit)
            )
        ],
        appeals_open=[
            (appeal, call)
            for appeal, call in session.exec(
                select(Appeal, Call)
                .join(Call, col(Call.id) == col(Appeal.call_id))
                .where(col(Appeal.outcome).is_(None))
                .order_by(col(Appeal.lodged_at))
                .limit(limit)
            )
        ],
        appeal_windows_closing=list(
            session.exec(
                select(Call)
                .where(
                    col(Call.status).in_([s.value for s in DECIDED]),
                    col(Call.decided_at) >= _start_of(today - timedelta(days=APPEAL_DAYS)),
                    col(Call.decided_at) < _start_of(soon - timedelta(days=APPEAL_DAYS)),
                )
                .limit(limit)
            )
        ),
        petitions_closed=petitions.closed_short(session, _start_of(today - timedelta(days=14))),
        overdue_actions=[
            (action, call)
            for action, call in session.exec(
                select(Action, Call)
                .join(Call, col(Call.id) == col(Action.call_id))
                .where(col(Action.done_on).is_(None), Action.due_on < today)
                .order_by(col(Action.due_on))
                .limit(limit)
            )
        ],
    )
