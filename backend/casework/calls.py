"""A Call and everything about it, as its page shows it; the lists its forms choose from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from backend.casework import follow_ups
from backend.casework.plan_check import PlanCheck, plan_check
from backend.casework.scoring import score_of
from backend.models import (
    Action,
    Appeal,
    Call,
    CallEvent,
    CallNote,
    Contact,
    Evidence,
    FollowUp,
    Message,
    Officer,
    PanelMeeting,
    Recommendation,
    Score,
    ScrutinyStep,
)


def find_call(session: Session, reference: str, *, lock: bool = False) -> Call | None:
    """The Call with this reference; `lock` holds its row until the transaction ends, so two
    officers moving the same Call at once take turns (PostgreSQL; SQLite has one writer)."""
    query = select(Call).where(Call.reference == reference.strip().upper())
    if lock:
        query = query.with_for_update()
    return session.exec(query).first()


@dataclass
class CallFile:
    """Everything about one Call, for its page."""

    call: Call
    contact: Contact | None
    officer: Officer | None
    meeting: PanelMeeting | None
    events: list[tuple[CallEvent, Officer | None]]
    notes: list[tuple[CallNote, Officer | None]]
    evidence: list[Evidence]
    transcript: list[Message]
    score: Score | None
    steps: dict[int, ScrutinyStep]
    recommendations: list[Recommendation]
    actions: list[Action]
    appeals: list[Appeal]
    follow_ups: list[FollowUp]
    plan: PlanCheck  # after the report: responses, actions and who answers for the plan


def call_file(session: Session, reference: str) -> CallFile | None:
    """The Call with this reference and everything that hangs off it."""
    call = find_call(session, reference)
    if call is None:
        return None
    officers = {o.id: o for o in session.exec(select(Officer))}
    plan = plan_check(session, call)
    return CallFile(
        call=call,
        contact=session.get(Contact, call.contact_id) if call.contact_id else None,
        officer=officers.get(call.assigned_officer_id),
        meeting=session.get(PanelMeeting, call.meeting_id) if call.meeting_id else None,
        events=[
            (e, officers.get(e.officer_id))
            for e in session.exec(
                select(CallEvent).where(CallEvent.call_id == call.id).order_by(col(CallEvent.id))
            )
        ],
        notes=[
            (n, officers.get(n.officer_id))
            for n in session.exec(
                select(CallNote).where(CallNote.call_id == call.id).order_by(col(CallNote.id))
            )
        ],
        evidence=list(session.exec(select(Evidence).where(Evidence.call_id == call.id))),
        transcript=list(
            session.exec(
                select(Message)
                .where(Message.contact_id == call.contact_id)
                .order_by(col(Message.id).desc())
                .limit(200)
            )
        )[::-1]
        if call.contact_id
        else [],
        score=score_of(session, call),
        steps={
            s.number: s
            for s in session.exec(select(ScrutinyStep).where(ScrutinyStep.call_id == call.id))
        },
        recommendations=plan.recommendations,
        actions=plan.actions,
        appeals=list(session.exec(select(Appeal).where(Appeal.call_id == call.id))),
        follow_ups=follow_ups.answers_for(session, call),
        plan=plan,
    )


def officers(session: Session) -> list[Officer]:
    """Active officer accounts, by name."""
    return list(session.exec(select(Officer).where(Officer.active).order_by(col(Officer.name))))


def meetings_ahead(session: Session, today: date) -> list[PanelMeeting]:
    """Meetings from today on, soonest first."""
    return list(
        session.exec(
            select(PanelMeeting)
            .where(PanelMeeting.held_on >= today)
            .order_by(col(PanelMeeting.held_on))
        )
    )
