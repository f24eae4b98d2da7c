"""Text-message fraud through the signing page: who may be texted a code, and how many in all.

An attacker who can make us text any number earns money from premium-rate and foreign ranges
(SMS pumping) at the landlord's expense. Each test here was an attack that worked.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from backend import petitions
from backend.app import create_app
from backend.messaging.notify import Notifier
from backend.models import CallStatus, PendingSignature
from backend.settings import Settings
from backend.store.db import write_session
from tests.factories import NOW, make_call, make_contact, sign_in
from tests.fakes.twilio_api import FakeTwilio
from tests.integration.conftest import OUR_NUMBER, drain, services_of


def _petition(engine: Engine, settings: Settings, tenant: str = "+447911999999") -> str:
    with write_session(engine) as writing:
        call = make_call(writing, make_contact(writing, "sms", tenant))
        call.status, call.signatories_needed = CallStatus.COLLECTING_SIGNATURES, 500
        petition = petitions.open_petition(writing, call, settings, NOW)
        petitions.set_target(writing, petition)
        return petition.code


def _ask(client: TestClient, code: str, phone: str, **headers: str) -> int:
    form = {"name": "Ann Lee", "address": "3 Elm Road L30 4TH", "phone": phone, "affected": "yes"}
    return client.post(f"/s/{code}", data=form, headers=headers, follow_redirects=False).status_code


def _from(client: TestClient, host: str) -> TestClient:
    """The same running app, reached from another client address."""
    return TestClient(client.app, client=(host, 40000))


@pytest.mark.parametrize(
    "phone",
    [
        "09011 234567",  # UK premium rate
        "0151 496 0000",  # a landline
        "070 1123 4567",  # a UK "personal number", which forwards anywhere at a price
        "+1 202 555 0123",  # abroad
        "+881 612 345678",  # satellite
        "+44 7781 234567",  # Guernsey: +44, but not the United Kingdom's own ranges
    ],
)
def test_codes_are_texted_only_to_mobiles_in_the_allowed_regions(
    app_client: TestClient,
    fake_twilio: FakeTwilio,
    engine: Engine,
    channel_settings: Settings,
    session: Session,
    phone: str,
) -> None:
    code = _petition(engine, channel_settings)
    refused = app_client.post(
        f"/s/{code}",
        data={"name": "Ann Lee", "address": "L30 4TH", "phone": phone, "affected": "yes"},
    )
    assert refused.status_code == 422
    assert "UK mobile number" in refused.text
    drain(app_client)
    assert fake_twilio.messages == []
    assert session.exec(select(PendingSignature)).all() == []


def test_a_uk_mobile_is_texted_a_code(
    app_client: TestClient, fake_twilio: FakeTwilio, engine: Engine, channel_settings: Settings
) -> None:
    code = _petition(engine, channel_settings)
    assert _ask(app_client, code, "07911 000123") == 303
    drain(app_client)
    assert len(fake_twilio.bodies("+447911000123")) == 1


@pytest.fixture
def capped(channel_settings: Settings, engine: Engine) -> Iterator[TestClient]:
    """The app with a service-wide cap of 2 codes an hour and 3 a day."""
    settings = Settings(
        **{**channel_settings.model_dump(), "signing_codes_service": {"hour": 2, "day": 3}},
        _env_file=None,
    )
    with TestClient(create_app(settings, engine)) as client:
        yield client


def test_the_whole_service_texts_no_more_codes_than_its_hourly_and_daily_caps(
    capped: TestClient, fake_twilio: FakeTwilio, engine: Engine, channel_settings: Settings
) -> None:
    # Each attempt from a new petition, a new phone and a new connection: nothing else limits it.
    codes = [_petition(engine, channel_settings, f"+44791199990{n}") for n in range(5)]
    services = services_of(capped)
    start = services.now()
    assert _ask(_from(capped, "198.51.100.1"), codes[0], "07911 000201") == 303
    assert _ask(_from(capped, "198.51.100.2"), codes[1], "07911 000202") == 303
    refused = _from(capped, "198.51.100.3").post(
        f"/s/{codes[2]}",
        data={"name": "Cy Ode", "address": "L30 4TH", "phone": "07911 000203", "affected": "yes"},
    )
    assert refused.status_code == 422
    # The neighbour can still sign: by texting us, which costs us nothing to receive.
    assert f"SIGN {codes[2]}" in refused.text
    services.clock = lambda: start + timedelta(minutes=61)
    assert _ask(_from(capped, "198.51.100.4"), codes[3], "07911 000204") == 303
    assert _ask(_from(capped, "198.51.100.5"), codes[4], "07911 000205") == 422  # 3 today
    drain(capped)
    assert len(fake_twilio.messages) == 3
    # And the back office says so.
    officer = TestClient(capped.app, base_url="https://testserver")
    sign_in(officer, engine, "officer")
    dashboard = officer.get("/officer/").text
    assert "daily limit on signing codes" in dashboard


def test_ipv6_clients_are_counted_by_their_64_block(
    app_client: TestClient, fake_twilio: FakeTwilio, engine: Engine, channel_settings: Settings
) -> None:
    """One home or phone has a whole /64 to pick addresses from: counting each address alone
    lets one client through the per-connection limit as often as it likes."""
    code = _petition(engine, channel_settings)
    most = channel_settings.signing_codes_per_hour["ip"]
    for n in range(most):
        client = _from(app_client, f"2001:db8:1:2::{n + 1:x}")
        assert _ask(client, code, f"07911 0003{n:02d}") == 303
    assert _ask(_from(app_client, "2001:db8:1:2:ffff::9"), code, "07911 000399") == 422
    assert _ask(_from(app_client, "2001:db8:1:3::1"), code, "07911 000398") == 303  # next /64


def test_x_forwarded_for_is_believed_only_from_the_proxies_named_in_the_settings(
    channel_settings: Settings, engine: Engine
) -> None:
    settings = Settings(
        **{**channel_settings.model_dump(), "trusted_proxies": ["10.0.0.2"]}, _env_file=None
    )
    most = settings.signing_codes_per_hour["ip"]
    code = _petition(engine, settings)
    with TestClient(create_app(settings, engine)) as running:
        # Behind our proxy, each neighbour is counted as themselves.
        proxy = _from(running, "10.0.0.2")
        for n in range(most + 1):
            forwarded = {"X-Forwarded-For": f"198.51.100.{n + 1}"}
            assert _ask(proxy, code, f"07911 0004{n:02d}", **forwarded) == 303
        # Anyone else may say what they like in the header: they are counted as themselves.
        stranger = _from(running, "203.0.113.7")
        for n in range(most):
            forged = {"X-Forwarded-For": f"192.0.2.{n + 1}"}
            assert _ask(stranger, code, f"07911 0005{n:02d}", **forged) == 303
        assert _ask(stranger, code, "07911 000599", **{"X-Forwarded-For": "192.0.2.99"}) == 422


def test_the_page_leads_with_texting_sign_which_texts_nobody(
    app_client: TestClient, engine: Engine, channel_settings: Settings
) -> None:
    code = _petition(engine, channel_settings)
    page = app_client.get(f"/s/{code}").text
    assert f"SIGN {code}" in page
    assert "07700 900000" in page or OUR_NUMBER in page
    assert page.index(f"SIGN {code}") < page.index("Send me a code")


def _confirm_page(client: TestClient, code: str, phone: str) -> tuple[int, str]:
    form = {"name": "Eve Ry", "address": "5 Elm Road L30 4TH", "phone": phone, "affected": "yes"}
    asked = client.post(f"/s/{code}", data=form, follow_redirects=False)
    if asked.status_code != 303:
        return asked.status_code, asked.text
    token = asked.headers["location"].rsplit("/", 1)[-1]
    return 303, client.get(asked.headers["location"]).text.replace(token, "TOKEN")


def test_the_form_answers_the_same_whatever_the_numbers_history(
    app_client: TestClient, fake_twilio: FakeTwilio, engine: Engine, channel_settings: Settings
) -> None:
    """It used to say, to anyone, whether a number had signed or asked not to be texted."""
    code = _petition(engine, channel_settings)
    signed, opted_out, fresh = "+447911000701", "+447911000702", "+447911000703"
    with write_session(engine) as writing:
        petition = petitions.by_code(writing, code)
        assert petition is not None
        petitions.sign(
            writing,
            petition,
            channel_settings,
            Notifier(writing, services_of(app_client).renderer, NOW),
            name="Al Ready",
            address="9 Oak Road L30 4TH",
            phone=signed,
            hear_outcome=False,
            verified_by="reply",
            ip_hash="",
        )
        make_contact(writing, "sms", opted_out).opted_out_at = NOW
    answers = [_confirm_page(app_client, code, phone) for phone in (signed, opted_out, fresh)]
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 303 and "If this number can sign" in answers[0][1]
    drain(app_client)
    assert [m.to for m in fake_twilio.messages] == [fresh]


def test_the_limits_come_before_the_numbers_history(
    app_client: TestClient, engine: Engine, channel_settings: Settings
) -> None:
    code = _petition(engine, channel_settings)
    opted_out = "+447911000704"
    with write_session(engine) as writing:
        make_contact(writing, "sms", opted_out).opted_out_at = NOW
    most = channel_settings.signing_codes_per_hour["phone"]
    for _ in range(most):
        assert _confirm_page(app_client, code, opted_out)[0] == 303
    status, page = _confirm_page(app_client, code, opted_out)
    assert status == 422 and "Too many codes" in page
