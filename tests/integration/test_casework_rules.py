"""Casework without dead ends: each rule of the landlord's process, tried in the back office.

Each test is named after the rule it holds, and quotes the seed (the landlord's own Community
Call for Scrutiny procedure) where the rule comes from it.
"""

from __future__ import annotations

import itertools
import re
from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from backend import petitions
from backend.casework.decisions import Grounds
from backend.casework.workflow import Workflow, after_signature
from backend.messaging.notify import Notifier
from backend.messaging.renderer import message_renderer
from backend.models import (
    Action,
    Call,
    CallEvent,
    CallStatus,
    Contact,
    ConversationRecord,
    Decision,
    Message,
    Officer,
    PanelMeeting,
    SupportRequest,
)
from backend.models.types import saved_id
from backend.settings import Settings
from backend.store.db import write_session
from backend.turns import intake
from conversations import ReportStatus, RequestSupport, Step
from tests.factories import (
    NOW,
    conversation_at,
    make_call,
    make_contact,
    make_officer,
    sign_in,
    sign_petition,
)
from tests.integration.backoffice import latest_officer, name_head, only_recommendation
from tests.integration.conftest import services_of

OK = 303


def _at(client: TestClient, when: datetime) -> None:
    services_of(client).clock = lambda: when


def _move(client: TestClient, csrf: str, reference: str, action: str, **data: str) -> int:
    """Posts one move from the Call's page; the status code (303 done, 409 refused, 422 bad)."""
    response = client.post(
        f"/officer/calls/{reference}/{action}",
        data={"csrf": csrf, **data},
        follow_redirects=False,
    )
    return response.status_code


def _told(engine: Engine, contact_id: int | None) -> list[str]:
    with Session(engine) as session:
        return [
            m.body
            for m in session.exec(
                select(Message)
                .where(Message.contact_id == contact_id, Message.direction == "out")
                .order_by(col(Message.id))
            )
        ]


_visitors = itertools.count(1)


def _new_call(engine: Engine, **answers: str) -> Call:
    """A submitted Call from a tenant of its own."""
    with write_session(engine) as session:
        contact = make_contact(session, address=f"tenant-{next(_visitors)}")
        call = make_call(session, contact, **answers)
        session.expunge(call)
    return call


def _refresh(engine: Engine, call: Call) -> Call:
    with Session(engine) as session:
        found = session.get(Call, call.id)
        assert found is not None
        session.expunge(found)
        return found


def _meeting(engine: Engine, day: datetime) -> None:
    with write_session(engine) as session:
        session.add(PanelMeeting(held_on=day.date(), location="Bootle"))


DECIDE = {"failure_found": "persistent", "complaints_used": "stage_1"}
SCORES = {"performance": "3", "satisfaction": "3", "complaints": "3", "business_critical": "3"}
ACTION = {"description": "Fix the lift", "owner": "Head of Repairs", "due_on": "2026-12-01"}


def test_help_asked_while_filling_in_the_form_has_a_page_and_the_panel_identifies_the_officer(
    client: TestClient, engine: Engine
) -> None:
    # "You can ask for support to complete this pro-forma and the Customer Empowerment Panel
    # will identify an officer to help you."
    _at(client, NOW)
    with write_session(engine) as session:
        contact = make_contact(session, channel="sms", address="+447911123456")
        assert contact.id is not None
        draft = conversation_at(Step.CONCERNS)
        session.add(
            ConversationRecord(
                contact_id=contact.id, step=draft.step.value, state=draft.to_json(), version=1
            )
        )
        intake.request_support(session, contact, RequestSupport("concerns", "asked"), NOW)
        contact_id = contact.id
    with Session(engine) as session:
        asked = session.exec(select(SupportRequest)).one()

    csrf = sign_in(client, engine, "officer")
    listed = client.get("/officer/support").text
    assert "Sam Jones" in listed and "Still filling in the form" in listed
    page = client.get(f"/officer/support/{asked.id}").text
    assert "Sam Jones" in page  # the name from the draft
    assert "+447911123456" in page  # how to reach them
    assert "12 Elm Road, Bootle L30 4TH" in page  # the answers so far
    dashboard = client.get("/officer/").text
    assert f'href="/officer/support/{asked.id}"' in dashboard

    with Session(engine) as session:  # a real account: ids differ between databases
        me = session.exec(select(Officer).where(Officer.role == "officer")).first()
        assert me is not None
    refused = client.post(
        f"/officer/support/{asked.id}/assign", data={"csrf": csrf, "officer_id": str(me.id)}
    )
    assert refused.status_code == 409 and "The panel identifies the officer" in refused.text

    csrf = sign_in(client, engine, "panel")
    with Session(engine) as session:
        helper = session.exec(select(SupportRequest)).one()  # any officer account will do
        officers = client.get(f"/officer/support/{helper.id}").text
    first = re.search(r'<option value="(\d+)"', officers)
    assert first is not None
    done = client.post(
        f"/officer/support/{asked.id}/assign",
        data={"csrf": csrf, "officer_id": first.group(1)},
        follow_redirects=False,
    )
    assert done.status_code == OK
    assert "an officer, will contact you soon" in _told(engine, contact_id)[-1]

    reply = client.post(
        f"/officer/support/{asked.id}/reply",
        data={"csrf": csrf, "text": "I will ring you on Tuesday morning."},
        follow_redirects=False,
    )
    assert reply.status_code == OK
    assert _told(engine, contact_id)[-1] == "I will ring you on Tuesday morning."
    closed = client.post(
        f"/officer/support/{asked.id}/close",
        data={"csrf": csrf, "outcome": "Rang her; she finished the form with me."},
        follow_redirects=False,
    )
    assert closed.status_code == OK
    with Session(engine) as session:
        after = session.get(SupportRequest, asked.id)
        assert after is not None and after.status == "closed" and after.closed_at is not None
        assert after.outcome == "Rang her; she finished the form with me."


def test_help_not_given_within_the_promised_working_days_is_shown_as_overdue(
    client: TestClient, engine: Engine
) -> None:
    # The seed promises no timescale; the setting does (2 working days by default), and the
    # tenant is told it when they ask.
    with write_session(engine) as session:
        contact = make_contact(session)
        intake.request_support(session, contact, RequestSupport("name", "asked"), NOW)
    sign_in(client, engine, "officer")
    _at(client, NOW + timedelta(days=1))  # Monday 23 November, asked Monday: due Wednesday
    assert "overdue" not in client.get("/officer/support").text
    _at(client, NOW + timedelta(days=3))
    assert "(overdue)" in client.get("/officer/support").text
    assert "contact was due by 25 Nov" in client.get("/officer/").text


def test_the_panel_identifies_the_officer_for_a_call_and_sets_the_signatories(
    client: TestClient, engine: Engine
) -> None:
    # "The Customer Empowerment Panel will identify an appropriate officer"; "You will be
    # advised how many signatories you need to collect".
    call = _new_call(engine)
    _at(client, NOW)
    csrf = sign_in(client, engine, "officer")
    assert _move(client, csrf, call.reference, "set_signatories", needed="10") == 409
    assert _move(client, csrf, call.reference, "assign_officer", officer_id="1") in (409, 422)
    csrf = sign_in(client, engine, "panel")
    assert _move(client, csrf, call.reference, "set_signatories", needed="10") == OK
    assert _refresh(engine, call).signatories_needed == 10


def test_the_proposed_target_is_representative_of_the_area_the_officer_records(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    # "The number of signatories will be representative of the area in which you live or the
    # number of customers affected by the service failure."
    call = _new_call(engine)  # the tenant says about 24 households are affected
    _at(client, NOW)
    sign_in(client, engine, "panel")
    page = client.get(f"/officer/calls/{call.reference}").text
    assert "from the 24 households the tenant says are affected" in page
    csrf = sign_in(client, engine, "officer")
    assert _move(client, csrf, call.reference, "record_area", households="180") == OK
    sign_in(client, engine, "panel")
    page = client.get(f"/officer/calls/{call.reference}").text
    assert "from the 180 households in the area" in page
    assert 'value="90"' in page  # half of the area, the default share
    assert _refresh(engine, call).area_households == 180


def test_a_petition_below_its_target_goes_to_the_panel_only_if_the_panel_accepts_the_pro_forma(
    client: TestClient, engine: Engine
) -> None:
    # "Occasionally the Customer Empowerment Panel may consider that the service failure is so
    # significant that no further evidence is required and will accept the pro-forma".
    call = _new_call(engine)
    _at(client, NOW)
    csrf = sign_in(client, engine, "panel")
    assert _move(client, csrf, call.reference, "set_signatories", needed="3") == OK
    officer = sign_in(client, engine, "officer")
    refused = client.post(
        f"/officer/calls/{call.reference}/mark_ready", data={"csrf": officer, "note": "Enough"}
    )
    assert refused.status_code == 409
    assert "0 of the 3 signatures" in refused.text and "accept the pro-forma" in refused.text
    csrf = sign_in(client, engine, "panel")
    assert _move(client, csrf, call.reference, "accept_pro_forma", reason="") == 422
    assert (
        _move(client, csrf, call.reference, "accept_pro_forma", reason="No heating in winter") == OK
    )
    assert _refresh(engine, call).status == CallStatus.READY  # no meeting yet


def test_signatures_reaching_the_target_put_the_call_on_the_next_agenda(
    engine: Engine, settings: Settings
) -> None:
    # "Any Community Call for Scrutiny will be considered at the next scheduled meeting".
    with write_session(engine) as session:
        session.add(PanelMeeting(held_on=(NOW + timedelta(days=10)).date()))
        call = make_call(session)
        petition = petitions.open_petition(session, call, settings, NOW)
        Workflow(
            Notifier.of(session, settings, NOW),
            make_officer(session, "panel"),
            settings=settings,
        ).set_signatories(call, 2)
        for n in range(2):
            outcome = sign_petition(
                session,
                petition,
                settings,
                name=f"Neighbour {n}",
                address=f"{n + 2} Elm Road, Bootle L30 4TH",
                phone=f"+44791100000{n}",
            )
            after_signature(
                session,
                petition,
                outcome,
                Notifier.of(session, settings, NOW),
                settings,
            )
        assert call.status == CallStatus.ON_AGENDA


def test_a_decision_is_recorded_at_or_after_the_meeting_whose_agenda_holds_the_call(
    client: TestClient, engine: Engine
) -> None:
    # "Any Community Call for Scrutiny will be considered at the next scheduled meeting of the
    # Customer Empowerment Panel."
    call = _new_call(engine)
    meeting_day = NOW + timedelta(days=14)
    _meeting(engine, meeting_day)
    _at(client, NOW)
    csrf = sign_in(client, engine, "panel")
    assert _move(client, csrf, call.reference, "accept_pro_forma", reason="Serious") == OK
    assert _refresh(engine, call).status == CallStatus.ON_AGENDA
    told = _told(engine, call.contact_id)
    assert "will look at it at its meeting on" in told[-1]
    early = client.post(
        f"/officer/calls/{call.reference}/decide",
        data={"csrf": csrf, "decision": "accepted", "reasons": "Clear failure", **DECIDE},
    )
    assert early.status_code == 409 and "at or after that meeting" in early.text

    manager = sign_in(client, engine, "manager")
    page = client.get(f"/officer/calls/{call.reference}").text
    assert "record its decision at or after that meeting" in page  # warned before it happens
    assert (
        _move(
            client,
            manager,
            call.reference,
            "decide",
            decision="accepted",
            reasons="Clear failure",
            override="The panel met early by video because of the storm",
            **DECIDE,
        )
        == OK
    )
    with Session(engine) as session:
        event = session.exec(
            select(CallEvent).where(CallEvent.call_id == call.id, CallEvent.action == "decide")
        ).one()
    assert "Recorded before the meeting of 07 December 2026: The panel met early" in event.note


def test_the_tenant_hears_a_meeting_date_only_once_the_call_is_on_that_agenda(
    engine: Engine, settings: Settings
) -> None:
    with write_session(engine) as session:
        session.add(PanelMeeting(held_on=(NOW + timedelta(days=3)).date()))
        call = make_call(session)
        reply = intake.submitted_reply(call)
    text = message_renderer(settings).render(reply).text
    assert "meeting on" not in text
    assert "First it will say how many signatures you need" in text


def test_the_panel_records_its_checks_with_every_decision_and_the_tenant_hears_them(
    client: TestClient, engine: Engine
) -> None:
    # "The Customer Empowerment Panel will look to identify systematic failures or persistent
    # service delivery failure. They will also look to see if the petitioners have attempted
    # to resolve the situation through ... the complaints procedure."
    call = _new_call(engine)
    _meeting(engine, NOW)
    _at(client, NOW)
    csrf = sign_in(client, engine, "panel")
    assert _move(client, csrf, call.reference, "accept_pro_forma", reason="Serious") == OK
    without = client.post(
        f"/officer/calls/{call.reference}/decide",
        data={"csrf": csrf, "decision": "accepted", "reasons": "Clear failure"},
    )
    assert without.status_code == 409
    assert "systematic or persistent failure" in without.text
    assert (
        _move(
            client,
            csrf,
            call.reference,
            "decide",
            decision="not_exhausted",
            reasons="Stage 2 first.",
            advice="Ask for stage 2 of the complaints procedure.",
            failure_found="persistent",
            complaints_used="stage_1",
        )
        == OK
    )
    decided = _refresh(engine, call)
    assert (decided.failure_found, decided.complaints_used) == ("persistent", "stage_1")
    page = client.get(f"/officer/calls/{call.reference}").text
    assert "A persistent failure of service; complaint made, stage 1" in page
    assert decided.meeting_id is not None
    minutes = client.get(f"/officer/meetings/{decided.meeting_id}/agenda").text
    assert "The panel found: a persistent failure of service." in minutes
    assert "Decision: Other avenues first." in minutes
    decision, appeal = _told(engine, call.contact_id)[-2:]
    assert "The panel found a persistent failure of service. Complaint made, stage 1." in decision
    assert "What to do: Ask for stage 2" in decision
    # "You should submit your appeal in writing within 28 days to: Customer Empowerment
    # Manager, Pine Court Housing, Atlantic House, Dunnings Bridge Road, Bootle, L30 4TH".
    assert "write to: Customer Empowerment Manager, Pine Court Housing, Atlantic House" in appeal
    assert f"Reply APPEAL {call.reference}" in appeal


def test_monitoring_records_what_and_when_and_the_call_stays_open_until_the_review(
    client: TestClient, engine: Engine
) -> None:
    # "Your issue may be referred to the Customer Empowerment Panel to monitor and identify
    # improvements for service delivery".
    call = _new_call(engine)
    _meeting(engine, NOW)
    _at(client, NOW)
    csrf = sign_in(client, engine, "panel")
    assert _move(client, csrf, call.reference, "accept_pro_forma", reason="Serious") == OK
    vague = {"decision": "monitoring", "reasons": "Watch it.", **DECIDE}
    assert _move(client, csrf, call.reference, "decide", **vague) == 409
    review_on = (NOW + timedelta(days=5)).date().isoformat()
    watched = {**vague, "monitoring_what": "repair times for the lift", "review_on": review_on}
    assert _move(client, csrf, call.reference, "decide", **watched) == OK
    assert "look again on Saturday 28 November 2026" in _told(engine, call.contact_id)[-2]
    assert "repair times for the lift" in client.get("/officer/").text  # a review is due

    assert _move(client, csrf, call.reference, "close") == 409  # monitoring still open
    assert (
        _move(
            client, csrf, call.reference, "review_monitoring", outcome="not_improved", note="Worse"
        )
        == 409
    )
    accepted = {"outcome": "not_improved", "note": "Still weeks to fix.", "accept": "yes"}
    assert _move(client, csrf, call.reference, "review_monitoring", **accepted) == OK
    after = _refresh(engine, call)
    assert after.status == CallStatus.ACCEPTED and after.monitoring_outcome == "not_improved"
    assert "accepted your Call for a full review" in _told(engine, call.contact_id)[-1]


def test_a_monitored_service_that_improved_lets_the_call_close(
    client: TestClient, engine: Engine
) -> None:
    call = _new_call(engine)
    _meeting(engine, NOW)
    _at(client, NOW)
    csrf = sign_in(client, engine, "panel")
    assert _move(client, csrf, call.reference, "accept_pro_forma", reason="Serious") == OK
    review_on = (NOW + timedelta(days=30)).date().isoformat()
    watched = {"decision": "monitoring", "reasons": "Watch it.", "monitoring_what": "the lift"}
    assert (
        _move(client, csrf, call.reference, "decide", review_on=review_on, **watched, **DECIDE)
        == OK
    )
    improved = {"outcome": "improved", "note": "Fixed within a day every time."}
    assert _move(client, csrf, call.reference, "review_monitoring", **improved) == OK
    assert "It has got better" in _told(engine, call.contact_id)[-1]
    assert _move(client, csrf, call.reference, "close") == OK
    assert _refresh(engine, call).status == CallStatus.CLOSED


def test_a_serious_failure_gets_recommendations_at_once_then_goes_on_to_scrutiny(
    client: TestClient, engine: Engine
) -> None:
    # "If the Customer Empowerment Panel considers that your evidence identifies a serious
    # failure of service delivery they will make immediate recommendations to resolve the issues
    # prior to any scrutiny taking place."
    call = _new_call(engine)
    _meeting(engine, NOW)
    _at(client, NOW)
    csrf = sign_in(client, engine, "panel")
    assert _move(client, csrf, call.reference, "accept_pro_forma", reason="Serious") == OK
    serious = {"decision": "serious_failure", "reasons": "No heating for 3 weeks.", **DECIDE}
    assert _move(client, csrf, call.reference, "decide", **serious) == 409  # no recommendations
    fixes = "Restore heating within 24 hours and give heaters now."
    assert _move(client, csrf, call.reference, "decide", recommendations=fixes, **serious) == OK
    assert f"It has asked for these fixes now: {fixes}" in _told(engine, call.contact_id)[-2]
    parts = {"performance": "4", "satisfaction": "4", "complaints": "5", "business_critical": "5"}
    assert _move(client, csrf, call.reference, "score", **parts) == OK
    assert _move(client, csrf, call.reference, "programme", start="2027-01-04") == OK
    assert _move(client, csrf, call.reference, "start_scrutiny") == OK
    assert _refresh(engine, call).status == CallStatus.IN_SCRUTINY


def test_an_appeal_within_28_days_is_never_refused_because_the_call_moved_on(
    client: TestClient, engine: Engine
) -> None:
    # "You should submit your appeal in writing within 28 days".
    call = _new_call(engine)
    _meeting(engine, NOW)
    _at(client, NOW)
    csrf = sign_in(client, engine, "panel")
    assert _move(client, csrf, call.reference, "accept_pro_forma", reason="Serious") == OK
    assert (
        _move(client, csrf, call.reference, "decide", decision="accepted", reasons="Yes", **DECIDE)
        == OK
    )
    parts = SCORES
    assert _move(client, csrf, call.reference, "score", **parts) == OK
    assert _move(client, csrf, call.reference, "programme", start="2027-02-01") == OK
    _at(client, NOW + timedelta(days=20))
    csrf = sign_in(client, engine, "officer")  # a letter arrives; an officer lodges it
    lodged = client.post(
        f"/officer/calls/{call.reference}/appeal/lodge",
        data={"csrf": csrf, "reasons": "The panel should have found a serious failure."},
        follow_redirects=False,
    )
    assert lodged.status_code == OK
    assert "4 to 6 representatives" in _told(engine, call.contact_id)[-1]


def test_the_final_report_needs_at_least_one_recommendation(
    client: TestClient, engine: Engine
) -> None:
    # "A final report of the findings together with recommendations is presented".
    call = _new_call(engine)
    _meeting(engine, NOW)
    _at(client, NOW)
    csrf = sign_in(client, engine, "panel")
    for action, data in (
        ("accept_pro_forma", {"reason": "Serious"}),
        ("decide", {"decision": "accepted", "reasons": "Yes", **DECIDE}),
        (
            "score",
            SCORES,
        ),
        ("programme", {"start": "2026-11-23"}),
        ("start_scrutiny", {}),
    ):
        assert _move(client, csrf, call.reference, action, **data) == OK, action
    for number in range(1, 11):
        step = {"number": str(number), "done_on": "2026-11-23", "notes": "Done"}
        assert _move(client, csrf, call.reference, "record_step", **step) == OK
    report = {"summary": "Findings", "presented_on": "2026-11-30"}
    refused = client.post(f"/officer/calls/{call.reference}/report", data={"csrf": csrf, **report})
    assert refused.status_code == 409 and "at least one recommendation" in refused.text
    assert _move(client, csrf, call.reference, "add_recommendation", text="Answer in a day.") == OK
    assert _move(client, csrf, call.reference, "report", **report) == OK


def test_every_state_has_a_way_in_and_a_way_out_that_the_back_office_shows(
    client: TestClient, engine: Engine
) -> None:
    """Walks Calls into every state of the lifecycle through the back office's own forms, and
    at each state checks the page offers the next move (a form posting to it)."""
    _at(client, NOW)
    csrf = sign_in(client, engine, "manager")  # a manager may make every move

    def offers(reference: str, action: str) -> bool:
        page = client.get(f"/officer/calls/{reference}").text
        return f'action="/officer/calls/{reference}/{action}"' in page

    def walk(call: Call, steps: list[tuple[str, dict[str, str], CallStatus]]) -> None:
        for action, data, status in steps:
            assert offers(call.reference, action), (status, action)
            done = client.post(
                f"/officer/calls/{call.reference}/{action}", data={"csrf": csrf, **data}
            )
            assert done.status_code == 200 and _refresh(engine, call).status == status, action
            # The page says what was done, at the top, and what the process expects next.
            assert 'role="status" tabindex="-1" id="done"' in done.text, action
            assert '<p class="expected">' in done.text, (status, action)

    scores = SCORES
    seen: set[CallStatus] = set()
    petition = _new_call(engine, service_area="repairs")
    helper = str(_an_officer(engine))
    walk(
        petition,
        [
            (
                "assign_officer",
                {"officer_id": helper},
                CallStatus.GATHERING_EVIDENCE,
            ),
            ("set_signatories", {"needed": "5"}, CallStatus.COLLECTING_SIGNATURES),
            ("accept_pro_forma", {"reason": "Serious"}, CallStatus.READY),
        ],
    )
    seen |= {
        CallStatus.SUBMITTED,
        CallStatus.GATHERING_EVIDENCE,
        CallStatus.COLLECTING_SIGNATURES,
        CallStatus.READY,
    }
    _meeting(engine, NOW)
    assert offers(petition.reference, "schedule")
    with Session(engine) as session:
        meeting = session.exec(select(PanelMeeting)).one()
    walk(petition, [("schedule", {"meeting_id": str(meeting.id)}, CallStatus.ON_AGENDA)])
    seen.add(CallStatus.ON_AGENDA)

    decisions = {
        "not_exhausted": {"advice": "Stage 2 first."},
        "monitoring": {"monitoring_what": "the lift", "review_on": "2027-01-04"},
        "serious_failure": {"recommendations": "Fix it now."},
        "accepted": {},
    }
    decided: dict[str, Call] = {}
    for decision, extra in decisions.items():
        call = petition if decision == "accepted" else _new_call(engine, service_area="repairs")
        if call is not petition:
            walk(call, [("accept_pro_forma", {"reason": "Serious"}, CallStatus.ON_AGENDA)])
        data = {"decision": decision, "reasons": "Because.", **DECIDE, **extra}
        walk(call, [("decide", data, CallStatus(decision))])
        decided[decision] = call
        seen.add(CallStatus(decision))

    walk(decided["not_exhausted"], [("close", {}, CallStatus.CLOSED)])
    walk(
        decided["monitoring"],
        [
            (
                "review_monitoring",
                {"outcome": "improved", "note": "Better."},
                CallStatus.MONITORING,
            ),
            ("close", {}, CallStatus.CLOSED),
        ],
    )
    # "The Head of Operations will agree an action plan": someone must be named for the area.
    name_head(client, csrf, "repairs")
    walk(
        decided["serious_failure"],
        [
            (
                "add_action",
                ACTION,
                CallStatus.SERIOUS_FAILURE,
            ),
            ("agree_action_plan", {}, CallStatus.ACTION_PLAN),
        ],
    )
    call = decided["accepted"]
    walk(
        call,
        [
            ("score", scores, CallStatus.ACCEPTED),
            ("programme", {"start": "2026-11-23"}, CallStatus.PROGRAMMED),
            ("start_scrutiny", {}, CallStatus.IN_SCRUTINY),
        ],
    )
    for number in range(1, 11):
        step = {"number": str(number), "done_on": "2026-11-23", "notes": "Done"}
        assert _move(client, csrf, call.reference, "record_step", **step) == OK
    walk(
        call,
        [
            ("add_recommendation", {"text": "Answer in a day."}, CallStatus.IN_SCRUTINY),
            ("report", {"summary": "Findings", "presented_on": "2026-11-23"}, CallStatus.REPORTED),
        ],
    )
    recommendation = only_recommendation(engine, call)
    on = {"considered_on": "2026-11-23"}
    walk(
        call,
        [
            ("record_consideration", {"body": "board", **on}, CallStatus.REPORTED),
            ("record_consideration", {"body": "emt", **on}, CallStatus.REPORTED),
            (
                "delegate",
                {
                    "manager_id": str(latest_officer(engine, "manager")),
                    "delegated_on": "2026-11-23",
                },
                CallStatus.REPORTED,
            ),
            (
                "respond",
                {"recommendation_id": recommendation, "response": "accepted", "reason": "Agreed."},
                CallStatus.REPORTED,
            ),
            ("add_action", {**ACTION, "recommendation_id": recommendation}, CallStatus.REPORTED),
            ("agree_action_plan", {}, CallStatus.ACTION_PLAN),
        ],
    )
    with Session(engine) as session:
        action = session.exec(select(CallEvent)).first()
        open_action = session.exec(select(Action).where(Action.call_id == call.id)).one()
    assert action is not None
    walk(
        call,
        [
            ("action_done", {"action_id": str(open_action.id)}, CallStatus.ACTION_PLAN),
            ("complete", {}, CallStatus.COMPLETED),
            ("close", {}, CallStatus.CLOSED),
        ],
    )
    seen |= {
        CallStatus.PROGRAMMED,
        CallStatus.IN_SCRUTINY,
        CallStatus.REPORTED,
        CallStatus.ACTION_PLAN,
        CallStatus.COMPLETED,
        CallStatus.CLOSED,
    }
    # One problem, one petition (issue 15): a Call about the same lift is joined into another
    # nearby, and the join is undone.
    surviving = _new_call(engine, service_area="repairs")
    joined = _new_call(engine, service_area="repairs")
    walk(
        joined,
        [
            ("join", {"into": surviving.reference, "reason": "The same lift"}, CallStatus.JOINED),
            ("undo_join", {}, CallStatus.SUBMITTED),
        ],
    )
    seen.add(CallStatus.JOINED)
    assert seen == set(CallStatus)
    # Closed within 28 days of the decision: the appeal is the way on, and the page offers it.
    page = client.get(f"/officer/calls/{call.reference}/appeal").text
    assert f'action="/officer/calls/{call.reference}/appeal/lodge"' in page


def _an_officer(engine: Engine) -> int:
    with write_session(engine) as session:
        officer = make_officer(session, "officer", email="helper@example.org", name="Hana Help")
        assert officer.id is not None
        return officer.id


def test_privacy_search_finds_a_person_by_name_phone_or_postcode(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    with write_session(engine) as session:
        contact = make_contact(session, channel="web", address="visitor-9")
        call = make_call(session, contact, name="Bernadette O'Hara")
        petition = petitions.open_petition(session, call, settings, NOW)
        signer = make_contact(session, channel="sms", address="+447911000111")
        sign_petition(
            session,
            petition,
            settings,
            name="Winston Achebe",
            address="9 Elm Road, Bootle L30 4TH",
            phone=signer.address,
        )
        drafting = make_contact(session, channel="telegram", address="5550001")
        draft = conversation_at(Step.CONCERNS).but(answers={"name": "Priya Kowalczyk"})
        session.add(
            ConversationRecord(
                contact_id=saved_id(drafting),
                step=draft.step.value,
                state=draft.to_json(),
                version=1,
            )
        )
    csrf = sign_in(client, engine, "manager")

    def found(query: str) -> str:
        return client.post("/officer/privacy", data={"csrf": csrf, "q": query}).text

    assert call.reference in found("bernadette")  # the tenant, by part of their name
    assert "+447911000111" in found("Winston Achebe")  # a signer, by name
    assert "5550001" in found("Kowalczyk")  # a tenant who never sent the form
    by_postcode = found("l30 4th")
    assert call.reference in by_postcode and "+447911000111" in by_postcode
    assert "+447911000111" in found("07911 000111")  # a phone, as people write it
    assert "visitor-9" not in found("be")  # too short to search by name


def test_a_tenant_not_sure_which_service_has_an_officer_choose_the_business_area(
    engine: Engine, settings: Settings
) -> None:
    # The tenant may answer "not sure" at the service question; an officer chooses for them,
    # and the petition never asks neighbours to look into "Not sure".
    with write_session(engine) as session:
        call = make_call(session, service_area="not_sure", service_area_other="")
        petition = petitions.open_petition(session, call, settings, NOW)
        assert petition.title == "Ask the tenant panel to look into one of our services"
        officer = make_officer(session, "officer")
        flow = Workflow(Notifier.of(session, settings, NOW), officer, settings=settings)
        flow.record_area(call, None, "grounds_maintenance")
        assert call.business_area == "grounds_maintenance"
        assert petitions.petition_area(call) == "Grounds Maintenance"


def test_status_says_in_the_programme_only_once_the_call_is_scheduled_there(
    engine: Engine, settings: Settings
) -> None:
    renderer = message_renderer(settings)
    with write_session(engine) as session:
        session.add(PanelMeeting(held_on=NOW.date()))
        call = make_call(session)
        flow = Workflow(
            Notifier(session, renderer, NOW), make_officer(session, "panel"), settings=settings
        )
        flow.accept_pro_forma(call, "Serious")
        flow.decide(call, Decision.ACCEPTED, Grounds("Yes", "persistent", "stage_1"))
        flow.score(
            call, {"performance": 3, "satisfaction": 3, "complaints": 3, "business_critical": 3}
        )
        contact = session.get(Contact, call.contact_id)
        assert contact is not None

        def status() -> str:
            reply = intake.status_report(session, contact, ReportStatus(None, None))
            return renderer.render(reply).text

        assert "Score" in status() and "in the programme" not in status()
        flow.programme(call, (NOW + timedelta(days=30)).date())
        assert "number 1 in the programme" in status()


def test_the_petition_page_says_what_the_problem_is_in_words_an_officer_wrote(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    # Neighbours sign for a problem they can read about, never the tenant's own words (which
    # may hold personal details): an officer writes or approves it with the target.
    with write_session(engine) as session:
        call = make_call(session, concerns="Flat 4's lift, ring me on 07911 123456")
        code = petitions.open_petition(session, call, settings, NOW).code
        reference, contact_id = call.reference, call.contact_id
    _at(client, NOW)
    csrf = sign_in(client, engine, "panel")
    page = client.get(f"/officer/calls/{reference}").text
    assert "What neighbours read about the problem" in page
    problem = "The lift in Elm Court has broken down eleven times since March."
    posted = _move(client, csrf, reference, "set_signatories", needed="20", summary=problem)
    assert posted == OK
    public = client.get(f"/s/{code}").text
    assert problem in public and "07911" not in public
    forward = _told(engine, contact_id)[-1]
    assert "Forward this text" in forward and problem in forward


def test_the_agenda_lists_each_call_with_the_checks_and_prints_the_decisions_as_minutes(
    client: TestClient, engine: Engine
) -> None:
    # "Any Community Call for Scrutiny will be considered at the next scheduled meeting".
    first, second = _new_call(engine), _new_call(engine)
    _meeting(engine, NOW)
    _at(client, NOW)
    csrf = sign_in(client, engine, "panel")
    for call in (first, second):
        assert _move(client, csrf, call.reference, "accept_pro_forma", reason="Serious") == OK
    meeting_id = _refresh(engine, first).meeting_id
    agenda = client.get(f"/officer/meetings/{meeting_id}/agenda").text
    assert agenda.count('class="agenda-item"') == 2
    assert "Systematic or persistent failure?" in agenda and "Complaints procedure used?" in agenda
    assert "Decision: not exhausted / monitoring / accepted / serious failure" in agenda
    decided = {"decision": "accepted", "reasons": "Clear and persistent.", **DECIDE}
    assert _move(client, csrf, first.reference, "decide", **decided) == OK
    minutes = client.get(f"/officer/meetings/{meeting_id}/agenda").text
    assert "Decision: Accepted." in minutes and "Clear and persistent." in minutes
    assert minutes.count("Decision: not exhausted / monitoring") == 1  # the second still open
