"""SMS and WhatsApp end to end: signed webhooks, TwiML, the real twilio client and a fake API."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from PIL import Image
from sqlmodel import Session, col, select

from backend.models import Call, Contact, Evidence, Message
from backend.settings import Settings
from backend.store.db import write_session
from conversations import Outbound
from conversations.proforma import FORM, Kind, Step
from tests.factories import KEPT, TYPED
from tests.fakes.twilio_api import FakeTwilio
from tests.integration.conftest import (
    OUR_NUMBER,
    SMS_PATH,
    TENANT_PHONE,
    Phone,
    drain,
    services_of,
    signed_post,
    twilio_signature,
)

STATUS_PATH = "/webhooks/twilio/status"


def _photo_with_gps() -> bytes:
    image = Image.new("RGB", (50, 40), "green")
    exif = Image.Exif()
    exif[0x8825] = {2: (53.0, 28.0, 0.0), 4: (3.0, 0.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def notify_tenant(client: TestClient, *texts: str) -> None:
    """Queues messages for the (only) tenant, as an officer's reply would."""
    services = services_of(client)
    with write_session(services.engine) as writing:
        contact = writing.exec(select(Contact)).one()
        for text in texts:
            services.notifier(writing).notify(contact, Outbound("officer_message", {"text": text}))


def _later(client: TestClient, minutes: int) -> None:
    services = services_of(client)
    moment = datetime.now(services.now().tzinfo) + timedelta(minutes=minutes)
    services.clock = _frozen(moment)


def _frozen(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment


def test_a_whole_pro_forma_over_sms_with_a_photo_through_the_upload_link(
    app_client: TestClient, fake_twilio: FakeTwilio, session: Session, channel_settings: Settings
) -> None:
    phone = Phone(app_client, fake_twilio)
    (welcome,) = phone.text("Hi")
    assert "Community Call for Scrutiny" in welcome and "1 Yes, start" in welcome
    answered: dict[str, str] = {}
    replies = phone.text("1")
    for q in FORM:
        if not q.applies(answered):
            continue
        if q.step == Step.EVIDENCE:
            link = re.search(r"https://frontdoor\.example\.org(/u/\S+)", " ".join(replies))
            assert link, replies
            page = app_client.get(link.group(1))
            assert page.status_code == 200 and "Add photos" in page.text
            uploaded = app_client.post(
                link.group(1), files=[("files", ("damp.jpg", _photo_with_gps(), "image/jpeg"))]
            )
            assert uploaded.status_code == 200 and "added 1 file" in uploaded.text
            drain(app_client)  # the tenant hears what arrived, as a photo sent here would be
            assert any("1 photo or document arrived" in b for b in fake_twilio.bodies(TENANT_PHONE))
            replies = phone.text("DONE")
            answered[q.step.value] = ""
            continue
        replies = phone.text(TYPED[q.step])
        if q.kind == Kind.LONG_TEXT:
            replies = phone.text("DONE")
        answered[q.step.value] = KEPT[q.step]
    assert any("check your answers" in r for r in replies)
    assert "1 photo or document" in " ".join(replies)  # the review counts the upload
    done, share = phone.text("0")
    call = session.exec(select(Call)).one()
    assert call.reference in done
    assert "Forward this text" in share and "/s/" in share
    evidence = session.exec(select(Evidence)).one()
    assert evidence.call_id == call.id and evidence.stored_path
    with Image.open(Path(channel_settings.evidence_dir) / evidence.stored_path) as kept:
        assert not kept.getexif(), "the photo's location must be gone"


def test_every_sms_reply_fits_three_segments_of_gsm7(
    app_client: TestClient, fake_twilio: FakeTwilio
) -> None:
    from bot.sms_text import is_gsm7, segments

    phone = Phone(app_client, fake_twilio)
    for body in ("Hi", "1", "Zoë O’Brien — 🙂", "L30 4TH", "2", "HELP", "STATUS"):
        for reply in phone.text(body):
            assert is_gsm7(reply) and segments(reply) <= 3, reply


def test_whatsapp_media_is_fetched_with_the_account_credentials(
    app_client: TestClient, fake_twilio: FakeTwilio, session: Session
) -> None:
    phone = Phone(app_client, fake_twilio, sender="whatsapp:" + TENANT_PHONE)
    phone.text("Hi")
    url = fake_twilio.add_media("ME1", _photo_with_gps())
    replies = phone.text("", media=[url])
    assert any("kept your photo" in r for r in replies)
    drain(app_client)
    evidence = session.exec(select(Evidence)).one()
    assert evidence.stored_path and evidence.content_type == "image/jpeg"
    contact = session.exec(select(Contact)).one()
    assert contact.channel == "whatsapp" and contact.address == TENANT_PHONE


def test_a_forged_or_missing_signature_is_403_and_nothing_is_stored(
    app_client: TestClient, fake_twilio: FakeTwilio, session: Session
) -> None:
    params = {"MessageSid": "SM1", "From": TENANT_PHONE, "To": OUR_NUMBER, "Body": "Hi"}
    for signature in ("", "forged", "dGhpcyBpcyBub3QgaXQ="):
        response = signed_post(
            app_client, SMS_PATH, params, fake_twilio.auth_token, signature=signature
        )
        assert response.status_code == 403
    wrong_key = signed_post(app_client, SMS_PATH, params, "not-the-auth-token")
    assert wrong_key.status_code == 403
    # Forged and not even a form: still the forgery's answer, before the body's.
    as_json = app_client.post(SMS_PATH, json=params, headers={"X-Twilio-Signature": "forged"})
    assert as_json.status_code == 403
    assert session.exec(select(Message)).all() == []
    assert session.exec(select(Contact)).all() == []


def test_the_signature_is_checked_against_the_public_url_behind_a_proxy(
    app_client: TestClient, fake_twilio: FakeTwilio
) -> None:
    params = {"MessageSid": "SM9", "From": TENANT_PHONE, "To": OUR_NUMBER, "Body": "Hi"}
    as_seen_here = twilio_signature(
        SMS_PATH, params, fake_twilio.auth_token, base_url="http://testserver"
    )
    response = signed_post(
        app_client, SMS_PATH, params, fake_twilio.auth_token, signature=as_seen_here
    )
    assert response.status_code == 403  # only PUBLIC_BASE_URL + path is trusted
    assert signed_post(app_client, SMS_PATH, params, fake_twilio.auth_token).status_code == 200


def test_a_replayed_message_sid_is_processed_once_and_answered_the_same(
    app_client: TestClient, fake_twilio: FakeTwilio, session: Session
) -> None:
    phone = Phone(app_client, fake_twilio)
    phone.text("Hi")
    first = phone.text("1", sid="SMreplayed")
    assert first == phone.text("1", sid="SMreplayed")
    inbound = select(Message).where(Message.direction == "in").order_by(col(Message.id))
    assert [m.body for m in session.exec(inbound)] == ["Hi", "1"]


def test_malformed_forms_are_400_not_500(
    app_client: TestClient, fake_twilio: FakeTwilio, session: Session
) -> None:
    for params in ({"Body": "x"}, {"From": "nonsense", "MessageSid": "SM1"}, {}):
        response = signed_post(app_client, SMS_PATH, params, fake_twilio.auth_token)
        assert response.status_code == 400
    assert session.exec(select(Message)).all() == []


def test_stop_stops_every_message_and_start_resumes_with_the_draft_kept(
    app_client: TestClient, fake_twilio: FakeTwilio, session: Session
) -> None:
    phone = Phone(app_client, fake_twilio)
    phone.text("Hi")
    phone.text("1")
    phone.text("Sam Jones")
    assert phone.text("STOP") == []
    contact = session.exec(select(Contact)).one()
    assert contact.opted_out_at is not None
    # A notification (from an officer, say) is held back, never sent.
    notify_tenant(app_client, "Your Call is on the agenda.")
    drain(app_client)
    assert fake_twilio.bodies(TENANT_PHONE) == []
    assert phone.text("Anything") == []  # still opted out: we keep the answer, send nothing
    replies = phone.text("START")
    assert replies and "Question 2 of 11" in replies[-1]
    session.rollback()
    assert session.exec(select(Contact)).one().opted_out_at is None


def test_yes_from_a_subscribed_tenant_is_an_answer(
    app_client: TestClient, fake_twilio: FakeTwilio
) -> None:
    phone = Phone(app_client, fake_twilio)
    assert "Shall we start?" in phone.text("Hi")[0]
    replies = phone.text("yes")
    assert "Question 1 of 11" in replies[-1]


def test_a_21610_on_send_marks_the_number_opted_out(
    app_client: TestClient, fake_twilio: FakeTwilio, session: Session
) -> None:
    phone = Phone(app_client, fake_twilio)
    phone.text("Hi")
    fake_twilio.opt_out(TENANT_PHONE)
    notify_tenant(app_client, "One", "Two")
    drain(app_client)
    session.rollback()
    assert session.exec(select(Contact)).one().opted_out_at is not None
    sent = select(Message).where(col(Message.body).in_(["One", "Two"]))
    statuses = [m.status for m in session.exec(sent)]
    assert statuses == ["suppressed", "suppressed"]
    assert fake_twilio.messages == []


def test_status_callbacks_mark_messages_delivered_or_failed(
    app_client: TestClient, fake_twilio: FakeTwilio, session: Session
) -> None:
    phone = Phone(app_client, fake_twilio)
    phone.text("Hi")
    notify_tenant(app_client, "Good news")
    drain(app_client)
    (sent,) = fake_twilio.messages
    assert sent.status_callback == "https://frontdoor.example.org/webhooks/twilio/status"
    report = {"MessageSid": sent.sid, "MessageStatus": "delivered", "To": TENANT_PHONE}
    assert (
        signed_post(
            app_client,
            STATUS_PATH,
            {**report, "MessageStatus": "delivered"},
            fake_twilio.auth_token,
        ).status_code
        == 204
    )
    message = session.exec(select(Message).where(Message.body == "Good news")).one()
    assert message.status == "delivered"
    forged = signed_post(app_client, STATUS_PATH, report, fake_twilio.auth_token, signature="x")
    assert forged.status_code == 403


def test_an_opt_out_report_for_an_unreadable_number_records_the_status_without_a_500(
    app_client: TestClient, fake_twilio: FakeTwilio, session: Session
) -> None:
    phone = Phone(app_client, fake_twilio)
    phone.text("Hi")
    notify_tenant(app_client, "Good news")
    drain(app_client)
    (sent,) = fake_twilio.messages
    report = {
        "MessageSid": sent.sid,
        "MessageStatus": "undelivered",
        "ErrorCode": "21610",
        "To": "not a number",
    }
    answer = signed_post(app_client, STATUS_PATH, report, fake_twilio.auth_token)
    assert answer.status_code == 204
    message = session.exec(select(Message).where(Message.body == "Good news")).one()
    assert message.status == "failed" and message.last_error == "Twilio error 21610"


def test_twilio_down_then_up_delivers_each_notification_exactly_once_in_order(
    app_client: TestClient, fake_twilio: FakeTwilio, session: Session
) -> None:
    phone = Phone(app_client, fake_twilio)
    phone.text("Hi")
    fake_twilio.down = True
    notify_tenant(app_client, *(f"Update {n}" for n in range(3)))
    drain(app_client)
    fake_twilio.fail_next(2, status=503)
    fake_twilio.down = False
    for minutes in range(1, 60, 2):
        _later(app_client, minutes)
        drain(app_client)
    assert fake_twilio.bodies(TENANT_PHONE) == ["Update 0", "Update 1", "Update 2"]


def test_a_long_notification_is_split_at_sentences_into_texts_that_fit(
    app_client: TestClient, fake_twilio: FakeTwilio
) -> None:
    from bot.sms_text import is_gsm7, segments

    phone = Phone(app_client, fake_twilio)
    phone.text("Hi")
    long_text = " ".join(
        f"The panel met on day {n} and agreed a step \u2014 ‘good’." for n in range(30)
    )
    notify_tenant(app_client, long_text)
    drain(app_client)
    bodies = fake_twilio.bodies(TENANT_PHONE)
    assert len(bodies) > 1
    assert all(is_gsm7(b) and segments(b) <= 3 and b.endswith(".") for b in bodies)
