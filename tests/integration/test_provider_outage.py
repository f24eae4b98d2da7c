"""Fault: Telegram and Twilio down for a minute of real time while tenants keep arriving."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from backend.app import create_app
from backend.models import Direction, Message, MessageStatus
from backend.settings import Settings
from backend.store.db import write_session
from bot.delivery import Outages, Outcome, Parcel
from conversations import Channel
from tests.factories import make_call, make_contact, sign_in
from tests.fakes.telegram_api import FakeTelegram, make_update
from tests.fakes.twilio_api import FakeTwilio
from tests.integration.conftest import TELEGRAM_SECRET

OUTAGE = 60.0  # seconds of real time with both providers answering 502 Bad Gateway
TENANTS = 40  # Telegram and SMS in turn, one arriving every ~1.4 s through the outage
LAST_ARRIVAL = 54.0  # seconds into the outage; all their messages are queued before it ends
DRAIN_LIMIT = 20.0  # seconds after the providers are back by which everything has gone
GIVE_UP = 45.0  # how long to watch for stragglers before failing (and saying how many)
CHAT_BASE = 880_000
TELEGRAM_SAYS = ("/start", "1", "Sam Jones")
# Each reply's first sentence.
TELEGRAM_HEARS = ["Hello from Pine Court Housing", "Question 1 of 11", "Question 2 of 11"]
SMS_REPLIES = 3


@pytest.fixture
def serving(channel_settings: Settings, engine: Engine) -> Iterator[TestClient]:
    """The app as `frontdoor serve` runs it: the outbox worker inside, on the real clock."""
    settings = Settings(**{**channel_settings.model_dump(), "outbox_worker": True}, _env_file=None)
    # https, like PUBLIC_BASE_URL, so the officer's secure session cookie is sent back.
    with TestClient(create_app(settings, engine), base_url="https://testserver") as client:
        yield client


def _sleep_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.monotonic()))


def _outbound(engine: Engine) -> list[Message]:
    with Session(engine) as session:
        query = select(Message).where(Message.direction == Direction.OUT.value)
        return list(session.exec(query.order_by(col(Message.id))))


def _telegram_tenant(client: TestClient, tenant: int) -> int:
    """A tenant opens the bot and answers twice; the three replies queue up."""
    chat = CHAT_BASE + tenant
    for n, text in enumerate(TELEGRAM_SAYS):
        response = client.post(
            "/webhooks/telegram",
            json=make_update(tenant * 10 + n + 1, chat_id=chat, text=text),
            headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET},
        )
        assert response.status_code == 200
    return chat


def _officer_texts(client: TestClient, csrf: str, reference: str) -> list[str]:
    """An officer sends an SMS tenant several updates from the back office."""
    texts = [f"Update {n} of {SMS_REPLIES} on {reference}." for n in range(1, SMS_REPLIES + 1)]
    for text in texts:
        response = client.post(
            f"/officer/calls/{reference}/reply",
            data={"text": text, "csrf": csrf},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text[:300]
    return texts


def _refused(fake_telegram: FakeTelegram, fake_twilio: FakeTwilio) -> tuple[int, int]:
    telegram = [c for c in fake_telegram.calls if c.method == "sendMessage" and c.failed]
    return len(telegram), sum(1 for a in fake_twilio.attempts if a.status == 502)


def test_a_minute_without_providers_loses_nothing_doubles_nothing_and_keeps_order(
    serving: TestClient,
    engine: Engine,
    fake_telegram: FakeTelegram,
    fake_twilio: FakeTwilio,
) -> None:
    client = serving
    csrf = sign_in(client, engine)
    sms_tenants = range(1, TENANTS, 2)
    references: dict[int, tuple[str, str]] = {}
    with write_session(engine) as session:
        for tenant in sms_tenants:
            phone = f"+447700900{100 + tenant}"
            call = make_call(session, make_contact(session, "sms", phone))
            references[tenant] = (call.reference, phone)
    assert _outbound(engine) == []
    fake_telegram.calls.clear()  # getMe at start-up

    fake_telegram.down = fake_twilio.down = True
    down_at = time.monotonic()
    expected_telegram: dict[int, list[str]] = {}
    expected_sms: dict[str, list[str]] = {}
    for tenant in range(TENANTS):
        _sleep_until(down_at + tenant * LAST_ARRIVAL / (TENANTS - 1))
        if tenant in references:
            reference, phone = references[tenant]
            expected_sms[phone] = _officer_texts(client, csrf, reference)
        else:
            expected_telegram[_telegram_tenant(client, tenant)] = TELEGRAM_HEARS
    queued_by = time.monotonic() - down_at
    assert queued_by < OUTAGE - 3, f"tenants took {queued_by:.0f} s to arrive"
    _sleep_until(down_at + OUTAGE / 2)
    refused_halfway = _refused(fake_telegram, fake_twilio)
    _sleep_until(down_at + OUTAGE)

    # The outage was real: every tenant's first message was tried and refused, and the worker
    # was still trying in the second half of the minute; nothing got through, nothing gave up.
    refused = _refused(fake_telegram, fake_twilio)
    assert all(now > then for now, then in zip(refused, refused_halfway, strict=True)), refused
    for chat in expected_telegram:
        assert any(
            c.failed and str(c.params.get("chat_id")) == str(chat) for c in fake_telegram.calls
        )
    for phone in expected_sms:
        assert any(a.status == 502 and a.to == phone for a in fake_twilio.attempts)
    assert fake_telegram.texts() == []
    assert fake_twilio.bodies() == []
    waiting = _outbound(engine)
    assert len(waiting) == TENANTS * 3
    assert {m.status for m in waiting} <= {MessageStatus.QUEUED, MessageStatus.SENDING}

    fake_telegram.down = fake_twilio.down = False
    up_at = time.monotonic()
    total = TENANTS * 3
    while len(fake_telegram.texts()) + len(fake_twilio.bodies()) < total:
        if time.monotonic() - up_at > GIVE_UP:
            break
        time.sleep(0.2)
    drained_in = time.monotonic() - up_at
    time.sleep(1.5)  # a doubled send would have shown by now

    delivered = len(fake_telegram.texts()) + len(fake_twilio.bodies())
    assert delivered == total, f"{delivered} of {total} delivered {drained_in:.0f} s after"
    assert drained_in <= DRAIN_LIMIT, f"the backlog took {drained_in:.0f} s to drain"
    for chat, hears in expected_telegram.items():
        # Each reply's first sentence (the welcome's after its lines offering other languages).
        heard = [t.split(".")[0].splitlines()[-1] for t in fake_telegram.texts(chat)]
        assert heard == hears, chat
    for phone, texts in expected_sms.items():
        assert fake_twilio.bodies(phone) == texts, phone
    sent = _outbound(engine)
    assert {m.status for m in sent} == {MessageStatus.SENT}
    assert all(m.last_error is None and m.provider_message_id for m in sent)
    assert len({m.provider_message_id for m in sent}) == total
    assert max(m.attempts for m in sent) > 1


def test_a_provider_answering_again_brings_what_waited_for_it_forward_once() -> None:
    outages = Outages()
    sms = [Parcel(n, Channel.SMS, f"+44770090010{n}", "Update", (), 2) for n in range(4)]
    telegram = Parcel(9, Channel.TELEGRAM, str(CHAT_BASE), "Hello", (), 2)
    down, sent = Outcome.PROVIDER_DOWN, Outcome.SENT
    assert outages.due_again([(sms[0], down), (sms[1], down), (telegram, down)]) == []
    assert outages.due_again([(sms[2], sent)]) == [0, 1]  # Twilio is back, Telegram is not
    # A flaky provider: what was brought forward and failed again waits out its backoff.
    assert outages.due_again([(sms[0], down), (sms[3], sent)]) == []
    assert outages.due_again([(sms[1], Outcome.OTHER), (telegram, sent)]) == []
    assert outages.due_again([(sms[0], sent), (sms[1], down), (sms[2], sent)]) == [1]
