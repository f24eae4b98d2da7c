"""Things the bot cannot read (voice notes, stickers, locations, shared contacts) get a useful
answer instead of "Reply 1 to start"; a voice note at the evidence question is evidence."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Bot, Update

from backend.messaging.evidence_files import sniff
from bot import telegram, twilio_sms
from conversations import AttachEvidence, Channel, Inbound, Step
from tests.factories import conversation_at, sample_renderer, say

BOT = Bot("123:ABC")


def _telegram(**message: Any) -> Inbound:
    raw = {
        "update_id": 7,
        "message": {
            "message_id": 1,
            "date": 1_700_000_000,
            "chat": {"id": 42, "type": "private"},
            "from": {"id": 42, "is_bot": False, "first_name": "Sam"},
            **message,
        },
    }
    update = Update.de_json(raw, BOT)
    assert update is not None
    inbound = telegram.inbound(update)
    assert inbound is not None
    return inbound


STICKER = {
    "file_id": "s1",
    "file_unique_id": "u1",
    "width": 512,
    "height": 512,
    "is_animated": False,
    "is_video": False,
    "type": "regular",
}


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ({"voice": {"file_id": "v1", "file_unique_id": "u", "duration": 4}}, "voice"),
        ({"sticker": STICKER}, "sticker"),
        ({"location": {"latitude": 53.47, "longitude": -2.99}}, "location"),
        ({"contact": {"phone_number": "+447911123456", "first_name": "Ann"}}, "contact"),
    ],
)
def test_telegram_says_what_it_could_not_read(message: dict[str, Any], kind: str) -> None:
    inbound = _telegram(**message)
    assert inbound.unreadable == kind
    reply = say(conversation_at(Step.NAME), "", channel=Channel.TELEGRAM, unreadable=kind)
    assert [r.template for r in reply.replies] == ["cannot_read"]
    assert reply.state == conversation_at(Step.NAME) and not reply.effects  # nothing kept
    text = sample_renderer().render(reply.replies[0], Channel.TELEGRAM).text
    assert "Reply 1" not in text and "0151 496 0000" in text and "type" in text


def test_a_voice_note_at_the_evidence_question_is_kept_as_evidence() -> None:
    inbound = _telegram(voice={"file_id": "v9", "file_unique_id": "u", "duration": 12})
    assert [a.ref for a in inbound.attachments] == ["telegram:v9"]
    turn = say(
        conversation_at(Step.EVIDENCE),
        "",
        channel=Channel.TELEGRAM,
        attachments=inbound.attachments,
        unreadable="voice",
    )
    assert any(isinstance(e, AttachEvidence) for e in turn.effects)
    assert "cannot_read" not in [r.template for r in turn.replies]
    assert sniff(b"OggS\x00\x02" + bytes(40)) == "audio/ogg"  # and kept when fetched


def test_a_whatsapp_voice_note_or_location_is_recognised() -> None:
    voice = twilio_sms.parse(
        {
            "From": "whatsapp:+447911123456",
            "MessageSid": "SM" + "a" * 32,
            "NumMedia": "1",
            "MediaUrl0": "https://api.twilio.com/media/ME1",
            "MediaContentType0": "audio/ogg",
        }
    )
    assert voice.as_inbound().unreadable == "voice"
    place = twilio_sms.parse(
        {
            "From": "whatsapp:+447911123456",
            "MessageSid": "SM" + "b" * 32,
            "Latitude": "53.47",
            "Longitude": "-2.99",
        }
    )
    assert place.as_inbound().unreadable == "location"
