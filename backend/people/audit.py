"""The audit log: who looked at or changed personal data, and when (never a name or phone)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from backend.models import (
    AuditEntry,
    Officer,
)

AUDIT_LOG_SIZE = 100


def audit(
    session: Session,
    action: str,
    subject: str,
    now: datetime,
    *,
    officer_id: int | None = None,
    detail: str = "",
) -> AuditEntry:
    """Adds one line to the audit log (the caller's transaction; never a name or phone)."""
    entry = AuditEntry(
        at=now, officer_id=officer_id, action=action[:40], subject=subject[:80], detail=detail[:500]
    )
    session.add(entry)
    return entry


def audit_log(
    session: Session, limit: int = AUDIT_LOG_SIZE
) -> list[tuple[AuditEntry, Officer | None]]:
    """The latest audit entries, newest first, with the officer who acted (None: the system)."""
    rows = session.exec(
        select(AuditEntry, Officer)
        .join(Officer, col(Officer.id) == col(AuditEntry.officer_id), isouter=True)
        .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
        .limit(limit)
    ).all()
    return [(entry, officer) for entry, officer in rows]


def subject(contact_id: int) -> str:
    """How the audit log names a person: by their contact number, never their details."""
    return f"contact {contact_id}"
