"""Back-office accounts, managed by a manager: add, change role, deactivate, unlock, reset."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from backend.models import Officer, OfficerRole, OfficerSession
from backend.models.types import saved_id
from backend.people.audit import audit
from backend.people.auth import forget_failures
from backend.people.officers import create_officer, hasher

MIN_PASSWORD = 12
MAX_PASSWORD = 200  # the sign-in form takes no more than this
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
ROLE_NAMES = {
    OfficerRole.OFFICER: "Support officer",
    OfficerRole.PANEL: "Panel member",
    OfficerRole.MANAGER: "Manager",
    OfficerRole.VIEWER: "Board or EMT (reports only)",
}


class AccountRefused(ValueError):  # noqa: N818 - a refusal shown next to the form
    """A change to an account that cannot be made; the message says why in plain words."""


@dataclass(frozen=True)
class Account:
    """One officer as the accounts page lists them."""

    officer: Officer
    locked: bool


def accounts(session: Session, now: datetime) -> list[Account]:
    """Every officer, active ones first, by name, and whether each is locked out now."""
    officers = session.exec(
        select(Officer).order_by(col(Officer.active).desc(), col(Officer.name), col(Officer.id))
    ).all()
    return [Account(o, o.locked_until is not None and o.locked_until > now) for o in officers]


def _role(value: str) -> OfficerRole:
    try:
        return OfficerRole(value)
    except ValueError as error:
        raise AccountRefused("Choose a role.") from error


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountRefused(f"The password must be at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise AccountRefused(f"The password must be at most {MAX_PASSWORD} characters.")


def _get(session: Session, officer_id: int) -> Officer:
    officer = session.get(Officer, officer_id)
    if officer is None:
        raise AccountRefused("There is no such account.")
    return officer


def _end_sessions(session: Session, officer_id: int) -> None:
    session.execute(delete(OfficerSession).where(col(OfficerSession.officer_id) == officer_id))


def add_officer(
    session: Session,
    actor: Officer,
    *,
    name: str,
    email: str,
    role: str,
    password: str,
    now: datetime,
) -> Officer:
    """Adds an account that can sign in at once; audited."""
    name, email = name.strip(), email.strip().lower()
    if not name:
        raise AccountRefused("Give the person's name.")
    if len(name) > 80:
        raise AccountRefused("The name must be at most 80 characters.")
    if len(email) > 254 or not _EMAIL.fullmatch(email):
        raise AccountRefused("Give an email address, like name@example.org.")
    chosen = _role(role)
    _check_password(password)
    if session.exec(select(Officer).where(Officer.email == email)).first():
        raise AccountRefused("There is already an account with that email.")
    officer = create_officer(session, email=email, name=name, role=chosen, password=password)
    officer.created_at = now
    session.add(officer)
    audit(
        session,
        "officer_added",
        f"officer {saved_id(officer)}",
        now,
        officer_id=actor.id,
        detail=f"role {chosen.value}",
    )
    return officer


def change_role(
    session: Session, actor: Officer, officer_id: int, role: str, now: datetime
) -> Officer:
    """Gives an account another role; a manager cannot demote themself; audited."""
    officer = _get(session, officer_id)
    chosen = _role(role)
    if officer.id == actor.id and chosen != OfficerRole.MANAGER:
        # So there is always a manager: another manager has to do it.
        raise AccountRefused("You cannot take the manager role from your own account.")
    if officer.role == chosen:
        return officer
    before = officer.role
    officer.role = chosen
    session.add(officer)
    audit(
        session,
        "role_changed",
        f"officer {officer_id}",
        now,
        officer_id=actor.id,
        detail=f"from {before} to {chosen.value}",
    )
    return officer


def set_active(
    session: Session, actor: Officer, officer_id: int, active: bool, now: datetime
) -> Officer:
    """Deactivates (ending every session) or reactivates an account; audited."""
    officer = _get(session, officer_id)
    if officer.id == actor.id and not active:
        raise AccountRefused("You cannot deactivate your own account.")
    if officer.active == active:
        return officer
    officer.active = active
    session.add(officer)
    if not active:
        _end_sessions(session, officer_id)
    audit(
        session,
        "officer_reactivated" if active else "officer_deactivated",
        f"officer {officer_id}",
        now,
        officer_id=actor.id,
        detail="" if active else "signed out everywhere",
    )
    return officer


def unlock(session: Session, actor: Officer, officer_id: int, now: datetime) -> Officer:
    """Lets a locked-out account try again now, from every client; audited."""
    officer = _get(session, officer_id)
    officer.locked_until = None
    officer.failed_logins = 0
    forget_failures(session, officer.email)
    session.add(officer)
    audit(session, "officer_unlocked", f"officer {officer_id}", now, officer_id=actor.id)
    return officer


def reset_password(
    session: Session, actor: Officer, officer_id: int, password: str, now: datetime
) -> Officer:
    """Sets a new password, unlocks, and signs the person out elsewhere; audited."""
    officer = _get(session, officer_id)
    _check_password(password)
    officer.password_hash = hasher.hash(password)
    officer.locked_until = None
    officer.failed_logins = 0
    forget_failures(session, officer.email)
    session.add(officer)
    # A reset often follows a lost or shared password: old sessions should not outlive it.
    # The manager's own session is kept, or resetting their own password would sign them out.
    if officer.id != actor.id:
        _end_sessions(session, officer_id)
    audit(session, "password_reset", f"officer {officer_id}", now, officer_id=actor.id)
    return officer
