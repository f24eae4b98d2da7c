"""A tenant completes the pro-forma in /chat on a small phone, in real Chromium."""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import Session, select

from backend.models import Call
from conversations.proforma import FORM, Kind, Step
from tests.browser.conftest import answer_in_chat, press_in_chat, screenshot
from tests.factories import KEPT, TYPED


def test_a_tenant_completes_a_call_on_a_360_pixel_phone(
    live_server: str, phone: Any, session: Session
) -> None:
    page = phone
    page.goto(f"{live_server}/chat")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Start").click()
    page.wait_for_selector("text=Shall we start?")
    screenshot(page, "chat-welcome")
    press_in_chat(page, "Yes, start")
    answered: dict[str, str] = {}
    for q in FORM:
        if not q.applies(answered):
            continue
        if q.step == Step.CONTACT_PREFERENCE:
            press_in_chat(page, "Phone me")
        elif q.step == Step.SERVICE_AREA:
            press_in_chat(page, "Repairs")
            answered[q.step.value] = "repairs"
            continue
        elif q.kind == Kind.CHOICE:
            answer_in_chat(page, TYPED[q.step])  # typed numbers work as well as buttons
        else:
            answer_in_chat(page, TYPED[q.step])
            if q.kind in (Kind.LONG_TEXT, Kind.EVIDENCE):
                press_in_chat(page, "Done")
        answered[q.step.value] = KEPT[q.step]
    assert page.locator("text=Please check your answers").is_visible()
    screenshot(page, "chat-review")
    press_in_chat(page, "Send it to the panel")
    last = page.locator("#log li.theirs").nth(-2).inner_text()
    reference = re.search(r"CCS-\d{4}-\d{4}", last)
    assert reference, last
    assert page.get_by_role("link", name="Share the petition").is_visible()
    screenshot(page, "chat-submitted")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    call = session.exec(select(Call)).one()
    assert call.reference == reference.group()
    assert call.service_area == "repairs"


def test_the_chat_works_without_javascript(live_server: str, phone_without_js: Any) -> None:
    page = phone_without_js
    page.goto(f"{live_server}/chat")
    page.get_by_role("button", name="Start").click()
    page.get_by_role("button", name="Yes, start").click()
    page.get_by_label("Your answer").fill("Sam Jones")
    page.get_by_role("button", name="Send").click()
    page.wait_for_selector("text=Question 2 of 11")
    assert page.locator("#log li.mine").last.inner_text().endswith("Sam Jones")


def test_the_chat_is_labelled_for_screen_readers(live_server: str, phone: Any) -> None:
    page = phone
    page.goto(f"{live_server}/chat")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to main content"
    assert page.locator("html").get_attribute("lang") == "en-GB"
    page.get_by_role("button", name="Start").click()
    page.wait_for_selector("#text")
    assert page.locator("#log").get_attribute("aria-live") == "polite"
    assert page.get_by_label("Your answer").is_visible()
    assert page.get_by_role("group", name="Choices").is_visible()
    # After sending, the keyboard continues from the newest message: its privacy link,
    # then its choices.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip().endswith("/privacy")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Yes, start"


def test_a_script_typed_by_a_tenant_runs_nowhere(live_server: str, phone: Any) -> None:
    page = phone
    dialogs: list[str] = []

    def refuse(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", refuse)
    page.goto(f"{live_server}/chat")
    page.get_by_role("button", name="Start").click()
    press_in_chat(page, "Yes, start")
    payload = "<img src=x onerror=alert(1)><script>alert(2)</script>"
    answer_in_chat(page, payload)
    page.reload()
    assert page.locator("#log li.mine").last.inner_text().endswith(payload)
    assert dialogs == []
