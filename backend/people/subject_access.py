"""Subject access (UK GDPR): everything we hold on one person, as JSON."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, SQLModel, col, select

from backend.appeals.appeal import appeals_of
from backend.messaging.evidence import UPLOAD_PREFIX
from backend.models import (
    Call,
    CallEvent,
    CallNote,
    Contact,
    ConversationRecord,
    Evidence,
    FollowUp,
    Message,
    PendingSignature,
    Petition,
    SupportRequest,
)
from backend.models.types import utcnow
from backend.people.audit import audit, subject
from backend.people.privacy import calls_of, signatures_of
from backend.petitions import petition_of
from conversations import Conversation


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _row(row: SQLModel, keep: Iterable[str] | None = None) -> dict[str, Any]:
    values = row.model_dump()
    names = list(keep) if keep is not None else list(values)
    return {name: _plain(values[name]) for name in names}


def _file_name(evidence: Evidence) -> str | None:
    if evidence.channel_ref.startswith(UPLOAD_PREFIX):
        return evidence.channel_ref.removeprefix(UPLOAD_PREFIX)
    return Path(evidence.stored_path).name if evidence.stored_path else None


def _conversation(record: ConversationRecord | None) -> dict[str, Any] | None:
    if record is None:
        return None
    try:
        state: Any = Conversation.from_json(record.state).model_dump(mode="json")
    except ValueError:
        state = record.state  # kept as stored, rather than leave it out of the export
    return {
        "step": record.step,
        "state": state,
        "started_at": _plain(record.created_at),
        "updated_at": _plain(record.updated_at),
    }


def subject_access(
    session: Session,
    contact_id: int,
    *,
    officer_id: int | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Everything held about one person, as JSON-ready data; the export is audited."""
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise LookupError(f"no contact {contact_id}")
    now = now or utcnow()
    calls = calls_of(session, contact_id)
    references = {call.id: call.reference for call in calls}
    messages = session.exec(
        select(Message).where(Message.contact_id == contact_id).order_by(col(Message.id))
    ).all()
    record = session.exec(
        select(ConversationRecord).where(ConversationRecord.contact_id == contact_id)
    ).first()
    evidence = session.exec(
        select(Evidence).where(Evidence.contact_id == contact_id).order_by(col(Evidence.id))
    ).all()
    support = session.exec(
        select(SupportRequest)
        .where(SupportRequest.contact_id == contact_id)
        .order_by(col(SupportRequest.id))
    ).all()
    follow_ups = session.exec(
        select(FollowUp).where(FollowUp.contact_id == contact_id).order_by(col(FollowUp.id))
    ).all()
    export = {
        "about": (
            "Everything the Community Call for Scrutiny service holds about one person, "
            "as at the time of export."
        ),
        "exported_at": now.isoformat(),
        "contact": _row(contact, ("id", "channel", "address", "created_at", "opted_out_at")),
        "messages": [
            _row(m, ("id", "direction", "channel", "body", "status", "created_at", "sent_at"))
            for m in messages
        ],
        "conversation": _conversation(record),
        "calls": [_call_export(session, call) for call in calls],
        "evidence": [
            {
                "id": e.id,
                "call": references.get(e.call_id),
                "file_name": _file_name(e),
                "content_type": e.content_type,
                "size_bytes": e.size_bytes,
                "received_at": _plain(e.created_at),
                "file_kept": e.stored_path is not None,
            }
            for e in evidence
        ],
        "support_requests": [
            {
                **_row(s, ("id", "step", "reason", "status", "created_at")),
                "call": references.get(s.call_id),
            }
            for s in support
        ],
        "follow_ups": [
            {
                **_row(f, ("id", "months", "due_on", "sent_at", "answer", "answered_at")),
                "call": references.get(f.call_id),
            }
            for f in follow_ups
        ],
        "petition_signatures": [
            {
                **_row(
                    sig,
                    (
                        "name",
                        "address",
                        "verified_by",
                        "verified_at",
                        "hear_outcome",
                        "withdrawn_at",
                        "struck_at",
                    ),
                ),
                "petition": code,
            }
            for sig, code in signatures_of(session, contact)
        ],
        # Signatures given on a petition's page whose code was never entered (kept until the
        # code expires, and a little after).
        "unconfirmed_signatures": [
            {
                **_row(pending, ("name", "address", "created_at", "expires_at", "used_at")),
                "petition": code,
            }
            for pending, code in pending_signatures_of(session, contact)
        ],
    }
    audit(
        session,
        "subject_access",
        subject(contact_id),
        now,
        officer_id=officer_id,
        detail=f"exported {len(messages)} messages and {len(calls)} Calls",
    )
    json.dumps(export)  # fails here, not in the download, if anything is not plain data
    return export


def pending_signatures_of(session: Session, contact: Contact) -> list[tuple[PendingSignature, str]]:
    """Signatures from this contact's phone still waiting for their code (or just used)."""
    if not contact.address.startswith("+"):
        return []
    rows = session.exec(
        select(PendingSignature, Petition)
        .join(Petition, col(Petition.id) == col(PendingSignature.petition_id))
        .where(PendingSignature.phone == contact.address)
        .order_by(col(PendingSignature.id))
    ).all()
    return [(pending, petition.code) for pending, petition in rows]


def _call_export(session: Session, call: Call) -> dict[str, Any]:
    events = session.exec(
        select(CallEvent).where(CallEvent.call_id == call.id).order_by(col(CallEvent.id))
    ).all()
    notes = session.exec(
        select(CallNote).where(CallNote.call_id == call.id).order_by(col(CallNote.id))
    ).all()
    appeals = appeals_of(session, call)
    petition = petition_of(session, call)
    return {
        **_row(call),
        "petition": (
            _row(petition, ("code", "title", "summary", "status", "signature_count", "closes_on"))
            if petition is not None
            else None
        ),
        "timeline": [_row(e, ("at", "action", "from_status", "to_status", "note")) for e in events],
        "notes": [_row(n, ("created_at", "body")) for n in notes],
        "appeals": [
            _row(
                a,
                ("lodged_at", "lodged_via", "reasons", "outcome", "new_decision", "decided_at"),
            )
            for a in appeals
        ],
    }
