"""A tenant appeals by text: APPEAL <reference> <reasons> through a signed Twilio webhook."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from backend.models import Appeal, CallStatus, Decision
from backend.store.db import write_session
from tests.factories import NOW, make_call, make_contact
from tests.fakes.twilio_api import FakeTwilio
from tests.integration.conftest import TENANT_PHONE, Phone, services_of


def test_an_appeal_texted_within_28_days_is_lodged_and_acknowledged(
    app_client: TestClient, fake_twilio: FakeTwilio, engine: Engine, session: Session
) -> None:
    with write_session(engine) as writing:
        call = make_call(writing, make_contact(writing, "sms", TENANT_PHONE))
        call.status, call.decision = CallStatus.NOT_EXHAUSTED, Decision.NOT_EXHAUSTED
        call.decided_at = services_of(app_client).now() - timedelta(days=3)
        reference = call.reference
    phone = Phone(app_client, fake_twilio)
    asked = phone.reply(f"APPEAL {reference}")
    assert "tell us why in the same message" in asked
    reply = phone.reply(f"appeal {reference} You did not read my letters")
    assert "We have your appeal" in reply
    appeal = session.exec(select(Appeal)).one()
    assert (appeal.lodged_via, appeal.reasons) == ("message", "You did not read my letters")
    again = phone.reply(f"APPEAL {reference} and again")
    assert "already have your appeal" in again


def test_a_late_or_unknown_appeal_is_refused_with_a_reason(
    app_client: TestClient, fake_twilio: FakeTwilio, engine: Engine, session: Session
) -> None:
    with write_session(engine) as writing:
        call = make_call(writing, make_contact(writing, "sms", TENANT_PHONE))
        call.status, call.decision = CallStatus.MONITORING, Decision.MONITORING
        call.decided_at = NOW - timedelta(days=60)
        reference = call.reference
    phone = Phone(app_client, fake_twilio)
    late = phone.reply(f"APPEAL {reference} Too slow")
    assert "within 28 days" in late
    unknown = phone.reply("APPEAL CCS-2020-9999 Not mine")
    assert "could not find a Call" in unknown
    assert session.exec(select(Appeal)).all() == []
