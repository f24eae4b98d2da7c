"""Three and six months after the action plan: did the service get better? Asked, answered."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from backend.messaging.notify import Notifier
from backend.models import Call, Contact, FollowUp, Signature
from backend.models.types import saved_id
from backend.petitions.petition import petition_of
from backend.store.db import insert_or_skip
from conversations import Outbound

MONTHS = (3, 6)
ANSWER_WINDOW = timedelta(days=30)  # a bare "1" this long after asking answers the question
ANSWERS = {"BETTER": "better", "SAME": "no better", "WORSE": "worse"}


def schedule(session: Session, call: Call, now: datetime) -> int:
    """Plans the questions for the tenant and for signers who asked to hear how it ends."""
    # A review the panel started itself has no tenant: only signers (none) would be asked.
    contacts = [call.contact_id] if call.contact_id is not None else []
    petition = petition_of(session, call)
    if petition is not None:
        phones = session.exec(
            select(Signature.phone).where(
                Signature.petition_id == petition.id,
                Signature.hear_outcome,
                col(Signature.withdrawn_at).is_(None),
                col(Signature.struck_at).is_(None),
            )
        ).all()
        contacts += [
            saved_id(c)
            for c in session.exec(
                select(Contact).where(Contact.channel == "sms", col(Contact.address).in_(phones))
            )
        ]
    planned = 0
    for contact_id in dict.fromkeys(contacts):
        for months in MONTHS:
            session.execute(
                insert_or_skip(session, FollowUp).values(
                    call_id=call.id,
                    contact_id=contact_id,
                    months=months,
                    due_on=(now + timedelta(days=30 * months)).date(),
                )
            )
            planned += 1
    return planned


def send_due(session: Session, tell: Notifier) -> int:
    """Asks every question that has come due (run by the worker's housekeeping)."""
    now = tell.now
    due = session.exec(
        select(FollowUp, Call, Contact)
        .join(Call, col(Call.id) == col(FollowUp.call_id))
        .join(Contact, col(Contact.id) == col(FollowUp.contact_id))
        .where(col(FollowUp.sent_at).is_(None), FollowUp.due_on <= now.date())
    ).all()
    for follow_up, call, contact in due:
        tell.notify(
            contact,
            Outbound(
                "outcomes/follow_up", {"reference": call.reference, "months": follow_up.months}
            ),
        )
        follow_up.sent_at = now
        session.add(follow_up)
    return len(due)


def waiting(session: Session, contact: Contact, now: datetime) -> FollowUp | None:
    """The question this person was asked lately and has not answered, if any."""
    return session.exec(
        select(FollowUp)
        .where(
            FollowUp.contact_id == contact.id,
            col(FollowUp.sent_at).is_not(None),
            col(FollowUp.sent_at) >= now - ANSWER_WINDOW,
            col(FollowUp.answer).is_(None),
        )
        .order_by(col(FollowUp.sent_at).desc())
    ).first()


def record(
    session: Session, contact: Contact, reference: str, answer: str, now: datetime
) -> Outbound:
    """Keeps the answer (it shows on the Call) and thanks them."""
    follow_up = waiting(session, contact, now)
    if follow_up is not None:
        follow_up.answer = ANSWERS.get(answer, answer)[:500]
        follow_up.answered_at = now
        session.add(follow_up)
    return Outbound("outcomes/follow_up_thanks", {"reference": reference})


def answers_for(session: Session, call: Call) -> list[FollowUp]:
    """Every follow-up of the Call, for its page."""
    return list(
        session.exec(
            select(FollowUp).where(FollowUp.call_id == call.id).order_by(col(FollowUp.due_on))
        )
    )
