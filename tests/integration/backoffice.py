"""Helpers for tests that work Calls through the back office's own pages after the report:
naming a Head of Operations, finding the officer just signed in, a Call's recommendation."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from backend import petitions
from backend.casework.decisions import Grounds
from backend.casework.workflow import Workflow
from backend.messaging.notify import Notifier
from backend.models import Call, Decision, HeadOfOperations, Officer, PanelMeeting, Recommendation
from backend.settings import Settings
from backend.store.db import write_session
from tests.factories import NOW, make_call, make_contact, make_officer, sign_petition
from tests.integration.conftest import services_of

_tenants = itertools.count(1)


def name_head(client: TestClient, csrf: str, area: str, name: str = "Hana Head") -> int:
    """As the signed-in manager, adds a Head of Operations (once per name) and names them for
    `area` on the Heads of Operations page; returns their id."""
    added = client.post(
        "/officer/heads",
        data={"csrf": csrf, "action": "add", "name": name, "job_title": "Head of Repairs"},
        follow_redirects=False,
    )
    assert added.status_code == 303, added.text[:2000]
    with Session(services_of(client).engine) as session:
        head = session.exec(
            select(HeadOfOperations)
            .where(HeadOfOperations.name == name)
            .order_by(col(HeadOfOperations.id).desc())
        ).first()
        assert head is not None and head.id is not None
    named = client.post(
        "/officer/heads",
        data={"csrf": csrf, "action": "assign", "area": area, "head_id": str(head.id)},
        follow_redirects=False,
    )
    assert named.status_code == 303, named.text[:2000]
    return head.id


def latest_officer(engine: Engine, role: str) -> int:
    """The id of the newest account with `role` (the one `sign_in` just made)."""
    with Session(engine) as session:
        officer = session.exec(
            select(Officer).where(Officer.role == role).order_by(col(Officer.id).desc())
        ).first()
        assert officer is not None and officer.id is not None
        return officer.id


def recommendations(engine: Engine, call: Call) -> list[str]:
    """The ids of the Call's recommendations, as a form posts them, in the report's order."""
    with Session(engine) as session:
        return [
            str(r.id)
            for r in session.exec(
                select(Recommendation)
                .where(Recommendation.call_id == call.id)
                .order_by(col(Recommendation.id))
            )
        ]


def only_recommendation(engine: Engine, call: Call) -> str:
    """The id of the Call's one recommendation."""
    (found,) = recommendations(engine, call)
    return found


def reported_call(
    engine: Engine,
    settings: Settings,
    *,
    area: str = "repairs",
    recommendations: tuple[str, ...] = ("Answer every repair call within a day.",),
    presented: datetime = NOW,
    summary: str = "Repairs are booked and not done; nobody tells tenants why.",
    signer: str | None = None,
) -> Call:
    """A Call the panel accepted, scored, scrutinised in 10 steps and reported on `presented`
    (moved straight through the workflow: the tests are about what comes after). With a
    `signer` (a phone), its petition has a signature from someone who asked to hear."""
    start = presented - timedelta(days=40)
    with write_session(engine) as session:
        session.add(PanelMeeting(held_on=start.date()))
        contact = make_contact(session, address=f"reported-{next(_tenants)}")
        call = make_call(session, contact, service_area=area)
        if signer is not None:
            petition = petitions.open_petition(session, call, settings, start)
            make_contact(session, "sms", signer)  # they were texted a code: an SMS contact
            sign_petition(
                session,
                petition,
                settings,
                name="Nell Neighbour",
                address="3 Elm Road, Bootle L30 4TH",
                phone=signer,
                hear_outcome=True,
                now=start,
            )
        panel = make_officer(session, "panel", email=f"reporting-{next(_tenants)}@example.org")

        def at(when: datetime) -> Workflow:
            return Workflow(Notifier.of(session, settings, when), panel, settings=settings)

        at(start).accept_pro_forma(call, "Serious enough on its own.")
        at(start).decide(
            call, Decision.ACCEPTED, Grounds("Jobs are not done.", "persistent", "stage_2")
        )
        parts = {"performance": 4, "satisfaction": 4, "complaints": 4, "business_critical": 3}
        at(start).score(call, parts)
        at(start).programme(call, start.date())
        at(start).start_scrutiny(call)
        for number in range(1, 11):
            at(start).record_step(call, number, start.date(), f"Step {number}")
        for text in recommendations:
            at(start).add_recommendation(call, text)
        at(presented).report(call, summary, presented.date())
        session.expunge(call)
    return call
