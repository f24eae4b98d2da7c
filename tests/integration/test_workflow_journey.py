"""A Call's whole journey through the panel's process, on the real database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, col, select

from backend.casework import heads
from backend.casework.decisions import Grounds
from backend.casework.lifecycle import IllegalTransition
from backend.casework.workflow import Workflow
from backend.messaging.notify import Notifier
from backend.models import (
    Call,
    CallEvent,
    CallStatus,
    Decision,
    Message,
    Officer,
    PanelMeeting,
    Recommendation,
    SupportRequest,
)
from backend.services import message_renderer
from backend.settings import Settings
from tests.factories import NOW, make_call, make_contact, make_officer


def told(session: Session, call: Call) -> list[str]:
    """What the tenant has been sent (queued in the outbox), oldest first."""
    return [
        m.body
        for m in session.exec(
            select(Message)
            .where(Message.contact_id == call.contact_id, Message.direction == "out")
            .order_by(col(Message.id))
        )
    ]


@pytest.fixture
def staff(session: Session) -> tuple[Officer, Officer]:
    officer = make_officer(session, "officer", email="ola@example.org", name="Ola Jones")
    panel = make_officer(session, "panel", email="pat@example.org", name="Pat Panel")
    return officer, panel


def test_a_petition_call_from_advice_to_completion(
    session: Session, settings: Settings, staff: tuple[Officer, Officer]
) -> None:
    officer, panel = staff
    renderer = message_renderer(settings)
    call = make_call(session)
    assert call.contact_id is not None  # a tenant's Call (only the panel's own have none)
    session.add(
        SupportRequest(contact_id=call.contact_id, call_id=call.id, step="concerns", reason="asked")
    )
    as_officer = Workflow(Notifier(session, renderer, NOW), officer)
    as_panel = Workflow(Notifier(session, renderer, NOW), panel, settings=settings)

    as_officer.record_area(call, None, "repairs")  # "something else": an officer says what
    # "The Customer Empowerment Panel will identify an officer to help you."
    with pytest.raises(IllegalTransition, match="cannot assign officer"):
        as_officer.assign_officer(call, officer)
    as_panel.assign_officer(call, officer)
    assert call.status == CallStatus.GATHERING_EVIDENCE
    assert "Ola, an officer, will help you" in told(session, call)[-1]
    assert session.exec(select(SupportRequest)).one().status == "assigned"

    # "You will be advised how many signatories you need": the panel sets it, not an officer.
    with pytest.raises(IllegalTransition, match="cannot set signatories"):
        as_officer.set_signatories(call, 40)
    as_panel.set_signatories(call, 40)
    assert call.status == CallStatus.COLLECTING_SIGNATURES
    assert "40 signatures" in told(session, call)[-1]

    meeting_day = NOW + timedelta(days=14)
    session.add(PanelMeeting(held_on=meeting_day.date(), location="Bootle"))
    session.flush()
    with pytest.raises(IllegalTransition, match="0 of the 40 signatures"):
        as_officer.mark_ready(call, "Not enough yet")
    # "Occasionally the Customer Empowerment Panel may consider that the service failure is so
    # significant that no further evidence is required and will accept the pro-forma".
    as_panel.accept_pro_forma(call, "The lift has been out for a month in a tower block.")
    assert call.status == CallStatus.ON_AGENDA  # straight onto the next meeting's agenda
    assert "meeting on" in told(session, call)[-1]

    with pytest.raises(IllegalTransition, match="cannot decide"):
        as_officer.decide(call, Decision.ACCEPTED, Grounds("Strong evidence", "persistent", "none"))
    evidence = Grounds("Strong evidence of a persistent failure.", "persistent", "none")
    with pytest.raises(IllegalTransition, match="at or after that meeting"):
        as_panel.decide(call, Decision.ACCEPTED, evidence)
    as_panel = Workflow(Notifier(session, renderer, meeting_day), panel, settings=settings)
    as_panel.decide(call, Decision.ACCEPTED, evidence)
    assert call.status == CallStatus.ACCEPTED and call.decided_at == meeting_day
    assert "accepted it" in told(session, call)[-1]

    with pytest.raises(IllegalTransition, match="Score"):
        as_panel.programme(call, date(2027, 1, 4))
    score = as_panel.score(
        call,
        {"performance": 4, "satisfaction": 3, "complaints": 5, "business_critical": 2},
    )
    assert score.total == 4 * 2 + 3 * 2 + 5 * 2 + 2 * 3 + 5
    as_panel.programme(call, date(2027, 1, 4))
    assert "January 2027" in told(session, call)[-1]

    as_panel.start_scrutiny(call)
    for number in range(1, 10):
        as_panel.record_step(call, number, NOW.date(), f"Step {number} notes")
    with pytest.raises(IllegalTransition, match="1 of the 10 steps"):
        as_panel.report(call, "Findings", NOW.date())
    as_panel.record_step(call, 10, NOW.date(), "Report drafted")
    with pytest.raises(IllegalTransition, match="at least one recommendation"):
        as_panel.report(call, "Findings", NOW.date())
    as_panel.add_recommendation(call, "Repair the lift within 24 hours of a fault.")
    as_panel.report(call, "Findings and recommendations", NOW.date())
    assert call.status == CallStatus.REPORTED

    # "The PCHA Board and EMT will consider the report and delegate the task of responding to
    # the recommendations to the Customer Empowerment Manager and Head of Operations for that
    # particular area of the business."
    with pytest.raises(IllegalTransition, match="The Board has not considered the report yet"):
        as_panel.agree_action_plan(call)
    manager = make_officer(session, "manager", email="dee@example.org", name="Dee Manager")
    as_manager = Workflow(Notifier(session, renderer, meeting_day), manager, settings=settings)
    head = heads.add_head(session, manager, name="Hal Head", now=meeting_day)
    heads.assign_area(session, manager, "repairs", head.id, meeting_day)
    as_manager.record_consideration(call, "board", meeting_day.date())
    as_manager.record_consideration(call, "emt", meeting_day.date())
    as_manager.delegate(call, manager, meeting_day.date())
    (recommendation,) = session.exec(select(Recommendation)).all()
    as_manager.respond(call, recommendation, "accepted", "The lift is the block's lifeline.")
    with pytest.raises(IllegalTransition, match="1 accepted recommendation has no action"):
        as_panel.agree_action_plan(call)
    action = as_panel.add_action(
        call,
        "Fix the lift within 24 hours",
        "Repairs Manager",
        NOW.date() + timedelta(days=30),
        recommendation,
    )
    as_panel.agree_action_plan(call)
    assert call.plan_agreed_with == "Hal Head"
    with pytest.raises(IllegalTransition, match="still open"):
        as_panel.complete(call)
    as_panel.action_done(call, action)
    as_panel.complete(call)
    as_panel.close(call)
    assert call.status == CallStatus.CLOSED

    events = session.exec(
        select(CallEvent).where(CallEvent.call_id == call.id).order_by(col(CallEvent.id))
    ).all()
    assert [e.to_status for e in events if e.from_status not in (None, e.to_status)] == [
        "gathering_evidence",
        "collecting_signatures",
        "ready",
        "on_agenda",
        "accepted",
        "programmed",
        "in_scrutiny",
        "reported",
        "action_plan",
        "completed",
        "closed",
    ]
    assert all(e.officer_id in (officer.id, panel.id, manager.id) for e in events[1:])


def test_the_decision_tells_the_tenant_the_reasons_and_the_appeal_date(
    session: Session, settings: Settings, staff: tuple[Officer, Officer]
) -> None:
    _, panel = staff
    call = make_call(session, make_contact(session, "sms", "+447911123456"))
    session.add(PanelMeeting(held_on=NOW.date(), location=""))
    session.flush()
    flow = Workflow(Notifier.of(session, settings, NOW), panel)
    flow.accept_pro_forma(call, "Serious")
    with pytest.raises(IllegalTransition, match="avenue"):
        flow.decide(
            call, Decision.NOT_EXHAUSTED, Grounds("Use the complaints procedure", "neither", "none")
        )
    flow.decide(
        call,
        Decision.NOT_EXHAUSTED,
        Grounds(
            "You have not used stage 2 yet.",
            "neither",
            "stage_1",
            advice="Ask for stage 2 of the complaints procedure.",
        ),
    )
    text = " ".join(told(session, call)[-2:])  # the decision, then how to appeal
    assert "Monday 21 December 2026" in text  # 28 days after 23 November 2026
    assert "APPEAL " + call.reference in text
    assert "stage 2" in text


def test_an_illegal_move_changes_nothing(
    session: Session, settings: Settings, staff: tuple[Officer, Officer]
) -> None:
    _, panel = staff
    call = make_call(session)
    before = (call.status, call.updated_at)
    events = len(session.exec(select(CallEvent)).all())
    with pytest.raises(IllegalTransition, match="is submitted"):
        Workflow(Notifier.of(session, settings, NOW), panel).start_scrutiny(call)
    assert (call.status, call.updated_at) == before
    assert len(session.exec(select(CallEvent)).all()) == events
    assert told(session, call) == []


def test_a_past_meeting_cannot_take_a_call(
    session: Session, settings: Settings, staff: tuple[Officer, Officer]
) -> None:
    officer, _ = staff
    call = make_call(session)
    flow = Workflow(Notifier.of(session, settings, NOW), officer)
    past = PanelMeeting(held_on=NOW.date() - timedelta(days=1))
    session.add(past)
    session.flush()
    call.status = CallStatus.READY
    with pytest.raises(IllegalTransition, match="already taken place"):
        flow.schedule(call, past)
