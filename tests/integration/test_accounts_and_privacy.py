"""Managers' pages: officer accounts, subject access, erasure, and the retention job."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from backend.messaging import outbox
from backend.models import (
    AuditEntry,
    Call,
    CallStatus,
    Contact,
    ConversationRecord,
    Direction,
    Evidence,
    Message,
    MessageStatus,
    Officer,
    OfficerSession,
)
from backend.people import privacy, subject_access
from backend.settings import Settings
from backend.store.db import make_engine, write_session
from backend.store.migrate import upgrade
from bot.render import Rendered
from conversations import Conversation, Step
from tests.factories import (
    NOW,
    PASSWORD,
    make_call,
    make_contact,
    make_officer,
    post_login,
    sign_in,
)

PHONE = "+447911123456"
NAME = "Sam Jones"  # the name tests.factories gives every Call


def reread(session: Session) -> None:
    """Forgets what the session has loaded, so the next reads see what the app wrote.

    A rollback alone is not enough: with no transaction open it expires nothing, and the
    session would hand back the objects it already holds.
    """
    session.rollback()
    session.expire_all()


def audit_entries(session: Session, action: str) -> list[AuditEntry]:
    reread(session)
    return list(session.exec(select(AuditEntry).where(AuditEntry.action == action)).all())


def manager_id(session: Session) -> int:
    reread(session)
    officer = session.exec(select(Officer).where(Officer.role == "manager")).one()
    assert officer.id is not None
    return officer.id


def tenant(session: Session, evidence_dir: Path) -> tuple[Contact, Call, Path]:
    """A tenant on SMS with a Call, a conversation, messages both ways and a photo on disk."""
    contact = make_contact(session, "sms", PHONE)
    call = make_call(session, contact)
    assert contact.id is not None and call.id is not None
    session.add(
        Message(
            contact_id=contact.id,
            channel="sms",
            direction=Direction.IN,
            body="My name is Sam Jones and the lift is broken",
            status=MessageStatus.RECEIVED,
            created_at=NOW,
        )
    )
    session.add(
        Message(
            contact_id=contact.id,
            channel="sms",
            direction=Direction.OUT,
            body="Thank you Sam, we have your Call",
            status=MessageStatus.SENT,
            created_at=NOW,
        )
    )
    state = Conversation(step=Step.ADDRESS, answers={"name": NAME}, welcomed=True)
    session.add(
        ConversationRecord(
            contact_id=contact.id,
            step=Step.ADDRESS.value,
            state=state.to_json(),
            created_at=NOW,
            updated_at=NOW,
        )
    )
    photo = evidence_dir / str(contact.id) / "lift.jpg"
    photo.parent.mkdir(parents=True, exist_ok=True)
    photo.write_bytes(b"\xff\xd8\xff fake jpeg")
    session.add(
        Evidence(
            contact_id=contact.id,
            call_id=call.id,
            channel_ref="upload:broken-lift.jpg",
            content_type="image/jpeg",
            stored_path=f"{contact.id}/lift.jpg",
            size_bytes=16,
            created_at=NOW,
            fetched_at=NOW,
        )
    )
    session.commit()
    return contact, call, photo


# -- who may reach the pages -------------------------------------------------------------


@pytest.mark.parametrize("role", ["officer", "panel", "viewer"])
def test_only_managers_reach_accounts_and_privacy(
    client: TestClient, engine: Engine, session: Session, role: str
) -> None:
    contact = make_contact(session, "sms", PHONE)
    session.commit()
    csrf = sign_in(client, engine, role)
    for path in (
        "/officer/accounts",
        "/officer/privacy",
        f"/officer/privacy/contacts/{contact.id}/export",
    ):
        assert client.get(path).status_code == 403, path
    posts = {
        "/officer/accounts": {"action": "add", "name": "Eve", "email": "eve@example.org"},
        "/officer/privacy": {"q": PHONE},
        f"/officer/privacy/contacts/{contact.id}/erase": {"confirm": "yes"},
        "/officer/privacy/retention": {},
    }
    for path, data in posts.items():
        assert client.post(path, data={"csrf": csrf, **data}).status_code == 403, path
    reread(session)
    assert session.get(Contact, contact.id).address == PHONE  # type: ignore[union-attr]
    assert session.exec(select(AuditEntry)).all() == []


def test_a_manager_sees_both_pages(client: TestClient, engine: Engine) -> None:
    sign_in(client, engine, "manager")
    accounts = client.get("/officer/accounts")
    assert accounts.status_code == 200
    assert "<caption>" in accounts.text and '<label for="password">' in accounts.text
    privacy_page = client.get("/officer/privacy")
    assert privacy_page.status_code == 200
    assert "Audit log" in privacy_page.text and "730 days" in privacy_page.text


# -- accounts ------------------------------------------------------------------------------


def test_a_manager_adds_an_officer_who_can_then_sign_in(
    client: TestClient, engine: Engine, session: Session
) -> None:
    csrf = sign_in(client, engine, "manager")
    new = {
        "csrf": csrf,
        "action": "add",
        "name": "Priya Shah",
        "email": "Priya@Example.org",
        "role": "panel",
    }
    short = client.post("/officer/accounts", data={**new, "password": "too-short"})
    assert short.status_code == 422
    assert 'role="alert"' in short.text and "at least 12 characters" in short.text
    assert 'value="Priya Shah"' in short.text  # what was typed is kept, the password is not
    assert "too-short" not in short.text

    added = client.post(
        "/officer/accounts",
        data={**new, "password": "a-good-long-password"},
        follow_redirects=False,
    )
    assert added.status_code == 303
    assert "They can sign in now" in client.get(added.headers["location"]).text
    reread(session)
    officer = session.exec(select(Officer).where(Officer.email == "priya@example.org")).one()
    assert officer.role == "panel" and officer.active
    entry = audit_entries(session, "officer_added")[0]
    assert entry.subject == f"officer {officer.id}"
    assert entry.officer_id == manager_id(session)

    again = client.post("/officer/accounts", data={**new, "password": "a-good-long-password"})
    assert again.status_code == 422 and "already an account" in again.text

    client.cookies.clear()
    assert post_login(client, "priya@example.org", "a-good-long-password").status_code == 303
    assert client.get("/officer/").status_code == 200
    assert client.get("/officer/accounts").status_code == 403  # a panel member is no manager


def test_deactivating_an_officer_ends_their_session(
    client: TestClient, engine: Engine, session: Session
) -> None:
    with write_session(engine) as writing:
        other = make_officer(writing, "officer", email="olu@example.org", name="Olu Ade")
    elsewhere = TestClient(client.app)  # the officer's own browser
    assert post_login(elsewhere, "olu@example.org", PASSWORD).status_code == 303
    assert elsewhere.get("/officer/").status_code == 200

    csrf = sign_in(client, engine, "manager")
    done = client.post(
        "/officer/accounts",
        data={"csrf": csrf, "action": "deactivate", "officer_id": str(other.id)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    reread(session)
    assert (
        session.exec(select(OfficerSession).where(OfficerSession.officer_id == other.id)).all()
        == []
    )
    assert session.get(Officer, other.id).active is False  # type: ignore[union-attr]
    gone = elsewhere.get("/officer/", follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"].startswith("/officer/login")
    assert post_login(elsewhere, "olu@example.org", PASSWORD).status_code == 401
    assert audit_entries(session, "officer_deactivated")[0].subject == f"officer {other.id}"

    client.post(
        "/officer/accounts",
        data={"csrf": csrf, "action": "reactivate", "officer_id": str(other.id)},
    )
    assert post_login(elsewhere, "olu@example.org", PASSWORD).status_code == 303


def test_a_manager_cannot_deactivate_or_demote_themself(
    client: TestClient, engine: Engine, session: Session
) -> None:
    csrf = sign_in(client, engine, "manager")
    me = str(manager_id(session))
    refused = client.post(
        "/officer/accounts", data={"csrf": csrf, "action": "deactivate", "officer_id": me}
    )
    assert refused.status_code == 422
    assert 'role="alert"' in refused.text and "your own account" in refused.text
    demoted = client.post(
        "/officer/accounts",
        data={"csrf": csrf, "action": "role", "officer_id": me, "role": "panel"},
    )
    assert demoted.status_code == 422
    reread(session)
    officer = session.get(Officer, int(me))
    assert officer is not None and officer.active and officer.role == "manager"
    assert client.get("/officer/accounts").status_code == 200  # still signed in, still manager
    assert session.exec(select(AuditEntry)).all() == []


def test_role_change_unlock_and_password_reset_are_audited(
    client: TestClient, engine: Engine, session: Session
) -> None:
    with write_session(engine) as writing:
        other = make_officer(writing, "officer", email="kim@example.org", name="Kim Lee")
        other.locked_until = datetime.now(UTC) + timedelta(minutes=10)
        other.failed_logins = 3
        writing.add(other)
    csrf = sign_in(client, engine, "manager")
    page = client.get("/officer/accounts").text
    assert "Locked until" in page and "Never" in page
    target = {"csrf": csrf, "officer_id": str(other.id)}
    assert (
        client.post(
            "/officer/accounts", data={**target, "action": "role", "role": "manager"}
        ).status_code
        == 200
    )
    assert client.post("/officer/accounts", data={**target, "action": "unlock"}).status_code == 200
    weak = client.post(
        "/officer/accounts", data={**target, "action": "password", "password": "short"}
    )
    assert weak.status_code == 422
    reset = client.post(
        "/officer/accounts",
        data={**target, "action": "password", "password": "a-brand-new-password"},
    )
    assert reset.status_code == 200
    reread(session)
    officer = session.get(Officer, other.id)
    assert officer is not None
    assert officer.role == "manager" and officer.locked_until is None and officer.failed_logins == 0
    actions = {e.action for e in session.exec(select(AuditEntry)).all()}
    assert actions == {"role_changed", "officer_unlocked", "password_reset"}
    client.cookies.clear()
    assert post_login(client, "kim@example.org", PASSWORD).status_code == 401
    assert post_login(client, "kim@example.org", "a-brand-new-password").status_code == 303


# -- subject access and erasure -----------------------------------------------------------


def test_search_finds_a_person_by_phone_and_by_reference(
    client: TestClient, engine: Engine, session: Session, settings: Settings
) -> None:
    contact, call, _ = tenant(session, Path(settings.evidence_dir))
    web = make_contact(session, "web", "visitor-9")
    make_call(session, web, contact_phone="+447700900123")
    telegram = make_contact(session, "telegram", "123456789")
    session.commit()
    assert [c.id for c in privacy.find_contacts(session, "07911 123456")] == [contact.id]
    assert [c.id for c in privacy.find_contacts(session, call.reference.lower())] == [contact.id]
    assert [c.id for c in privacy.find_contacts(session, "07700 900123")] == [web.id]
    assert [c.id for c in privacy.find_contacts(session, "123456789")] == [telegram.id]
    assert privacy.find_contacts(session, "nobody") == []

    csrf = sign_in(client, engine, "manager")
    found = client.post("/officer/privacy", data={"csrf": csrf, "q": "07911 123456"})
    assert found.status_code == 200
    assert call.reference in found.text
    assert f"/officer/privacy/contacts/{contact.id}/export" in found.text
    assert f'<label for="confirm-{contact.id}">' in found.text
    nobody = client.post("/officer/privacy", data={"csrf": csrf, "q": "07000"})
    assert "Nobody matches" in nobody.text
    assert client.post("/officer/privacy", data={"q": "07911 123456"}).status_code == 403


def test_subject_access_exports_messages_and_answers_and_is_audited(
    client: TestClient, engine: Engine, session: Session, settings: Settings
) -> None:
    contact, call, _ = tenant(session, Path(settings.evidence_dir))
    sign_in(client, engine, "manager")
    response = client.get(f"/officer/privacy/contacts/{contact.id}/export")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["content-disposition"].startswith("attachment;")
    data = response.json()
    assert data["contact"]["address"] == PHONE
    bodies = [m["body"] for m in data["messages"]]
    assert "My name is Sam Jones and the lift is broken" in bodies
    assert "Thank you Sam, we have your Call" in bodies
    assert {m["direction"] for m in data["messages"]} == {"in", "out"}
    [exported] = data["calls"]
    assert exported["reference"] == call.reference
    assert exported["tenant_name"] == NAME
    assert exported["concerns"] == call.concerns
    assert exported["timeline"][0]["action"] == "submit"
    assert data["conversation"]["state"]["answers"] == {"name": NAME}
    assert data["evidence"][0]["file_name"] == "broken-lift.jpg"
    assert data["evidence"][0]["call"] == call.reference

    [entry] = audit_entries(session, "subject_access")
    assert entry.subject == f"contact {contact.id}"
    assert entry.officer_id == manager_id(session)
    assert NAME not in entry.detail and PHONE not in entry.detail
    assert client.get("/officer/privacy/contacts/999999/export").status_code == 404


def test_erasure_removes_personal_data_and_files_and_stops_messages(
    client: TestClient, engine: Engine, session: Session, settings: Settings
) -> None:
    contact, call, photo = tenant(session, Path(settings.evidence_dir))
    assert contact.id is not None
    queued = outbox.queue(session, contact, [Rendered("Sam, your meeting is Monday")], NOW)[0]
    session.commit()
    csrf = sign_in(client, engine, "manager")
    path = f"/officer/privacy/contacts/{contact.id}/erase"

    unconfirmed = client.post(path, data={"csrf": csrf, "q": PHONE})
    assert unconfirmed.status_code == 422 and 'role="alert"' in unconfirmed.text
    assert call.reference in unconfirmed.text  # the person is still shown, to try again
    reread(session)
    assert session.get(Call, call.id).tenant_name == NAME  # type: ignore[union-attr]
    assert photo.exists()
    assert client.post(path, data={"confirm": "yes"}).status_code == 403  # no CSRF token

    done = client.post(path, data={"csrf": csrf, "confirm": "yes"}, follow_redirects=False)
    assert done.status_code == 303
    assert "Their data was erased" in client.get(done.headers["location"]).text

    reread(session)
    erased = session.get(Call, call.id)
    assert erased is not None
    for field in ("tenant_name", "address", "postcode", "concerns", "actions_taken", "failures"):
        assert getattr(erased, field) == "[erased]", field
    assert erased.contact_phone == "[erased]" and erased.affected_who == "[erased]"
    assert erased.reference == call.reference  # the panel's figures still add up
    assert erased.service_area == call.service_area and erased.status == call.status
    assert erased.submitted_at == call.submitted_at and erased.anonymised_at is not None
    messages = session.exec(select(Message).where(Message.contact_id == contact.id)).all()
    assert messages and {m.body for m in messages} == {"[erased]"}
    stopped = session.get(Message, queued)
    assert stopped is not None and stopped.status == MessageStatus.SUPPRESSED
    record = session.exec(
        select(ConversationRecord).where(ConversationRecord.contact_id == contact.id)
    ).one()
    assert Conversation.from_json(record.state) == Conversation()
    assert not photo.exists()
    evidence = session.exec(select(Evidence).where(Evidence.contact_id == contact.id)).one()
    assert evidence.stored_path is None and "broken-lift" not in evidence.channel_ref

    person = session.get(Contact, contact.id)
    assert person is not None
    assert person.address == f"erased-{contact.id}" and person.opted_out_at is not None
    [later] = outbox.queue(session, person, [Rendered("Anything at all")], NOW)
    held = session.get(Message, later)
    assert held is not None and held.status == MessageStatus.SUPPRESSED  # never sent again
    reread(session)

    [entry] = audit_entries(session, "erasure")
    assert entry.subject == f"contact {contact.id}" and call.reference in entry.detail
    assert NAME not in entry.detail and PHONE not in entry.detail
    assert entry.officer_id == manager_id(session)
    export = client.get(f"/officer/privacy/contacts/{contact.id}/export").json()
    assert "Sam Jones" not in json.dumps(export) and PHONE not in json.dumps(export)


# -- retention -----------------------------------------------------------------------------


def close(session: Session, call: Call, at: datetime) -> None:
    call.status = CallStatus.CLOSED
    call.closed_at = at
    session.add(call)


def test_retention_anonymises_only_calls_closed_longer_ago_than_the_setting(
    session: Session, settings: Settings
) -> None:
    folder = Path(settings.evidence_dir)
    contact, old, photo = tenant(session, folder)
    recent = make_call(session, contact, concerns="Bins are not collected.")
    still_open = make_call(session, contact, concerns="The door entry is broken.")
    now = datetime(2029, 6, 1, 12, 0, tzinfo=UTC)
    close(session, old, now - timedelta(days=731))
    close(session, recent, now - timedelta(days=729))
    session.commit()

    assert privacy.anonymise_closed(session, now, 730, folder) == 1
    session.commit()
    session.expire_all()
    gone = session.get(Call, old.id)
    assert gone is not None and gone.tenant_name == "[erased]" and gone.anonymised_at == now
    assert gone.reference == old.reference and gone.status == CallStatus.CLOSED
    assert not photo.exists()
    kept = session.get(Call, recent.id)
    assert kept is not None and kept.tenant_name == NAME and kept.anonymised_at is None
    untouched = session.get(Call, still_open.id)
    assert untouched is not None
    assert untouched.tenant_name == NAME and untouched.concerns == "The door entry is broken."
    # Someone with an open Call keeps their contact and messages.
    person = session.get(Contact, contact.id)
    assert person is not None and person.address == PHONE and person.opted_out_at is None
    bodies = {m.body for m in session.exec(select(Message).where(Message.contact_id == contact.id))}
    assert "My name is Sam Jones and the lift is broken" in bodies

    [run] = session.exec(select(AuditEntry).where(AuditEntry.action == "retention_run")).all()
    assert run.officer_id is None and run.detail.startswith("Calls anonymised: 1;")
    [entry] = session.exec(select(AuditEntry).where(AuditEntry.action == "anonymise_call")).all()
    assert entry.subject == old.reference and NAME not in entry.detail

    assert privacy.anonymise_closed(session, now, 730, folder) == 0  # done once only
    assert privacy.anonymise_closed(session, now + timedelta(days=2), 730, folder) == 1


def test_retention_erases_a_person_with_nothing_left_open(
    session: Session, settings: Settings
) -> None:
    folder = Path(settings.evidence_dir)
    contact, call, _ = tenant(session, folder)
    now = NOW + timedelta(days=1000)
    close(session, call, NOW + timedelta(days=10))
    session.commit()
    assert privacy.anonymise_closed(session, now, 730, folder) == 1
    session.commit()
    session.expire_all()
    person = session.get(Contact, contact.id)
    assert person is not None and person.address == f"erased-{contact.id}"
    bodies = {m.body for m in session.exec(select(Message).where(Message.contact_id == contact.id))}
    assert bodies == {"[erased]"}
    [entry] = session.exec(select(AuditEntry).where(AuditEntry.action == "anonymise_contact")).all()
    assert entry.subject == f"contact {contact.id}"


def test_a_manager_can_run_the_retention_check_now(
    client: TestClient, engine: Engine, session: Session
) -> None:
    call = make_call(session)
    close(session, call, datetime.now(UTC) - timedelta(days=2000))
    session.commit()
    csrf = sign_in(client, engine, "manager")
    done = client.post("/officer/privacy/retention", data={"csrf": csrf}, follow_redirects=False)
    assert done.status_code == 303
    assert "1 Call was anonymised" in client.get(done.headers["location"]).text
    [run] = audit_entries(session, "retention_run")
    assert run.officer_id == manager_id(session)


def test_the_retention_command_runs(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with write_session(engine) as writing:
        contact = make_contact(writing)
        old = make_call(writing, contact)
        close(writing, old, datetime.now(UTC) - timedelta(days=1000))
        fresh = make_call(writing, contact)
        close(writing, fresh, datetime.now(UTC) - timedelta(days=10))
    engine.dispose()
    env = {**os.environ, "DATABASE_URL": url, "ENVIRONMENT": "test", "RETENTION_DAYS": "730"}
    result = subprocess.run(
        [sys.executable, "-m", "backend.cli", "retention"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "1 closed Call anonymised" in result.stdout
    with Session(make_engine(url)) as session:
        names = {c.reference: c.tenant_name for c in session.exec(select(Call))}
    assert names == {old.reference: "[erased]", fresh.reference: NAME}


def test_erasure_and_subject_access_cover_petition_signatures(
    engine: Engine, settings: Settings, session: Session
) -> None:
    from backend import petitions
    from backend.models import Signature
    from tests.factories import NOW, make_call, make_contact, sign_petition

    with write_session(engine) as writing:
        call = make_call(writing, make_contact(writing, "sms", "+447911000111"))
        petition = petitions.open_petition(writing, call, settings, NOW)
        signer = make_contact(writing, "sms", "+447911000222")
        sign_petition(
            writing,
            petition,
            settings,
            name="Hal Moss",
            address="2 Elm Road L30 4TH",
            phone=signer.address,
            hear_outcome=True,
            verified_by="reply",
            ip_hash="",
            now=NOW,
        )
        signer_id = signer.id
    with write_session(engine) as writing:
        export = subject_access.subject_access(writing, signer_id or 0)
        assert export["petition_signatures"][0]["name"] == "Hal Moss"
        privacy.erase(writing, signer_id or 0, Path(settings.evidence_dir), NOW)
    session.rollback()
    signature = session.exec(select(Signature)).one()
    assert (signature.name, signature.address, signature.phone) == ("[erased]", "[erased]", None)
    # Nor any hash of them: hashing every address the landlord has would find the signer.
    assert (signature.home, signature.ip_hash) == ("", "")
    assert signature.identity == f"anonymised-{signature.id}"


def test_an_erasure_that_rolls_back_keeps_the_files_its_rows_point_at(
    engine: Engine, session: Session, settings: Settings
) -> None:
    contact, _call, photo = tenant(session, Path(settings.evidence_dir))
    session.commit()
    with pytest.raises(RuntimeError), write_session(engine) as writing:
        privacy.erase(writing, contact.id or 0, settings.evidence_dir, NOW)
        raise RuntimeError("the database went away before the commit")
    assert photo.exists()  # nothing was erased, so the file stays with its row
    session.rollback()
    evidence = session.exec(select(Evidence).where(Evidence.contact_id == contact.id)).one()
    assert evidence.stored_path is not None
    with write_session(engine) as writing:
        privacy.erase(writing, contact.id or 0, settings.evidence_dir, NOW)
    assert not photo.exists()
