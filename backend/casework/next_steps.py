"""What happens next on a Call, in words: what the process expects now (with its date), and
which moves can be made from here and by whom. A Call's page is never without a way forward."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from backend.casework.calls import CallFile
from backend.casework.lifecycle import MOVES, SCRUTINY_STEPS, appeal_deadline
from backend.casework.meetings import long_date
from backend.models import CallStatus, OfficerRole, Petition

S = CallStatus
# The moves as a person would name them (the timeline's own notes and replies are not "next").
MOVE_WORDS = {
    "assign_officer": "assign an officer to help the tenant",
    "record_area": "record the households in the area",
    "set_signatories": "set the signatures needed",
    "accept_pro_forma": "accept the pro-forma without more evidence",
    "mark_ready": "mark it ready for the panel",
    "schedule": "put it on a meeting's agenda",
    "decide": "record the panel's decision",
    "review_monitoring": "record the panel's monitoring review",
    "score": "score it",
    "programme": "schedule it in the annual programme",
    "start_scrutiny": "start the scrutiny",
    "record_step": "record a scrutiny step",
    "report": "record the final report",
    "add_recommendation": "add a recommendation",
    "record_consideration": "record when the Board or the EMT considered the report",
    "delegate": "record the delegation of the response",
    "respond": "record the response to a recommendation",
    "add_action": "add an action to the plan",
    "action_done": "mark an action done",
    "agree_action_plan": "agree the action plan",
    "complete": "complete it",
    "close": "close it",
    "lodge_appeal": "lodge an appeal from a letter",
    "appeal_outcome": "record the appeal panel's decision",
    "join": "join it into another Call about the same problem",
    "undo_join": "undo the join",
}
WHO = {
    OfficerRole.OFFICER: "support officers",
    OfficerRole.PANEL: "the panel",
    OfficerRole.MANAGER: "the manager",
}


@dataclass(frozen=True)
class Move:
    """One move that can be made now, and who may make it."""

    words: str
    who: str


def _who(roles: frozenset[OfficerRole]) -> str:
    names = [WHO[role] for role in WHO if role in roles]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def moves_now(status: str) -> list[Move]:
    """Every move the table allows from this state, and who may make it."""
    return [
        Move(MOVE_WORDS[name], _who(rule.roles))
        for name, rule in MOVES.items()
        if name in MOVE_WORDS and CallStatus(status) in rule.sources
    ]


def expected(file: CallFile, petition: Petition | None, today: date) -> list[str]:
    """What the process expects next, in a sentence or two, with dates."""
    call = file.call
    status = CallStatus(call.status)
    lines: list[str] = []
    if status == S.SUBMITTED:
        lines.append(
            "The panel advises the tenant: it sets the signatures a petition needs, or "
            "identifies an officer to help gather evidence."
        )
    elif status == S.GATHERING_EVIDENCE:
        who = file.officer.name if file.officer else "An officer"
        lines.append(f"{who} helps the tenant gather evidence; then it is ready for the panel.")
    elif status == S.COLLECTING_SIGNATURES:
        count = petition.signature_count if petition else 0
        lines.append(
            f"The petition has {count} of the {call.signatories_needed or '?'} signatures "
            "needed. At the target it joins the next meeting's agenda by itself"
            + (f"; it closes on {long_date(petition.closes_on)}." if petition else ".")
        )
    elif status == S.READY:
        lines.append("It joins the agenda of the next meeting as soon as one is scheduled.")
    elif status == S.ON_AGENDA and file.meeting is not None:
        held = file.meeting.held_on
        if held >= today:
            lines.append(f"The panel decides at its meeting on {long_date(held)}.")
        else:
            lines.append(
                f"The meeting on {long_date(held)} has passed: record its decision, or put "
                "the Call on the next agenda."
            )
    elif status == S.JOINED:
        lines.append(
            "Joined into another Call about the same problem: the panel looks at them together "
            "there, and its signatures count there. The join can be undone until the panel "
            "decides on that Call."
        )
    elif status == S.NOT_EXHAUSTED:
        lines.append("The tenant tries the other avenue first; then the Call can be closed.")
    elif status == S.MONITORING:
        review = call.monitoring_review_on
        if call.monitoring_outcome == "improved":
            lines.append("The service improved: the Call can be closed.")
        elif review is not None:
            late = " (due now)" if review <= today else ""
            lines.append(f"The panel looks at the service again on {long_date(review)}{late}.")
    elif status in (S.ACCEPTED, S.SERIOUS_FAILURE):
        if file.score is None:
            lines.append("Score it, then schedule its scrutiny in the annual programme.")
        else:
            lines.append("Scored: schedule its scrutiny in the annual programme.")
        if status == S.SERIOUS_FAILURE:
            head = file.plan.head
            lines.append(
                "The immediate recommendations can have an action plan agreed with "
                + (head.name if head else "the Head of Operations")
                + " straight away."
            )
    elif status == S.PROGRAMMED and call.programme_start is not None:
        start = call.programme_start
        early = " (not yet: starting earlier needs a good reason)" if start > today else ""
        lines.append(f"Its scrutiny starts on {long_date(start)}{early}.")
    elif status == S.IN_SCRUTINY:
        done = sum(1 for step in file.steps.values() if step.done_on)
        lines.append(
            f"{done} of the {SCRUTINY_STEPS} steps are done; then the final report with at "
            "least one recommendation."
        )
    elif status == S.REPORTED:
        lines += _after_report(file)
    elif status == S.ACTION_PLAN:
        waiting = [a for a in file.actions if a.done_on is None]
        overdue = [a for a in waiting if a.due_on < today]
        if waiting:
            lines.append(
                f"{len(waiting)} of {len(file.actions)} actions are open"
                + (f", {len(overdue)} overdue" if overdue else "")
                + ": it can be completed when every action is done."
            )
        else:
            lines.append("Every action is done: it can be completed.")
    elif status == S.COMPLETED:
        lines.append("The tenant is asked at 3 and 6 months whether the service improved.")
    elif status == S.CLOSED and call.closed_at is not None:
        lines.append(f"Closed on {long_date(call.closed_at.date())}.")
    deadline = appeal_deadline(call)
    if deadline is not None and deadline >= today and not file.appeals:
        lines.append(f"The tenant can appeal until {long_date(deadline)}.")
    return lines


def _after_report(file: CallFile) -> list[str]:
    """After the final report: what the Board, EMT, the manager and the Head of Operations
    still have to do before the plan is agreed."""
    plan, call = file.plan, file.call
    head = plan.head.name if plan.head else "the Head of Operations"
    missing = plan.missing()
    if not missing:
        return [f"Everything is ready: agree the action plan with {head}."]
    if call.delegated_on is None:
        waiting = [
            name
            for name, day in (
                ("the Board", call.board_considered_on),
                ("the Executive Management Team", call.emt_considered_on),
            )
            if day is None
        ]
        first = (
            f"Waiting for {' and '.join(waiting)} to consider the report"
            if waiting
            else "The Board and EMT have considered the report"
        )
        return [
            f"{first}; then they delegate the response to the recommendations to the Customer "
            f"Empowerment Manager and {head}.",
            *[line for line in missing if "Head of Operations" in line and "Nobody" in line],
        ]
    return [
        f"The Customer Empowerment Manager and {head} respond to each recommendation and "
        f"agree the action plan with the panel. Still to do:",
        *missing,
    ]
