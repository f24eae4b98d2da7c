"""UK GDPR for tenants: find a person, export what we hold, erase it, and the retention job."""

from __future__ import annotations

import re
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import phonenumbers
from sqlalchemy import event, update
from sqlmodel import Session, col, not_, select

from backend import petitions
from backend.messaging.evidence import MAX_FETCH_ATTEMPTS
from backend.models import (
    Appeal,
    Call,
    CallEvent,
    CallNote,
    Contact,
    ConversationRecord,
    Direction,
    Evidence,
    FollowUp,
    Message,
    MessageStatus,
    PendingSignature,
    Petition,
    Signature,
)
from backend.people.audit import audit, subject
from backend.store.db import escape_like
from bot.twilio_sms import WHATSAPP, e164
from conversations import Conversation
from conversations.validation import find_postcode

ERASED = "[erased]"
ERASED_ADDRESS = "erased-"  # + the contact's id: unique, and no channel can deliver to it
ERASED_REF = "erased"  # an evidence reference no fetcher recognises

MIN_NAME_SEARCH = 3  # fewer letters would match half the tenants
_REFERENCE = re.compile(r"CCS-\d{4}-\d{4,}", re.IGNORECASE)
_LOOKS_LIKE_PHONE = re.compile(r"\+?[\d\s().-]{6,20}")

# Answers that identify the tenant or are in their own words: replaced on erasure. The
# reference, service area, status, decision and dates stay, so the panel's statistics hold.
_CALL_TEXT = (
    "tenant_name",
    "address",
    "postcode",
    "concerns",
    "actions_taken",
    "failures",
    "failures_since",
    "evidence_notes",
)
_CALL_OPTIONAL_TEXT = ("contact_phone", "service_area_other", "complaint_reference", "affected_who")
# A Call's timeline is kept, but an officer's reply repeats words sent to the tenant.
_EVENTS_WITH_TENANT_TEXT = ("reply",)


@dataclass(frozen=True)
class Erasure:
    """What an erasure changed: how many Calls, messages and evidence files."""

    calls: int
    messages: int
    files: int


def as_phone(text: str) -> str | None:
    """The text as an E.164 phone number, when it looks like one."""
    text = text.strip().removeprefix(WHATSAPP)
    if not _LOOKS_LIKE_PHONE.fullmatch(text):
        return None
    try:
        return e164(text)
    except (ValueError, phonenumbers.NumberParseException):
        return None


def find_contacts(session: Session, query: str) -> list[Contact]:
    """Contacts matching a phone number, a Telegram chat id, a web chat address, a reference, a
    postcode or a name (of a tenant, in a Call or a draft, or of a signer)."""
    text = query.strip()
    if not text:
        return []
    addresses = {text}
    phone = as_phone(text)
    if phone:
        addresses.add(phone)
    ids = set(session.exec(select(Contact.id).where(col(Contact.address).in_(addresses))).all())
    if phone:
        # The phone given on the pro-forma may not be the one they wrote from (web chat).
        ids |= set(session.exec(select(Call.contact_id).where(Call.contact_phone == phone)).all())
    if _REFERENCE.fullmatch(text):
        ids |= set(
            session.exec(select(Call.contact_id).where(Call.reference == text.upper())).all()
        )
    postcode = find_postcode(text)
    if postcode:
        ids |= set(session.exec(select(Call.contact_id).where(Call.postcode == postcode)).all())
        ids |= _signers(session, col(Signature.address).contains(postcode))
    if len(text) >= MIN_NAME_SEARCH and not phone and not postcode:
        ids |= _by_name(session, text)
    found = {i for i in ids if i is not None}
    if not found:
        return []
    return list(
        session.exec(select(Contact).where(col(Contact.id).in_(found)).order_by(col(Contact.id)))
    )


def _signers(session: Session, where: Any) -> set[int | None]:
    """The text-message contacts of signers matching `where` (a signer's phone is their
    contact: they were texted a code, or texted SIGN)."""
    phones = select(Signature.phone).where(where, col(Signature.phone).is_not(None))
    return set(
        session.exec(
            select(Contact.id).where(
                col(Contact.channel).in_(["sms", "whatsapp"]), col(Contact.address).in_(phones)
            )
        ).all()
    )


def _by_name(session: Session, name: str) -> set[int | None]:
    """Tenants whose Call or draft gives this name, and signers who signed with it."""
    pattern = f"%{escape_like(name)}%"
    ids: set[int | None] = set(
        session.exec(
            select(Call.contact_id).where(col(Call.tenant_name).ilike(pattern, escape="\\"))
        ).all()
    )
    # A draft never sent holds the name in its saved state (JSON), nowhere else.
    ids |= set(
        session.exec(
            select(ConversationRecord.contact_id).where(
                col(ConversationRecord.state).ilike(pattern, escape="\\")
            )
        ).all()
    )
    return ids | _signers(session, col(Signature.name).ilike(pattern, escape="\\"))


def calls_of(session: Session, contact_id: int) -> list[Call]:
    """A contact's Calls, oldest first."""
    return list(
        session.exec(select(Call).where(Call.contact_id == contact_id).order_by(col(Call.id)))
    )


def _delete_files(session: Session, rows: Sequence[Evidence], evidence_dir: Path) -> int:
    """Forgets where each file was, and deletes the files once that is committed (an erasure
    that fails and rolls back keeps them, and the rows that point at them); returns how many."""
    root = evidence_dir.resolve()
    doomed: list[Path] = []
    for evidence in rows:
        if evidence.stored_path:
            path = (root / evidence.stored_path).resolve()
            # Never follow a stored path out of the evidence folder.
            if root in path.parents and path.is_file():
                doomed.append(path)
        evidence.stored_path = None
        evidence.channel_ref = ERASED_REF  # an upload's file name is the tenant's own words
        evidence.fetch_attempts = MAX_FETCH_ATTEMPTS  # so the fetcher never tries it again
        evidence.fetch_after = None
        session.add(evidence)
    if doomed:
        event.listen(session, "after_commit", lambda _: _unlink(root, doomed), once=True)
    return len(doomed)


def _unlink(root: Path, paths: Sequence[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
        if path.parent != root:
            with suppress(OSError):  # the contact's folder, once it is empty
                path.parent.rmdir()


def _anonymise_call(session: Session, call: Call, evidence_dir: Path, now: datetime) -> int:
    """Replaces one Call's personal data and deletes its evidence; returns files deleted."""
    for name in _CALL_TEXT:
        setattr(call, name, ERASED)
    for name in _CALL_OPTIONAL_TEXT:
        if getattr(call, name) is not None:
            setattr(call, name, ERASED)
    # Derived from the postcode: erased with it (and the Call is no longer found as nearby).
    call.postcode_sector = call.postcode_district = ""
    call.anonymised_at = call.anonymised_at or now
    call.updated_at = now
    session.add(call)
    session.execute(
        update(CallEvent)
        .where(
            col(CallEvent.call_id) == call.id,
            col(CallEvent.action).in_(_EVENTS_WITH_TENANT_TEXT),
        )
        .values(note=ERASED)
    )
    session.execute(update(CallNote).where(col(CallNote.call_id) == call.id).values(body=ERASED))
    session.execute(update(Appeal).where(col(Appeal.call_id) == call.id).values(reasons=ERASED))
    session.execute(
        update(FollowUp)
        .where(col(FollowUp.call_id) == call.id, col(FollowUp.answer).is_not(None))
        .values(answer=ERASED)
    )
    files = session.exec(select(Evidence).where(Evidence.call_id == call.id)).all()
    petition = petitions.petition_of(session, call)
    if petition is not None:  # the public page named the tenant's first name and district
        petition.title = "A petition to the tenant panel"
        petition.summary = "This petition's details have been removed."
        session.add(petition)
    return _delete_files(session, files, evidence_dir)


def signatures_of(session: Session, contact: Contact) -> list[tuple[Signature, str]]:
    """Petition signatures given from this contact's phone (SMS and WhatsApp contacts)."""
    if not contact.address.startswith("+"):
        return []
    rows = session.exec(
        select(Signature, Petition)
        .join(Petition, col(Petition.id) == col(Signature.petition_id))
        .where(Signature.phone == contact.address)
    ).all()
    return [(sig, petition.code) for sig, petition in rows]


def _erase_contact(
    session: Session, contact: Contact, calls: Sequence[Call], evidence_dir: Path, now: datetime
) -> Erasure:
    """Everything about one contact (and their `calls`) replaced, their files deleted, and no
    message sent again."""
    files = sum(_anonymise_call(session, call, evidence_dir, now) for call in calls)
    drafts = session.exec(select(Evidence).where(Evidence.contact_id == contact.id)).all()
    files += _delete_files(session, drafts, evidence_dir)
    # Anything still waiting to go out is stopped before its text is replaced.
    session.execute(
        update(Message)
        .where(
            col(Message.contact_id) == contact.id,
            col(Message.direction) == Direction.OUT.value,
            col(Message.status) == MessageStatus.QUEUED.value,
        )
        .values(status=MessageStatus.SUPPRESSED.value, last_error="erased")
    )
    messages = session.execute(
        update(Message).where(col(Message.contact_id) == contact.id).values(body=ERASED)
    ).rowcount  # type: ignore[attr-defined]
    session.execute(
        update(FollowUp)
        .where(col(FollowUp.contact_id) == contact.id, col(FollowUp.answer).is_not(None))
        .values(answer=ERASED)
    )
    record = session.exec(
        select(ConversationRecord).where(ConversationRecord.contact_id == contact.id)
    ).first()
    if record is not None:
        fresh = Conversation()
        record.step = fresh.step.value
        record.state = fresh.to_json()
        record.version += 1  # a worker mid-turn on the old state fails rather than restore it
        record.updated_at = now
        session.add(record)
    # Petitions they signed keep the count; the signer's details go.
    session.execute(
        update(Signature)
        .where(col(Signature.phone) == contact.address)
        .values(**petitions.nobodys_signature(ERASED, now))
    )
    session.execute(
        update(PendingSignature)
        .where(col(PendingSignature.phone) == contact.address)
        .values(name=ERASED, address=ERASED, phone=ERASED)
    )
    contact.address = f"{ERASED_ADDRESS}{contact.id}"
    contact.opted_out_at = contact.opted_out_at or now
    session.add(contact)
    session.flush()
    return Erasure(calls=len(calls), messages=int(messages or 0), files=files)


def erase(
    session: Session,
    contact_id: int,
    evidence_dir: Path | str,
    now: datetime,
    *,
    officer_id: int | None = None,
) -> Erasure:
    """Erases one person's data on request (right to erasure); the erasure is audited."""
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise LookupError(f"no contact {contact_id}")
    channel = contact.channel
    calls = calls_of(session, contact_id)
    done = _erase_contact(session, contact, calls, Path(evidence_dir), now)
    references = ", ".join(call.reference for call in calls)
    audit(
        session,
        "erasure",
        subject(contact_id),
        now,
        officer_id=officer_id,
        detail=(
            f"on request; channel {channel}; Calls: {references or 'none'}; "
            f"{done.messages} messages, {done.files} evidence files deleted"
        ),
    )
    return done


def anonymise_closed(
    session: Session,
    now: datetime,
    retention_days: int,
    evidence_dir: Path | str,
    *,
    officer_id: int | None = None,
) -> int:
    """The retention job: anonymises Calls closed more than `retention_days` ago; how many.

    A person with no Call left open and nothing heard from them within the period is erased
    altogether (messages, conversation, contact), as on request; anyone still active keeps
    their messages and other Calls.
    """
    folder = Path(evidence_dir)
    cutoff = now - timedelta(days=retention_days)
    due = session.exec(
        select(Call)
        .where(
            col(Call.closed_at).is_not(None),
            col(Call.closed_at) < cutoff,
            col(Call.anonymised_at).is_(None),
        )
        .order_by(col(Call.id))
    ).all()
    for call in due:
        files = _anonymise_call(session, call, folder, now)
        closed = f"{call.closed_at:%d %b %Y}" if call.closed_at else "unknown"
        audit(
            session,
            "anonymise_call",
            call.reference,
            now,
            detail=f"closed {closed}; retention {retention_days} days; {files} evidence files",
        )
    session.flush()
    dormant = _dormant_contacts(session, cutoff)
    for contact in dormant:
        _erase_contact(session, contact, calls_of(session, contact.id or 0), folder, now)
        audit(
            session,
            "anonymise_contact",
            subject(contact.id or 0),
            now,
            detail=f"no open Call and no messages for {retention_days} days",
        )
    audit(
        session,
        "retention_run",
        "retention",
        now,
        officer_id=officer_id,  # None when run by the daily timer
        detail=(
            f"Calls anonymised: {len(due)}; people erased: {len(dormant)}; "
            f"retention {retention_days} days"
        ),
    )
    session.flush()
    return len(due)


def _dormant_contacts(session: Session, cutoff: datetime) -> list[Contact]:
    """People with no Call left (all anonymised, or none ever: a neighbour who only signed or
    was texted a code, a visitor who never sent a Call) who have been quiet since `cutoff`."""
    # (A review the panel started has no contact: a NULL here would make NOT IN match nobody.)
    live = select(Call.contact_id).where(
        col(Call.anonymised_at).is_(None), col(Call.contact_id).is_not(None)
    )
    spoke = select(Message.contact_id).where(col(Message.created_at) >= cutoff)
    chatted = select(ConversationRecord.contact_id).where(
        col(ConversationRecord.updated_at) >= cutoff
    )
    return list(
        session.exec(
            select(Contact)
            .where(
                col(Contact.created_at) < cutoff,
                col(Contact.id).not_in(live),
                col(Contact.id).not_in(spoke),
                col(Contact.id).not_in(chatted),
                not_(col(Contact.address).startswith(ERASED_ADDRESS)),
            )
            .order_by(col(Contact.id))
        )
    )


def delete_abandoned_drafts(
    session: Session, now: datetime, days: int, evidence_dir: Path | str
) -> int:
    """Deletes the evidence of drafts nobody has touched for `days` days: files sent for a
    Call that was never submitted would otherwise be kept for ever. Returns files deleted."""
    cutoff = now - timedelta(days=days)
    still_talking = select(ConversationRecord.contact_id).where(
        col(ConversationRecord.updated_at) >= cutoff
    )
    abandoned = session.exec(
        select(Evidence).where(
            col(Evidence.call_id).is_(None),
            col(Evidence.created_at) < cutoff,
            col(Evidence.contact_id).not_in(still_talking),
        )
    ).all()
    if not abandoned:
        return 0
    files = _delete_files(session, abandoned, Path(evidence_dir))
    for evidence in abandoned:
        session.delete(evidence)
    audit(
        session,
        "delete_draft_evidence",
        "retention",
        now,
        detail=f"{len(abandoned)} files of drafts untouched for {days} days",
    )
    return files
