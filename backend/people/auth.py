"""Officer sign-in: argon2 passwords, server-side sessions, CSRF tokens, failures held back."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete
from sqlmodel import Session, col, select

from backend.models import Officer, OfficerSession
from backend.models.types import saved_id
from backend.people.audit import audit
from backend.people.officers import hasher
from backend.store import rate_limits
from backend.store.db import write_session

SESSION_HOURS = 12
LOCK_MINUTES = 15
HOLD = timedelta(minutes=LOCK_MINUTES)  # the window failed sign-ins are counted over
# Checked when the email is unknown, so a wrong email takes as long as a wrong password.
_DUMMY_HASH = hasher.hash("not-a-real-password-at-all")

log = logging.getLogger(__name__)


class LoginRefused(Exception):  # noqa: N818 - a refusal, worded by the sign-in page
    """Sign-in refused. One refusal for every reason (an unknown email, a wrong password, an
    account held back from this client), so that the answer tells an attacker nothing."""


@dataclass(frozen=True)
class SignedIn:
    """A signed-in officer and the CSRF token their forms must carry."""

    officer: Officer
    csrf: str


@dataclass(frozen=True)
class Client:
    """Where a sign-in comes from: the address (for the log and the audit) and the key it is
    counted under (an IPv6 client's /64)."""

    address: str
    key: str


def token_hash(token: str) -> str:
    """What is stored for a session token: never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _limits(email: str, client: Client, allowed: Mapping[str, int]) -> list[rate_limits.Limit]:
    # The account comes first in its key, so a manager's unlock can clear every client's hold.
    where, account = _short_hash(client.key), _short_hash(email)
    return [
        rate_limits.Limit("login_client", where, allowed["client"]),
        rate_limits.Limit("login_account", f"{account}.{where}", allowed["client_account"]),
    ]


def forget_failures(session: Session, email: str) -> None:
    """Lifts the hold on an account from every client (a manager unlocking it)."""
    rate_limits.forget(session, "login_account", _short_hash(email.strip().lower()) + ".")


def sign_in(
    engine: Engine,
    email: str,
    password: str,
    client: Client,
    allowed: Mapping[str, int],
    now: datetime,
) -> tuple[str, SignedIn] | LoginRefused:
    """Checks the password: a new session token, or the refusal.

    Failures are counted per client and per client and account (`allowed`, over 15 minutes),
    in the database so that they hold across processes: guessing from one place is held back,
    and nobody can lock an officer out of their own connection. The password is checked (about
    200 ms of argon2) outside any transaction; only the outcome is written, briefly.
    """
    email = email.strip().lower()
    limits = _limits(email, client, allowed)
    with Session(engine, expire_on_commit=False) as reading:
        held = rate_limits.used_up(reading, limits, HOLD, now)
        officer = reading.exec(select(Officer).where(Officer.email == email)).first()
    usable = officer is not None and officer.active and not _locked(officer, now)
    if held or officer is None or not usable:
        _verify(_DUMMY_HASH, password)  # the same time as a wrong password takes
        if held:
            log.info("sign-in from %s refused: held back after failures", client.address)
            return LoginRefused()
        return _failed(engine, officer, client, limits, now)
    if not _verify(officer.password_hash, password):
        return _failed(engine, officer, client, limits, now)
    rehashed = hasher.hash(password) if hasher.check_needs_rehash(officer.password_hash) else None
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with write_session(engine) as writing:
        # Again in the writer's turn: guesses racing past the first look learn nothing.
        if rate_limits.used_up(writing, limits, HOLD, now):
            return LoginRefused()
        current = writing.get(Officer, saved_id(officer))
        if current is None or not current.active:
            return LoginRefused()
        if rehashed is not None:
            current.password_hash = rehashed
        current.failed_logins = 0
        current.last_login_at = now
        writing.add(current)
        writing.add(
            OfficerSession(
                token_hash=token_hash(token),
                officer_id=saved_id(current),
                csrf_token=csrf,
                created_at=now,
                expires_at=now + timedelta(hours=SESSION_HOURS),
            )
        )
    return token, SignedIn(current, csrf)


def _locked(officer: Officer, now: datetime) -> bool:
    return officer.locked_until is not None and officer.locked_until > now


def _failed(
    engine: Engine,
    officer: Officer | None,
    client: Client,
    limits: list[rate_limits.Limit],
    now: datetime,
) -> LoginRefused:
    """Counts a failed sign-in, and logs and audits it with the client's address."""
    who = f"officer {officer.id}" if officer is not None else "no such account"
    with write_session(engine) as writing:
        rate_limits.record(writing, limits, now)
        audit(writing, "sign_in_failed", who, now, detail=f"from {client.address}")
        used = rate_limits.counts(writing, limits, HOLD, now)
        if any(n == limit.most for n, limit in zip(used, limits, strict=True)):
            audit(writing, "sign_in_held", who, now, detail=f"from {client.address}")
            log.warning("sign-ins from %s held back for %d minutes", client.address, LOCK_MINUTES)
    log.info("sign-in failed for %s from %s", who, client.address)
    return LoginRefused()


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
