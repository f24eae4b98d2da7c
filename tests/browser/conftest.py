"""A live server on a free port and a real Chromium (Debian's) driven by Playwright, and the
steps several browser tests take: an officer signing in, a neighbour signing on the page."""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import Engine

from backend.app import create_app
from backend.settings import Settings
from tests.factories import PASSWORD
from tests.fakes.twilio_api import FakeTwilio
from tests.serving import free_port

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests need Chromium: skipped without it, unless REQUIRE_BROWSER=1 (CI)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            if not Path(CHROMIUM).exists() and not os.environ.get("REQUIRE_BROWSER"):
                item.add_marker(pytest.mark.skip(reason="no Chromium at " + CHROMIUM))


@pytest.fixture
def live_server(settings: Settings, engine: Engine) -> Iterator[str]:
    """The app served by uvicorn on 127.0.0.1 at a free port."""
    with serve_app(settings, engine) as base:
        yield base


@contextmanager
def serve_app(settings: Settings, engine: Engine, **changes: object) -> Iterator[str]:
    """Serves the app with `settings` (plus `changes`) at a free port; yields its URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    served = Settings(
        **{**settings.model_dump(), "public_base_url": base, **changes}, _env_file=None
    )
    app = create_app(served, engine)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("live server did not start")
        time.sleep(0.05)
    yield base
    server.should_exit = True
    thread.join(timeout=10)


@contextmanager
def serve_with_sms(settings: Settings, engine: Engine) -> Iterator[tuple[str, FakeTwilio]]:
    """The app with its outbox worker, its texts going to a local fake Twilio; yields the
    app's URL and the fake, which holds every text sent."""
    twilio = FakeTwilio()
    with (
        twilio.running(),
        serve_app(
            settings,
            engine,
            outbox_worker=True,
            twilio_account_sid=twilio.account_sid,
            twilio_auth_token=twilio.auth_token,
            twilio_from_number="+447700900000",
            twilio_api_base_url=twilio.base_url,
        ) as base,
    ):
        yield base, twilio


def answer_in_chat(page: Any, text: str) -> None:
    """Types `text` in the web chat and waits for the reply."""
    replies = page.locator("#log li.theirs").count()
    page.get_by_label("Your answer").fill(text)
    page.get_by_label("Your answer").press("Enter")
    # A locator, not wait_for_function: that evaluates a string, which our CSP forbids.
    page.locator("#log li.theirs").nth(replies).wait_for(timeout=10_000)


def press_in_chat(page: Any, label: str) -> None:
    """Presses the web chat's button `label` and waits for the reply."""
    replies = page.locator("#log li.theirs").count()
    page.get_by_role("button", name=label, exact=True).click()
    page.locator("#log li.theirs").nth(replies).wait_for(timeout=10_000)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium, headless; closed after each module, because Playwright's sync API
    keeps an event loop running that async tests elsewhere must not inherit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser: object) -> Iterator[object]:
    """A page the size of a small phone (360 x 740)."""
    context = browser.new_context(viewport={"width": 360, "height": 740})  # type: ignore[attr-defined]
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_without_js(browser: object) -> Iterator[object]:
    """A small phone with JavaScript turned off."""
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 360, "height": 740}, java_script_enabled=False
    )
    page = context.new_page()
    yield page
    context.close()


def screenshot(page: object, name: str) -> None:
    """Keeps a picture of the page under var/screenshots for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def sign_in_officer(page: Any, email: str, password: str = PASSWORD) -> None:
    """Signs an officer in on the sign-in form `page` shows, and waits for the dashboard."""
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Dashboard", exact=True).wait_for()


def ask_for_code(page: Any, *, name: str, address: str, mobile: str) -> None:
    """Fills in the signing page `page` shows (a resident affected) and sends it, which texts
    `mobile` a code; waits for the page that asks for the code."""
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Address or postcode").fill(address)
    page.get_by_label("I am a customer or resident affected by this").check()
    page.get_by_label("Mobile number").fill(mobile)
    page.get_by_role("button", name="Send me a code").click()
    page.get_by_label("Code").wait_for()


def texted_code(twilio: FakeTwilio, phone: str) -> str:
    """The signing code in the newest text to `phone` at the fake Twilio, once one has come (the
    outbox worker sends it)."""
    deadline = time.monotonic() + 15
    while not twilio.bodies(phone):
        if time.monotonic() > deadline:
            raise AssertionError("no code was texted")
        time.sleep(0.1)
    found = re.search(r"(\d{6})", twilio.bodies(phone)[-1])
    assert found
    return found.group(1)


def sign_with_code(page: Any, code: str) -> None:
    """Types the texted `code` on the page that asks for it, signs, and waits for the thanks."""
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Sign the petition").click()
    page.get_by_text("Thank you: you have signed.").wait_for()
