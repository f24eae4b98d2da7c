"""Every view of a page that shows a tenant's details is audited, whoever looks; the Board's and
EMT's viewer accounts are shown none: every back-office page they can open leaves them out."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from backend import petitions
from backend.casework.decisions import Grounds
from backend.casework.workflow import Workflow
from backend.messaging.notify import Notifier
from backend.models import (
    Appeal,
    AuditEntry,
    CallNote,
    CallStatus,
    Decision,
    Evidence,
    FollowUp,
    Message,
    Officer,
    PanelMeeting,
    SupportRequest,
)
from backend.models.types import saved_id
from backend.settings import Settings
from backend.store.timeline import add_event
from tests.factories import NOW, make_call, make_contact, make_officer, sign_in, sign_petition


# Viewers are shown no personal details, and their views are not audited: see
# test_a_viewer_walking_every_back_office_page_meets_no_personal_data.
@pytest.mark.parametrize("role", ["officer", "panel", "manager"])
def test_a_view_of_a_calls_page_is_audited_with_who_looked(
    client: TestClient, engine: Engine, session: Session, role: str
) -> None:
    call = make_call(session)
    session.commit()
    sign_in(client, engine, role)
    for path in (f"/officer/calls/{call.reference}", f"/officer/calls/{call.reference}/appeal"):
        assert client.get(path).status_code == 200, path
    session.rollback()
    officer = session.exec(select(Officer).where(Officer.role == role)).one()
    seen = [
        (e.action, e.subject, e.officer_id)
        for e in session.exec(select(AuditEntry).where(AuditEntry.action.startswith("view_")))
    ]
    assert seen == [
        ("view_call", f"Call {call.reference}", officer.id),
        ("view_appeal", f"Call {call.reference}", officer.id),
    ]


def test_pages_without_personal_details_are_not_audited(
    client: TestClient, engine: Engine, session: Session
) -> None:
    sign_in(client, engine, "viewer")
    for path in ("/officer/reports", "/officer/programme", "/officer/appeals"):
        assert client.get(path).status_code == 200, path
    session.rollback()
    assert session.exec(select(AuditEntry)).all() == []


def test_viewers_see_the_dashboard_without_tenants_names_and_cannot_search_by_them(
    client: TestClient, engine: Engine, session: Session
) -> None:
    call = make_call(session, name="Imogen Tarrant")
    other = make_call(session, make_contact(session, "web", "visitor-2"), name="Bo Field")
    session.commit()
    assert call.tenant_name == "Imogen Tarrant"

    def listed(query: str) -> set[str]:
        found = client.get("/officer/", params={"q": query}).text.split("Calls</h2>", 1)[-1]
        return {c.reference for c in (call, other) if c.reference in found}

    sign_in(client, engine, "officer")
    assert "Imogen Tarrant" in client.get("/officer/").text
    assert listed("Tarrant") == {call.reference}
    client.cookies.clear()
    sign_in(client, engine, "viewer")
    page = client.get("/officer/").text
    assert "Imogen Tarrant" not in page and "Bo Field" not in page
    assert listed("Tarrant") == {call.reference, other.reference}  # a name narrows nothing
    assert listed(call.reference) == {call.reference}


# What one tenant, their signer and their files say, each word found nowhere else: a viewer's
# page that holds any of them shows personal data.
TENANT = {"name": "Quentin Marrowby", "address": "77 Thistlewick Row, Bootle L30 4TH"}
ANSWERS = {
    "concerns": "Quorblegate mould in every bedroom.",
    "actions_taken": "Phoned Vexhollow repairs twice.",
    "failures": "Nobody came Brackwater week.",
    "affected_who": "Our neighbour Ysolde upstairs.",
    "evidence": "Letters from Dr Fennimore.",
    "complaint_reference": "QRB-7781",
    "contact_phone": "07911 424242",
}
SECRETS = (
    "Quentin",
    "Marrowby",
    "Thistlewick",
    "424242",  # the contact phone, however written
    "Quorblegate",
    "Vexhollow",
    "Brackwater",
    "Ysolde",
    "Fennimore",
    "QRB-7781",
    "Wilhelmina",  # the signer
    "Oddfellow",
    "Gorsebank",
    "515151",
    "mouldy-ceiling-shot",  # the evidence file
    "Zanzibarred",  # the tenant's own message, and an officer's reply
    "Appeal-Plimsoll",  # the tenant's appeal
    "Followup-Grimsditch",  # the tenant's answer to "did it improve?"
    "Note-Hollowbeck",  # an officer's internal note
)
# The routes that hold nothing but personal data: refused to viewers outright.
REFUSED_TO_VIEWERS = {
    "/officer/evidence/{evidence_id}",
    "/officer/calls/{reference}/signatures",
    "/officer/calls/{reference}/signatures.csv",
    "/officer/meetings/{meeting_id}/agenda",
    "/officer/support",
    "/officer/support/{request_id}",
    "/officer/privacy",
    "/officer/privacy/contacts/{contact_id}/export",
    "/officer/accounts",
}


def _a_call_full_of_personal_data(session: Session, settings: Settings) -> dict[str, str]:
    """A Call at the panel with every kind of personal data the back office holds about it;
    the path parameters that reach each part."""
    contact = make_contact(session, "sms", "+447911424242")
    call = make_call(session, contact, **TENANT, **ANSWERS)
    manager = make_officer(session, "manager", email="walk-manager@example.org")
    flow = Workflow(Notifier.of(session, settings, NOW), manager, settings=settings)
    flow.set_signatories(call, 5, "Tenants on the estate say repairs are not done.")
    petition = petitions.petition_of(session, call)
    assert petition is not None
    sign_petition(
        session,
        petition,
        settings,
        name="Wilhelmina Oddfellow",
        address="3 Gorsebank Close, Bootle L30 4TH",
        phone="07911 515151",
    )
    meeting = PanelMeeting(held_on=NOW.date())
    session.add(meeting)
    session.flush()
    call.meeting_id, call.status = meeting.id, CallStatus.ON_AGENDA
    grounds = Grounds(
        "The panel will watch the repairs service.",
        "persistent",
        "stage_1",
        monitoring_what="repairs completed on time",
        review_on=(NOW + timedelta(days=90)).date(),
    )
    flow.decide(call, Decision.MONITORING, grounds)
    call_id, officer_id = saved_id(call), saved_id(manager)
    folder = Path(settings.evidence_dir)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mouldy-ceiling-shot.jpg").write_bytes(b"\xff\xd8\xff not really a photo")
    evidence = Evidence(
        call_id=call_id,
        contact_id=saved_id(contact),
        channel_ref="upload:mouldy-ceiling-shot.jpg",
        content_type="image/jpeg",
        stored_path="mouldy-ceiling-shot.jpg",
        size_bytes=30,
    )
    support = SupportRequest(contact_id=saved_id(contact), call_id=call_id, step="x", reason="x")
    session.add_all(
        [
            evidence,
            support,
            Message(
                contact_id=saved_id(contact),
                channel="sms",
                direction="in",
                body="Zanzibarred again, my son's asthma is worse.",
                status="received",
            ),
            Appeal(call_id=call_id, lodged_via="message", reasons="Appeal-Plimsoll: unfair."),
            CallNote(call_id=call_id, officer_id=officer_id, body="Note-Hollowbeck: rang him."),
            FollowUp(
                call_id=call_id,
                contact_id=saved_id(contact),
                months=3,
                due_on=NOW.date(),
                sent_at=NOW,
                answer="Followup-Grimsditch, no better",
            ),
        ]
    )
    add_event(session, call, "reply", NOW, note="Zanzibarred: we are on it", officer_id=officer_id)
    session.commit()
    return {
        "reference": call.reference,
        "evidence_id": str(evidence.id),
        "meeting_id": str(meeting.id),
        "request_id": str(support.id),
        "contact_id": str(contact.id),
    }


def test_a_viewer_walking_every_back_office_page_meets_no_personal_data(
    client: TestClient, engine: Engine, session: Session, settings: Settings
) -> None:
    """Board and EMT accounts see what their reports need: the Call's reference, service,
    neighbourhood, stage, decision, scores and plan; never a name, an address, a phone number,
    an answer, a file, a message or a signer."""
    ids = _a_call_full_of_personal_data(session, settings)
    sign_in(client, engine, "officer")
    call_page = client.get(f"/officer/calls/{ids['reference']}").text
    assert "Quentin Marrowby" in call_page and "Quorblegate" in call_page  # the data is there
    client.cookies.clear()
    sign_in(client, engine, "viewer")

    walked, refused = [], set()
    for path, operations in client.app.openapi()["paths"].items():  # type: ignore[attr-defined]
        if not path.startswith("/officer/") or "get" not in operations or path.endswith("login"):
            continue
        url = re.sub(r"\{([^}]+)\}", lambda m: ids.get(m.group(1), "1"), path)
        response = client.get(url, follow_redirects=False)
        walked.append(path)
        if response.status_code == 403:
            refused.add(path)
            continue
        assert response.status_code == 200, (url, response.status_code)
        leaked = [word for word in SECRETS if word.lower() in response.text.lower()]
        assert leaked == [], (url, leaked)
    assert len(walked) >= 20
    assert refused == REFUSED_TO_VIEWERS

    # What the viewer's page of the Call does show.
    page = client.get(f"/officer/calls/{ids['reference']}").text
    for expected in (
        ids["reference"],
        "L30 4",  # the postcode sector, no closer
        "Tenants on the estate say repairs are not done.",  # the petition's public text
        "1</strong> of 5 signatures",
        "Referred to the panel to monitor",
        "The panel will watch the repairs service.",
        "set signatories",  # the timeline, without the tenant's words
    ):
        assert expected in page, expected
    # Nothing personal seen, nothing audited; the officer's look at the same Call was.
    session.rollback()
    viewer = session.exec(select(Officer).where(Officer.role == "viewer")).one()
    viewed = session.exec(select(AuditEntry).where(AuditEntry.action.startswith("view_"))).all()
    assert [e.action for e in viewed if e.officer_id == viewer.id] == []
    assert [e.action for e in viewed if e.officer_id != viewer.id] == ["view_call"]
