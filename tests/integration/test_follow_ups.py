"""After the action plan the tenant is asked at 3 and 6 months; the answer shows on the Call."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from backend.casework.workflow import Workflow
from backend.messaging.notify import Notifier
from backend.models import Action, CallStatus, FollowUp
from backend.settings import Settings
from backend.store.db import write_session
from tests.factories import NOW, make_call, make_contact, make_officer, sign_in
from tests.fakes.twilio_api import FakeTwilio
from tests.integration.conftest import TENANT_PHONE, Phone, drain, services_of


def test_the_tenant_is_asked_later_whether_it_helped_and_the_answer_shows_on_the_call(
    app_client: TestClient,
    fake_twilio: FakeTwilio,
    engine: Engine,
    session: Session,
    channel_settings: Settings,
) -> None:
    with write_session(engine) as writing:
        call = make_call(writing, make_contact(writing, "sms", TENANT_PHONE))
        panel = make_officer(writing, "panel", email="fu@example.org")
        call.status = CallStatus.ACTION_PLAN
        writing.add(
            Action(
                call_id=call.id or 0,
                description="Fix the lift",
                owner="Repairs",
                due_on=NOW.date(),
                done_on=NOW.date(),
            )
        )
        writing.flush()
        Workflow(
            Notifier.of(writing, channel_settings, NOW),
            panel,
            settings=channel_settings,
        ).complete(call)
        reference = call.reference
    assert len(session.exec(select(FollowUp)).all()) == 2

    services = services_of(app_client)
    three_months = NOW + timedelta(days=91)
    services.worker.housekeeping(three_months)
    services.clock = lambda: three_months
    drain(app_client)
    assert any("Is the service better now?" in b for b in fake_twilio.bodies(TENANT_PHONE))

    phone = Phone(app_client, fake_twilio)
    session.rollback()
    reply = phone.reply("Better.")  # as a phone types it
    assert "The panel will see your answer" in reply
    session.rollback()
    answered = session.exec(select(FollowUp).where(col(FollowUp.answer).is_not(None))).one()
    assert (answered.months, answered.answer) == (3, "better")
    # A bare "1" still means what the form says: here, start a new Call.
    reply = phone.reply("1")
    assert "The panel will see your answer" not in reply

    officer = TestClient(app_client.app, base_url="https://testserver")
    sign_in(officer, engine, "officer")
    page = officer.get(f"/officer/calls/{reference}")
    assert "Did the service improve?" in page.text and "better" in page.text
