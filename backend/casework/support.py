"""Support requests: a tenant asks for an officer's help, before or after sending the pro-forma.

The seed: "You can ask for support to complete this pro-forma and the Customer Empowerment
Panel will identify an officer to help you." So the panel (or the manager) assigns the officer;
whoever helps answers on the tenant's own channel, and closes the request with what came of it.
The tenant is promised contact within a number of working days (a setting: the seed gives none);
requests past it are overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from backend.casework.lifecycle import PANEL, STAFF, IllegalTransition
from backend.messaging.notify import Notifier
from backend.models import (
    Call,
    Contact,
    ConversationRecord,
    Message,
    Officer,
    OfficerRole,
    SupportRequest,
    SupportStatus,
)
from backend.store.timeline import add_event
from conversations import Conversation, Outbound

WAITING = (SupportStatus.OPEN, SupportStatus.ASSIGNED)


def reply_due(asked: datetime, working_days: int) -> date:
    """The day by which the tenant was promised contact: `working_days` later, weekends skipped."""
    day = asked.date()
    left = working_days
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


@dataclass(frozen=True)
class SupportRow:
    """One request in a list: who asked, about what, and by when they were promised contact."""

    request: SupportRequest
    contact: Contact
    call: Call | None
    name: str
    due: date

    def overdue(self, today: date) -> bool:
        """Still waiting after the day promised."""
        return self.request.status in WAITING and today > self.due


@dataclass(frozen=True)
class SupportFile:
    """Everything an officer needs to help: the tenant, their answers so far, the conversation."""

    row: SupportRow
    answers: dict[str, str]  # the pro-forma as sent, or the draft so far
    step: str  # where the tenant is in the form now ("" when the pro-forma was sent)
    transcript: list[Message]
    officer: Officer | None


def _draft(session: Session, contact: Contact) -> Conversation | None:
    record = session.exec(
        select(ConversationRecord).where(ConversationRecord.contact_id == contact.id)
    ).first()
    return Conversation.from_json(record.state) if record else None


def _name(call: Call | None, draft: Conversation | None) -> str:
    if call is not None:
        return call.tenant_name
    if draft is not None and draft.answers.get("name"):
        return draft.answers["name"]
    return "Name not given yet"


def support_requests(
    session: Session, working_days: int, *, waiting_only: bool = True, limit: int = 100
) -> list[SupportRow]:
    """Requests, oldest first (those still waiting, unless `waiting_only` is off)."""
    query = (
        select(SupportRequest, Contact, Call)
        .join(Contact, col(Contact.id) == col(SupportRequest.contact_id))
        .join(Call, col(Call.id) == col(SupportRequest.call_id), isouter=True)
        .order_by(col(SupportRequest.created_at))
        .limit(limit)
    )
    if waiting_only:
        query = query.where(col(SupportRequest.status).in_([s.value for s in WAITING]))
    return [
        SupportRow(
            request=request,
            contact=contact,
            call=call,
            name=_name(call, None if call else _draft(session, contact)),
            due=reply_due(request.created_at, working_days),
        )
        for request, contact, call in session.exec(query)
    ]


def support_file(session: Session, request_id: int, working_days: int) -> SupportFile | None:
    """One request with the tenant's answers and the conversation, for its page."""
    request = session.get(SupportRequest, request_id)
    if request is None:
        return None
    contact = session.get(Contact, request.contact_id)
    if contact is None:
        return None
    call = session.get(Call, request.call_id) if request.call_id else None
    draft = _draft(session, contact)
    if call is not None:
        answers = {
            "name": call.tenant_name,
            "address": call.address,
            "contact_phone": call.contact_phone or "",
            "service_area": call.service_area,
            "concerns": call.concerns,
        }
        step = ""
    else:
        answers = dict(draft.answers) if draft else {}
        step = draft.step.value if draft else ""
    transcript = list(
        session.exec(
            select(Message)
            .where(Message.contact_id == contact.id)
            .order_by(col(Message.id).desc())
            .limit(200)
        )
    )[::-1]
    row = SupportRow(
        request, contact, call, _name(call, draft), reply_due(request.created_at, working_days)
    )
    officer = session.get(Officer, request.officer_id) if request.officer_id else None
    return SupportFile(row, answers, step, transcript, officer)


class SupportDesk:
    """The moves on a support request, by one signed-in officer at one time."""

    def __init__(self, tell: Notifier, by: Officer) -> None:
        self.notifier = tell
        self.session: Session = tell.session
        self.by = by
        self.now: datetime = tell.now

    def _waiting(self, request: SupportRequest) -> None:
        if request.status not in WAITING:
            raise IllegalTransition("This request is closed.")

    def _on_timeline(self, request: SupportRequest, action: str, note: str) -> None:
        call = self.session.get(Call, request.call_id) if request.call_id else None
        if call is not None:
            add_event(self.session, call, action, self.now, note=note, officer_id=self.by.id)

    def _tell(self, request: SupportRequest, message: Outbound) -> None:
        contact = self.session.get(Contact, request.contact_id)
        if contact is not None:
            self.notifier.notify(contact, message)

    def assign(self, request: SupportRequest, officer: Officer) -> None:
        """The panel identifies the officer who will help; the tenant hears their first name."""
        if OfficerRole(self.by.role) not in PANEL:
            raise IllegalTransition(
                "The panel identifies the officer: a panel member or the manager assigns one."
            )
        self._waiting(request)
        if not officer.active or OfficerRole(officer.role) not in STAFF:
            raise IllegalTransition(f"{officer.name} cannot be assigned to support a tenant.")
        request.officer_id = officer.id
        request.status = SupportStatus.ASSIGNED
        self.session.add(request)
        self._on_timeline(request, "support_assigned", f"Support: {officer.name}")
        self._tell(request, Outbound("support_assigned", {"officer": officer.first_name}))

    def reply(self, request: SupportRequest, text: str) -> None:
        """An officer's own words to the tenant, on the channel they used."""
        if not text.strip():
            raise IllegalTransition("The message is empty.")
        if OfficerRole(self.by.role) not in STAFF | PANEL:
            raise IllegalTransition("This account cannot write to tenants.")
        self._waiting(request)
        self._on_timeline(request, "reply", text.strip())
        self._tell(request, Outbound("officer_message", {"text": text.strip()}))

    def close(self, request: SupportRequest, outcome: str) -> None:
        """The help was given (or could not be): what came of it is kept with the request."""
        if not outcome.strip():
            raise IllegalTransition("Say what came of the request.")
        if OfficerRole(self.by.role) not in STAFF | PANEL:
            raise IllegalTransition("This account cannot close support requests.")
        self._waiting(request)
        request.status = SupportStatus.CLOSED
        request.outcome = outcome.strip()[:2000]
        request.closed_at = self.now
        if request.officer_id is None:
            request.officer_id = self.by.id
        self.session.add(request)
        self._on_timeline(request, "support_closed", f"Support closed: {outcome.strip()}")
