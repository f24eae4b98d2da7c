"""Fake providers on local ports, and the app wired to them with real credentials' shapes."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import Engine
from twilio.request_validator import RequestValidator

from backend.app import create_app
from backend.services import Services
from backend.settings import Settings
from conversations.validation import uk_phone
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.twilio_api import FakeTwilio

SMS_PATH = "/webhooks/twilio/sms"
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


def twilio_signature(
    path: str, params: dict[str, str], auth_token: str, *, base_url: str = PUBLIC
) -> str:
    """What Twilio puts in X-Twilio-Signature for a form it posts to base_url + path (we tell it
    PUBLIC), computed by twilio's own RequestValidator."""
    signature: str = RequestValidator(auth_token).compute_signature(base_url + path, params)
    return signature


def signed_post(
    client: TestClient,
    path: str,
    params: dict[str, str],
    auth_token: str,
    *,
    signature: str | None = None,
) -> Response:
    """Posts a form the way Twilio does, signed for PUBLIC + path (or with `signature`, to forge
    one). A tenant's message is better sent with `Phone`; this is for delivery reports and for
    forms no phone would send."""
    if signature is None:
        signature = twilio_signature(path, params, auth_token)
    return client.post(path, data=params, headers={"X-Twilio-Signature": signature})


class Phone:
    """A tenant's phone (or WhatsApp) texting our number: each message is the inbound-message
    webhook Twilio posts, signed with the fake account's auth token, and answered with TwiML."""

    sids = itertools.count(1)  # every message a new MessageSid, whichever phone sends it

    def __init__(self, client: TestClient, fake: FakeTwilio, sender: str = TENANT_PHONE) -> None:
        self.client, self.fake, self.sender = client, fake, sender

    def text(
        self, body: str, *, media: list[str] | None = None, sid: str | None = None
    ) -> list[str]:
        """Sends `body` (with the pictures at the `media` URLs, under message `sid`); the replies
        in the TwiML answer, in order. The answer must be a 200 with TwiML."""
        params = {
            "MessageSid": sid or f"SM{next(self.sids):032d}",
            "AccountSid": self.fake.account_sid,
            "From": self.sender,
            "To": ("whatsapp:" if self.sender.startswith("whatsapp:") else "") + OUR_NUMBER,
            "Body": body,
            "NumMedia": str(len(media or [])),
        }
        for n, url in enumerate(media or []):
            params[f"MediaUrl{n}"] = url
            params[f"MediaContentType{n}"] = "image/jpeg"
        response = signed_post(self.client, SMS_PATH, params, self.fake.auth_token)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/xml")
        twiml = ET.fromstring(response.text)  # noqa: S314 - our own app's TwiML
        return [m.text or "" for m in twiml.iter("Message")]

    def reply(self, body: str) -> str:
        """Sends `body`; all the replies as one text, for looking for words in."""
        return "\n".join(self.text(body))


def ask_for_code(
    client: TestClient,
    code: str,
    *,
    phone: str,
    name: str,
    address: str = "3 Elm Road, L30 4TH",
    **more: str,
) -> str:
    """Fills in petition `code`'s public signing page (a resident affected, and any `more`
    fields) and sends it, which texts `phone` a code; returns the path of the page that asks
    for the code."""
    response = client.post(
        f"/s/{code}",
        data={"name": name, "address": address, "phone": phone, "affected": "yes", **more},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    confirm: str = response.headers["location"]
    return confirm


def texted_code(client: TestClient, fake: FakeTwilio, phone: str) -> str:
    """The signing code last texted to `phone` (as typed on the page), once the outbox is sent."""
    drain(client)
    to = uk_phone(phone) or phone
    found = re.search(r"code to sign the petition is (\d{6})", (fake.bodies(to) or [""])[-1])
    assert found, fake.bodies(to)
    return found.group(1)


@dataclass(frozen=True)
class SignedOnPage:
    """A signature made through the public page: what the signer saw and was sent."""

    confirm: str  # the path of the page that asked for the code
    texted: str  # the code texted to the phone
    page: str  # the page the right code led to


def sign_on_page(
    client: TestClient,
    fake: FakeTwilio,
    code: str,
    *,
    phone: str,
    name: str,
    address: str = "3 Elm Road, L30 4TH",
    **more: str,
) -> SignedOnPage:
    """Signs petition `code` the way a neighbour does, through the public pages only: fills in
    the signing page, reads the code texted to `phone` at the fake Twilio, types it in. For
    tests of signing itself; to build up signatures fast, use tests.factories.sign_petition."""
    confirm = ask_for_code(client, code, phone=phone, name=name, address=address, **more)
    texted = texted_code(client, fake, phone)
    page = client.post(confirm, data={"code": texted})
    return SignedOnPage(confirm, texted, page.text)
