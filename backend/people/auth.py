"""Officer sign-in: argon2 passwords, server-side sessions, CSRF tokens, lockout."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete
from sqlmodel import Session, col, select

from backend.models import Officer, OfficerSession
from backend.models.types import saved_id
from backend.people.officers import hasher

SESSION_HOURS = 12
MAX_FAILURES = 5
LOCK_MINUTES = 15
# Checked when the email is unknown, so a wrong email takes as long as a wrong password.
_DUMMY_HASH = hasher.hash("not-a-real-password-at-all")


class LoginRefused(Exception):  # noqa: N818 - a refusal with words for the person
    """Sign-in refused; the message is safe to show (it never says which part was wrong)."""


@dataclass(frozen=True)
class SignedIn:
    """A signed-in officer and the CSRF token their forms must carry."""

    officer: Officer
    csrf: str


def token_hash(token: str) -> str:
    """What is stored for a session token: never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


def sign_in(
    session: Session, email: str, password: str, now: datetime
) -> tuple[str, SignedIn] | LoginRefused:
    """Checks the password: a new session token, or the refusal (returned, not raised, so
    that the caller's transaction keeps the failure count). Five failures lock 15 minutes."""
    officer = session.exec(select(Officer).where(Officer.email == email.strip().lower())).first()
    if officer is None or not officer.active:
        _verify(_DUMMY_HASH, password)
        return LoginRefused("That email and password do not match an account.")
    if officer.locked_until is not None and officer.locked_until > now:
        return LoginRefused(
            f"Too many failed attempts. Try again after {officer.locked_until:%H:%M} (UTC)."
        )
    if not _verify(officer.password_hash, password):
        officer.failed_logins += 1
        if officer.failed_logins >= MAX_FAILURES:
            officer.locked_until = now + timedelta(minutes=LOCK_MINUTES)
            officer.failed_logins = 0
        session.add(officer)
        return LoginRefused("That email and password do not match an account.")
    if hasher.check_needs_rehash(officer.password_hash):
        officer.password_hash = hasher.hash(password)
    officer.failed_logins = 0
    officer.locked_until = None
    officer.last_login_at = now
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(officer)
    session.add(
        OfficerSession(
            token_hash=token_hash(token),
            officer_id=saved_id(officer),
            csrf_token=csrf,
            created_at=now,
            expires_at=now + timedelta(hours=SESSION_HOURS),
        )
    )
    return token, SignedIn(officer, csrf)


def _verify(hashed: str, password: str) -> bool:
    try:
        return hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def signed_in(session: Session, token: str | None, now: datetime) -> SignedIn | None:
    """The officer behind a session cookie, if the session is live and the account active."""
    if not token:
        return None
    row = session.exec(
        select(OfficerSession, Officer)
        .join(Officer, col(Officer.id) == col(OfficerSession.officer_id))
        .where(OfficerSession.token_hash == token_hash(token))
    ).first()
    if row is None:
        return None
    auth, officer = row
    if auth.expires_at <= now or not officer.active:
        return None
    return SignedIn(officer, auth.csrf_token)


def sign_out(session: Session, token: str | None) -> None:
    """Ends the session behind the cookie."""
    if token:
        session.execute(
            delete(OfficerSession).where(col(OfficerSession.token_hash) == token_hash(token))
        )
