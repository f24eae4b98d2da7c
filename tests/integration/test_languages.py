"""A tenant in Polish over SMS, from the first text to the panel's decision; Romanian signers;
officers seeing the language (issue 17's "done means")."""

from __future__ import annotations

from datetime import timedelta

from babel.dates import format_date
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from backend import petitions
from backend.casework.decisions import Grounds
from backend.casework.workflow import Workflow
from backend.messaging.notify import Notifier
from backend.models import Call, Contact, Decision, Direction, Message, PanelMeeting
from backend.settings import Settings
from backend.store.db import write_session
from bot.sms_text import is_gsm7, segments, sms_safe
from conversations.proforma import FORM, Kind, Step
from tests.factories import TYPED, make_call, make_contact, make_officer, sign_in
from tests.fakes.twilio_api import FakeTwilio
from tests.integration.conftest import (
    TENANT_PHONE,
    Phone,
    ask_for_code,
    drain,
    services_of,
)

# What a Polish speaker types at each question: their own words for the options (no numbers),
# and free text with Polish letters, which must be kept exactly as written.
POLISH: dict[Step, str] = {
    **TYPED,
    Step.CONTACT_PREFERENCE: "tutaj",
    Step.SERVICE_AREA: "naprawy",
    Step.CONCERNS: "Winda psuje się co tydzień, a sąsiadka z ósmego piętra nie wychodzi z domu.",
    Step.COMPLAINT_STAGE: "nie",
    Step.FAILURES_FREQUENCY: "co tydzien",
    Step.OTHERS_AFFECTED: "tak",
    Step.ROUTE: "petycja",
}


# How the Polish answers are kept (the options' own values).
STORED = {
    Step.CONTACT_PREFERENCE: "here",
    Step.SERVICE_AREA: "repairs",
    Step.COMPLAINT_STAGE: "none",
    Step.FAILURES_FREQUENCY: "weekly",
    Step.OTHERS_AFFECTED: "yes",
    Step.ROUTE: "petition",
}


def _texted(fake: FakeTwilio) -> list[str]:
    return fake.bodies(TENANT_PHONE)


def test_a_tenant_makes_a_call_in_polish_by_sms_and_hears_the_decision_in_polish(
    app_client: TestClient, fake_twilio: FakeTwilio, session: Session, channel_settings: Settings
) -> None:
    phone = Phone(app_client, fake_twilio)
    (welcome,) = phone.text("Dzień dobry")
    # The first message offers each language in a line its speakers recognise.
    assert "Po polsku: napisz POLSKI" in welcome and "In romana: scrieti ROMANA" in welcome
    (again,) = phone.text("POLSKI")
    assert "Zaczynamy?" in again and "1 Tak, zaczynamy" in again and "2 Nie teraz" in again
    replies = phone.text("tak")
    every_reply = [welcome, again, *replies]
    answered: dict[str, str] = {}
    for q in FORM:
        if not q.applies(answered):
            continue
        assert any(f"Pytanie {q.number} z" in r for r in replies), (q.step, replies)
        if q.step == Step.EVIDENCE:
            assert any("Aby dodac zdjecia" in r for r in replies), replies  # the upload link
            replies = phone.text("gotowe")
        else:
            replies = phone.text(POLISH[q.step])
        if q.kind == Kind.LONG_TEXT:
            replies = phone.text("gotowe")
        answered[q.step.value] = STORED.get(q.step, POLISH[q.step])
        every_reply += replies
    assert any("Sprawdz odpowiedzi" in r for r in replies), replies
    done = phone.text("wyślij")  # "send", with its Polish letter
    every_reply += done
    call = session.exec(select(Call)).one()
    assert any(f"Numer sprawy: {call.reference}" in r for r in done), done
    # Texted without diacritics, each within three GSM-7 segments.
    for reply in every_reply:
        assert is_gsm7(reply) and segments(reply) <= 3, reply
    # What the tenant wrote is kept as written, Polish letters and all.
    assert call.concerns == POLISH[Step.CONCERNS]
    assert call.service_area == "repairs" and call.route == "petition"
    logged = session.exec(select(Message.body).where(Message.direction == Direction.IN.value)).all()
    assert POLISH[Step.CONCERNS] in logged and "wyślij" in logged
    contact = session.exec(select(Contact).where(Contact.address == TENANT_PHONE)).one()
    assert contact.language == "pl"

    # The panel takes it straight onto a meeting's agenda and decides, in the back office's
    # own workflow (English for officers); every message to the tenant goes in Polish.
    services = services_of(app_client)
    meeting_day = services.now() + timedelta(days=7)
    with write_session(services.engine) as writing:
        writing.add(PanelMeeting(held_on=meeting_day.date(), location="Bootle"))
        panel = make_officer(writing, "panel", email="panel-pl@example.org", name="Pat Panel")
        ours = writing.get_one(Call, call.id)
        Workflow(services.notifier(writing), panel, settings=channel_settings).accept_pro_forma(
            ours, "The lift serves a tower block."
        )
        at_meeting = Notifier(writing, services.renderer, meeting_day)
        Workflow(at_meeting, panel, settings=channel_settings).decide(
            ours,
            Decision.ACCEPTED,
            Grounds("The lift fails every week.", "persistent", "none"),
        )
    services.clock = lambda: meeting_day  # the decision is sent on the meeting's day
    drain(app_client)
    texted = _texted(fake_twilio)
    assert any(f"Twoja sprawa {call.reference}: panel zajmie sie nia" in t for t in texted)
    # The meeting's date in Polish words too ("wtorek 8 grudnia 2026").
    day = sms_safe(format_date(meeting_day, "EEEE d MMMM y", locale="pl"))
    assert any(f"Termin: {day}." in t for t in texted), texted
    decision = next(t for t in texted if "Dobra wiadomosc" in t)
    assert f"panel przyjal Twoja sprawe {call.reference}" in decision
    assert "The lift fails every week." in decision  # the panel's own words, as written
    assert all(is_gsm7(t) and segments(t) <= 3 for t in texted)

    # Officers see the language on the Call, and the conversation as it was written.
    office = TestClient(app_client.app, base_url="https://testserver")  # its cookies are Secure
    sign_in(office, services.engine, "officer")
    page = office.get(f"/officer/calls/{call.reference}").text
    assert "<dt>Language</dt><dd>Polish" in page
    assert "messages, in Polish)" in page
    assert "sąsiadka z ósmego piętra" in page


def test_language_changes_any_time_and_english_words_still_work(
    app_client: TestClient, fake_twilio: FakeTwilio
) -> None:
    phone = Phone(app_client, fake_twilio)
    phone.text("Hello")
    (menu,) = phone.text("LANGUAGE")
    assert "1 English" in menu and "2 Polski" in menu and "3 Romana" in menu
    chosen = phone.reply("3")
    assert "Buna ziua" in chosen and "Incepem?" in chosen  # the welcome again, in Romanian
    asked = phone.reply("yes")  # English words work in every language
    assert "Intrebarea 1 din" in asked
    back = phone.reply("english")
    assert "we will write in English" in back and "Question 1 of" in back
    assert "Pytanie 1 z" in phone.reply("jezyk polski")


def test_a_signer_on_the_romanian_page_is_texted_in_romanian(
    app_client: TestClient, fake_twilio: FakeTwilio, session: Session, channel_settings: Settings
) -> None:
    services = services_of(app_client)
    with write_session(services.engine) as writing:
        call = make_call(writing, make_contact(writing, address="tenant-ro"))
        petition = petitions.open_petition(writing, call, channel_settings, services.now())
        code = petition.code
    app_client.headers["Accept-Language"] = "ro-RO,ro;q=0.9,en;q=0.5"  # a Romanian browser
    page = app_client.get(f"/s/{code}")
    assert '<html lang="ro">' in page.text and "Semnați petiția" in page.text
    assert 'href="?lang=en"' in page.text and ">English</a>" in page.text
    confirm = ask_for_code(app_client, code, phone="07911 000002", name="Ana Popescu")
    drain(app_client)
    (texted,) = fake_twilio.bodies("+447911000002")
    assert texted.startswith("Codul pentru semnarea petitiei:"), texted
    assert "Scrieți codul primit prin SMS" in app_client.get(confirm).text
    signer = session.exec(select(Contact).where(Contact.address == "+447911000002")).one()
    assert signer.language == "ro"
