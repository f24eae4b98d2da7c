"""The phone line's adapter: Twilio's call form read, TwiML built with twilio's VoiceResponse,
officers' hours, and who may be texted."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from backend.settings import Settings
from bot.office_hours import OfficeHours
from bot.render import Button, Rendered
from bot.twilio_voice import NoNumber, Voice, facts, mobile, parse, twiml
from conversations import Channel
from conversations.facts import MOBILE_FACT, OFFICER_LINE_FACT

SID = "CA" + "0123456789abcdef" * 2
VOICE = Voice("Polly.Amy", "Sorry, I did not hear anything.", "Goodbye.")


def test_a_turn_is_the_call_and_its_place_so_a_retry_is_the_same_message() -> None:
    form = {"CallSid": SID, "From": "+447911123456", "Digits": "*"}
    turn = parse(form, turn=3)
    assert (turn.address, turn.said, turn.message_id) == ("+447911123456", "*", f"{SID}:3")
    inbound = turn.as_inbound({MOBILE_FACT: "yes"})
    assert inbound.channel == Channel.VOICE and inbound.message_id == f"{SID}:3"
    assert inbound.facts == {MOBILE_FACT: "yes"} and not inbound.opening
    spoken = parse({**form, "Digits": "", "SpeechResult": " The lift is broken. "}, turn=4)
    assert spoken.said == "The lift is broken."
    assert parse(form, turn=0, opening=True).as_inbound({}).opening


@pytest.mark.parametrize("hidden", ["anonymous", "Restricted", "+266696687", "", "client:sam"])
def test_a_hidden_number_is_no_number(hidden: str) -> None:
    with pytest.raises(NoNumber):
        parse({"CallSid": SID, "From": hidden}, turn=0)


@pytest.mark.parametrize(
    "form",
    [{"From": "+447911123456"}, {"CallSid": "SM" + "0" * 32, "From": "+447911123456"}],
)
def test_no_call_would_send_a_form_without_its_call(form: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="CallSid"):
        parse(form, turn=0)


def test_only_a_mobile_of_the_regions_we_text_can_get_a_text() -> None:
    assert mobile("+447911123456", ["GB"])  # a Guernsey range, on the UK's numbering plan
    assert mobile("+447700900123", ["GB"]) is False  # Ofcom's drama range: no phone's
    assert not mobile("+441514960123", ["GB"])  # a landline
    assert not mobile("+33612345678", ["GB"])  # a French mobile
    assert facts("+441514960123", regions=["GB"], officer_line=None) == {}
    assert facts("+447911123456", regions=["GB"], officer_line="+441514960000") == {
        MOBILE_FACT: "yes",
        OFFICER_LINE_FACT: "+441514960000",
    }


def _verbs(xml: str) -> list[ET.Element]:
    root = ET.fromstring(xml)  # noqa: S314 - TwiML we built
    assert root.tag == "Response"
    return list(root)


def test_replies_are_said_in_british_english_inside_a_gather_of_keys_or_speech() -> None:
    menu = Rendered("Shall we start?", (Button("Yes, start", "1"), Button("Not now", "2")))
    xml = twiml(
        [Rendered("Hello."), menu], VOICE, action="https://x.test/a?turn=1", dialled="unused"
    )
    gather, silence, again, goodbye, hangup = _verbs(xml)
    assert gather.tag == "Gather" and gather.attrib["action"] == "https://x.test/a?turn=1"
    assert gather.attrib["input"] == "dtmf speech" and gather.attrib["language"] == "en-GB"
    assert gather.attrib["speechTimeout"] == "auto" and gather.attrib["finishOnKey"] == ""
    assert gather.attrib["numDigits"] == "1"  # options 1 and 2: the first key answers
    assert "Yes, start" in gather.attrib["hints"] and "officer" in gather.attrib["hints"]
    assert [(s.text, s.attrib["voice"], s.attrib["language"]) for s in gather] == [
        ("Hello.", "Polly.Amy", "en-GB"),
        ("Shall we start?", "Polly.Amy", "en-GB"),
    ]
    assert silence.text == "Sorry, I did not hear anything."
    assert [s.text for s in again] == ["Shall we start?"]  # only the question again
    assert (goodbye.text, hangup.tag) == ("Goodbye.", "Hangup")


def test_a_free_answer_or_a_long_menu_waits_for_more_than_one_key() -> None:
    services = Rendered("Which service?", tuple(Button(str(n), str(n)) for n in range(1, 13)))
    for reply in (Rendered("What is your name?"), services):
        gather = _verbs(twiml([reply], VOICE, action="a", dialled="d"))[0]
        assert "numDigits" not in gather.attrib


def test_a_reply_that_puts_the_caller_through_dials_and_reports_back() -> None:
    putting = Rendered("Putting you through.", (Button("Talk", "", "tel:+441514960000"),))
    say, dial = _verbs(twiml([putting], VOICE, action="a", dialled="https://x.test/o?turn=5"))
    assert say.text == "Putting you through."
    assert dial.tag == "Dial" and dial.text == "+441514960000"
    assert dial.attrib["action"] == "https://x.test/o?turn=5" and dial.attrib["timeout"] == "30"


def test_officers_answer_in_their_hours_uk_time_summer_and_winter() -> None:
    hours = OfficeHours.parse("Mon-Fri 09:00-17:00, Sat 10:00-12:00")
    assert hours.open_at(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))  # Monday 9:00 GMT
    assert not hours.open_at(datetime(2026, 11, 23, 17, 0, tzinfo=UTC))
    # Monday 6 July, British Summer Time: the hours are the clock on the office wall.
    assert hours.open_at(datetime(2026, 7, 6, 15, 30, tzinfo=UTC))  # 16:30 BST
    assert not hours.open_at(datetime(2026, 7, 6, 16, 30, tzinfo=UTC))  # 17:30 BST
    assert not hours.open_at(datetime(2026, 7, 6, 7, 30, tzinfo=UTC))  # 8:30 BST
    assert hours.open_at(datetime(2026, 7, 6, 8, 30, tzinfo=UTC))  # 9:30 BST
    assert hours.open_at(datetime(2026, 11, 28, 11, 0, tzinfo=UTC))  # Saturday
    assert not hours.open_at(datetime(2026, 11, 29, 11, 0, tzinfo=UTC))  # Sunday
    assert not OfficeHours.parse("").open_at(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))


@pytest.mark.parametrize("written", ["Mon-Fri", "Xyz 09:00-17:00", "Fri-Mon 09:00-17:00"])
def test_hours_that_do_not_read_are_refused_when_the_service_starts(written: str) -> None:
    with pytest.raises(ValidationError, match="office hours"):
        Settings(voice_officer_hours=written, _env_file=None)
