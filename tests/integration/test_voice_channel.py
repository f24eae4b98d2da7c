"""The phone line end to end: signed voice webhooks, TwiML played by a fake of Twilio's voice
engine, the real twilio package, texts through the fake REST API, and the back office."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, func, select

from backend.models import Call, Contact, ConversationRecord, Message, SupportRequest
from backend.web.routes.twilio_voice import ANSWER_PATH, VOICE_PATH
from conversations.proforma import Step
from tests.factories import sign_in
from tests.fakes.twilio_api import FakeTwilio
from tests.fakes.twilio_voice import FakeCall, Heard
from tests.integration.conftest import (
    OUR_NUMBER,
    PUBLIC,
    TENANT_PHONE,
    drain,
    services_of,
    signed_post,
    twilio_signature,
)

MONDAY_MORNING = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # officers answer the phone
SUNDAY = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)  # they do not
LANDLINE = "+441514960123"
STATUS_PATH = "/webhooks/twilio/status"
OFFICERS = "+441514960000"  # LANDLORD_PHONE, 0151 496 0000, as Twilio dials it


def at(client: TestClient, moment: datetime) -> None:
    services_of(client).clock = _frozen(moment)


def _frozen(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment


def calling(client: TestClient, fake: FakeTwilio, caller: str = TENANT_PHONE) -> FakeCall:
    """A new call to our number from `caller`."""
    return FakeCall(
        client,
        fake.auth_token,
        account_sid=fake.account_sid,
        caller=caller,
        to=OUR_NUMBER,
        public=PUBLIC,
    )


def kept(call: FakeCall, heard: Heard, answer: str) -> Heard:
    """The answer was read back: check it, then keep it (by key or by word, in turn)."""
    assert "I heard" in heard.text and answer in heard.text, heard.said
    assert "To keep it, say yes, or press 1." in heard.text
    return call.press("1") if len(call.transcript) % 2 else call.say("Yes.")


def count(session: Session, table: type[Message] | type[Contact]) -> int:
    session.commit()  # a fresh look at what the app wrote
    return session.exec(select(func.count()).select_from(table)).one()


def test_a_whole_pro_forma_by_phone_keys_and_speech_with_a_dropped_call(
    app_client: TestClient, fake_twilio: FakeTwilio, session: Session, engine: Engine
) -> None:
    at(app_client, SUNDAY)
    call = calling(app_client, fake_twilio)
    welcome = call.dial_in()
    assert "Community Call for Scrutiny" in welcome.text
    assert "To start, say yes, or press 1." in welcome.text and "http" not in welcome.text
    assert welcome.voices == {("Polly.Amy", "en-GB")}
    assert welcome.gathering is not None
    listening = welcome.gathering.attributes
    assert listening["input"] == "dtmf speech" and listening["language"] == "en-GB"
    assert listening["numDigits"] == "1" and listening["finishOnKey"] == ""

    heard = call.press("1")
    assert "Question 1 of 11. What is your full name?" in heard.text
    assert "Press star to go back, or 0 for a person." in heard.text
    heard = kept(call, call.say("Sam Jones."), "Sam Jones")
    assert "What is your address?" in heard.text and "L 3 0, 4 T H" in heard.text
    heard = kept(call, call.say("12 Elm Road, Bootle, L30 4TH."), "L 3 0, 4 T H")
    assert "For Phone me" in heard.text or "To get a phone call, say phone me" in heard.text
    heard = call.say("Phone me.")
    assert "What phone number should we call you on? Say it, or key it in." in heard.text
    heard = kept(call, call.press("07911123456#"), "0 7 9 1 1, 1 2 3 4 5 6")
    assert "For Repairs, like lights, lifts or door entry, press 5." in heard.text
    assert heard.gathering is not None and "numDigits" not in heard.gathering.attributes
    heard = call.press("5")
    assert "Question 5 of 11. What are you worried about?" in heard.text
    heard = kept(call, call.say("The lift keeps breaking down."), "The lift keeps breaking down")
    assert "If there is more, say it now" in heard.text

    call.hang_up()  # the line drops in the middle of a long answer
    call = calling(app_client, fake_twilio)
    back = call.dial_in()
    assert "We have kept your answers. Let's carry on where you stopped." in back.text
    assert "Question 5 of 11" in back.text and "Community Call" not in back.text

    kept(call, call.say("It has been broken for six weeks."), "six weeks")
    heard = call.press("#")
    assert "Question 6 of 11" in heard.text
    kept(call, call.say("I rang the repairs line four times."), "four times")
    heard = call.press("#")
    assert "complaints procedure" in heard.text
    heard = call.say("Stage 1.")
    assert "complaint reference" in heard.text
    heard = call.say("Skip.")
    assert "What has gone wrong" in heard.text
    kept(call, call.say("Repairs are booked and nobody comes."), "nobody comes")
    heard = call.press("#")
    heard = kept(call, call.say("March 2026."), "March 2026")
    assert "How often does it happen?" in heard.text
    heard = call.press("4")
    assert "affect other people" in heard.text
    heard = call.say("Yes, everyone in the block.")
    assert "Who else is affected" in heard.text
    kept(call, call.say("Everyone in the block, because we share the lift."), "share the lift")
    heard = call.press("#")
    assert "how many households" in heard.text
    heard = kept(call, call.press("24"), "24")

    # Evidence cannot come by phone: post it, or a link by text to the mobile called from.
    assert "They cannot be sent on a phone call. You can post copies to us at" in heard.text
    assert "Or we can text you a link to add them." in heard.text
    heard = call.press("1")
    assert "We will text a link to the number you are calling from" in heard.text
    kept(call, call.say("Letters from the council."), "Letters from the council")
    heard = call.press("#")
    assert "Question 11 of 11" in heard.text
    review = call.press("1")  # collect signatures
    assert "Answer 1, Name, Sam Jones." in review.text
    assert "To send it to the panel, say send, or press 0." in review.text

    sent = call.press("0")
    reference = session.exec(select(Call)).one().reference
    spelled = ", ".join(reference.replace("-", ""))
    assert sent.text.count(spelled) == 2  # slowly, a character at a time, and once again
    assert "at the number you are calling from?" in sent.text
    texting = call.say("Yes please.")
    assert "We will text it to the number you are calling from." in texting.text

    drain(app_client)
    texts = fake_twilio.bodies(TENANT_PHONE)
    assert any("/u/" in text for text in texts)  # the upload link
    assert any(reference in text and "call this number" in text for text in texts)
    assert any("/s/" in text and "Forward this text" in text for text in texts)
    assert {m.to for m in fake_twilio.messages} == {TENANT_PHONE}  # never any other number
    assert {m.from_ for m in fake_twilio.messages} == {OUR_NUMBER}
    # Twilio's delivery report for a text to a caller finds it among the call's messages.
    report = {"MessageSid": fake_twilio.messages[-1].sid, "MessageStatus": "delivered"}
    report["To"] = TENANT_PHONE
    assert signed_post(app_client, STATUS_PATH, report, fake_twilio.auth_token).status_code == 204
    session.commit()  # a fresh look: the worker and the webhook wrote since
    texted = session.exec(
        select(Message).where(Message.provider_message_id == fake_twilio.messages[-1].sid)
    ).one()
    assert (texted.channel, texted.status) == ("voice", "delivered")

    call_row = session.exec(select(Call)).one()
    contact = session.get(Contact, call_row.contact_id)
    assert contact is not None and (contact.channel, contact.address) == ("voice", TENANT_PHONE)
    assert call_row.tenant_name == "Sam Jones" and call_row.postcode == "L30 4TH"
    assert call_row.contact_phone == "+447911123456" and call_row.service_area == "repairs"
    assert call_row.concerns == "The lift keeps breaking down.\nIt has been broken for six weeks."
    assert call_row.complaint_stage == "stage_1" and call_row.failures_frequency == "weekly"
    assert call_row.affected_households == 24 and call_row.route == "petition"
    assert call_row.evidence_notes == "Letters from the council."

    # The back office shows it like any other, made by phone, with what was said.
    at(app_client, datetime.now(UTC))  # signing in reads the time as it is
    officer = TestClient(app_client.app, base_url="https://testserver")  # Secure cookies
    sign_in(officer, engine)
    page = officer.get(f"/officer/calls/{reference}")
    assert page.status_code == 200
    assert "by phone call" in page.text
    assert "It has been broken for six weeks" in page.text  # what the tenant said
    assert "I heard, Sam Jones." in page.text  # what the tenant heard


def test_a_replayed_turn_is_answered_as_before_and_processed_once(
    app_client: TestClient, fake_twilio: FakeTwilio, session: Session
) -> None:
    call = calling(app_client, fake_twilio)
    call.dial_in()
    call.press("1")
    heard = call.say("Sam Jones.")
    messages = count(session, Message)
    again = call.replay()
    assert again.status_code == 200 and "I heard, Sam Jones." in again.text
    assert "turn=3" in again.text  # the same next turn as the first answer gave
    assert count(session, Message) == messages
    record = session.exec(select(ConversationRecord)).one()
    assert record.version == 3  # the welcome, the name question, the read-back: once each
    assert heard.gathering is not None and heard.gathering.action.endswith("turn=3")


def test_forged_voice_webhooks_are_refused_and_store_nothing(
    app_client: TestClient, fake_twilio: FakeTwilio, session: Session
) -> None:
    form = {"CallSid": "CA" + "1" * 32, "From": TENANT_PHONE, "To": OUR_NUMBER}
    for path in (VOICE_PATH, f"{ANSWER_PATH}?turn=1"):
        forged = signed_post(
            app_client, path, {**form, "Digits": "1"}, "not-the-token", signature=None
        )
        assert forged.status_code == 403
        unsigned = app_client.post(path, data=form)
        assert unsigned.status_code == 403
    # Signed for another turn than the one asked: the URL is part of what Twilio signs.
    turn_1 = twilio_signature(f"{ANSWER_PATH}?turn=1", form, fake_twilio.auth_token)
    wrong_turn = signed_post(
        app_client, f"{ANSWER_PATH}?turn=2", form, fake_twilio.auth_token, signature=turn_1
    )
    assert wrong_turn.status_code == 403
    assert count(session, Contact) == 0 and count(session, Message) == 0


def test_in_working_hours_a_caller_is_put_through_or_called_back_if_nobody_answers(
    app_client: TestClient, fake_twilio: FakeTwilio, session: Session
) -> None:
    at(app_client, MONDAY_MORNING)
    call = calling(app_client, fake_twilio)
    call.dial_in()
    call.press("1")
    offered = call.say("Can I speak to someone?")
    assert "Our officers are answering the phone now." in offered.text
    assert "To talk to an officer now, say put me through, or press 1." in offered.text
    putting = call.press("1")
    assert "Putting you through to an officer now." in putting.text
    assert putting.dial == OFFICERS and putting.gathering is None
    asked = session.exec(select(SupportRequest)).one()  # so a dropped line still gets a call
    assert asked.step == Step.NAME.value and asked.reason == "asked"
    nobody = call.officer_line("no-answer")
    assert "Sorry, nobody could answer just now." in nobody.text
    assert "Question 1 of 11" in nobody.text  # and they carry on where they were
    assert nobody.gathering is not None

    talked = calling(app_client, fake_twilio)
    talked.dial_in()
    talked.press("0")
    talked.press("1")
    bye = talked.officer_line("completed")
    assert bye.hung_up and "Thank you for calling" in bye.text


def test_out_of_hours_a_caller_asking_for_a_person_is_called_back(
    app_client: TestClient, fake_twilio: FakeTwilio, session: Session
) -> None:
    at(app_client, SUNDAY)
    call = calling(app_client, fake_twilio)
    call.dial_in()
    call.press("1")
    asked = call.press("0")
    assert "We have asked an officer to contact you" in asked.text and asked.dial is None
    assert session.exec(select(SupportRequest)).one().reason == "asked"
    at(app_client, datetime.now(UTC))  # signing in reads the time as it is
    officer = TestClient(app_client.app, base_url="https://testserver")  # Secure cookies
    sign_in(officer, services_of(app_client).engine)
    support = officer.get(f"/officer/support/{session.exec(select(SupportRequest)).one().id}")
    assert "Call them back on " + TENANT_PHONE in support.text


def test_a_silent_line_hears_the_question_again_then_goodbye_and_its_answers_are_kept(
    app_client: TestClient, fake_twilio: FakeTwilio
) -> None:
    call = calling(app_client, fake_twilio)
    call.dial_in()
    question = call.press("1")
    again = call.stay_silent()
    assert again.said[0] == "Sorry, I did not hear anything."
    assert again.said[1] == question.said[-1] and again.gathering is not None
    bye = call.stay_silent()
    assert bye.hung_up and "Call us again any time" in bye.text
    back = calling(app_client, fake_twilio).dial_in()
    assert "Question 1 of 11" in back.text


def test_a_landline_caller_is_never_offered_a_text(
    app_client: TestClient, fake_twilio: FakeTwilio, session: Session
) -> None:
    call = calling(app_client, fake_twilio, caller=LANDLINE)
    call.dial_in()
    call.press("1")
    heard = call.say("Sam Jones.")
    call.press("1")
    assert "I heard, Sam Jones." in heard.text
    record = session.exec(select(ConversationRecord)).one()
    assert '"texts":false' in record.state.replace(" ", "")


def test_a_hidden_number_is_told_kindly_and_nothing_is_kept(
    app_client: TestClient, fake_twilio: FakeTwilio, session: Session
) -> None:
    heard = calling(app_client, fake_twilio, caller="anonymous").dial_in()
    assert "we cannot see your phone number" in heard.text and heard.hung_up
    assert count(session, Contact) == 0
    assert not session.exec(select(Message).where(col(Message.channel) == "voice")).first()
