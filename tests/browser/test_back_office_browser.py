"""An officer runs a Call from the back office in Chromium; the tenant hears by SMS."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from backend.models import PanelMeeting
from backend.settings import Settings
from backend.store.db import write_session
from tests.browser.conftest import (
    screenshot,
    serve_with_sms,
    sign_in_officer,
)
from tests.factories import make_call, make_contact, make_officer

TENANT = "+447911123456"


def _wait_for(predicate: Any, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.1)


def test_an_officer_takes_a_call_to_a_decision_and_the_tenant_is_told_by_sms(
    browser: Any, settings: Settings, engine: Engine, session: Session
) -> None:
    with write_session(engine) as writing:
        make_officer(writing, "manager", email="dana@example.org", name="Dana Rivers")
        call = make_call(writing, make_contact(writing, "sms", TENANT), name="Sam Jones")
        reference = call.reference
        from tests.factories import NOW

        writing.add(PanelMeeting(held_on=NOW.date() + timedelta(days=400), location="Bootle"))
    with serve_with_sms(settings, engine) as (base, twilio):
        page = browser.new_context(viewport={"width": 1024, "height": 900}).new_page()
        page.goto(f"{base}/officer/")
        sign_in_officer(page, "dana@example.org")
        page.get_by_role("heading", name="New Calls: advice needed").wait_for()
        page.get_by_role("link", name=reference).first.click()
        page.get_by_role("heading", name="What happens next").wait_for()

        page.get_by_label("Assign an officer to help the tenant").select_option(label="Dana Rivers")
        page.get_by_role("button", name="Assign").click()
        page.get_by_text("An officer is helping gather evidence").first.wait_for()

        page.get_by_label("Signatures needed for the petition").fill("40")
        page.get_by_role("button", name="Set and tell the tenant").click()
        page.get_by_text("Collecting signatures").first.wait_for()

        # None of the 40 signatures yet: only accepting the pro-forma takes it to the panel.
        page.get_by_label(re.compile("Accept the pro-forma as the Call")).fill(
            "The lift has been out for a month in a tower block."
        )
        page.get_by_role("button", name="Accept for the panel").click()
        page.get_by_text("On the agenda of the next panel meeting").first.wait_for()

        page.get_by_role("radio", name="Other avenues first").check()
        page.get_by_role("radio", name="A persistent failure of service").check()
        page.get_by_role("radio", name="Complaint made, stage 1").check()
        page.get_by_label("Reasons (the tenant is told these)").fill(
            "You have not yet used stage 2 of the complaints procedure."
        )
        page.get_by_label(re.compile("which one")).fill("Ask for a stage 2 review first.")
        # The meeting is a year away: the manager records the decision early, with a reason.
        page.get_by_label("Why record it before the meeting?").fill("The panel met early")
        page.get_by_role("button", name="Record the decision and tell the tenant").click()
        page.get_by_text("Decided: other ways to sort it out first").first.wait_for()
        screenshot(page, "officer-call-decided")

        _wait_for(lambda: any("appeal" in b for b in twilio.bodies(TENANT)))
    bodies = twilio.bodies(TENANT)
    assert any("Sam" not in b and "officer" in b for b in bodies)  # officer assigned
    assert any("40 signatures" in b for b in bodies)
    assert any("meeting on" in b for b in bodies)
    appeal = next(b for b in bodies if "appeal" in b)
    assert re.search(r"you can appeal by \w+day \d+ \w+ 20\d\d", appeal)
    assert f"APPEAL {reference}" in appeal and "write to: Customer Empowerment Manager" in appeal


def test_a_script_in_any_tenant_answer_runs_nowhere_in_the_back_office(
    browser: Any, live_server: str, engine: Engine
) -> None:
    payload = "<img src=x onerror=alert(1)><script>alert(2)</script>"
    with write_session(engine) as writing:
        make_officer(writing, "panel", email="pat@example.org")
        contact = make_contact(writing, "web", "visitor-x")
        call = make_call(
            writing,
            contact,
            name=payload,
            concerns=payload,
            actions_taken=payload,
            failures=payload,
            failures_since=payload,
            affected_who=payload,
            complaint_reference=payload[:40],
            service_area="other",
            service_area_other=payload[:100],
            address="L30 4TH " + payload,
        )
        reference = call.reference
    page = browser.new_context().new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    page.goto(f"{live_server}/officer/login")
    sign_in_officer(page, "pat@example.org")
    page.goto(f"{live_server}/officer/calls/{reference}")
    page.get_by_role("heading", name="The pro-forma and evidence").click()  # unfold it
    assert payload in page.locator("dl.answers").inner_text()
    page.goto(f"{live_server}/officer/?q=L30")
    assert dialogs == []
