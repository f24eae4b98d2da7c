"""Demo data after a final report: the Heads of Operations for every business area, and a Call
whose report the Board and EMT considered, with a response to each recommendation and an action
plan agreed with the Head of Operations (one action done, two open)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from backend.casework import heads
from backend.casework.decisions import Grounds
from backend.casework.workflow import Workflow
from backend.demo import tenants
from backend.messaging.notify import Notifier
from backend.models import (
    Decision,
    Officer,
    OfficerRole,
    PanelMeeting,
    Recommendation,
)
from backend.people.officers import create_officer
from backend.settings import Settings

# The framework's two groups of services, each led by one Head of Operations.
HEADS = (
    (
        "Marcus Webb",
        "Head of Repairs and Maintenance",
        (
            "repairs",
            "void_works",
            "compliance",
            "communal_cleaning",
            "grounds_maintenance",
            "home_improvement_works",
        ),
    ),
    (
        "Priya Nair",
        "Head of Housing Support",
        ("community_safety", "customer_access", "neighbourhood_services", "independent_living"),
    ),
)
RECOMMENDATIONS = (
    ("Inspect every empty home before the new tenant gets the keys.", "accepted"),
    ("Give new tenants a named officer for their first month.", "partly_accepted"),
    ("Bring void works back in house.", "not_accepted"),
)
REASONS = {
    "accepted": "Agreed: the inspections found most of the problems tenants reported.",
    "partly_accepted": "A named contact yes, for the first two weeks: staff numbers allow that.",
    "not_accepted": "The contract runs to 2028; the contractor is now paid only for work passed.",
}


def add_heads(session: Session, manager: Officer, now: datetime) -> None:
    """Both Heads of Operations, their areas, and a viewer account for one of them."""
    account = create_officer(
        session,
        email="marcus.webb@example.org",
        name="Marcus Webb",
        role=OfficerRole.VIEWER,
        password=secrets.token_urlsafe(24),  # never printed: sign in as the demo manager
    )
    for name, title, areas in HEADS:
        head = heads.add_head(
            session,
            manager,
            name=name,
            job_title=title,
            account_id=account.id if name == account.name else None,
            now=now,
        )
        for area in areas:
            heads.assign_area(session, manager, area, head.id, now)


def reported_call(
    session: Session, settings: Settings, panel: Officer, manager: Officer, now: datetime
) -> None:
    """A Call about empty homes, reported 40 days ago and now an agreed action plan."""

    def at(days_ago: int, who: Officer = panel) -> Workflow:
        moment = now - timedelta(days=days_ago)
        return Workflow(Notifier.of(session, settings, moment), who, settings=settings)

    session.add(PanelMeeting(held_on=(now - timedelta(days=120)).date(), location="Bootle"))
    answers = {
        "name": "Nadia Flores",
        "address": "6 Poplar Row, Bootle L20 6QQ",
        "contact_preference": "here",
        "service_area": "void_works",
        "concerns": "My new home had no working heating and rotten floors when I moved in.",
        "actions_taken": "Reported it on day one and complained.",
        "complaint_stage": "stage_2",
        "failures": "Empty homes are let before the repairs are done.",
        "failures_since": "Last year",
        "failures_frequency": "all_the_time",
        "others_affected": "yes",
        "affected_who": "Everyone who moved in this year.",
        "route": "individual",
    }
    submitted = now - timedelta(days=135)
    call = tenants.submit_call(session, "demo-reported", answers, submitted)
    at(130).accept_pro_forma(call, "New tenants without heating: serious enough on its own.")
    at(120).decide(
        call, Decision.ACCEPTED, Grounds("Many new tenants say the same.", "systematic", "stage_2")
    )
    parts = {"performance": 4, "satisfaction": 5, "complaints": 4, "business_critical": 4}
    at(118).score(call, parts)
    at(118).programme(call, (now - timedelta(days=100)).date())
    at(100).start_scrutiny(call)
    for number in range(1, 11):
        at(100 - 5 * number).record_step(
            call, number, (now - timedelta(days=100 - 5 * number)).date(), "Done with tenants."
        )
    for text, _ in RECOMMENDATIONS:
        at(50).add_recommendation(call, text)
    at(40).report(
        call,
        "Empty homes are let before the works are checked, so new tenants move in to faults. "
        "The contractor is paid when a job is booked, not when it passes inspection.",
        (now - timedelta(days=40)).date(),
    )
    at(30, manager).record_consideration(call, "board", (now - timedelta(days=30)).date())
    at(28, manager).record_consideration(call, "emt", (now - timedelta(days=28)).date())
    at(25, manager).delegate(call, manager, (now - timedelta(days=25)).date())
    recommendations = list(
        session.exec(
            select(Recommendation)
            .where(Recommendation.call_id == call.id)
            .order_by(col(Recommendation.id))
        )
    )
    for recommendation, (_, response) in zip(recommendations, RECOMMENDATIONS, strict=True):
        at(20, manager).respond(call, recommendation, response, REASONS[response])
    first, second, _ = recommendations
    done = at(15).add_action(
        call,
        "Inspect every empty home before letting it",
        "Void Works Manager",
        (now - timedelta(days=5)).date(),
        first,
    )
    at(15).add_action(
        call,
        "Pay the contractor only for work that passed inspection",
        "Contracts Manager",
        (now + timedelta(days=45)).date(),
        first,
    )
    at(15).add_action(
        call,
        "Name a contact for each new tenant for two weeks",
        "Lettings Team Leader",
        (now + timedelta(days=20)).date(),
        second,
    )
    at(12).agree_action_plan(call)
    at(6).action_done(call, done)
