"""Builders for tests: answers, conversations at any step, one message through the pure flow,
contacts, Calls, officers signed in, petition signatures."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import Engine
from sqlmodel import Session

from backend import petitions
from backend.messaging.notify import Notifier
from backend.models import Call, Contact, Officer, OfficerRole, Petition
from backend.people.officers import create_officer
from backend.petitions import SignOutcome
from backend.settings import Settings
from backend.store.db import write_session
from backend.turns import intake
from bot.render import Renderer, words
from conversations import (
    Attachment,
    Channel,
    Conversation,
    Inbound,
    Step,
    SubmitCall,
    advance,
    joining,
)
from conversations.flow import Turn
from conversations.proforma import FORM, applicable

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

# A good answer to every question, as a tenant would type it.
TYPED: dict[Step, str] = {
    Step.NAME: "Sam Jones",
    Step.ADDRESS: "12 Elm Road, Bootle L30 4TH",
    Step.CONTACT_PREFERENCE: "2",
    Step.CONTACT_PHONE: "07911 123456",
    Step.SERVICE_AREA: "11",
    Step.SERVICE_AREA_OTHER: "Parking",
    Step.CONCERNS: "The lift keeps breaking down.",
    Step.ACTIONS_TAKEN: "I rang the repairs line four times.",
    Step.COMPLAINT_STAGE: "2",
    Step.COMPLAINT_REFERENCE: "C-1234",
    Step.FAILURES: "Repairs are booked and nobody comes.",
    Step.FAILURES_SINCE: "March 2026",
    Step.FAILURES_FREQUENCY: "4",
    Step.OTHERS_AFFECTED: "1",
    Step.AFFECTED_WHO: "Everyone in the block, because we share the lift.",
    Step.AFFECTED_HOUSEHOLDS: "about 24",
    Step.EVIDENCE: "Letters from the council.",
    Step.ROUTE: "1",
}

# What the flow keeps for each typed answer.
KEPT: dict[Step, str] = {
    **TYPED,
    Step.CONTACT_PREFERENCE: "phone",
    Step.CONTACT_PHONE: "+447911123456",
    Step.SERVICE_AREA: "other",
    Step.COMPLAINT_STAGE: "stage_1",
    Step.FAILURES_FREQUENCY: "weekly",
    Step.OTHERS_AFFECTED: "yes",
    Step.AFFECTED_HOUSEHOLDS: "24",
    Step.ROUTE: "petition",
}

# An answer each question refuses (None: every non-empty text fits).
REFUSED: dict[Step, str | None] = {
    Step.NAME: "12345",
    Step.ADDRESS: "12 Elm Road, Bootle",
    Step.CONTACT_PREFERENCE: "7",
    Step.CONTACT_PHONE: "12345",
    Step.SERVICE_AREA: "99",
    Step.SERVICE_AREA_OTHER: None,
    Step.CONCERNS: None,
    Step.ACTIONS_TAKEN: None,
    Step.COMPLAINT_STAGE: "purple",
    Step.COMPLAINT_REFERENCE: None,
    Step.FAILURES: None,
    Step.FAILURES_SINCE: None,
    Step.FAILURES_FREQUENCY: "0",
    Step.OTHERS_AFFECTED: "purple",
    Step.AFFECTED_WHO: None,
    Step.AFFECTED_HOUSEHOLDS: "lots",
    Step.EVIDENCE: None,
    Step.ROUTE: "3",
}


def answers_before(step: Step) -> dict[str, str]:
    """Kept answers to every question before `step` (all of them for REVIEW)."""
    answers: dict[str, str] = {}
    for q in FORM:
        if q.step == step:
            break
        answers[q.step.value] = KEPT[q.step]
    return {k: v for k, v in answers.items() if Step(k) in {q.step for q in applicable(answers)}}


def conversation_at(step: Step, **changes: Any) -> Conversation:
    """A consenting tenant's conversation waiting at `step`."""
    if step == Step.REVIEW:
        answers = answers_before(Step.SUBMITTED)
    elif step in (Step.WELCOME, Step.SUBMITTED):
        answers = {}
    else:
        answers = answers_before(step)
    state = Conversation(
        step=step,
        answers=answers,
        welcomed=True,
        consented_at=None if step == Step.WELCOME else NOW,
    )
    return state.but(**changes)


# Whom `say` speaks as on each channel: the flow never reads the address, but keep it real.
ADDRESSES: dict[Channel, str] = {
    Channel.WEB: "visitor",
    Channel.TERMINAL: "terminal",
    Channel.TELEGRAM: "77",
    Channel.SMS: "+447911123456",
    Channel.WHATSAPP: "+447911123456",
    Channel.VOICE: "+447911123456",
}


def say(
    state: Conversation | None,
    text: str = "",
    *,
    channel: Channel = Channel.SMS,
    photos: int = 0,
    attachments: tuple[Attachment, ...] = (),
    unreadable: str = "",
    facts: Mapping[str, str] | None = None,
    now: datetime = NOW,
    opening: bool = False,
) -> Turn:
    """One tenant message through the pure flow (`conversations.advance`): `text`, with `photos`
    JPEG attachments (or these `attachments`), what the channel could not read, and the `facts`
    the shell would have looked up, on `channel` at `now` (`opening`: a call just answered)."""
    inbound = Inbound(
        channel,
        ADDRESSES[channel],
        text,
        attachments=attachments
        or tuple(Attachment(f"photo-{n}", "image/jpeg") for n in range(photos)),
        facts=facts or {},
        unreadable=unreadable,
        opening=opening,
    )
    return advance(state, inbound, now=now, words=words())


def full_answers(**overrides: str) -> dict[str, str]:
    """Every pro-forma answer, as the flow submits them."""
    return {**answers_before(Step.SUBMITTED), **overrides}


def make_contact(session: Session, channel: str = "web", address: str = "visitor-1") -> Contact:
    """A stored contact."""
    contact = Contact(channel=channel, address=address, created_at=NOW)
    session.add(contact)
    session.flush()
    return contact


def make_call(session: Session, contact: Contact | None = None, **overrides: str) -> Call:
    """A submitted Call, stored the way the flow's SubmitCall effect stores it."""
    contact = contact or make_contact(session)
    return intake.submit_call(session, contact, SubmitCall(answers=full_answers(**overrides)), NOW)


def typed_pro_forma(route: str = "1") -> list[str]:
    """What a tenant types from first contact to submit, long answers closed with DONE."""
    script = ["", "1"]
    answered: dict[str, str] = {}
    for q in FORM:
        if not q.applies(answered):
            continue
        typed = route if q.step == Step.ROUTE else TYPED[q.step]
        script.append(typed)
        if q.kind.value in ("long_text", "evidence"):
            script.append("DONE")
        answered[q.step.value] = KEPT[q.step] if q.step != Step.ROUTE else typed
    script.append("0")
    return script


PASSWORD = "a-long-test-password"


def make_officer(
    session: Session, role: str = "officer", email: str | None = None, name: str | None = None
) -> Officer:
    """A stored officer account with the test password."""
    return create_officer(
        session,
        email=email or f"{role}-{make_officer.counter}@example.org",  # type: ignore[attr-defined]
        name=name or f"{role.capitalize()} Person",
        role=OfficerRole(role),
        password=PASSWORD,
    )


make_officer.counter = 0  # type: ignore[attr-defined]


def post_login(
    client: TestClient, email: str, password: str, *, next_url: str | None = None
) -> Response:
    """The sign-in form filled in and sent as a browser would (the form is fetched first for its
    CSRF token); the answer, not followed. For tests of signing in itself: wrong passwords,
    lockouts, accounts made through the accounts page, where it leads. To be signed in as an
    officer for anything else, use `sign_in`."""
    form = client.get("/officer/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert token, form.text[:500]
    fields = {"email": email, "password": password, "csrf": token.group(1)}
    if next_url is not None:
        fields["next"] = next_url
    return client.post("/officer/login", data=fields, follow_redirects=False)


def sign_in(client: TestClient, engine: Engine, role: str = "officer") -> str:
    """The one way a test signs an officer in: makes a new officer account with `role` and signs
    in with it through the sign-in form, replacing any officer signed in on `client` before.
    Returns the CSRF token the back office's forms carry."""
    make_officer.counter += 1  # type: ignore[attr-defined]
    email = f"{role}-{make_officer.counter}@example.org"  # type: ignore[attr-defined]
    with write_session(engine) as session:
        make_officer(session, role, email=email)
    assert post_login(client, email, PASSWORD).status_code == 303
    page = client.get("/officer/")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token, page.text[:500]
    return token.group(1)


def sign_petition(
    session: Session,
    petition: Petition,
    settings: Settings,
    *,
    name: str,
    address: str,
    phone: str | None,
    hear_outcome: bool = False,
    verified_by: str = "sms_code",
    ip_hash: str = "",
    now: datetime = NOW,
) -> SignOutcome:
    """Signs `petition` straight in the database (`petitions.sign`, what the page and a SIGN
    reply end in once the phone is proven), with no page, code or text. For building up
    signatures fast or in parallel; to test signing itself, use sign_on_page (integration)."""
    return petitions.sign(
        session,
        petition,
        settings,
        Notifier.of(session, settings, now),
        name=name,
        address=address,
        phone=phone,
        hear_outcome=hear_outcome,
        verified_by=verified_by,
        ip_hash=ip_hash,
    )


def sample_renderer() -> Renderer:
    """A renderer with a made-up landlord's details, for tests that only need the words."""
    return Renderer(
        landlord="Pine Court Housing",
        phone="0151 496 0000",
        privacy_url="https://x.test/privacy",
        appeal_address="Customer Empowerment Manager, Pine Court Housing, Bootle L30 4TH",
        support_days=2,
    )


# What the shell hands the flow when a neighbour's open petition is like the tenant's concern.
SIMILAR_FACTS: dict[str, str] = {
    joining.CODE_FACT: "K7QMX3",
    joining.REFERENCE_FACT: "CCS-2026-0042",
    joining.SUMMARY_FACT: "The lift at Maple House breaks down every week.",
    joining.AREA_FACT: "Repairs",
    joining.PLACE_FACT: "L30 4",
    joining.COUNT_FACT: "12",
    joining.URL_FACT: "http://127.0.0.1:8000/s/K7QMX3",
}
