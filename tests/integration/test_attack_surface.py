"""Oversized bodies are refused, and the logs never hold a phone number, code, token or password."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from backend import logs, petitions
from backend.models import CallStatus
from backend.settings import Settings
from backend.store.db import write_session
from backend.web.middleware import MAX_BODY, redact
from tests.factories import NOW, PASSWORD, make_call, make_contact, post_login, sign_in
from tests.fakes.telegram_api import FakeTelegram, make_update
from tests.fakes.twilio_api import FakeTwilio
from tests.integration.conftest import (
    SMS_PATH,
    TELEGRAM_SECRET,
    TENANT_PHONE,
    Phone,
    drain,
    sign_on_page,
    signed_post,
)


def test_a_body_over_the_limit_is_refused_with_413_before_any_handler(client: TestClient) -> None:
    big = b"x" * (MAX_BODY + 1)
    declared = client.post(
        "/chat/messages", content=big, headers={"content-type": "application/json"}
    )
    assert declared.status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit counts as it reads
        for _ in range(MAX_BODY // 65536 + 2):
            yield b"y" * 65536

    streamed = client.post(
        "/chat/messages", content=chunks(), headers={"content-type": "application/json"}
    )
    assert streamed.status_code == 413
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/u/1a.6f.Ab_c-9", "/u/…"),
        ("/s/K7QMX3/confirm/tOk3n-Xyz", "/s/K7QMX3/confirm/…"),
        ("/s/K7QMX3", "/s/K7QMX3"),
        ("/chat", "/chat"),
    ],
)
def test_the_access_log_never_writes_a_token(path: str, shown: str) -> None:
    assert redact(path) == shown


def test_no_log_line_holds_a_phone_number_a_code_a_token_or_a_password(
    app_client: TestClient,
    fake_twilio: FakeTwilio,
    fake_telegram: FakeTelegram,
    engine: Engine,
    channel_settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    logs.quiet()  # as `frontdoor serve` sets it up
    caplog.set_level(logging.INFO)
    with write_session(engine) as writing:
        call = make_call(writing, make_contact(writing, "sms", "+447911999999"))
        call.status, call.signatories_needed = CallStatus.COLLECTING_SIGNATURES, 5
        code = petitions.open_petition(writing, call, channel_settings, NOW).code
    secrets: list[str] = [PASSWORD, TELEGRAM_SECRET, "TEST-token", fake_twilio.auth_token]

    # A tenant texting in, forged and real.
    phone = Phone(app_client, fake_twilio)
    for body in ["Hi", "1", "Sam Jones", "12 Elm Road L30 4TH", "STOP", "START"]:
        phone.text(body)
    signed_post(
        app_client,
        SMS_PATH,
        {"From": TENANT_PHONE, "MessageSid": "SMx"},
        fake_twilio.auth_token,
        signature="forged",
    )
    # A neighbour signing with a texted code.
    signed = sign_on_page(
        app_client, fake_twilio, code, phone="07911 000123", name="Ann Lee", address="L30 4TH"
    )
    secrets += [signed.texted, signed.confirm.rsplit("/", 1)[-1]]
    # A web-chat message with a lone surrogate (no UTF-8 can hold it): refused, not a 500
    # whose error would carry the message into the log.
    broken = app_client.post(
        "/chat/messages",
        content=b'{"text": "Zelda Fitz at 9 Kiln Lane \\ud800 is ill", "message_id": "m1"}',
        headers={"content-type": "application/json"},
    )
    assert broken.status_code == 400
    # The same over Telegram: refused with 400 too.
    broken = app_client.post(
        "/webhooks/telegram",
        content=json.dumps(make_update(8, chat_id=77, text="Zelda Fitz, Kiln Lane \ud800")),
        headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET},
    )
    assert broken.status_code == 400
    secrets += ["Zelda Fitz", "Kiln Lane"]
    # A Telegram update, an officer signing in (and a wrong password).
    app_client.post(
        "/webhooks/telegram",
        json=make_update(9, chat_id=77, text="hello"),
        headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET},
    )
    drain(app_client)
    officer = TestClient(app_client.app, base_url="https://testserver")
    sign_in(officer, engine, "officer")
    wrong_password = "not-the-password-at-all"
    assert post_login(officer, "officer-nobody@example.org", wrong_password).status_code != 303
    secrets.append(wrong_password)

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert logged, "nothing was logged at all"
    for phone_digits in ("7911123456", "7911000123", "7911999999"):
        assert phone_digits not in logged
    for secret in secrets:
        assert secret not in logged, f"a secret reached the log: {secret[:3]}..."
    assert "Sam Jones" not in logged and "Elm Road" not in logged


def test_a_sender_that_hangs_up_mid_request_is_logged_not_a_server_error(
    app_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    """A provider that times out closes the connection before its body arrives."""
    sent: list[dict[str, object]] = []

    async def hung_up() -> dict[str, object]:
        return {"type": "http.disconnect"}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    headers = [
        (b"host", b"testserver"),
        (b"content-type", b"application/json"),
        (b"content-length", b"120"),  # promised, never sent
        (b"x-telegram-bot-api-secret-token", TELEGRAM_SECRET.encode()),
    ]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "https",
        "path": "/webhooks/telegram",
        "raw_path": b"/webhooks/telegram",
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 443),
    }
    with caplog.at_level(logging.INFO):
        app_client.portal.call(app_client.app, scope, hung_up, send)  # type: ignore[union-attr, arg-type, call-arg]
    assert sent[0]["status"] == 400
    assert "went away mid-request" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
