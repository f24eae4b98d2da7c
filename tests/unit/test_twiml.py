"""Our TwiML is the very text twilio's own MessagingResponse writes, and parses back."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st
from twilio.twiml.messaging_response import MessagingResponse

from bot import twilio_sms
from bot.render import Rendered

# Any text a reply may hold (lone surrogates cannot be sent as UTF-8 by anyone).
ANY_TEXT = st.text(st.characters(exclude_categories=["Cs"]))
# Text that XML can carry: no control characters but tab and newline (a parser reads a carriage
# return as a newline).
XML_TEXT = st.text(
    st.characters(
        exclude_categories=["Cs"],
        exclude_characters=[chr(c) for c in range(32) if chr(c) not in "\t\n"]
        + ["\ufffe", "\uffff"],
    )
)


def twilios(texts: list[str]) -> str:
    response = MessagingResponse()
    for text in texts:
        response.message(text)
    return str(response)


def test_no_replies_is_an_empty_response() -> None:
    assert twilio_sms.twiml([]) == twilios([])
    assert twilio_sms.twiml([]) == '<?xml version="1.0" encoding="UTF-8"?><Response />'


def test_markup_in_a_reply_is_escaped() -> None:
    xml = twilio_sms.twiml([Rendered("Question 1 of 11. <b>&</b> \"quoted\" 'it' >"), Rendered("")])
    assert xml == (
        '<?xml version="1.0" encoding="UTF-8"?><Response>'
        "<Message>Question 1 of 11. &lt;b&gt;&amp;&lt;/b&gt; \"quoted\" 'it' &gt;</Message>"
        "<Message /></Response>"
    )


@given(st.lists(ANY_TEXT, max_size=4))
def test_the_same_text_as_twilios_messaging_response(texts: list[str]) -> None:
    assert twilio_sms.twiml([Rendered(t) for t in texts]) == twilios(texts)


@given(st.lists(XML_TEXT, max_size=4))
def test_each_reply_parses_back_whole_and_in_order(texts: list[str]) -> None:
    parsed = ET.fromstring(twilio_sms.twiml([Rendered(t) for t in texts]).encode())  # noqa: S314 - our own
    assert parsed.tag == "Response"
    assert [m.tag for m in parsed] == ["Message"] * len(texts)
    assert [m.text or "" for m in parsed] == texts
