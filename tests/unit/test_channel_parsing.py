"""Provider payloads into Inbound messages, and our replies into the providers' forms."""

from __future__ import annotations

import io
import random
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from telegram import Bot, Update

from backend.messaging.evidence_files import EvidenceRefused, keep, sniff
from backend.messaging.uploads import read_upload_token, upload_token
from bot import telegram, twilio_sms
from bot.delivery import FIRST_DELAY, MAX_DELAY, backoff
from bot.render import Button, Rendered
from conversations import Attachment, Channel
from tests.fakes.telegram_api import make_update

BOT = Bot("123:ABC")


def update(**kwargs: object) -> Update:
    parsed = Update.de_json(make_update(1001, chat_id=42, **kwargs), BOT)  # type: ignore[arg-type]
    assert parsed is not None
    return parsed


def test_a_telegram_text_message_becomes_an_inbound_keyed_by_update_id() -> None:
    inbound = telegram.inbound(update(text="The lift is broken"))
    assert inbound is not None
    assert (inbound.channel, inbound.address, inbound.text) == (
        Channel.TELEGRAM,
        "42",
        "The lift is broken",
    )
    assert inbound.message_id == "u1001"


@pytest.mark.parametrize(
    ("command", "word"),
    [
        ("/start", "HELP"),
        ("/help", "HELP"),
        ("/status", "STATUS"),
        ("/cancel", "RESTART"),
        ("/start@frontdoor_test_bot", "HELP"),
        ("/unknown", "HELP"),
    ],
)
def test_telegram_commands_become_flow_words(command: str, word: str) -> None:
    inbound = telegram.inbound(update(text=command))
    assert inbound is not None and inbound.text == word


def test_a_button_press_sends_the_buttons_reply() -> None:
    inbound = telegram.inbound(update(callback_data="3"))
    assert inbound is not None and inbound.text == "3" and inbound.address == "42"


def test_a_photo_keeps_the_largest_size() -> None:
    inbound = telegram.inbound(update(photo_file_id="big-file"))
    assert inbound is not None
    assert inbound.attachments == (Attachment("telegram:big-file", "image/jpeg"),)


def test_a_document_keeps_its_type() -> None:
    inbound = telegram.inbound(update(document=("doc-1", "letter.pdf", "application/pdf")))
    assert inbound is not None
    assert inbound.attachments == (Attachment("telegram:doc-1", "application/pdf"),)


def test_buttons_become_an_inline_keyboard_one_a_row() -> None:
    markup = telegram.keyboard([Button("Yes, start", "1"), Button("Not now", "2")])
    assert markup is not None
    assert [[b.callback_data for b in row] for row in markup.inline_keyboard] == [["1"], ["2"]]
    assert telegram.keyboard([]) is None


FORM = {"From": "+447911123456", "To": "+447700900000", "Body": "Hello", "MessageSid": "SM1"}


def test_a_twilio_sms_form_is_read() -> None:
    message = twilio_sms.parse(FORM)
    assert (message.channel, message.address, message.body, message.sid) == (
        Channel.SMS,
        "+447911123456",
        "Hello",
        "SM1",
    )


def test_a_whatsapp_sender_is_its_own_channel_with_media() -> None:
    form = {
        **FORM,
        "From": "whatsapp:+447911123456",
        "NumMedia": "2",
        "MediaUrl0": "https://api.twilio.com/m/1",
        "MediaContentType0": "image/jpeg",
        "MediaUrl1": "javascript:alert(1)",
    }
    message = twilio_sms.parse(form)
    assert message.channel == Channel.WHATSAPP and message.address == "+447911123456"
    assert message.media == (Attachment("twilio:https://api.twilio.com/m/1", "image/jpeg"),)


@pytest.mark.parametrize(
    "form",
    [
        {},
        {"From": "+447911123456"},
        {"MessageSid": "SM1"},
        {**FORM, "From": "not a number"},
        {**FORM, "NumMedia": "lots"},
    ],
)
def test_a_form_twilio_would_not_send_is_refused(form: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        twilio_sms.parse(form)


@pytest.mark.parametrize(
    ("body", "keyword"),
    [
        ("STOP", "STOP"),
        ("stop", "STOP"),
        (" Quit. ", "QUIT"),
        ("start", "START"),
        ("yes", "YES"),
        ("info", "INFO"),
        ("please stop", None),
        ("stopped", None),
    ],
)
def test_carrier_keywords_are_single_words(body: str, keyword: str | None) -> None:
    assert twilio_sms.parse({**FORM, "Body": body}).keyword == keyword


def test_replies_become_twiml_with_text_escaped() -> None:
    xml = twilio_sms.twiml([Rendered("Question 1 of 11. <b>&"), Rendered("Second")])
    assert xml.count("<Message>") == 2
    assert "&lt;b&gt;&amp;" in xml


def test_backoff_doubles_with_jitter_and_honours_retry_after() -> None:
    rng = random.Random(1)
    assert FIRST_DELAY / 2 <= backoff(1, rng=rng) <= FIRST_DELAY
    assert FIRST_DELAY * 4 <= backoff(4, rng=rng) <= FIRST_DELAY * 8
    assert backoff(30, rng=rng) <= MAX_DELAY
    assert backoff(1, after=42, rng=rng) == 42


NOW = datetime(2026, 11, 23, tzinfo=UTC)


def test_upload_tokens_name_the_contact_until_they_expire() -> None:
    token = upload_token("secret", 1234, NOW, days=7)
    assert len(token) < 40
    assert read_upload_token("secret", token, NOW + timedelta(days=6)) == 1234
    assert read_upload_token("secret", token, NOW + timedelta(days=8)) is None
    assert read_upload_token("other-secret", token, NOW) is None
    forged = token.replace(token.split(".")[0], "4d3", 1)
    assert read_upload_token("secret", forged, NOW) is None
    assert read_upload_token("secret", "garbage", NOW) is None


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x8825] = {2: (53.0, 28.0, 0.0), 4: (3.0, 0.0, 0.0)}  # GPSInfo: latitude, longitude
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_kept_photos_lose_their_exif_location(tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    data = _jpeg_with_gps()
    with Image.open(io.BytesIO(data)) as original:
        assert original.getexif().get(0x8825)
    path, content_type, size = keep(folder, 7, data, 1_000_000)
    assert content_type == "image/jpeg" and size > 0
    with Image.open(folder / path) as stored:
        assert not stored.getexif()
        assert stored.size == (40, 30)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "empty"),
        (b"MZ\x90\x00 not a picture", "photo"),
        (b"\xff\xd8\xff" + b"x" * 10, "opened"),
    ],
)
def test_files_that_are_not_evidence_are_refused_kindly(
    tmp_path: object, data: bytes, problem: str
) -> None:
    from pathlib import Path

    with pytest.raises(EvidenceRefused, match=problem):
        keep(Path(str(tmp_path)), 7, data, 1_000_000)


def test_files_are_recognised_by_content_not_name() -> None:
    assert sniff(b"%PDF-1.7 ...") == "application/pdf"
    assert sniff(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert sniff(b"RIFF\x00\x00\x00\x00WAVEfmt ") is None
