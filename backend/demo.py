"""Demo data for `make run`: panel meetings, an officer and a few Calls in different states."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import select

from backend import petitions
from backend.messaging.renderer import message_renderer
from backend.models import CallStatus, Contact, OfficerRole, PanelMeeting
from backend.people.officers import create_officer
from backend.settings import Settings
from backend.store.db import write_session
from backend.turns import intake
from conversations import SubmitCall

DEMO_OFFICER_EMAIL = "officer@example.org"
DEMO_OFFICER_PASSWORD = "demo-password-123"  # noqa: S105 - printed at start-up, demo only

_TENANTS = [
    (
        "Sam Jones",
        "12 Elm Road, Bootle L30 4TH",
        "repairs",
        "The lift in our block has been broken on and off since spring.",
        "petition",
    ),
    (
        "Amira Khan",
        "4 Rowan Court, L20 3DF",
        "communal_cleaning",
        "The stairs and bin store have not been cleaned for weeks.",
        "petition",
    ),
    (
        "Peter O'Neill",
        "9 Ash Grove, L21 7PQ",
        "independent_living",
        "My alarm pull-cord was not fixed after three reports.",
        "individual",
    ),
]


class DemoRefusedError(RuntimeError):
    """Demo data was asked for in production."""


def seed(engine: Engine, settings: Settings, today: date | None = None) -> bool:
    """Adds the demo data once; False if it was already there. Never in production: the demo
    manager's password is published, so it would be a back door to every tenant's data."""
    if settings.environment == "production":
        raise DemoRefusedError("demo data is never added in production (ENVIRONMENT=production)")
    today = today or datetime.now(UTC).date()
    with write_session(engine) as session:
        if session.exec(select(PanelMeeting)).first() is not None:
            return False
        for weeks in (2, 6, 10):
            session.add(
                PanelMeeting(
                    held_on=today + timedelta(weeks=weeks), location="Atlantic House, Bootle"
                )
            )
        create_officer(
            session,
            email=DEMO_OFFICER_EMAIL,
            name="Dana Officer",
            role=OfficerRole.MANAGER,
            password=DEMO_OFFICER_PASSWORD,
        )
        for n, (name, address, area, concern, route) in enumerate(_TENANTS):
            contact = Contact(channel="web", address=f"demo-tenant-{n}")
            session.add(contact)
            session.flush()
            answers = {
                "name": name,
                "address": address,
                "contact_preference": "here",
                "service_area": area,
                "concerns": concern,
                "actions_taken": "Reported it by phone several times.",
                "complaint_stage": "stage_1",
                "complaint_reference": f"C-{4400 + n}",
                "failures": concern,
                "failures_since": "March 2026",
                "failures_frequency": "weekly",
                "others_affected": "yes" if route == "petition" else "no",
                "affected_who": "Everyone in the block." if route == "petition" else "",
                "affected_households": "24" if route == "petition" else "",
                "route": route,
            }
            now = datetime.now(UTC) - timedelta(days=10 - 3 * n)
            call = intake.submit_call(session, contact, SubmitCall(answers=answers), now)
            if route == "petition":
                petition = petitions.open_petition(session, call, settings, now)
                if n == 0:  # one petition already under way, with a target and a few names
                    call.status, call.signatories_needed = CallStatus.COLLECTING_SIGNATURES, 12
                    petitions.set_target(session, petition)
                    for k, signer in enumerate(("Ann Lee", "Bo Price", "Cy Ward")):
                        petitions.sign(
                            session,
                            petition,
                            settings,
                            message_renderer(settings),
                            name=signer,
                            address=f"{k + 2} Elm Road, Bootle L30 4TH",
                            phone=f"+4479110000{k:02d}",
                            hear_outcome=False,
                            verified_by="sms_code",
                            ip_hash="",
                            now=now,
                        )
    return True
