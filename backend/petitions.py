"""Petitions: opened with a Call, signed by neighbours, counted as they sign, never recounted.

The count and the milestones are single UPDATE … RETURNING statements, so with any number of
signers at once the count is exact and each milestone (25, 50, 75, 100 per cent) is told once.
A second signature from the same phone, or the same name and address, is refused by a unique
key and answered kindly, never checked-then-inserted.
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, String, bindparam, cast, update
from sqlmodel import Session, col, func, select

from backend.db import insert_or_skip, table_of
from backend.models import (
    SIGNABLE,
    Call,
    CallEvent,
    CallStatus,
    Contact,
    Petition,
    PetitionStatus,
    Signature,
)
from backend.models.types import saved_id
from backend.notify import notify
from backend.settings import Settings
from bot.render import Renderer, label
from conversations import Outbound
from conversations.validation import find_postcode

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed on phones
CODE_LENGTH = 6
MILESTONES = (25, 50, 75, 100)
BURST_WINDOW = timedelta(minutes=10)
BURST_PER_IP = 10  # more signatures than this from one address in the window are flagged
SAME_ADDRESS = 6  # more than this at one postal address are flagged


def new_code() -> str:
    """A short code for the share link, such as K7QMX3."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def share_url(settings: Settings, petition: Petition) -> str:
    """The link neighbours open to sign."""
    return f"{settings.base_url}/s/{petition.code}"


def petition_area(call: Call) -> str:
    """The service the petition is about, as the tenant named it if it is not on the list."""
    if call.service_area == "other" and call.service_area_other:
        return call.service_area_other
    return label("service_area", call.service_area)


def link_message(settings: Settings, petition: Petition, call: Call) -> Outbound:
    """The link to share, with a ready-made text to forward from the tenant's own phone."""
    return Outbound(
        "petition/link",
        {
            "url": share_url(settings, petition),
            "area": petition_area(call),
            "share_url": share_url(settings, petition),
        },
    )


def proposed_target(call: Call, settings: Settings) -> int:
    """The settings' rule for how many signatures to ask for: a share of those affected."""
    households = call.affected_households or 0
    return max(
        settings.petition_target_minimum, math.ceil(households * settings.petition_target_share)
    )


def open_petition(session: Session, call: Call, settings: Settings, now: datetime) -> Petition:
    """Opens the petition of a Call whose tenant chose to gather signatures."""
    first_name = call.tenant_name.split()[0] if call.tenant_name.split() else "A tenant"
    area = petition_area(call)
    district = call.postcode.split()[0] if call.postcode else ""
    petition = Petition(
        call_id=saved_id(call),
        code=new_code(),
        title=f"Ask the tenant panel to look into {area}"[:120],
        summary=(
            f"{first_name}, a tenant{' in ' + district if district else ''}, is asking "
            f"{settings.landlord_name}'s Customer Empowerment Panel to look into the "
            f"{area} service. If it lets you down too, please sign."
        ),
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
_PETITION = table_of(Petition)
_BUMP = (
    update(_PETITION)
    .where(_PETITION.c.id == bindparam("petition"))
    .values(signature_count=_PETITION.c.signature_count + bindparam("by"))
    .returning(_PETITION.c.signature_count)
)


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


def normalise(text: str) -> str:
    """Lower case, letters and digits only, single spaces: so 'Flat 2, 1 Elm Rd' matches."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


def _home_key(address: str) -> str:
    postcode = find_postcode(address) or ""
    return normalise(address.upper().replace(postcode, "")) + "|" + postcode.replace(" ", "")


def identity_of(name: str, address: str, *, per_household: bool) -> str:
    """The key that makes a second signature from the same person (or home) a duplicate."""
    who = "" if per_household else normalise(name)
    return hashlib.sha256(f"{who}|{_home_key(address)}".encode()).hexdigest()


def home_of(address: str) -> str:
    """The same for every way of writing one postal address (for the crowded-home check)."""
    return hashlib.sha256(_home_key(address).encode()).hexdigest()


class Signed(StrEnum):
    """What became of an attempt to sign."""

    SIGNED = "signed"
    ALREADY = "already"  # this phone, or this name and address, signed before
    CLOSED = "closed"  # the petition takes no signatures now


@dataclass(frozen=True)
class SignOutcome:
    """The result of signing, and the count after it."""

    result: Signed
    count: int
    target: int | None


def sign(
    session: Session,
    petition: Petition,
    settings: Settings,
    renderer: Renderer,
    *,
    name: str,
    address: str,
    phone: str | None,
    hear_outcome: bool,
    verified_by: str,
    ip_hash: str,
    now: datetime,
) -> SignOutcome:
    """Adds a verified signature, counts it, tells the tenant at each milestone."""
    target = target_of(session, petition)
    if not can_sign(petition, settings):
        return SignOutcome(Signed.CLOSED, petition.signature_count, target)
    identity = identity_of(name, address, per_household=settings.signature_per_household)
    home = home_of(address)
    postcode = find_postcode(address) or ""
    inserted = session.execute(
        insert_or_skip(session, Signature)
        .values(
            petition_id=petition.id,
            name=name.strip()[:80],
            address=address.strip()[:200],
            postcode_district=postcode.split()[0] if postcode else "",
            phone=phone,
            identity=identity,
            home=home,
            affected=True,
            hear_outcome=hear_outcome,
            verified_by=verified_by,
            verified_at=now,
            ip_hash=ip_hash,
            flagged=_flag(session, petition, ip_hash, home, now),
        )
        .returning(Signature.id)
    ).scalar()
    if inserted is None and not _rejoin(session, petition, phone, identity, now):
        return SignOutcome(Signed.ALREADY, _count(session, petition), target)
    count = _bump(session, petition, +1)
    _after_count(session, petition, settings, renderer, count, target, now)
    return SignOutcome(Signed.SIGNED, count, target)


def _rejoin(
    session: Session, petition: Petition, phone: str | None, identity: str, now: datetime
) -> bool:
    """Someone who withdrew signs again: their old signature counts once more."""
    matches = col(Signature.identity) == identity
    if phone:
        matches = matches | (col(Signature.phone) == phone)
    revived = session.execute(
        update(Signature)
        .where(
            col(Signature.petition_id) == petition.id,
            matches,
            col(Signature.withdrawn_at).is_not(None),
            col(Signature.struck_at).is_(None),
        )
        .values(withdrawn_at=None, verified_at=now)
    )
    return bool(revived.rowcount)  # type: ignore[attr-defined]


def _counting_upto(*where: Any) -> Select[Any]:
    """How many signatures match, counting no further than the `most` parameter."""
    found = select(col(Signature.id)).where(*where).limit(bindparam("most")).subquery()
    return select(func.count()).select_from(found)


_AT_HOME = _counting_upto(
    col(Signature.petition_id) == bindparam("petition"), col(Signature.home) == bindparam("home")
)
_FROM_CONNECTION = _counting_upto(
    col(Signature.petition_id) == bindparam("petition"),
    col(Signature.ip_hash) == bindparam("ip_hash"),
    col(Signature.verified_at) >= bindparam("since"),
)


def _flag(session: Session, petition: Petition, ip_hash: str, home: str, now: datetime) -> str:
    """Why this signature deserves a look (a burst from one connection, a crowded home).

    Both counts stop at the threshold and use an index, so they cost the same at the
    100,000th signature as at the first.
    """
    asked: dict[str, object] = {"petition": petition.id, "home": home, "most": SAME_ADDRESS}
    if session.execute(_AT_HOME, asked).scalar_one() >= SAME_ADDRESS:
        return f"more than {SAME_ADDRESS} signatures from one home"
    if not ip_hash:
        return ""
    since = now - BURST_WINDOW
    asked = {"petition": petition.id, "ip_hash": ip_hash, "since": since, "most": BURST_PER_IP}
    if session.execute(_FROM_CONNECTION, asked).scalar_one() >= BURST_PER_IP:
        return f"more than {BURST_PER_IP} signatures from one connection within 10 minutes"
    return ""


def _count(session: Session, petition: Petition) -> int:
    return int(
        session.exec(select(Petition.signature_count).where(Petition.id == petition.id)).one()
    )


def _bump(session: Session, petition: Petition, by: int) -> int:
    count = session.execute(_BUMP, {"petition": petition.id, "by": by}).scalar_one()
    petition.signature_count = int(count)
    return int(count)


def check_milestones(
    session: Session,
    petition: Petition,
    settings: Settings,
    renderer: Renderer,
    target: int | None,
    now: datetime,
) -> None:
    """After the count or the target changed: tell any milestone reached, once."""
    _after_count(session, petition, settings, renderer, _count(session, petition), target, now)


def _after_count(
    session: Session,
    petition: Petition,
    settings: Settings,
    renderer: Renderer,
    count: int,
    target: int | None,
    now: datetime,
) -> None:
    """Tells the tenant about each milestone crossed (once), and moves the Call at the target."""
    if not target:
        return
    reached = max((m for m in MILESTONES if count * 100 >= m * target), default=0)
    if not reached:
        return
    # Only the transaction that moves `milestone` up gets a row back: one message per milestone.
    won = session.execute(
        update(Petition)
        .where(col(Petition.id) == petition.id, col(Petition.milestone) < reached)
        .values(milestone=reached)
        .returning(col(Petition.id))
    ).scalar()
    if won is None:
        return
    call = session.get(Call, petition.call_id)
    contact = session.get(Contact, call.contact_id) if call else None
    if call is None or contact is None:
        return
    if reached == 100:
        _target_met(session, petition, call, settings, renderer, now)
    notify(
        session,
        renderer,
        contact,
        Outbound(
            "petition/milestone",
            {
                "reference": call.reference,
                "percent": reached,
                "count": count,
                "target": target,
                "url": share_url(settings, petition),
            },
        ),
        now,
    )


def _target_met(
    session: Session,
    petition: Petition,
    call: Call,
    settings: Settings,
    renderer: Renderer,
    now: datetime,
) -> None:
    """The target is met: the service marks the Call ready, and it joins the next agenda."""
    from backend.workflow import MOVES, Workflow  # imported here: the workflow imports us

    session.execute(
        update(Petition)
        .where(col(Petition.id) == petition.id)
        .values(status=PetitionStatus.TARGET_MET)
    )
    if call.status in MOVES["mark_ready"].sources:
        Workflow(session, renderer, None, now, settings=settings).mark_ready(
            call, "Signatures reached the target"
        )


def withdraw(session: Session, petition: Petition, phone: str, now: datetime) -> bool:
    """UNSIGN: takes back this phone's signature; False if there was none to take back."""
    taken = session.execute(
        update(Signature)
        .where(
            col(Signature.petition_id) == petition.id,
            col(Signature.phone) == phone,
            col(Signature.withdrawn_at).is_(None),
            col(Signature.struck_at).is_(None),
        )
        .values(withdrawn_at=now)
    )
    if not taken.rowcount:  # type: ignore[attr-defined]
        return False
    _bump(session, petition, -1)
    return True


def strike(
    session: Session, signature: Signature, officer_id: int, reason: str, now: datetime
) -> bool:
    """An officer strikes out a signature, with a reason kept for the audit trail."""
    if not reason.strip():
        raise ValueError("Give a reason for striking the signature.")
    struck = session.execute(
        update(Signature)
        .where(col(Signature.id) == signature.id, col(Signature.struck_at).is_(None))
        .values(struck_at=now, struck_reason=reason.strip()[:500], struck_by=officer_id)
    )
    if not struck.rowcount:  # type: ignore[attr-defined]
        return False
    if signature.withdrawn_at is None:
        petition = session.get(Petition, signature.petition_id)
        if petition is not None:
            _bump(session, petition, -1)
    return True


def set_target(session: Session, petition: Petition) -> None:
    """CEP set the target: the petition is open (or already met)."""
    if petition.status == PetitionStatus.AWAITING_TARGET:
        petition.status = PetitionStatus.OPEN
        session.add(petition)


def close_expired(
    session: Session, settings: Settings, renderer: Renderer, today: date, now: datetime
) -> list[Petition]:
    """Closes petitions past their closing date and tells their tenants."""
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
        contact = session.get(Contact, call.contact_id) if call else None
        if call is not None and contact is not None:
            session.add(
                CallEvent(
                    call_id=saved_id(call),
                    at=now,
                    from_status=call.status,
                    to_status=call.status,
                    action="petition_closed",
                    note=f"Closed with {petition.signature_count} signatures",
                )
            )
            notify(
                session,
                renderer,
                contact,
                Outbound(
                    "petition/closed",
                    {
                        "reference": call.reference,
                        "count": petition.signature_count,
                        "target": call.signatories_needed,
                    },
                ),
                now,
            )
    return list(expired)


def signatures(session: Session, petition: Petition) -> list[Signature]:
    """Every signature, newest first (officers only: each view is audited by the caller)."""
    return list(
        session.exec(
            select(Signature)
            .where(Signature.petition_id == petition.id)
            .order_by(col(Signature.verified_at).desc())
        )
    )


def by_district(session: Session, petition: Petition) -> list[tuple[str, int]]:
    """Counted signatures by postcode district, most first."""
    rows = session.exec(
        select(Signature.postcode_district, func.count())
        .where(
            Signature.petition_id == petition.id,
            col(Signature.withdrawn_at).is_(None),
            col(Signature.struck_at).is_(None),
        )
        .group_by(Signature.postcode_district)
        .order_by(func.count().desc())
    ).all()
    return [(district or "unknown", int(n)) for district, n in rows]


def hash_ip(secret: str, ip: str) -> str:
    """A salted hash of the signer's IP address: enough to spot bursts, not to find anyone."""
    return hashlib.sha256(f"{secret}|ip|{ip}".encode()).hexdigest()


def extend(session: Session, petition: Petition, closes_on: date, now: datetime) -> None:
    """An officer gives the petition longer (or reopens one that closed on its date)."""
    if closes_on <= petition.closes_on:
        raise ValueError("The new closing date must be later than the current one.")
    petition.closes_on = closes_on
    if petition.status == PetitionStatus.CLOSED:
        petition.status = PetitionStatus.OPEN
        petition.closed_at = None
    session.add(petition)


def tell_signers(
    session: Session, renderer: Renderer, call: Call, message: Outbound, now: datetime
) -> int:
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
            notify(session, renderer, contact, message, now)
            told += 1
    return told


def close_for_decision(session: Session, call: Call, now: datetime) -> None:
    """The panel has decided: the petition has done its job and stops taking signatures."""
    petition = petition_of(session, call)
    if petition is not None and petition.status in SIGNABLE:
        petition.status = PetitionStatus.CLOSED
        petition.closed_at = now
        session.add(petition)


def nobodys_signature(placeholder: str, now: datetime) -> dict[str, Any]:
    """The values that leave a signature counted but nobody's: no name, address or phone, and
    no hash made from them either (hashing every address the landlord has would undo one)."""
    return {
        "name": placeholder,
        "address": placeholder,
        "phone": None,
        "identity": "anonymised-" + cast(col(Signature.id), String),  # still one per row
        "home": "",
        "ip_hash": "",
        "anonymised_at": now,
    }


def anonymise_signatures(session: Session, now: datetime, days: int) -> int:
    """Removes signers' details `days` after their petition closed (the count stands)."""
    closed_before = now - timedelta(days=days)
    old = select(Petition.id).where(
        col(Petition.closed_at).is_not(None), col(Petition.closed_at) < closed_before
    )
    result = session.execute(
        update(Signature)
        .where(col(Signature.petition_id).in_(old), col(Signature.anonymised_at).is_(None))
        .values(**nobodys_signature("[anonymised]", now))
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


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
