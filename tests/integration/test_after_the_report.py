"""After the final report: the Board and EMT, the Head of Operations, the response to each
recommendation and the action plan, each rule tried in the back office and named after it.

The seed: "A final report of the findings together with recommendations is presented to PCHA
Executive Management Team and PCHA Board members. The PCHA Board and EMT will consider the
report and delegate the task of responding to the recommendations to the Customer Empowerment
Manager and Head of Operations for that particular area of the business. The Head of Operations
will agree an action plan with the Customer Empowerment Panel to improve service delivery. The
action plans are monitored by the Customer Empowerment Panel."
"""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from backend.models import (
    Action,
    Call,
    CallEvent,
    CallStatus,
    Contact,
    HeadOfOperations,
    Message,
    Recommendation,
)
from backend.settings import Settings
from backend.store.db import write_session
from tests.factories import NOW, make_officer, sign_in
from tests.integration.backoffice import (
    latest_officer,
    name_head,
    recommendations,
    reported_call,
)
from tests.integration.conftest import services_of

OK = 303
DAY = NOW.date().isoformat()


def _at(client: TestClient, when: datetime) -> None:
    services_of(client).clock = lambda: when


def _move(client: TestClient, csrf: str, call: Call, action: str, **data: str) -> int:
    response = client.post(
        f"/officer/calls/{call.reference}/{action}",
        data={"csrf": csrf, **data},
        follow_redirects=False,
    )
    return response.status_code


def _refused(client: TestClient, csrf: str, call: Call, action: str, **data: str) -> str:
    """Posts a move that must be refused; the page's words saying why."""
    response = client.post(f"/officer/calls/{call.reference}/{action}", data={"csrf": csrf, **data})
    assert response.status_code in (409, 422), (action, response.status_code)
    return response.text


def _call(engine: Engine, call: Call) -> Call:
    with Session(engine) as session:
        found = session.get(Call, call.id)
        assert found is not None
        session.expunge(found)
        return found


def _delegated(client: TestClient, engine: Engine, call: Call) -> str:
    """As a new manager: the Board and EMT considered the report today, the area has a Head of
    Operations and the response is delegated. Returns the manager's CSRF token."""
    csrf = sign_in(client, engine, "manager")
    name_head(client, csrf, "repairs")
    for body in ("board", "emt"):
        assert _move(client, csrf, call, "record_consideration", body=body, considered_on=DAY) == OK
    manager = str(latest_officer(engine, "manager"))
    assert _move(client, csrf, call, "delegate", manager_id=manager, delegated_on=DAY) == OK
    return csrf


def test_the_board_and_emt_consider_the_report_then_delegate_to_the_manager_and_the_head(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    # "The PCHA Board and EMT will consider the report and delegate the task of responding to
    # the recommendations to the Customer Empowerment Manager and Head of Operations for that
    # particular area of the business."
    call = reported_call(engine, settings, presented=NOW - timedelta(days=10))
    _at(client, NOW)
    panel = sign_in(client, engine, "panel")
    refused = _refused(client, panel, call, "record_consideration", body="board", considered_on=DAY)
    assert "A panel account cannot record consideration." in refused  # the manager records it

    csrf = sign_in(client, engine, "manager")
    manager = str(latest_officer(engine, "manager"))
    page = client.get(f"/officer/calls/{call.reference}").text
    assert "Waiting for the Board and the Executive Management Team to consider the report" in page
    too_soon = (NOW - timedelta(days=11)).date().isoformat()
    assert "it cannot have been considered before that" in _refused(
        client, csrf, call, "record_consideration", body="board", considered_on=too_soon
    )
    assert "Both the Board and the Executive Management Team consider the report first" in (
        _refused(client, csrf, call, "delegate", manager_id=manager, delegated_on=DAY)
    )
    board_day = (NOW - timedelta(days=3)).date()
    assert (
        _move(
            client, csrf, call, "record_consideration", body="board", considered_on=str(board_day)
        )
        == OK
    )
    page = client.get(f"/officer/calls/{call.reference}").text
    assert "Waiting for the Executive Management Team to consider the report" in page
    assert _move(client, csrf, call, "record_consideration", body="emt", considered_on=DAY) == OK
    # Nobody leads repairs yet: the delegation says who to name first.
    assert "Name the Head of Operations for Repairs first" in _refused(
        client, csrf, call, "delegate", manager_id=manager, delegated_on=DAY
    )
    name_head(client, csrf, "repairs", "Hana Head")
    assert _move(client, csrf, call, "delegate", manager_id=manager, delegated_on=DAY) == OK

    after = _call(engine, call)
    assert after.board_considered_on == board_day and after.emt_considered_on == NOW.date()
    assert after.delegated_on == NOW.date() and after.delegated_manager_id == int(manager)
    assert after.status == CallStatus.REPORTED
    page = client.get(f"/officer/calls/{call.reference}").text
    assert "(Customer Empowerment Manager) and Hana Head (Head of Operations)" in page
    assert "respond to each recommendation" in page
    with Session(engine) as session:
        event = session.exec(
            select(CallEvent).where(CallEvent.call_id == call.id, CallEvent.action == "delegate")
        ).one()
    assert "and Hana Head (Head of Operations for Repairs)" in event.note


def test_the_manager_names_the_head_of_operations_for_each_business_area(
    client: TestClient, engine: Engine
) -> None:
    # "... the Customer Empowerment Manager and Head of Operations for that particular area of
    # the business": each area has one, named in the back office.
    with write_session(engine) as session:
        viewer = make_officer(session, "viewer", email="hana@example.org", name="Hana Head")
        viewer_id = viewer.id
        support = make_officer(session, "officer", email="olu@example.org", name="Olu Bello")
        support_id = support.id
    officer = sign_in(client, engine, "officer")
    assert "Nobody named" in client.get("/officer/heads").text  # anyone signed in reads it
    no = client.post("/officer/heads", data={"csrf": officer, "action": "add", "name": "X"})
    assert no.status_code == 403

    csrf = sign_in(client, engine, "manager")
    add = {"csrf": csrf, "action": "add", "name": "Hana Head", "job_title": "Head of Repairs"}
    wrong = client.post("/officer/heads", data={**add, "email": "not an email"})
    assert wrong.status_code == 422 and "Give an email address" in wrong.text
    not_viewer = client.post("/officer/heads", data={**add, "account_id": str(support_id)})
    assert not_viewer.status_code == 422 and "Link a viewer account" in not_viewer.text
    done = client.post(
        "/officer/heads",
        data={**add, "email": "hana@example.org", "account_id": str(viewer_id)},
        follow_redirects=False,
    )
    assert done.status_code == OK
    with Session(engine) as session:
        head = session.exec(select(HeadOfOperations)).one()
    for area in ("repairs", "void_works"):
        assign = {"csrf": csrf, "action": "assign", "area": area, "head_id": str(head.id)}
        assert client.post("/officer/heads", data=assign, follow_redirects=False).status_code == OK
    other = {"csrf": csrf, "action": "assign", "area": "other", "head_id": str(head.id)}
    assert client.post("/officer/heads", data=other).status_code == 422  # not a business area
    page = client.get("/officer/heads").text
    assert "Leads: Repairs, Void Works." in page
    assert "Signs in to read the reports as Hana Head (hana@example.org)" in page
    assert "2 of 10 business areas have a Head of Operations" in page


def test_each_recommendation_gets_a_response_with_its_reason_and_the_actions_that_answer_it(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    # "delegate the task of responding to the recommendations to the Customer Empowerment
    # Manager and Head of Operations".
    call = reported_call(
        engine,
        settings,
        recommendations=(
            "Answer every repair call within a day.",
            "Text tenants the day before a visit.",
            "Stop using the contractor who misses jobs.",
        ),
    )
    first, second, third = recommendations(engine, call)
    _at(client, NOW)
    csrf = sign_in(client, engine, "manager")
    early = _refused(
        client, csrf, call, "respond", recommendation_id=first, response="accepted", reason="Yes"
    )
    assert "The Board and EMT delegate the response first" in early
    csrf = _delegated(client, engine, call)
    panel = sign_in(client, engine, "panel")
    assert "A panel account cannot respond" in _refused(
        client, panel, call, "respond", recommendation_id=first, response="accepted", reason="Y"
    )
    csrf = sign_in(client, engine, "manager")
    no_reason = {"recommendation_id": first, "response": "accepted", "reason": ""}
    assert "Please fill in reason" in _refused(client, csrf, call, "respond", **no_reason)
    maybe = {"recommendation_id": first, "response": "maybe", "reason": "Hmm"}
    assert "accepted, partly accepted or not accepted" in _refused(
        client, csrf, call, "respond", **maybe
    )
    responses = (
        (first, "accepted", "It is the heart of the problem."),
        (second, "partly_accepted", "Texts yes; the day before is not always possible."),
        (third, "not_accepted", "The contract runs to 2028; it is managed instead."),
    )
    for recommendation, response, reason in responses:
        answer = {"recommendation_id": recommendation, "response": response, "reason": reason}
        assert _move(client, csrf, call, "respond", **answer) == OK

    # At a glance: two accepted in whole or part with no action yet.
    page = client.get(f"/officer/calls/{call.reference}").text
    assert "2 accepted with no action" in page and "None needed" in page
    dashboard = client.get("/officer/").text
    assert "Accepted recommendations with no action" in dashboard
    assert "recommendation 2 (partly accepted)" in dashboard
    assert "Not yet: 2 accepted recommendations have no action answering it yet." in _refused(
        client, csrf, call, "agree_action_plan"
    )
    action = {"description": "Answer calls in a day", "owner": "Repairs Manager", "due_on": DAY}
    assert "was not accepted: no action answers it" in _refused(
        client, csrf, call, "add_action", recommendation_id=third, **action
    )
    assert _move(client, csrf, call, "add_action", recommendation_id=first, **action) == OK
    texts = {**action, "description": "Text before every visit", "due_on": "2027-01-15"}
    assert _move(client, csrf, call, "add_action", recommendation_id=second, **texts) == OK
    refuse = {"recommendation_id": first, "response": "not_accepted", "reason": "Changed mind"}
    assert "cannot be not accepted" in _refused(client, csrf, call, "respond", **refuse)
    assert "Accepted recommendations with no action" not in client.get("/officer/").text

    panel = sign_in(client, engine, "panel")  # the Head agrees the plan with the panel
    assert _move(client, panel, call, "agree_action_plan") == OK
    agreed = _call(engine, call)
    assert agreed.status == CallStatus.ACTION_PLAN
    assert (agreed.plan_agreed_with, agreed.plan_agreed_on) == ("Hana Head", NOW.date())
    page = client.get(f"/officer/calls/{call.reference}").text
    assert "Agreed with Hana Head, Head of Operations, on 23 November 2026" in page
    with Session(engine) as session:
        saved = {
            r.id: (r.response, r.response_reason)
            for r in session.exec(select(Recommendation).where(Recommendation.call_id == call.id))
        }
        answers = {
            a.description: a.recommendation_id
            for a in session.exec(select(Action).where(Action.call_id == call.id))
        }
    assert saved[int(third)] == ("not_accepted", responses[2][2])
    assert answers == {"Answer calls in a day": int(first), "Text before every visit": int(second)}

    sign_in(client, engine, "viewer")  # the Board and EMT read the printable report
    report = client.get(f"/officer/calls/{call.reference}/report").text
    assert "Partly accepted" in report and responses[2][2] in report
    assert "Agreed with Hana Head, Head of Operations, on 23 November 2026" in report
    assert "Customer Empowerment Manager, and Hana Head, Head of Operations for Repairs" in report


def test_the_plan_is_agreed_only_with_a_named_head_of_operations_and_every_response_in(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    # "The Head of Operations will agree an action plan with the Customer Empowerment Panel".
    call = reported_call(engine, settings)
    _at(client, NOW)
    panel = sign_in(client, engine, "panel")
    page = client.get(f"/officer/calls/{call.reference}").text
    assert f'action="/officer/calls/{call.reference}/agree_action_plan"' not in page
    refused = _refused(client, panel, call, "agree_action_plan")
    for missing in (
        "The Board has not considered the report yet.",
        "The Executive Management Team has not considered the report yet.",
        "Nobody is named as Head of Operations for Repairs",
        "1 recommendation has no response yet.",
        "The plan has no actions yet.",
    ):
        assert missing in refused
    dashboard = client.get("/officer/").text
    assert "Recommendations with no response" in dashboard
    assert "(the report is with the Board and EMT)" in dashboard


def test_overdue_actions_are_flagged_on_the_call_and_the_dashboard(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    # "The action plans are monitored by the Customer Empowerment Panel."
    call = reported_call(engine, settings)
    _at(client, NOW)
    csrf = _delegated(client, engine, call)
    (only,) = recommendations(engine, call)
    answer = {"recommendation_id": only, "response": "accepted", "reason": "Yes."}
    assert _move(client, csrf, call, "respond", **answer) == OK
    past = {"description": "Fix the lift", "owner": "Repairs Manager", "due_on": "2026-11-22"}
    assert "The due date cannot be in the past" in _refused(
        client, csrf, call, "add_action", recommendation_id=only, **past
    )
    soon = {**past, "due_on": "2026-11-25"}
    assert _move(client, csrf, call, "add_action", recommendation_id=only, **soon) == OK
    assert _move(client, csrf, call, "agree_action_plan") == OK
    _at(client, NOW + timedelta(days=5))
    panel = sign_in(client, engine, "panel")  # days later: the panel checks the plan
    page = client.get(f"/officer/calls/{call.reference}").text
    assert "1 action overdue" in page
    dashboard = client.get("/officer/").text
    assert "Overdue actions" in dashboard and "Fix the lift (Repairs Manager" in dashboard
    with Session(engine) as session:
        overdue = session.exec(
            select(Action).where(Action.call_id == call.id, col(Action.done_on).is_(None))
        ).one()
    assert _move(client, panel, call, "action_done", action_id=str(overdue.id)) == OK
    assert "1 action overdue" not in client.get(f"/officer/calls/{call.reference}").text


def _told(engine: Engine, address: str) -> list[str]:
    """What was queued for the contact with this address, oldest first."""
    with Session(engine) as session:
        return [
            m.body
            for m in session.exec(
                select(Message)
                .join(Contact, col(Contact.id) == col(Message.contact_id))
                .where(Contact.address == address, Message.direction == "out")
                .order_by(col(Message.id))
            )
        ]


def test_the_tenant_and_signers_who_asked_hear_what_the_review_found_and_what_will_change(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    # "You said, we did": in plain words, the report's summary and the agreed actions; and
    # later, as the actions are done.
    signer = "+447911000222"
    call = reported_call(
        engine,
        settings,
        summary="Repair jobs were booked and then dropped. Nobody told tenants why.",
        signer=signer,
    )
    with Session(engine) as session:
        tenant = session.get(Contact, call.contact_id)
        assert tenant is not None
    _at(client, NOW)
    csrf = _delegated(client, engine, call)
    (only,) = recommendations(engine, call)
    answer = {"recommendation_id": only, "response": "accepted", "reason": "Yes."}
    assert _move(client, csrf, call, "respond", **answer) == OK
    for description, due in (
        ("Text tenants when a job moves", "2027-01-15"),
        ("Fix the lift", DAY),
    ):
        action = {"description": description, "owner": "Repairs Manager", "due_on": due}
        assert _move(client, csrf, call, "add_action", recommendation_id=only, **action) == OK
    before = len(_told(engine, tenant.address))
    assert _move(client, csrf, call, "agree_action_plan") == OK

    found, plan = _told(engine, tenant.address)[before:]
    summary = "Repair jobs were booked and then dropped. Nobody told tenants why."
    assert found == f"About your Call {call.reference}: the panel's review found: {summary}"
    agreed = (
        "what will change. These actions are agreed: 1. Fix the lift, by November 2026. "
        "2. Text tenants when a job moves, by January 2027. The panel checks each one"
    )
    assert plan == (
        f"About your Call {call.reference}: here is {agreed}, and we will tell you as they are "
        "done."
    )
    assert _told(engine, signer)[-2:] == [
        f"You signed the petition about Repairs. The panel's review found: {summary}",
        f"You signed the petition about Repairs. Here is {agreed}.",
    ]

    with Session(engine) as session:
        lift, texts = session.exec(
            select(Action).where(Action.call_id == call.id).order_by(col(Action.due_on))
        ).all()
    assert _move(client, csrf, call, "action_done", action_id=str(lift.id)) == OK
    assert _told(engine, tenant.address)[-1] == (
        f"About your Call {call.reference}: an action is done: Fix the lift. "
        "1 of the 2 actions are done now."
    )
    assert _move(client, csrf, call, "action_done", action_id=str(lift.id)) == 409  # once
    assert _move(client, csrf, call, "action_done", action_id=str(texts.id)) == OK
    assert "That was the last of the 2." in _told(engine, tenant.address)[-1]
    assert _move(client, csrf, call, "complete") == OK
    assert "every action in the plan is done" in _told(engine, tenant.address)[-1]
    assert (
        "Every action the panel agreed to improve the service is now done"
        in (_told(engine, signer)[-1])
    )
