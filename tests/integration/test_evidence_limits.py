"""Evidence that would hurt the server or fill its disk is refused: picture bombs, whatever
the way in (the upload page, WhatsApp, Telegram)."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from datetime import timedelta
from functools import cache
from pathlib import Path
from tempfile import TemporaryDirectory

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import Engine
from sqlmodel import Session, select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from backend.app import create_app
from backend.messaging.evidence import MAX_FETCH_ATTEMPTS, record_upload
from backend.messaging.evidence_files import keep
from backend.messaging.uploads import upload_token
from backend.models import Evidence
from backend.settings import Settings
from backend.store.db import write_session
from tests.factories import make_call, make_contact, sign_in
from tests.fakes.server import serve
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


@cache
def photo() -> bytes:
    """The same photo each time (noise, so that it is a few KB however it is re-encoded)."""
    out = io.BytesIO()
    Image.effect_noise((120, 90), 80).convert("RGB").save(out, format="JPEG", quality=95)
    return out.getvalue()


@cache
def kept_size() -> int:
    """The bytes `photo()` takes once kept (re-encoded without its metadata)."""
    with TemporaryDirectory() as folder:
        return keep(Path(folder), 1, photo(), 10_000_000)[2]


@pytest.fixture
def small_store(channel_settings: Settings, engine: Engine) -> Iterator[TestClient]:
    """The app with room for about three photos a draft and six in all."""
    size = kept_size()
    settings = Settings(
        **{
            **channel_settings.model_dump(),
            "evidence_draft_max_bytes": int(size * 3.5),
            "evidence_total_max_bytes": int(size * 6.5),
        },
        _env_file=None,
    )
    with TestClient(create_app(settings, engine)) as client:
        yield client


def test_a_draft_holds_no_more_than_its_share_of_storage(
    small_store: TestClient, engine: Engine, channel_settings: Settings, session: Session
) -> None:
    link = _upload_link(small_store, engine, channel_settings)
    files = [("files", (f"photo-{n}.jpg", photo(), "image/jpeg")) for n in range(5)]
    page = small_store.post(link, files=files)
    assert page.status_code == 200  # some were kept
    assert "more than one Call can hold" in page.text
    assert len(session.exec(select(Evidence)).all()) == 3
    again = small_store.post(link, files=[("files", ("late.jpg", photo(), "image/jpeg"))])
    assert again.status_code == 422 and "more than one Call can hold" in again.text


def test_the_service_stops_taking_files_at_its_total_cap_and_the_dashboard_warns(
    small_store: TestClient, engine: Engine, channel_settings: Settings, session: Session
) -> None:
    for _ in range(2):
        link = _upload_link(small_store, engine, channel_settings)
        files = [("files", (f"p{n}.jpg", photo(), "image/jpeg")) for n in range(3)]
        assert small_store.post(link, files=files).status_code == 200
    link = _upload_link(small_store, engine, channel_settings)
    full = small_store.post(link, files=[("files", ("one-more.jpg", photo(), "image/jpeg"))])
    assert full.status_code == 422 and "cannot take more files" in full.text
    assert len(session.exec(select(Evidence)).all()) == 6
    officer = TestClient(small_store.app, base_url="https://testserver")
    sign_in(officer, engine, "officer")
    assert "Evidence storage is nearly full" in officer.get("/officer/").text


def test_evidence_of_drafts_abandoned_past_the_retention_period_is_deleted(
    app_client: TestClient, engine: Engine, channel_settings: Settings, session: Session
) -> None:
    folder = Path(channel_settings.evidence_dir)
    services = services_of(app_client)
    start = services.now()
    abandoned = _upload_link(app_client, engine, channel_settings)
    app_client.post(abandoned, files=[("files", ("old.jpg", photo(), "image/jpeg"))])
    with write_session(engine) as writing:
        call = make_call(writing, make_contact(writing, "sms", "+447911222333"))
        assert call.contact_id is not None  # a tenant's Call (only the panel's own have none)
        kept = keep(folder, call.contact_id, photo(), 10_000_000)
        record_upload(writing, call.contact_id, "sent.jpg", kept, start).call_id = call.id
    later = start + timedelta(days=channel_settings.evidence_draft_days + 1)
    services.clock = lambda: later
    recent = _upload_link(app_client, engine, channel_settings)
    app_client.post(recent, files=[("files", ("new.jpg", photo(), "image/jpeg"))])
    assert len(list(folder.rglob("*.jpg"))) == 3

    services.worker.housekeeping(later)

    left = session.exec(select(Evidence)).all()
    assert sorted(e.channel_ref for e in left) == ["upload:new.jpg", "upload:sent.jpg"]
    assert len(list(folder.rglob("*.jpg"))) == 2


def test_media_is_fetched_with_the_twilio_credentials_only_from_twilio(
    app_client: TestClient, fake_twilio: FakeTwilio, session: Session
) -> None:
    """A media URL elsewhere would be sent the account's SID and auth token."""
    asked: list[dict[str, str]] = []

    async def collect(request: Request) -> Response:
        asked.append(dict(request.headers))
        return Response(photo(), media_type="image/jpeg")

    elsewhere = Starlette(routes=[Route("/media/{name}", collect)])
    with serve(elsewhere) as base:
        params = {
            "MessageSid": "SMelsewhere" + "0" * 23,
            "From": "whatsapp:" + TENANT_PHONE,
            "To": "whatsapp:" + OUR_NUMBER,
            "Body": "",
            "NumMedia": "1",
            "MediaUrl0": f"{base}/media/lift.jpg",
            "MediaContentType0": "image/jpeg",
        }
        signed_post(app_client, "/webhooks/twilio/sms", params, fake_twilio.auth_token)
        drain(app_client)
    assert asked == []
    evidence = session.exec(select(Evidence)).one()
    assert evidence.stored_path is None
    assert evidence.fetch_attempts == MAX_FETCH_ATTEMPTS  # never tried again
