"""A Call and everything about it, as its page shows it; the lists its forms choose from."""

from __future__ import annotations

from dataclasses import dataclass, replace
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


# Timeline lines whose note is written by us or is the panel's own record (a count, a date, a
# decision's reasons, a step, a recommendation, a response): the rest may carry the tenant's
# words or an officer's about them (a reply to the tenant, a support request's outcome, the
# reasons for an appeal, a closing note), and viewers see those lines without their note.
OFFICER_FACING_NOTES = frozenset(
    {
        "assign_officer",
        "set_signatories",
        "record_area",
        "schedule",
        "decide",
        "review_monitoring",
        "appeal_outcome",
        "score",
        "programme",
        "start_scrutiny",
        "record_step",
        "report",
        "add_recommendation",
        "record_consideration",
        "delegate",
        "respond",
        "add_action",
        "action_done",
        "agree_action_plan",
        "complete",
        "petition_closed",
        "evidence_added",
        "start_review",
    }
)


@dataclass(frozen=True)
class TimelineLine:
    """One line of a Call's timeline as a viewer reads it."""

    event: CallEvent
    author: Officer | None
    note: str


def for_viewers(file: CallFile) -> tuple[CallFile, list[TimelineLine]]:
    """The Call's file without what identifies the tenant or repeats their words (their contact,
    messages, evidence, officers' notes about them), and its timeline with only the notes in
    OFFICER_FACING_NOTES: what the Board's and EMT's reports need (issue 12, point 15)."""
    kept = replace(file, contact=None, notes=[], evidence=[], transcript=[], events=[])
    timeline = [
        TimelineLine(event, author, event.note if event.action in OFFICER_FACING_NOTES else "")
        for event, author in file.events
    ]
    return kept, timeline


def postcode_sector(postcode: str) -> str:
    """The sector of a full postcode ("L30 4TH" -> "L30 4"): thousands of homes, so it places
    a Call in a neighbourhood without finding a home; "" when there is no full postcode."""
    outward, _, inward = postcode.strip().upper().partition(" ")
    return f"{outward} {inward[0]}" if outward and len(inward) == 3 else ""


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
