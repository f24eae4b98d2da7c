"""The Call's lifecycle table: each move, the states it may start from, and who may make it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from backend.models import Call, CallStatus, Officer, OfficerRole

S = CallStatus
ADVISING = frozenset({S.SUBMITTED, S.GATHERING_EVIDENCE, S.COLLECTING_SIGNATURES})
# Before the panel's decision: a petition still gathers signatures, and Calls about the same
# problem can be joined (and a join undone).
BEFORE_DECISION = ADVISING | {S.READY, S.ON_AGENDA}
DECIDED = frozenset({S.NOT_EXHAUSTED, S.MONITORING, S.ACCEPTED, S.SERIOUS_FAILURE})
OPEN = frozenset(S) - {S.CLOSED}
# "Submit your appeal in writing within 28 days": the date decides, not how far the Call has
# gone since (an appeal panel that overturns the decision puts the Call where it says).
APPEALABLE = DECIDED | {
    S.PROGRAMMED,
    S.IN_SCRUTINY,
    S.REPORTED,
    S.ACTION_PLAN,
    S.COMPLETED,
    S.CLOSED,
}
APPEAL_DAYS = 28
SCRUTINY_STEPS = 10
# Accepted, or a serious failure: "immediate recommendations ... prior to any scrutiny taking
# place", and then it is scored and scheduled like any accepted Call.
TO_SCORE = frozenset({S.ACCEPTED, S.SERIOUS_FAILURE})

# A review the panel starts itself, from performance information: a Call with no tenant, which
# joins the programme straight away and goes on as any Call does (reviews.py).
PANEL_ROUTE = "panel"

STAFF = frozenset({OfficerRole.OFFICER, OfficerRole.MANAGER})
# "The Customer Empowerment Panel will identify an officer", and sets the signatories needed.
PANEL = frozenset({OfficerRole.PANEL, OfficerRole.MANAGER})
EVERYONE_WORKING = STAFF | PANEL
# "The PCHA Board and EMT will consider the report and delegate the task of responding to the
# recommendations to the Customer Empowerment Manager and Head of Operations": the manager
# records both, and the response.
MANAGER = frozenset({OfficerRole.MANAGER})


class IllegalTransition(Exception):  # noqa: N818 - the name the domain uses
    """A move the Call's current state (or the officer's role) does not allow."""


@dataclass(frozen=True)
class Move:
    """One kind of change: the states it may start from, and who may make it."""

    sources: frozenset[CallStatus]
    roles: frozenset[OfficerRole]


MOVES: dict[str, Move] = {
    "assign_officer": Move(ADVISING | {S.READY}, PANEL),
    "record_area": Move(ADVISING | {S.READY, S.ON_AGENDA}, EVERYONE_WORKING),
    "set_signatories": Move(ADVISING, PANEL),
    "accept_pro_forma": Move(ADVISING, PANEL),
    "mark_ready": Move(frozenset({S.GATHERING_EVIDENCE, S.COLLECTING_SIGNATURES}), STAFF | PANEL),
    "schedule": Move(frozenset({S.READY, S.ON_AGENDA}), STAFF | PANEL),
    "decide": Move(frozenset({S.ON_AGENDA}), PANEL),
    "review_monitoring": Move(frozenset({S.MONITORING}), PANEL),
    "score": Move(TO_SCORE | {S.PROGRAMMED}, PANEL),
    "programme": Move(TO_SCORE, PANEL),
    "start_scrutiny": Move(frozenset({S.PROGRAMMED}), PANEL),
    "record_step": Move(frozenset({S.IN_SCRUTINY}), PANEL),
    "report": Move(frozenset({S.IN_SCRUTINY}), PANEL),
    "add_recommendation": Move(frozenset({S.IN_SCRUTINY, S.REPORTED, S.SERIOUS_FAILURE}), PANEL),
    "record_consideration": Move(frozenset({S.REPORTED}), MANAGER),
    "delegate": Move(frozenset({S.REPORTED}), MANAGER),
    "respond": Move(frozenset({S.REPORTED, S.SERIOUS_FAILURE, S.ACTION_PLAN}), MANAGER),
    "add_action": Move(frozenset({S.REPORTED, S.SERIOUS_FAILURE, S.ACTION_PLAN}), PANEL),
    "action_done": Move(frozenset({S.ACTION_PLAN}), PANEL),
    "agree_action_plan": Move(frozenset({S.REPORTED, S.SERIOUS_FAILURE}), PANEL),
    "complete": Move(frozenset({S.ACTION_PLAN}), PANEL),
    "close": Move(frozenset({S.NOT_EXHAUSTED, S.MONITORING, S.COMPLETED}), PANEL),
    "lodge_appeal": Move(APPEALABLE, STAFF | PANEL),
    "appeal_outcome": Move(APPEALABLE, PANEL),
    # "One problem, one petition" (issue 15): a Call about the same problem as another is
    # joined into it; undone until the panel decides on the surviving Call.
    "join": Move(BEFORE_DECISION, EVERYONE_WORKING),
    "undo_join": Move(frozenset({S.JOINED}), EVERYONE_WORKING),
    "note": Move(OPEN | {S.CLOSED}, EVERYONE_WORKING),
    "reply": Move(OPEN, EVERYONE_WORKING),
}


def can(move: str, call: Call, officer: Officer) -> bool:
    """Whether `officer` may make `move` on `call` as it stands (for showing buttons)."""
    rule = MOVES[move]
    return CallStatus(call.status) in rule.sources and OfficerRole(officer.role) in rule.roles


def check(move: str, call: Call, officer: Officer) -> None:
    """Refuses a move that the Call's state or the officer's role does not allow."""
    rule = MOVES[move]
    if OfficerRole(officer.role) not in rule.roles:
        article = "An" if officer.role[0] in "aeiou" else "A"
        raise IllegalTransition(f"{article} {officer.role} account cannot {words(move)}.")
    if CallStatus(call.status) not in rule.sources:
        raise IllegalTransition(f"Cannot {words(move)}: {call.reference} is {words(call.status)}.")


def words(name: str) -> str:
    return name.replace("_", " ")


def appeal_deadline(call: Call) -> date | None:
    """The last day to appeal: 28 days from the decision."""
    return (call.decided_at + timedelta(days=APPEAL_DAYS)).date() if call.decided_at else None


def raised_by_panel(call: Call) -> bool:
    """The panel started this review itself: there is no tenant to tell or to appeal."""
    return call.route == PANEL_ROUTE
