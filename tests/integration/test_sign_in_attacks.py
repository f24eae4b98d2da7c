"""What an attacker tried against the back office's sign-in, closed.

Five wrong passwords from anywhere used to lock any officer (a manager included) for 15
minutes, and the sixth reply differed for real accounts. Now failures are counted per client
and per client and account, in the database, so the officer's own connection still works.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from backend.app import create_app
from backend.models import AuditEntry
from backend.settings import Settings
from backend.store.db import write_session
from tests.factories import PASSWORD, make_officer, post_login

ATTACKER = "203.0.113.9"
OFFICE = "198.51.100.20"


def _from(app: Any, host: str) -> TestClient:
    """The back office reached from `host` (https, as its cookies are Secure there)."""
    return TestClient(app, base_url="https://testserver", client=(host, 40000))


def _manager(engine: Engine, email: str = "manager@example.org") -> str:
    with write_session(engine) as writing:
        make_officer(writing, "manager", email=email)
    return email


@pytest.fixture
def app(settings: Settings, engine: Engine) -> Iterator[Any]:
    """The app with small limits: 2 failures per client and account, 6 per client."""
    strict = Settings(
        **{**settings.model_dump(), "sign_in_failures": {"client": 6, "client_account": 2}},
        _env_file=None,
    )
    with TestClient(create_app(strict, engine)) as running:
        yield running.app


def test_wrong_passwords_from_elsewhere_never_lock_the_officer_out_of_their_own_connection(
    client: TestClient, engine: Engine
) -> None:
    email = _manager(engine)
    attacker = _from(client.app, ATTACKER)
    for _ in range(7):
        assert post_login(attacker, email, "wrong-password-here").status_code == 401
    assert post_login(attacker, email, PASSWORD).status_code == 401  # held from there
    assert post_login(_from(client.app, OFFICE), email, PASSWORD).status_code == 303


def test_every_refusal_reads_the_same_for_real_and_unknown_accounts_throttled_or_not(
    app: Any, engine: Engine
) -> None:
    real = _manager(engine)
    attacker = _from(app, ATTACKER)
    answers = {}
    for email in (real, "nobody@example.org"):
        replies = [post_login(attacker, email, "wrong-password-here") for _ in range(6)]
        answers[email] = [(r.status_code, _error(r.text)) for r in replies]
    assert answers[real] == answers["nobody@example.org"]
    assert {status for status, _ in answers[real]} == {401}


def _error(page: str) -> str:
    start = page.index('id="login-error">') + len('id="login-error">')
    return page[start : page.index("</p>", start)]


def test_one_client_guessing_across_many_accounts_is_held_back(app: Any, engine: Engine) -> None:
    real = _manager(engine)
    attacker = _from(app, ATTACKER)
    for n in range(6):  # one or two guesses at each of six accounts
        assert post_login(attacker, f"guess-{n}@example.org", "password1").status_code == 401
    assert post_login(attacker, real, PASSWORD).status_code == 401
    assert post_login(_from(app, OFFICE), real, PASSWORD).status_code == 303


def test_the_limits_hold_across_server_processes(
    settings: Settings, engine: Engine, app: Any
) -> None:
    """Counted in the database: a second process sees the first one's failures."""
    email = _manager(engine)
    strict = Settings(
        **{**settings.model_dump(), "sign_in_failures": {"client": 6, "client_account": 2}},
        _env_file=None,
    )
    with TestClient(create_app(strict, engine)) as other:
        first, second = _from(app, ATTACKER), _from(other.app, ATTACKER)
        assert post_login(first, email, "wrong-password-1").status_code == 401
        assert post_login(second, email, "wrong-password-2").status_code == 401
        assert post_login(first, email, PASSWORD).status_code == 401
        assert post_login(second, email, PASSWORD).status_code == 401


def test_failures_and_holds_are_logged_and_audited_with_the_client_address(
    app: Any, engine: Engine, session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    email = _manager(engine)
    attacker = _from(app, ATTACKER)
    with caplog.at_level(logging.INFO):
        for _ in range(2):
            post_login(attacker, email, "wrong-password-here")
    entries = session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()  # type: ignore[arg-type]
    assert [e.action for e in entries] == ["sign_in_failed", "sign_in_failed", "sign_in_held"]
    assert all(ATTACKER in e.detail for e in entries)
    assert all(e.subject.startswith("officer ") for e in entries)
    failed = [r.getMessage() for r in caplog.records if "sign-in" in r.getMessage()]
    assert failed and all(ATTACKER in line for line in failed)
    assert "wrong-password-here" not in caplog.text


def test_passwords_are_checked_while_no_database_connection_is_held(
    client: TestClient, engine: Engine
) -> None:
    """An argon2 check takes ~200 ms: inside the write transaction it held every tenant's
    message back (twelve connections guessing raised the median SMS reply from 39 to 426 ms).

    A profiler hook sees argon2's verify and hash being called (the library, not our code) and
    notes how many database connections were checked out of the pool at that moment.
    """
    email = _manager(engine)
    held: list[int] = []

    def watch(frame: FrameType, event: str, _arg: object) -> None:
        if (
            event == "call"
            and frame.f_globals.get("__name__") == "argon2._password_hasher"
            and frame.f_code.co_name in ("verify", "hash")
        ):
            held.append(engine.pool.checkedout())  # type: ignore[attr-defined]

    threading.setprofile(watch)
    try:
        # A client of its own: its request threads start now, so they carry the hook.
        browser = _from(client.app, OFFICE)
        assert post_login(browser, email, "wrong-password-here").status_code == 401
        assert post_login(browser, email, PASSWORD).status_code == 303
    finally:
        threading.setprofile(None)
    assert len(held) >= 2, "argon2 was never seen checking a password"
    assert set(held) == {0}


def test_a_manager_unlocking_an_account_lifts_its_holds_everywhere(
    app: Any, engine: Engine, session: Session
) -> None:
    from backend.models import Officer
    from tests.factories import sign_in

    email = "forgetful@example.org"
    with write_session(engine) as writing:
        make_officer(writing, "officer", email=email)
    office = _from(app, OFFICE)
    for _ in range(2):
        assert post_login(office, email, "not-my-password").status_code == 401
    assert post_login(office, email, PASSWORD).status_code == 401  # held back
    manager = _from(app, "192.0.2.50")
    csrf = sign_in(manager, engine, "manager")
    officer_id = session.exec(select(Officer).where(Officer.email == email)).one().id
    unlocked = manager.post(
        "/officer/accounts", data={"csrf": csrf, "action": "unlock", "officer_id": officer_id}
    )
    assert unlocked.status_code == 200
    assert post_login(office, email, PASSWORD).status_code == 303
