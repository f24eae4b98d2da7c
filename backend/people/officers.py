"""Officer accounts: created with an argon2 password hash."""

from __future__ import annotations

from argon2 import PasswordHasher
from sqlmodel import Session, select

from backend.models import Officer, OfficerRole

hasher = PasswordHasher()


def create_officer(
    session: Session, *, email: str, name: str, role: OfficerRole, password: str
) -> Officer:
    """Adds an officer; refuses a second account with the same email."""
    email = email.strip().lower()
    if session.exec(select(Officer).where(Officer.email == email)).first():
        raise ValueError(f"an officer with email {email} already exists")
    if len(password) < 12:
        raise ValueError("the password must be at least 12 characters")
    officer = Officer(
        email=email, name=name.strip(), role=role, password_hash=hasher.hash(password)
    )
    session.add(officer)
    session.flush()
    return officer
