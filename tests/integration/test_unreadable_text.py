"""Text no UTF-8 can hold (a lone surrogate such as "\\ud800") from a tenant's channel: never a
500, nothing kept half-way, and nothing of the text in the log.

The web chat refuses it with 400 (tests/integration/test_attack_surface.py), and so does the
Telegram webhook (a malformed payload is 4xx, by the contract; Telegram's own encoder never
writes one, so nothing is sent again); polling lets such an update go.
Twilio's forms are percent-encoded bytes: the bytes of a surrogate (%ED%A0%80) are not UTF-8,
and are read as replacement characters, never as a surrogate.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from urllib.parse import quote, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select
from telegram import Update
from twilio.request_validator import RequestValidator

from backend.models import Contact, ConversationRecord, Message
from backend.web.deps import utf8_safe
from backend.web.routes.telegram import take_update
from tests.fakes.telegram_api import FakeTelegram, make_update
from tests.fakes.twilio_api import FakeTwilio
from tests.fakes.twilio_voice import FakeCall
from tests.integration.conftest import (
    OUR_NUMBER,
    PUBLIC,
    SMS_PATH,
    TELEGRAM_SECRET,
    TENANT_PHONE,
    drain,
    services_of,
)

CHAT = 5151
WORDS = ("Zelda Fitz", "Kiln Lane")  # what the broken messages say, never to be logged
SURROGATE_BYTES = "%ED%A0%80"  # U+D800 written as UTF-8 would write it, if it could


def _telegram_bodies() -> list[bytes]:
    """Updates as Telegram's JSON would carry a lone surrogate: in the text, in a caption, in
    the sender's name, in a button's data."""
    text = make_update(901, chat_id=CHAT, text="Zelda Fitz at 9 Kiln Lane \ud800 is ill")
    caption = make_update(902, chat_id=CHAT, text="Kiln Lane \udc00", photo_file_id="photo-1")
    name = make_update(903, chat_id=CHAT, text="hello", first_name="Zelda Fitz \ud800")
    button = make_update(904, chat_id=CHAT, text="Choose one", callback_data="1\ud800")
    # json.dumps writes each surrogate as Telegram would: "\ud800", six ASCII characters.
    return [json.dumps(update).encode() for update in (text, caption, name, button)]


def _nothing_kept(session: Session) -> None:
    session.rollback()  # read what other connections committed
    assert session.exec(select(Contact)).all() == []
    assert session.exec(select(Message)).all() == []
    assert session.exec(select(ConversationRecord)).all() == []


def _not_logged(caplog: pytest.LogCaptureFixture) -> None:
    logged = "\n".join(record.getMessage() for record in caplog.records)
    logged += "\n".join(record.exc_text or "" for record in caplog.records)
    for words in WORDS:
        assert words not in logged


def test_a_telegram_update_holding_a_lone_surrogate_is_refused_with_400_and_nothing_kept(
    app_client: TestClient,
    fake_telegram: FakeTelegram,
    session: Session,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
    headers["content-type"] = "application/json"
    for body in _telegram_bodies():
        response = app_client.post("/webhooks/telegram", content=body, headers=headers)
        assert response.status_code == 400, (body[-60:], response.status_code)
        assert "not valid Unicode" in response.text
    drain(app_client)
    _nothing_kept(session)
    assert fake_telegram.texts(CHAT) == []
    _not_logged(caplog)
    assert any("Telegram update 901 not taken" in r.getMessage() for r in caplog.records)
    # Anything else unreadable is refused as well.
    assert app_client.post("/webhooks/telegram", content=b"{", headers=headers).status_code == 400
    # The chat goes on: the next good update is answered.
    good = app_client.post(
        "/webhooks/telegram", json=make_update(905, chat_id=CHAT, text="hello"), headers=headers
    )
    assert good.status_code == 200
    drain(app_client)
    assert len(fake_telegram.texts(CHAT)) == 1


def test_polling_lets_such_an_update_go_too(
    app_client: TestClient, session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    """Polling reads updates with PTB, whose JSON reader takes a lone surrogate as it is."""
    caplog.set_level(logging.INFO)
    services = services_of(app_client)
    for body in _telegram_bodies():
        update = Update.de_json(json.loads(body), services.channels.bot)
        assert update is not None
        assert asyncio.run(take_update(services, update)) is None
    _nothing_kept(session)
    _not_logged(caplog)


def _post_with_surrogate_bytes(
    client: TestClient, url: str, params: dict[str, str], field: str, auth_token: str
) -> str:
    """Posts a form as Twilio would, signed, with `field` holding the bytes of a surrogate;
    returns the TwiML answer."""
    read_as = "Zelda Fitz\ufffd\ufffd\ufffdKiln Lane"  # what the form parser makes of it
    signed = RequestValidator(auth_token).compute_signature(url, {**params, field: read_as})
    fields = [f"{key}={quote(value)}" for key, value in params.items()]
    fields.append(f"{field}=Zelda%20Fitz{SURROGATE_BYTES}Kiln%20Lane")
    response = client.post(
        urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else ""),
        content="&".join(fields).encode(),
        headers={
            "content-type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signed,
        },
    )
    assert response.status_code == 200, (url, field, response.text)
    assert "<Response>" in response.text
    return response.text


def test_twilio_forms_with_the_bytes_of_a_surrogate_are_read_as_replacement_characters(
    app_client: TestClient,
    fake_twilio: FakeTwilio,
    session: Session,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """SMS and WhatsApp (Body), and the phone line's speech (SpeechResult): answered as any
    message is, with U+FFFD where the bytes were; nothing is a 500."""
    caplog.set_level(logging.INFO)
    token = fake_twilio.auth_token
    for sender in (TENANT_PHONE, f"whatsapp:{TENANT_PHONE[:-1]}9"):
        to = OUR_NUMBER if sender.startswith("+") else f"whatsapp:{OUR_NUMBER}"
        sms = {"MessageSid": "SM" + secrets.token_hex(16), "From": sender, "To": to}
        _post_with_surrogate_bytes(app_client, PUBLIC + SMS_PATH, sms, "Body", token)
    call = FakeCall(
        app_client,
        token,
        account_sid=fake_twilio.account_sid,
        caller="+447911123457",
        to=OUR_NUMBER,
        public=PUBLIC,
    )
    heard = call.dial_in()
    assert heard.gathering is not None
    spoken = {**call.base, "CallStatus": "in-progress", "Confidence": "0.9"}
    twiml = _post_with_surrogate_bytes(
        app_client, heard.gathering.action, spoken, "SpeechResult", token
    )
    assert "<Gather" in twiml  # the call goes on
    drain(app_client)
    session.rollback()
    bodies = [m.body for m in session.exec(select(Message).where(Message.direction == "in"))]
    assert len(bodies) >= 3
    assert all(utf8_safe(body) for body in bodies)
    _not_logged(caplog)
