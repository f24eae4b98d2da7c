"""A petition's own life: opened with a Call, shared by its link, closed at its date or decision."""

from __future__ import annotations

import math
import re
import secrets
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from backend.messaging.notify import Notifier
from backend.models import (
    SIGNABLE,
    Call,
    CallStatus,
    Contact,
    Petition,
    PetitionStatus,
    Signature,
)
from backend.models.types import saved_id
from backend.settings import Settings
from backend.store.timeline import add_event
from bot.render import label
from conversations import Outbound

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed on phones
CODE_LENGTH = 6


def new_code() -> str:
    """A short code for the share link, such as K7QMX3."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def share_url(settings: Settings, petition: Petition) -> str:
    """The link neighbours open to sign."""
    return f"{settings.base_url}/s/{petition.code}"


def petition_area(call: Call) -> str:
    """The service the petition is about: the tenant's words for one not on the list, or the
    business area an officer recorded for "something else" or "not sure"."""
    if call.service_area not in ("other", "not_sure"):
        return label("service_area", call.service_area)
    if call.service_area_other:
        return call.service_area_other
    if call.business_area:
        return label("service_area", call.business_area)
    return "one of our services"


def link_message(settings: Settings, petition: Petition, call: Call, problem: str = "") -> Outbound:
    """The link to share, with a ready-made text to forward from the tenant's own phone (with
    the public summary of the problem, once an officer has written or approved it)."""
    return Outbound(
        "petition/link",
        {
            "url": share_url(settings, petition),
            "area": petition_area(call),
            "share_url": share_url(settings, petition),
            "problem": problem,
        },
    )


SUMMARY_LIMIT = 400


def describe(petition: Petition, summary: str) -> None:
    """An officer writes or approves what neighbours read about the problem: public words,
    never the tenant's own, which may hold their name, address or neighbours' details."""
    text = " ".join(summary.split())
    if not any(ch.isalpha() for ch in text):
        raise ValueError("Say in a sentence or two what the problem is, for neighbours to read.")
    petition.summary = text[:SUMMARY_LIMIT]


def proposed_target(call: Call, settings: Settings) -> int:
    """The settings' rule for how many signatures to ask for: a share of the households in
    the area an officer recorded, or else of those the tenant says are affected (the seed:
    "representative of the area in which you live or the number of customers affected")."""
    households = call.area_households or call.affected_households or 0
    return max(
        settings.petition_target_minimum, math.ceil(households * settings.petition_target_share)
    )


def standard_summary(call: Call, settings: Settings) -> str:
    """What neighbours read until an officer writes or approves a description of the problem.

    The privacy notice promises the public page shows the first name, the service, an
    officer's description and the number of signatures: no postcode district, which with a
    first name can find a home."""
    first_name = call.tenant_name.split()[0] if call.tenant_name.split() else "A tenant"
    return (
        f"{first_name}, a tenant, is asking {settings.landlord_name}'s Customer Empowerment "
        f"Panel to look into the {petition_area(call)} service. If it lets you down too, "
        "please sign."
    )


def open_petition(session: Session, call: Call, settings: Settings, now: datetime) -> Petition:
    """Opens the petition of a Call whose tenant chose to gather signatures."""
    area = petition_area(call)
    petition = Petition(
        call_id=saved_id(call),
        code=new_code(),
        title=f"Ask the tenant panel to look into {area}"[:120],
        summary=standard_summary(call, settings),
        status=PetitionStatus.AWAITING_TARGET,
        closes_on=now.date() + timedelta(weeks=settings.petition_weeks),
        created_at=now,
    )
    for _ in range(5):  # a clash of six random characters is rare; try another
        clash = session.exec(select(Petition).where(Petition.code == petition.code)).first()
        if clash is None:
            break
        petition.code = new_code()
    session.add(petition)
    session.flush()
    return petition


def petition_of(session: Session, call: Call) -> Petition | None:
    """The Call's petition, if it has one."""
    return session.exec(select(Petition).where(Petition.call_id == call.id)).first()


# The statements every signature runs, built once and run with parameters: building and
# keying a statement cost more than running it.
_BY_CODE = select(Petition).where(col(Petition.code) == bindparam("code"))
_TARGET = select(Call.signatories_needed).where(col(Call.id) == bindparam("call"))


def by_code(session: Session, code: str) -> Petition | None:
    """The petition with this share code (any case, spaces ignored)."""
    cleaned = re.sub(r"\s", "", code).upper()
    return session.execute(_BY_CODE, {"code": cleaned}).scalars().first()


def can_sign(petition: Petition, settings: Settings) -> bool:
    """Whether the petition takes signatures now."""
    if petition.status == PetitionStatus.AWAITING_TARGET:
        return settings.petition_share_before_target
    return petition.status in SIGNABLE


def target_of(session: Session, petition: Petition) -> int | None:
    """How many signatures CEP asked for (None until it says)."""
    return session.execute(_TARGET, {"call": petition.call_id}).scalar()


def set_target(session: Session, petition: Petition) -> None:
    """CEP set the target: the petition is open (or already met)."""
    if petition.status == PetitionStatus.AWAITING_TARGET:
        petition.status = PetitionStatus.OPEN
        session.add(petition)


def close_expired(session: Session, tell: Notifier) -> list[Petition]:
    """Closes petitions past their closing date (as of `tell`'s time) and tells their
    tenants."""
    now = tell.now
    today = now.date()
    expired = session.exec(
        select(Petition).where(
            col(Petition.status).in_([s.value for s in SIGNABLE]), Petition.closes_on < today
        )
    ).all()
    for petition in expired:
        petition.status = PetitionStatus.CLOSED
        petition.closed_at = now
        session.add(petition)
        call = session.get(Call, petition.call_id)
        if call is not None:
            note = f"Closed with {petition.signature_count} signatures"
            add_event(session, call, "petition_closed", now, note=note)
            context = {"count": petition.signature_count, "target": call.signatories_needed}
            tell.tell_tenant(call, Outbound("petition/closed", context))
    return list(expired)


def extend(session: Session, petition: Petition, closes_on: date, now: datetime) -> None:
    """An officer gives the petition longer (or reopens one that closed on its date)."""
    if closes_on <= petition.closes_on:
        raise ValueError("The new closing date must be later than the current one.")
    petition.closes_on = closes_on
    if petition.status == PetitionStatus.CLOSED:
        petition.status = PetitionStatus.OPEN
        petition.closed_at = None
    session.add(petition)


def tell_signers(session: Session, tell: Notifier, call: Call, message: Outbound) -> int:
    """Texts signers who asked to hear how it ends ("you said, we did"); returns how many."""
    petition = petition_of(session, call)
    if petition is None:
        return 0
    told = 0
    for signature in session.exec(
        select(Signature).where(
            Signature.petition_id == petition.id,
            Signature.hear_outcome,
            col(Signature.phone).is_not(None),
            col(Signature.withdrawn_at).is_(None),
            col(Signature.struck_at).is_(None),
        )
    ):
        contact = session.exec(
            select(Contact).where(Contact.channel == "sms", Contact.address == signature.phone)
        ).first()
        if contact is not None:  # they asked for a code, so they have an SMS contact
            tell.notify(contact, message)
            told += 1
    return told


def close_for_decision(session: Session, call: Call, now: datetime) -> None:
    """The panel has decided: the petition has done its job and stops taking signatures."""
    petition = petition_of(session, call)
    if petition is not None and petition.status in SIGNABLE:
        petition.status = PetitionStatus.CLOSED
        petition.closed_at = now
        session.add(petition)


def closed_short(session: Session, since: datetime) -> list[tuple[Petition, Call]]:
    """Petitions that closed on their date without the Call moving on: an officer's job."""
    rows = session.exec(
        select(Petition, Call)
        .join(Call, col(Call.id) == col(Petition.call_id))
        .where(
            Petition.status == PetitionStatus.CLOSED,
            col(Petition.closed_at) >= since,
            col(Call.status).in_(
                [CallStatus.SUBMITTED.value, CallStatus.COLLECTING_SIGNATURES.value]
            ),
        )
    ).all()
    return [(p, c) for p, c in rows]
