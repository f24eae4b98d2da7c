"""Evidence that would hurt the server or fill its disk is refused: picture bombs, whatever
the way in (the upload page, WhatsApp, Telegram)."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import Engine
from sqlmodel import Session, select

from backend.messaging.evidence import MAX_FETCH_ATTEMPTS
from backend.messaging.uploads import upload_token
from backend.models import Evidence
from backend.settings import Settings
from backend.store.db import write_session
from tests.factories import make_contact
from tests.fakes.telegram_api import FakeTelegram, make_update
from tests.fakes.twilio_api import FakeTwilio
from tests.integration.conftest import (
    OUR_NUMBER,
    TELEGRAM_SECRET,
    TENANT_PHONE,
    drain,
    services_of,
    signed_post,
)


def picture_bomb() -> bytes:
    """The file from the attack: a PNG of 9,900 x 9,900 pixels that is a few hundred KB."""
    out = io.BytesIO()
    Image.new("1", (9_900, 9_900)).save(out, format="PNG")
    return out.getvalue()


def _upload_link(client: TestClient, engine: Engine, settings: Settings) -> str:
    with write_session(engine) as writing:
        contact = make_contact(writing, "web", f"visitor-{uuid.uuid4().hex[:8]}")
        contact_id = contact.id or 0
    now = services_of(client).now()
    return f"/u/{upload_token(settings.secret_key.get_secret_value(), contact_id, now, 7)}"


def test_a_picture_bomb_uploaded_from_a_link_is_refused_and_not_kept(
    app_client: TestClient, engine: Engine, channel_settings: Settings, session: Session
) -> None:
    bomb = picture_bomb()
    assert len(bomb) < 1_000_000
    link = _upload_link(app_client, engine, channel_settings)
    page = app_client.post(link, files=[("files", ("lift.png", bomb, "image/png"))])
    assert page.status_code == 422
    assert "too big to open" in page.text
    assert session.exec(select(Evidence)).all() == []
    assert not any(Path(channel_settings.evidence_dir).rglob("*.*"))


def test_a_picture_bomb_sent_on_whatsapp_is_refused_for_good(
    app_client: TestClient, fake_twilio: FakeTwilio, session: Session
) -> None:
    url = fake_twilio.add_media("ME9", picture_bomb(), "image/png")
    params = {
        "MessageSid": "SMbomb" + "0" * 26,
        "From": "whatsapp:" + TENANT_PHONE,
        "To": "whatsapp:" + OUR_NUMBER,
        "Body": "",
        "NumMedia": "1",
        "MediaUrl0": url,
        "MediaContentType0": "image/png",
    }
    assert signed_post(app_client, "/webhooks/twilio/sms", params, fake_twilio.auth_token)
    drain(app_client)
    evidence = session.exec(select(Evidence)).one()
    assert evidence.stored_path is None
    assert evidence.fetch_error and "too big to open" in evidence.fetch_error
    assert evidence.fetch_attempts == MAX_FETCH_ATTEMPTS  # never fetched again


def test_a_picture_bomb_sent_on_telegram_is_refused_for_good(
    app_client: TestClient, fake_telegram: FakeTelegram, session: Session
) -> None:
    fake_telegram.add_file("bomb-1", picture_bomb())
    for update_id, kwargs in ((1, {"text": "/start"}), (2, {"photo_file_id": "bomb-1"})):
        app_client.post(
            "/webhooks/telegram",
            json=make_update(update_id, chat_id=91, **kwargs),  # type: ignore[arg-type]
            headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET},
        )
    drain(app_client)
    evidence = session.exec(select(Evidence)).one()
    assert evidence.stored_path is None
    assert evidence.fetch_error and "too big to open" in evidence.fetch_error
    assert evidence.fetch_attempts == MAX_FETCH_ATTEMPTS
