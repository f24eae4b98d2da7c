"""A neighbour signs a petition from the share link on a small phone, JavaScript off."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from backend import petitions
from backend.models import CallStatus, Petition
from backend.settings import Settings
from backend.store.db import write_session
from tests.browser.conftest import (
    ask_for_code,
    screenshot,
    serve_with_sms,
    sign_with_code,
    texted_code,
)
from tests.factories import NOW, make_call, make_contact

SIGNER = "+447911000123"


def test_a_neighbour_signs_from_the_share_link_with_the_texted_code(
    browser: Any, settings: Settings, engine: Engine, session: Session
) -> None:
    with write_session(engine) as writing:
        call = make_call(writing, make_contact(writing, "sms", "+447911999999"))
        call.signatories_needed, call.status = 4, CallStatus.COLLECTING_SIGNATURES
        petition = petitions.open_petition(writing, call, settings, NOW)
        petitions.set_target(writing, petition)
        code = petition.code
    with serve_with_sms(settings, engine) as (base, twilio):
        phone = browser.new_context(
            viewport={"width": 360, "height": 740}, java_script_enabled=False
        ).new_page()
        phone.goto(f"{base}/s/{code}")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        assert phone.get_by_label("0 of 4 signatures").get_attribute("value") == "0"
        screenshot(phone, "petition-page")

        # Every validation error sits next to its field.
        phone.get_by_role("button", name="Send me a code").click()
        for field in ("name", "address", "affected", "phone"):
            error = phone.locator(f"#{field}-error")
            assert error.is_visible()
            described = phone.locator(f"#{field}").get_attribute("aria-describedby") or ""
            assert f"{field}-error" in described
        screenshot(phone, "petition-errors")

        ask_for_code(phone, name="Ann Lee", address="3 Elm Road, L30 4TH", mobile="07911 000123")
        confirm_url = phone.url
        # Opening any page of the flow again counts nothing.
        for url in (f"{base}/s/{code}", confirm_url, f"{base}/s/{code}?signed=1"):
            phone.goto(url)
        phone.goto(confirm_url)
        session.rollback()
        assert session.exec(select(Petition)).one().signature_count == 0

        sign_with_code(phone, texted_code(twilio, SIGNER))
        assert phone.get_by_label("1 of 4 signatures").get_attribute("value") == "1"
        screenshot(phone, "petition-signed")

        # The same phone again gets the page anyone gets (it never says who signed), and
        # nothing more is texted.
        sent = len(twilio.bodies(SIGNER))
        phone.goto(f"{base}/s/{code}")
        ask_for_code(phone, name="Ann Lee", address="3 Elm Road, L30 4TH", mobile="07911000123")
        assert phone.get_by_text("If this number can sign this petition").is_visible()
        time.sleep(0.5)
        assert len(twilio.bodies(SIGNER)) == sent
    session.rollback()
    assert session.exec(select(Petition)).one().signature_count == 1


def test_a_neighbour_signs_on_the_romanian_page_and_is_texted_in_romanian(
    browser: Any, settings: Settings, engine: Engine, session: Session
) -> None:
    """Issue 17's "a signer signs on the Romanian signing page": a Romanian browser gets the
    page in Romanian; an English one switches to it with the link in the page's header."""
    with write_session(engine) as writing:
        call = make_call(writing, make_contact(writing, "sms", "+447911999998"))
        call.signatories_needed, call.status = 4, CallStatus.COLLECTING_SIGNATURES
        petition = petitions.open_petition(writing, call, settings, NOW)
        petitions.set_target(writing, petition)
        code = petition.code
    signer = "+447911000124"
    with serve_with_sms(settings, engine) as (base, twilio):
        romanian = browser.new_context(viewport={"width": 360, "height": 740}, locale="ro-RO")
        first = romanian.new_page()
        first.goto(f"{base}/s/{code}")
        assert first.locator("html").get_attribute("lang") == "ro"
        assert first.get_by_role("heading", name="Semnați petiția").is_visible()
        romanian.close()

        english = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB")
        phone = english.new_page()
        phone.goto(f"{base}/s/{code}")
        assert phone.get_by_role("heading", name="Sign the petition").is_visible()
        switch = phone.get_by_role("navigation", name="Language")
        switch.get_by_role("link", name="Română").click()
        phone.get_by_role("heading", name="Semnați petiția").wait_for()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        assert phone.get_by_label("0 din 4 semnături").get_attribute("value") == "0"
        screenshot(phone, "petition-page-romanian")

        phone.get_by_role("button", name="Trimiteți-mi un cod").click()  # nothing filled in
        assert phone.locator("#name-error").inner_text() == "Scrieți numele complet."
        phone.get_by_label("Nume complet").fill("Ana Popescu")
        phone.get_by_label("Adresa sau codul poștal").fill("3 Elm Road, L30 4TH")
        phone.get_by_label("Sunt client sau locatar afectat de asta").check()
        phone.get_by_label("Număr de mobil").fill("07911 000124")
        phone.get_by_role("button", name="Trimiteți-mi un cod").click()
        phone.get_by_label("Cod", exact=True).wait_for()
        assert phone.get_by_role("heading", name="Scrieți codul primit prin SMS").is_visible()

        texted = texted_code(twilio, signer)
        assert twilio.bodies(signer)[-1].startswith("Codul pentru semnarea petitiei:")
        phone.get_by_label("Cod", exact=True).fill(texted)
        phone.get_by_role("button", name="Semnați petiția").click()
        phone.get_by_text("Mulțumim: ați semnat.").wait_for()
        assert phone.get_by_label("1 din 4 semnături").get_attribute("value") == "1"
        screenshot(phone, "petition-signed-romanian")
        english.close()
    session.rollback()
    assert session.exec(select(Petition)).one().signature_count == 1
