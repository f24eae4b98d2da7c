"""Every page, checked by axe-core in Chromium: no serious or critical accessibility problem.

The demo data puts a Call at every stage, so the officer pages are checked with real content:
tenants' and neighbours' pages on a 360-pixel phone, the back office at 1280 pixels.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import Engine
from sqlmodel import Session, select

from backend import demo
from backend.messaging.uploads import UploadLinks
from backend.models import Appeal, Call, CallStatus, Contact, PanelMeeting, Petition, SupportRequest
from backend.settings import Settings
from backend.store.db import write_session
from tests.browser.conftest import screenshot, serve_app, sign_in_officer
from tests.factories import make_officer

BLOCKING = ("serious", "critical")


def _problems(page: Any) -> list[str]:
    """axe-core's serious and critical findings on the page as it stands, one line each."""
    found = Axe().run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in found
        if v.get("impact") in BLOCKING
    ]


@pytest.fixture
def seeded(settings: Settings, engine: Engine) -> Settings:
    demo.seed(engine, settings)
    return settings


def test_tenant_and_neighbour_pages_on_a_small_phone(
    browser: Any, seeded: Settings, engine: Engine, session: Session
) -> None:
    petition = session.exec(select(Petition).where(Petition.signature_count > 0)).one()
    contact = session.exec(select(Contact)).first()
    assert contact is not None and contact.id is not None
    with serve_app(seeded, engine) as base:
        upload = UploadLinks(seeded.secret_key.get_secret_value(), base, 7).for_contact(
            contact.id, datetime.now(UTC)
        )
        context = browser.new_context(viewport={"width": 360, "height": 740})
        page = context.new_page()
        problems: dict[str, list[str]] = {}
        for name, url in (
            ("home", f"{base}/"),
            ("privacy", f"{base}/privacy"),
            ("chat", f"{base}/chat"),
            ("petition", f"{base}/s/{petition.code}"),
            ("take a signature back", f"{base}/s/{petition.code}/withdraw"),
            ("upload", upload),
            # Each page in Polish and Romanian too (the switch in the header; the lang attribute).
            ("petition in Romanian", f"{base}/s/{petition.code}?lang=ro"),
            ("chat in Polish", f"{base}/chat?lang=pl"),
            ("home in Romanian", f"{base}/?lang=ro"),
        ):
            page.goto(url)
            problems[name] = _problems(page)
        page.goto(f"{base}/chat?lang=en")
        page.get_by_role("button", name="Start").click()
        page.get_by_role("group", name="Choices").wait_for()  # the reply is drawn, with choices
        problems["chat with choices"] = _problems(page)
        context.close()
    assert {name: found for name, found in problems.items() if found} == {}


def test_every_back_office_page_with_calls_at_every_stage(
    browser: Any, seeded: Settings, engine: Engine, session: Session
) -> None:
    references = {c.status: c.reference for c in session.exec(select(Call))}
    by_tenant = {c.tenant_name: c.reference for c in session.exec(select(Call))}
    meeting = session.exec(select(PanelMeeting)).first()
    asked = session.exec(select(SupportRequest)).first()
    assert meeting is not None and asked is not None
    with serve_app(seeded, engine) as base:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(f"{base}/officer/login")
        problems = {"sign in": _problems(page)}
        sign_in_officer(page, demo.DEMO_OFFICER_EMAIL, demo.DEMO_OFFICER_PASSWORD)
        pages = {
            "dashboard": "/officer/",
            "help requested": "/officer/support",
            "one request for help": f"/officer/support/{asked.id}",
            "meetings": "/officer/meetings",
            "agenda": f"/officer/meetings/{meeting.id}/agenda",
            "programme": "/officer/programme",
            "appeals": "/officer/appeals",
            "representatives": "/officer/representatives",
            "reports": "/officer/reports",
            "report to the Business Assurance Committee": "/officer/reports/assurance",
            "accounts": "/officer/accounts",
            "heads of operations": "/officer/heads",
            "performance information": "/officer/performance",
            "privacy": "/officer/privacy",
        }
        for status, reference in references.items():
            pages[f"a Call, {status}"] = f"/officer/calls/{reference}"
        pages["an appeal page"] = f"/officer/calls/{references[CallStatus.NOT_EXHAUSTED]}/appeal"
        pages["signatures"] = (
            f"/officer/calls/{references[CallStatus.COLLECTING_SIGNATURES]}/signatures"
        )
        pages["final report"] = f"/officer/calls/{references[CallStatus.IN_SCRUTINY]}/report"
        # After a report: the Board and EMT, a response to each recommendation, the plan.
        pages["a Call after its report"] = f"/officer/calls/{by_tenant['Nadia Flores']}"
        pages["its final report"] = f"/officer/calls/{by_tenant['Nadia Flores']}/report"
        pages["a serious failure's plan"] = f"/officer/calls/{by_tenant['Rita Shah']}"
        # One problem, one petition: a Call with another joined into it and one like it nearby
        # (the join form), and the Call joined into it (the way to undo the join).
        pages["a Call with the same problem nearby"] = f"/officer/calls/{by_tenant['Sam Jones']}"
        pages["a Call joined into another"] = f"/officer/calls/{by_tenant['Ola Reid']}"
        for name, path in pages.items():
            response = page.goto(base + path)
            assert response is not None and response.status == 200, (name, response)
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            problems[name] = _problems(page)
        # After a move: the confirmation is at the top and has the focus.
        call = references[CallStatus.SUBMITTED]
        page.goto(f"{base}/officer/calls/{call}")
        page.fill("#households", "120")
        page.get_by_role("button", name="Record", exact=True).click()
        page.wait_for_selector("#done")
        assert page.evaluate("document.activeElement.id") == "done"
        assert "The area is recorded." in page.inner_text("#done")
        screenshot(page, "officer-call-after-a-move")
        context.close()
    assert session.exec(select(Appeal)).first() is None  # nothing above lodged an appeal
    assert {name: found for name, found in problems.items() if found} == {}


def test_the_back_office_as_the_board_and_emt_see_it(
    browser: Any, seeded: Settings, engine: Engine, session: Session
) -> None:
    """A viewer's pages: each Call without personal details, the appeals, the final report."""
    with write_session(engine) as writing:
        make_officer(writing, "viewer", email="board-member@example.org")
    references = {c.status: c.reference for c in session.exec(select(Call))}
    by_tenant = {c.tenant_name: c.reference for c in session.exec(select(Call))}
    with serve_app(seeded, engine) as base:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(f"{base}/officer/login")
        sign_in_officer(page, "board-member@example.org")
        pages = {f"a Call, {status}": f"/officer/calls/{ref}" for status, ref in references.items()}
        pages["a Call after its report"] = f"/officer/calls/{by_tenant['Nadia Flores']}"
        pages["its final report"] = f"/officer/calls/{by_tenant['Nadia Flores']}/report"
        pages["appeals"] = "/officer/appeals"
        pages["an appeal page"] = f"/officer/calls/{references[CallStatus.NOT_EXHAUSTED]}/appeal"
        pages["meetings"] = "/officer/meetings"
        problems: dict[str, list[str]] = {}
        for name, path in pages.items():
            response = page.goto(base + path)
            assert response is not None and response.status == 200, (name, response)
            assert "Nadia Flores" not in page.content()
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            problems[name] = _problems(page)
        page.goto(f"{base}/officer/calls/{by_tenant['Nadia Flores']}")
        screenshot(page, "officer-call-as-a-viewer")
        context.close()
    assert {name: found for name, found in problems.items() if found} == {}
