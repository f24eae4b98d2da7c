"""A tenant in the web chat is offered a neighbour's petition about the same problem and signs
it on the signing page, keeping their own answers (issue 15), on a small phone in Chromium."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from backend import petitions
from backend.models import CallStatus, Petition, Signature
from backend.settings import Settings
from backend.store.db import write_session
from tests.browser.conftest import (
    answer_in_chat,
    ask_for_code,
    press_in_chat,
    screenshot,
    serve_with_sms,
    sign_with_code,
    texted_code,
)
from tests.factories import NOW, make_call, make_contact

SIGNER = "+447911000124"
SUMMARY = "The lift at Maple House breaks down every week and people upstairs are stuck."


def test_a_tenant_in_the_web_chat_is_offered_a_neighbours_petition_and_signs_it(
    browser: Any, settings: Settings, engine: Engine, session: Session
) -> None:
    with write_session(engine) as writing:
        call = make_call(
            writing,
            make_contact(writing, "sms", "+447911999999"),
            service_area="repairs",
            concerns="The lift at Maple House keeps breaking down.",
            address="3 Maple House, Bootle L30 4TH",
        )
        call.signatories_needed, call.status = 4, CallStatus.COLLECTING_SIGNATURES
        petition = petitions.open_petition(writing, call, settings, NOW)
        petitions.set_target(writing, petition)
        petitions.describe(petition, SUMMARY)  # an officer's public words
        reference, code = call.reference, petition.code
    with serve_with_sms(settings, engine) as (base, twilio):
        page = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
        page.goto(f"{base}/chat")
        page.get_by_role("button", name="Start").click()
        page.wait_for_selector("text=Shall we start?")
        press_in_chat(page, "Yes, start")
        answer_in_chat(page, "Bea Tenant")
        answer_in_chat(page, "9 Maple House, Bootle L30 4TH")
        answer_in_chat(page, "1")  # write to me here
        press_in_chat(page, "Repairs")
        answer_in_chat(page, "lift broken again in maple house")
        press_in_chat(page, "Done")

        offer = page.locator("#log li.theirs").last.inner_text()
        assert "A neighbour near L30 4 has already asked the panel to look at this" in offer
        assert reference in offer and SUMMARY in offer and "Maple House, Bootle" not in offer
        screenshot(page, "chat-similar-offer")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        press_in_chat(page, "Sign that petition")
        link = page.get_by_role("link", name=f"{base}/s/{code}")
        assert link.is_visible()
        signing_url = link.get_attribute("href")
        assert "Your own answers are kept" in page.locator("#log li.theirs").last.inner_text()

        signing = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
        signing.goto(signing_url)
        ask_for_code(
            signing,
            name="Bea Tenant",
            address="9 Maple House, Bootle L30 4TH",
            mobile="07911 000124",
        )
        sign_with_code(signing, texted_code(twilio, SIGNER))

        # Back in the chat, their own Call carries on from where they were.
        press_in_chat(page, "Carry on with my own")
        assert "Question 6 of 11" in page.locator("#log li.theirs").last.inner_text()
    session.rollback()
    assert session.exec(select(Petition)).one().signature_count == 1
    assert session.exec(select(Signature.name)).one() == "Bea Tenant"
