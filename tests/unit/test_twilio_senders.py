"""Only a phone number (SMS) or a WhatsApp number is read as a sender: anything else Twilio may
post (Facebook Messenger, RCS, a short code) must never become someone's SMS number."""

from __future__ import annotations

import pytest

from bot.twilio_sms import parse, party
from conversations import Channel


@pytest.mark.parametrize(
    "sender",
    [
        "messenger:1234567890123456",  # a Facebook page-scoped id, not a phone
        "messenger:+447911123456",
        "rcs:+447911123456",
        "rcs:frontdoor_agent",
        "66777",  # a short code
        "+66777",
        "447911123456",  # no plus: not how Twilio writes a phone number
        "whatsapp:66777",
        "+44 7911 123456 ext 9",
    ],
)
def test_what_is_not_a_phone_or_whatsapp_number_is_refused(sender: str) -> None:
    with pytest.raises(ValueError):
        party(sender)
    with pytest.raises(ValueError):
        parse({"From": sender, "MessageSid": "SM" + "0" * 32, "Body": "SIGN ABC123"})


@pytest.mark.parametrize(
    ("sender", "read"),
    [
        ("+447911123456", (Channel.SMS, "+447911123456")),
        ("whatsapp:+447911123456", (Channel.WHATSAPP, "+447911123456")),
        ("+14155238886", (Channel.SMS, "+14155238886")),
    ],
)
def test_phone_and_whatsapp_senders_are_read(sender: str, read: tuple[Channel, str]) -> None:
    assert party(sender) == read
