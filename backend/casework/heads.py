"""Heads of Operations: who they are and which business areas each leads (the manager keeps
this up to date). "The Head of Operations for that particular area of the business" responds
to the panel's recommendations with the Customer Empowerment Manager and agrees the action
plan."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from backend.casework.areas import BUSINESS_AREAS
from backend.casework.lifecycle import IllegalTransition
from backend.models import AreaHead, HeadOfOperations, Officer, OfficerRole

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")  # a sanity check, as the accounts page makes


@dataclass(frozen=True)
class HeadRow:
    """A Head of Operations, the areas they lead and their back-office account, if any."""

    head: HeadOfOperations
    areas: list[str] = field(default_factory=list)
    account: Officer | None = None


def head_for(session: Session, area: str | None) -> HeadOfOperations | None:
    """The Head of Operations for a business area (None: nobody named yet)."""
    if area is None:
        return None
    return session.exec(
        select(HeadOfOperations)
        .join(AreaHead, col(AreaHead.head_id) == col(HeadOfOperations.id))
        .where(AreaHead.service_area == area)
    ).first()


def heads(session: Session) -> list[HeadRow]:
    """Every Head of Operations by name, with their areas in the landlord's order."""
    led: dict[int, list[str]] = {}
    for link in session.exec(select(AreaHead)):
        led.setdefault(link.head_id, []).append(link.service_area)
    order = {area: n for n, area in enumerate(BUSINESS_AREAS)}
    accounts = {o.id: o for o in session.exec(select(Officer))}
    return [
        HeadRow(
            head,
            sorted(led.get(head.id or 0, []), key=lambda a: order.get(a, len(order))),
            accounts.get(head.officer_id),
        )
        for head in session.exec(select(HeadOfOperations).order_by(col(HeadOfOperations.name)))
    ]


def area_heads(session: Session) -> dict[str, HeadOfOperations]:
    """Each business area that has a Head of Operations, and who it is."""
    found = session.exec(
        select(AreaHead, HeadOfOperations).join(
            HeadOfOperations, col(HeadOfOperations.id) == col(AreaHead.head_id)
        )
    ).all()
    return {link.service_area: head for link, head in found}


def viewer_accounts(session: Session) -> list[Officer]:
    """Active viewer accounts, by name: a Head of Operations may sign in with one to read."""
    return list(
        session.exec(
            select(Officer)
            .where(Officer.role == OfficerRole.VIEWER, Officer.active)
            .order_by(col(Officer.name))
        )
    )


def _managing(officer: Officer) -> None:
    if officer.role != OfficerRole.MANAGER or not officer.active:
        raise IllegalTransition("Only the Customer Empowerment Manager keeps this list.")


def _details(
    session: Session, name: str, job_title: str, email: str, account_id: int | None
) -> tuple[str, str, str, int | None]:
    name, job_title, email = name.strip(), job_title.strip(), email.strip()
    if not name:
        raise IllegalTransition("Give the Head of Operations' name.")
    if len(name) > 80 or len(job_title) > 100:
        raise IllegalTransition("The name or job title is too long.")
    if email and (len(email) > 254 or not _EMAIL.fullmatch(email)):
        raise IllegalTransition("Give an email address, like name@example.org, or none.")
    if account_id is not None:
        account = session.get(Officer, account_id)
        if account is None or account.role != OfficerRole.VIEWER:
            raise IllegalTransition("Link a viewer account (Board and EMT), or none.")
    return name, job_title, email, account_id


def add_head(
    session: Session,
    officer: Officer,
    *,
    name: str,
    job_title: str = "",
    email: str = "",
    account_id: int | None = None,
    now: datetime,
) -> HeadOfOperations:
    """Adds a Head of Operations (the manager only)."""
    _managing(officer)
    name, job_title, email, account_id = _details(session, name, job_title, email, account_id)
    head = HeadOfOperations(
        name=name, job_title=job_title, email=email, officer_id=account_id, created_at=now
    )
    session.add(head)
    session.flush()
    return head


def change_head(
    session: Session,
    officer: Officer,
    head_id: int,
    *,
    name: str,
    job_title: str = "",
    email: str = "",
    account_id: int | None = None,
) -> HeadOfOperations:
    """Changes a Head of Operations' name, title, email or account (the manager only)."""
    _managing(officer)
    head = session.get(HeadOfOperations, head_id)
    if head is None:
        raise IllegalTransition("There is no such Head of Operations.")
    head.name, head.job_title, head.email, head.officer_id = _details(
        session, name, job_title, email, account_id
    )
    session.add(head)
    return head


def assign_area(
    session: Session, officer: Officer, area: str, head_id: int | None, now: datetime
) -> None:
    """Names the Head of Operations for a business area (None: nobody for now)."""
    _managing(officer)
    if area not in BUSINESS_AREAS:
        raise IllegalTransition("Choose one of the business areas.")
    link = session.get(AreaHead, area)
    if head_id is None:
        if link is not None:
            session.delete(link)
        return
    if session.get(HeadOfOperations, head_id) is None:
        raise IllegalTransition("There is no such Head of Operations.")
    link = link or AreaHead(service_area=area, head_id=head_id)
    link.head_id, link.assigned_at = head_id, now
    session.add(link)
