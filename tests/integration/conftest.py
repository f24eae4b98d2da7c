"""Fake providers on local ports, and the app wired to them with real credentials' shapes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import Engine
from twilio.request_validator import RequestValidator

from backend.app import create_app
from backend.services import Services
from backend.settings import Settings
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.twilio_api import FakeTwilio

PUBLIC = (
    "https://frontdoor.example.org"  # what Twilio and Telegram are told; tests reach testserver
)
TELEGRAM_SECRET = "s3cret-Token_for-webhooks"
TENANT_PHONE = "+447911123456"
OUR_NUMBER = "+447700900000"


@pytest.fixture(scope="module")
def fake_telegram() -> Iterator[FakeTelegram]:
    fake = FakeTelegram()
    with fake.running():
        yield fake


@pytest.fixture(scope="module")
def fake_twilio() -> Iterator[FakeTwilio]:
    fake = FakeTwilio()
    with fake.running():
        yield fake


@pytest.fixture
def channel_settings(
    settings: Settings, fake_telegram: FakeTelegram, fake_twilio: FakeTwilio
) -> Settings:
    fake_telegram.reset()
    fake_twilio.reset()
    return Settings(
        **{
            **settings.model_dump(),
            "public_base_url": PUBLIC,
            "telegram_bot_token": "123456:TEST-token",
            "telegram_webhook_secret": TELEGRAM_SECRET,
            "telegram_api_base_url": fake_telegram.api_base,
            "twilio_account_sid": fake_twilio.account_sid,
            "twilio_auth_token": fake_twilio.auth_token,
            "twilio_from_number": OUR_NUMBER,
            "twilio_whatsapp_from": "+14155238886",
            "twilio_api_base_url": fake_twilio.base_url,
        },
        _env_file=None,
    )


@pytest.fixture
def app_client(channel_settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(channel_settings, engine)) as client:
        yield client


def services_of(client: TestClient) -> Services:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    return services


def drain(client: TestClient, rounds: int = 50) -> int:
    """Runs the worker on the app's own event loop until nothing more is due."""
    worker = services_of(client).worker
    total = 0
    for _ in range(rounds):
        done = client.portal.call(worker.run_once)  # type: ignore[union-attr]
        if not done:
            break
        total += done
    return total


def signed_post(
    client: TestClient,
    path: str,
    params: dict[str, str],
    auth_token: str,
    *,
    signature: str | None = None,
) -> Response:
    """Posts a form the way Twilio does, signed for PUBLIC + path."""
    if signature is None:
        signature = RequestValidator(auth_token).compute_signature(PUBLIC + path, params)
    return client.post(path, data=params, headers={"X-Twilio-Signature": signature})
