"""Appeals against the panel's decision: lodging, choosing the appeal panel, the outcome.

The landlord's process says: appeal in writing within 28 days of the decision; an independent
panel of 4 to 6 representatives of other involvement methods, none from the panel that serves
the business area, hears it; its decision is final. These rules live here, with no HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlmodel import Session, col, select

from backend.appeals.representatives import (
    OUTCOMES,
    panel_of,
    panel_problem,
    representatives,
    why_not_on_panel,
)
from backend.casework.calls import find_call
from backend.casework.decisions import Grounds
from backend.casework.lifecycle import (
    MOVES,
    PANEL,
    IllegalTransition,
    appeal_deadline,
    check,
)
from backend.casework.meetings import long_date
from backend.casework.workflow import Workflow
from backend.models import (
    Appeal,
    AppealPanelMember,
    Call,
    Contact,
    Decision,
    OfficerRole,
    Representative,
)
from backend.models.types import saved_id
from backend.store.timeline import add_event
from bot.render import label
from conversations import Outbound


def is_late(call: Call, day: date) -> bool:
    """Whether an appeal arriving on `day` is after the 28-day deadline."""
    deadline = appeal_deadline(call)
    return deadline is not None and day > deadline


# -- reading ---------------------------------------------------------------------------------


def appeals_of(session: Session, call: Call) -> list[Appeal]:
    """Every appeal on a Call, oldest first."""
    return list(
        session.exec(select(Appeal).where(Appeal.call_id == call.id).order_by(col(Appeal.id)))
    )


def open_appeal(session: Session, call: Call) -> Appeal | None:
    """The Call's appeal still waiting for the appeal panel, if there is one."""
    return session.exec(
        select(Appeal).where(Appeal.call_id == call.id, col(Appeal.outcome).is_(None))
    ).first()


def _why_not(session: Session, call: Call) -> str | None:
    """Which rule stops an appeal now, whatever the date: decided, waiting, undecided. How far
    the Call has gone since the decision never does: the 28 days decide."""
    appeals = appeals_of(session, call)
    if any(a.outcome is not None for a in appeals):
        return "decided"
    if appeals:
        return "waiting"
    if call.decision is None:
        return "undecided"
    return None


def lodge_refusal(session: Session, call: Call) -> str | None:
    """Why no appeal can be lodged on this Call now, whatever the date (None: one can)."""
    why = _why_not(session, call)
    if why == "decided":
        return (
            f"The appeal panel has already decided on {call.reference}. "
            "Its decision is final, so there can be no further appeal."
        )
    if why == "waiting":
        return f"{call.reference} already has an appeal waiting for the appeal panel."
    if why == "undecided":
        return (
            f"{call.reference} has no decision from the panel yet, so there is nothing to appeal."
        )
    return None


@dataclass(frozen=True)
class AppealRow:
    """One appeal in the list: the appeal, its Call, and how many sit on its panel."""

    appeal: Appeal
    call: Call
    panel_size: int


def list_appeals(session: Session) -> list[AppealRow]:
    """Open appeals first (oldest first, as they have waited longest), then decided ones."""
    rows = session.exec(select(Appeal, Call).join(Call, col(Call.id) == col(Appeal.call_id))).all()
    sizes: dict[int, int] = {}
    for member in session.exec(select(AppealPanelMember)):
        sizes[member.appeal_id] = sizes.get(member.appeal_id, 0) + 1
    open_rows = sorted(
        (r for r in rows if r[0].outcome is None), key=lambda r: (r[0].lodged_at, r[0].id or 0)
    )
    decided = sorted(
        (r for r in rows if r[0].outcome is not None),
        key=lambda r: (r[0].decided_at or r[0].lodged_at, r[0].id or 0),
        reverse=True,
    )
    return [AppealRow(a, c, sizes.get(saved_id(a), 0)) for a, c in [*open_rows, *decided]]


@dataclass(frozen=True)
class AppealFile:
    """Everything the appeal page shows for one Call."""

    call: Call
    appeals: list[Appeal]  # oldest first
    current: Appeal | None  # the open appeal, else the last decided one
    panel: list[Representative]  # who hears the current appeal
    choices: list[tuple[Representative, str | None]]  # active representatives, why not
    deadline: date | None
    refusal: str | None  # why no appeal can be lodged now (None: one can)


def appeal_file(session: Session, reference: str) -> AppealFile | None:
    """The appeal page's contents for the Call with this reference."""
    call = find_call(session, reference)
    if call is None:
        return None
    appeals = appeals_of(session, call)
    current = open_appeal(session, call) or (appeals[-1] if appeals else None)
    return AppealFile(
        call=call,
        appeals=appeals,
        current=current,
        panel=panel_of(session, current) if current else [],
        choices=[(r, why_not_on_panel(r, call)) for r in representatives(session)],
        deadline=appeal_deadline(call),
        refusal=lodge_refusal(session, call),
    )


# -- lodging ---------------------------------------------------------------------------------


def lodge(
    flow: Workflow,
    call: Call,
    reasons: str,
    via: str,
    *,
    override: str = "",
    received_on: date | None = None,
) -> Appeal:
    """Lodges an appeal (a letter an officer types in, say), refusing one the rules do not allow.

    `received_on` is the day the appeal reached us (a letter may be typed in days later); it
    decides whether the appeal is late. A late appeal needs a manager and their `override`.
    """
    role = OfficerRole(flow.person().role)
    if role not in MOVES["lodge_appeal"].roles:
        raise IllegalTransition(f"A {role.value} account cannot lodge an appeal.")
    if via not in ("message", "letter"):
        raise IllegalTransition("An appeal comes by message or by letter.")
    if not reasons.strip():
        raise IllegalTransition("Give the tenant's reasons for the appeal.")
    # Hold the Call's row first: two appeals at once take turns, so only one is lodged.
    flow.session.execute(select(Call.id).where(Call.id == call.id).with_for_update())
    refusal = lodge_refusal(flow.session, call)
    if refusal:
        raise IllegalTransition(refusal)
    deadline = appeal_deadline(call)
    arrived = received_on or flow.now.date()
    if arrived > flow.now.date():
        raise IllegalTransition("The day the appeal arrived cannot be in the future.")
    decided_on = call.decided_at.date() if call.decided_at else arrived
    if arrived < decided_on:
        raise IllegalTransition("The appeal cannot have arrived before the decision was made.")
    note = f"Appeal lodged by {via}"
    if received_on is not None and received_on != flow.now.date():
        note += f", received {long_date(received_on)}"
    late = is_late(call, arrived)
    if late and deadline is not None:
        if role != OfficerRole.MANAGER:
            raise IllegalTransition(
                f"This appeal is late: appeals on {call.reference} had to arrive by "
                f"{long_date(deadline)}. Only a manager can accept a late appeal, with a reason."
            )
        if not override.strip():
            raise IllegalTransition(
                f"This appeal is late: appeals on {call.reference} had to arrive by "
                f"{long_date(deadline)}. To accept it anyway, say why."
            )
        days = (arrived - deadline).days
        note += (
            f". Accepted {days} day{'' if days == 1 else 's'} after the deadline by "
            f"{flow.person().name}: {override.strip()}"
        )
    flow.record(call, "lodge_appeal", note)
    appeal = Appeal(
        call_id=saved_id(call),
        # The day it reached us counts, not the day it was typed in.
        lodged_at=flow.now
        if arrived == flow.now.date()
        else datetime.combine(arrived, time.min, tzinfo=UTC),
        lodged_via=via,
        reasons=reasons.strip(),
        late_override=override.strip() if late else "",
    )
    flow.session.add(appeal)
    flow.session.flush()
    flow.tell(call, "outcomes/appeal_received")
    return appeal


def lodge_by_message(
    session: Session, contact: Contact, reference: str, reasons: str, now: datetime
) -> Outbound:
    """The tenant's own appeal from the bot ("APPEAL CCS-2026-0042 my reasons"): the reply.

    The reply is returned, not queued: the caller sends it in the conversation.
    """
    wanted = reference.strip().upper()
    call = session.exec(
        select(Call)
        .where(Call.reference == wanted, Call.contact_id == contact.id)
        .with_for_update()  # two appeals at once take turns, so only one is lodged
    ).first()
    if call is None:
        # The same answer whether the Call does not exist or is someone else's: no leaks.
        return Outbound("outcomes/appeal_unknown", {"reference": wanted[:20]})
    context: dict[str, object] = {"reference": call.reference}
    why = _why_not(session, call)
    if why in ("decided", "waiting"):
        return Outbound("outcomes/appeal_already", {**context, "decided": why == "decided"})
    if why is not None:
        return Outbound("outcomes/appeal_not_open", context)
    if is_late(call, now.date()):
        deadline = appeal_deadline(call)
        assert deadline is not None  # noqa: S101 - is_late needs one
        return Outbound("outcomes/appeal_late", {**context, "appeal_by": deadline})
    if not reasons.strip():
        return Outbound("outcomes/appeal_reasons", context)
    add_event(session, call, "lodge_appeal", now, note="Appeal lodged by the tenant by message")
    call.updated_at = now
    session.add(call)
    session.add(
        Appeal(call_id=saved_id(call), lodged_at=now, lodged_via="message", reasons=reasons.strip())
    )
    session.flush()
    return Outbound("outcomes/appeal_received", context)


# -- the appeal panel ------------------------------------------------------------------------


def _appeal_call(flow: Workflow, appeal: Appeal) -> Call:
    call = flow.session.get(Call, appeal.call_id)
    if call is None:
        raise IllegalTransition("That appeal's Call no longer exists.")
    return call


def _panel_only(flow: Workflow, doing: str) -> None:
    if OfficerRole(flow.person().role) not in PANEL:
        raise IllegalTransition(f"Only the panel or a manager can {doing}.")


def _final(appeal: Appeal) -> None:
    if appeal.outcome is not None:
        raise IllegalTransition(
            "The appeal panel has already decided this appeal. Its decision is final."
        )


def choose_panel(
    flow: Workflow, appeal: Appeal, representative_ids: list[int]
) -> list[AppealPanelMember]:
    """Chooses the independent appeal panel, replacing an earlier choice while undecided."""
    _panel_only(flow, "choose an appeal panel")
    _final(appeal)
    call = _appeal_call(flow, appeal)
    check("appeal_outcome", call, flow.person())
    chosen: list[Representative] = []
    for rid in dict.fromkeys(representative_ids):  # the same person counts once
        representative = flow.session.get(Representative, rid)
        if representative is None:
            raise IllegalTransition("One of the chosen representatives no longer exists.")
        if not representative.active:
            raise IllegalTransition(f"{representative.name} is no longer available for panels.")
        chosen.append(representative)
    problem = panel_problem(chosen, call)
    if problem:
        raise IllegalTransition(problem)
    for old in flow.session.exec(
        select(AppealPanelMember).where(AppealPanelMember.appeal_id == appeal.id)
    ):
        flow.session.delete(old)
    # Deletes must reach the database before inserts, or a person chosen again would
    # collide with their old row on the unique (appeal, representative) key.
    flow.session.flush()
    members = [
        AppealPanelMember(
            appeal_id=saved_id(appeal), representative_id=saved_id(r), created_at=flow.now
        )
        for r in chosen
    ]
    flow.session.add_all(members)
    names = ", ".join(sorted(r.name for r in chosen))
    officer_id = flow.person().id
    note = f"Appeal panel: {names}"
    add_event(flow.session, call, "appeal_panel", flow.now, note=note, officer_id=officer_id)
    flow.session.flush()
    return members


def decide_appeal(
    flow: Workflow,
    appeal: Appeal,
    outcome: str,
    reasons: str,
    new_decision: Decision | None = None,
    *,
    advice: str = "",
    recommendations: str = "",
    monitoring_what: str = "",
    review_on: date | None = None,
) -> None:
    """Records the appeal panel's final decision and tells the tenant. A changed decision
    needs what a first one needs (advice, recommendations, what to monitor and when); the
    panel's findings on failures and the complaints procedure stand."""
    _panel_only(flow, "record an appeal's outcome")
    _final(appeal)
    call = _appeal_call(flow, appeal)
    check("appeal_outcome", call, flow.person())
    if outcome not in OUTCOMES:
        raise IllegalTransition("Say whether the decision is upheld or overturned.")
    if not reasons.strip():
        raise IllegalTransition("Give the appeal panel's reasons: the tenant is told them.")
    problem = panel_problem(panel_of(flow.session, appeal), call)
    if problem:
        raise IllegalTransition(f"Choose a valid appeal panel first. {problem}")
    before = label("decision", call.decision or "")
    if outcome == "upheld":
        flow.record(call, "appeal_outcome", f"Appeal: decision upheld ({before}). {reasons}")
        appeal.new_decision = None
    else:
        if new_decision is None:
            raise IllegalTransition("Choose the new decision the appeal panel made.")
        if new_decision == call.decision:
            raise IllegalTransition(
                f"The new decision must differ from the panel's: it was already {before}."
            )
        grounds = Grounds(
            reasons=reasons,
            failure_found=call.failure_found,
            complaints_used=call.complaints_used,
            advice=advice,
            recommendations=recommendations,
            monitoring_what=monitoring_what,
            review_on=review_on,
        )
        flow.change_decision(
            call,
            new_decision,
            grounds,
            f"Appeal: decision overturned, from {before} to "
            f"{label('decision', new_decision.value)}. {reasons}",
        )
        appeal.new_decision = new_decision.value
    appeal.outcome = outcome
    appeal.outcome_reasons = reasons.strip()
    appeal.decided_at = flow.now
    flow.session.add(appeal)
    flow.tell(
        call,
        "outcomes/appeal_outcome",
        outcome=outcome,
        new_decision=appeal.new_decision or "",
        reasons=appeal.outcome_reasons,
        advice=call.advice,
        recommendations=call.immediate_recommendations,
    )


# -- representatives -------------------------------------------------------------------------
