"""Demo data for `make run`: panel meetings, officers, appeal representatives, Heads of
Operations, and Calls at every stage a newcomer should see (a petition under way, help asked
for, a decision inside its appeal window, monitoring due, a scrutiny under way, an action plan
with an overdue action, a report the Board considered with a response to each
recommendation), and a year of performance figures for every business area.

Every later stage is reached with the workflow's own moves, at the dates they would have
happened, so the timelines and the messages read as they would for a real Call."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select

from backend import appeals, petitions
from backend.casework.decisions import Grounds
from backend.casework.workflow import Workflow
from backend.demo import after_report, figures, tenants
from backend.messaging.notify import Notifier
from backend.models import (
    Call,
    CallStatus,
    Contact,
    ConversationRecord,
    Decision,
    Officer,
    OfficerRole,
    PanelMeeting,
)
from backend.models.types import saved_id
from backend.people.officers import create_officer
from backend.settings import Settings
from backend.store.db import write_session
from backend.turns import intake
from conversations import Conversation, RequestSupport, Step

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
        manager = create_officer(
            session,
            email=DEMO_OFFICER_EMAIL,
            name="Dana Officer",
            role=OfficerRole.MANAGER,
            password=DEMO_OFFICER_PASSWORD,
        )
        for n, (name, address, area, concern, route) in enumerate(_TENANTS):
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
            call = tenants.submit_call(session, f"demo-tenant-{n}", answers, now)
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
                            Notifier.of(session, settings, now),
                            name=signer,
                            address=f"{k + 2} Elm Road, Bootle L30 4TH",
                            phone=f"+4479110000{k:02d}",
                            hear_outcome=False,
                            verified_by="sms_code",
                            ip_hash="",
                        )
        _same_problem(session, settings, manager, datetime.now(UTC))
        _later_stages(session, settings, manager, datetime.now(UTC))
    return True


# Neighbours of Sam Jones who raised the same lift: one waits to be joined (the dashboard shows
# the cluster), the other is already joined into Sam's Call (issue 15).
_SAME_LIFT = [
    ("Mo Patel", "18 Elm Road, Bootle L30 4TH", "Lift broken again in our block, stuck upstairs."),
    ("Ola Reid", "22 Elm Road, Bootle L30 4TH", "The lift in the block is out of order again."),
]


def _same_problem(session: Session, settings: Settings, manager: Officer, now: datetime) -> None:
    """Two more Calls about Sam Jones's lift; the second joined into Sam's by the manager."""
    first = session.exec(select(Call).where(Call.tenant_name == _TENANTS[0][0])).one()
    for n, (name, address, concern) in enumerate(_SAME_LIFT):
        answers = {
            "name": name,
            "address": address,
            "contact_preference": "here",
            "service_area": "repairs",
            "concerns": concern,
            "actions_taken": "Rang the repairs line.",
            "complaint_stage": "none",
            "failures": concern,
            "failures_since": "May 2026",
            "failures_frequency": "weekly",
            "others_affected": "yes",
            "affected_who": "Everyone upstairs.",
            "affected_households": "24",
            "route": "petition",
        }
        sent = now - timedelta(days=2 - n)
        call = tenants.submit_call(session, f"demo-same-lift-{n}", answers, sent)
        petitions.open_petition(session, call, settings, sent)
        if n == 1:
            flow = Workflow(Notifier.of(session, settings, now), manager, settings=settings)
            flow.join(call, first, "The same lift at Elm Road, raised by a neighbour.")


# Tenants whose Calls went further, and the days ago the panel decided each.
_DECIDED = [
    ("Lena Morris", "3 Birch Walk, L30 5RT", "grounds_maintenance", "not_exhausted", 10),
    ("Joe Bright", "21 Cedar Court, L20 8HJ", "repairs", "accepted", 60),
    ("Rita Shah", "7 Larch Close, L21 2AB", "customer_access", "serious_failure", 40),
    ("Tom Reyes", "15 Oak Mews, L30 9XX", "communal_cleaning", "monitoring", 20),
    # Accepted last week and not scored yet: the score form shows the area's figures.
    ("Kim Osei", "30 Alder Way, L20 1KO", "customer_access", "accepted", 7),
]
_SCRUTINISED = "Joe Bright"  # the accepted Call whose scrutiny is under way
_REPRESENTATIVES = [
    ("Alan Price", "tmo", "repairs_maintenance"),
    ("Bea Lewis", "residents_groups", "housing_support"),
    ("Carl Moss", "tenant_inspectors", None),
    ("Dee Nolan", "surveys", None),
    ("Eve Grant", "focus_groups", None),
    ("Fay Wood", "board", None),
]


def _later_stages(session: Session, settings: Settings, manager: Officer, now: datetime) -> None:
    """The Calls that went on past advice, each moved by the panel at its own dates."""
    after_report.add_heads(session, manager, now)
    figures.load_figures(session, now)
    panel = create_officer(
        session,
        email="panel@example.org",
        name="Pat Hughes",
        role=OfficerRole.PANEL,
        password=secrets.token_urlsafe(24),  # never printed: sign in as the demo manager
    )
    create_officer(
        session,
        email="support@example.org",
        name="Olu Bello",
        role=OfficerRole.OFFICER,
        password=secrets.token_urlsafe(24),
    )
    for name, involvement, group in _REPRESENTATIVES:
        appeals.add_representative(session, name, involvement, group)
    for n, (name, address, area, decision, days_ago) in enumerate(_DECIDED):
        decided = now - timedelta(days=days_ago)
        session.add(PanelMeeting(held_on=decided.date(), location="Atlantic House, Bootle"))
        answers = {
            "name": name,
            "address": address,
            "contact_preference": "here",
            "service_area": area,
            "concerns": "It keeps going wrong and nobody puts it right.",
            "actions_taken": "Rang the contact centre and complained.",
            "complaint_stage": "stage_1",
            "failures": "Jobs are booked and not done.",
            "failures_since": "January 2026",
            "failures_frequency": "weekly",
            "others_affected": "no",
            "route": "individual",
        }
        submitted = decided - timedelta(days=14)
        call = tenants.submit_call(session, f"demo-decided-{n}", answers, submitted)

        def at(moment: datetime) -> Workflow:
            return Workflow(Notifier.of(session, settings, moment), panel, settings=settings)

        at(decided - timedelta(days=7)).accept_pro_forma(call, "Serious enough on its own.")
        # Each decision with what it needs, and nothing another decision needs.
        monitoring = decision == "monitoring"
        grounds = Grounds(
            "The evidence shows the same failure week after week.",
            "persistent",
            "stage_1",
            advice="Take your complaint to stage 2 first." if decision == "not_exhausted" else "",
            recommendations="Answer every call within a day and fix faults within a week."
            if decision == "serious_failure"
            else "",
            monitoring_what="how fast communal cleaning faults are put right" if monitoring else "",
            review_on=(now + timedelta(days=3)).date() if monitoring else None,
        )
        at(decided).decide(call, Decision(decision), grounds)
        if decision == "accepted" and name == _SCRUTINISED:
            parts = {"performance": 4, "satisfaction": 3, "complaints": 4, "business_critical": 3}
            at(decided + timedelta(days=1)).score(call, parts)
            start = decided + timedelta(days=14)
            at(decided + timedelta(days=2)).programme(call, start.date())
            at(start).start_scrutiny(call)
            for number in range(1, 5):
                at(start).record_step(call, number, start.date(), "Done with the service team.")
        if decision == "serious_failure":
            flow = at(decided + timedelta(days=1))
            flow.add_action(
                call,
                "Call back every caller within a day",
                "Head of Customer Access",
                (decided + timedelta(days=14)).date(),
            )
            flow.add_action(
                call,
                "Publish answer times every month",
                "Head of Customer Access",
                (now + timedelta(days=30)).date(),
            )
            flow.agree_action_plan(call)
    after_report.reported_call(session, settings, panel, manager, now)
    figures.panel_review(session, settings, panel, now)
    _asking_for_help(session, now - timedelta(days=5))


def _asking_for_help(session: Session, asked: datetime) -> None:
    """A tenant half way through the form who asked for an officer five days ago."""
    contact = Contact(channel="web", address="demo-drafting")
    session.add(contact)
    session.flush()
    draft = Conversation(
        step=Step.CONCERNS,
        answers={"name": "Grace Okafor", "address": "2 Holly Lane, Bootle L30 1AA"},
        welcomed=True,
        consented_at=asked,
        support_requested=True,
    )
    session.add(
        ConversationRecord(
            contact_id=saved_id(contact), step=draft.step.value, state=draft.to_json()
        )
    )
    intake.request_support(session, contact, RequestSupport("concerns", "asked"), asked)
