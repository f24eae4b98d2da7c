"""Signatures: who may sign once, counting as they sign (never recounting), the milestones.

The count and the milestones are single UPDATE … RETURNING statements, so with any number of
signers at once the count is exact and each milestone (25, 50, 75, 100 per cent) is told once.
A second signature from the same phone, or the same name and address, is refused by a unique
key and answered kindly, never checked-then-inserted.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, String, bindparam, cast, update
from sqlmodel import Session, col, func, select

from backend.messaging.notify import Notifier
from backend.models import Call, Petition, PetitionStatus, Signature
from backend.petitions.petition import can_sign, share_url, target_of
from backend.settings import Settings
from backend.store.db import insert_or_skip, table_of
from conversations import Outbound
from conversations.validation import find_postcode

MILESTONES = (25, 50, 75, 100)


BURST_WINDOW = timedelta(minutes=10)


BURST_PER_IP = 10  # more signatures than this from one address in the window are flagged


SAME_ADDRESS = 6  # more than this at one postal address are flagged


_PETITION = table_of(Petition)


_BUMP = (
    update(_PETITION)
    .where(_PETITION.c.id == bindparam("petition"))
    .values(signature_count=_PETITION.c.signature_count + bindparam("by"))
    .returning(_PETITION.c.signature_count)
)


def normalise(text: str) -> str:
    """Case folded, accents dropped, letters and digits (of any script) only, single spaces: so
    'Flat 2, 1 Elm Rd' matches 'flat 2 1 elm rd', and 'Zoë' 'Zoe'. Any other character goes
    (an earlier version kept a-z only, which made every Arabic or Polish name the same)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[\W_]+", " ", plain).split())


def _home_key(address: str) -> str:
    address = " ".join(address.split())  # "L30  4TH" and a postcode on a line of its own
    postcode = find_postcode(address) or ""
    if postcode:
        # Taken out however it was written: "L30 4TH", "l304th", "L30  4TH".
        outward, inward = postcode.split()
        spaced = re.compile(rf"{re.escape(outward)}\s*{re.escape(inward)}", re.IGNORECASE)
        address = spaced.sub(" ", address)
    return normalise(address) + "|" + postcode.replace(" ", "")


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
    target_met: bool = False  # this signature reached the target: casework moves the Call on


def sign(
    session: Session,
    petition: Petition,
    settings: Settings,
    tell: Notifier,
    *,
    name: str,
    address: str,
    phone: str | None,
    hear_outcome: bool,
    verified_by: str,
    ip_hash: str,
    reported_problem: bool | None = None,
) -> SignOutcome:
    """Adds a verified signature, counts it, tells the tenant at each milestone."""
    now = tell.now
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
            reported_problem=reported_problem,
            verified_by=verified_by,
            verified_at=now,
            ip_hash=ip_hash,
            flagged=_flag(session, petition, ip_hash, home, now),
        )
        .returning(Signature.id)
    ).scalar()
    if inserted is None and not _rejoin(session, petition, phone, identity, now):
        return SignOutcome(Signed.ALREADY, count_of(session, petition), target)
    count = bump(session, petition, +1)
    met = _after_count(session, petition, settings, tell, count, target)
    return SignOutcome(Signed.SIGNED, count, target, target_met=met)


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


def count_of(session: Session, petition: Petition) -> int:
    """The counted signatures now (read from the database, not the object in hand)."""
    return int(
        session.exec(select(Petition.signature_count).where(Petition.id == petition.id)).one()
    )


def bump(session: Session, petition: Petition, by: int) -> int:
    count = session.execute(_BUMP, {"petition": petition.id, "by": by}).scalar_one()
    petition.signature_count = int(count)
    return int(count)


def check_milestones(
    session: Session,
    petition: Petition,
    settings: Settings,
    tell: Notifier,
    target: int | None,
) -> bool:
    """After the count or the target changed: tell any milestone reached, once. True when this
    reached the target (casework then moves the Call on)."""
    count = count_of(session, petition)
    return _after_count(session, petition, settings, tell, count, target)


def _after_count(
    session: Session,
    petition: Petition,
    settings: Settings,
    tell: Notifier,
    count: int,
    target: int | None,
) -> bool:
    """Tells the tenant about each milestone crossed (once); True when the target was reached
    by this transaction (only one ever sees it)."""
    if not target:
        return False
    reached = max((m for m in MILESTONES if count * 100 >= m * target), default=0)
    if not reached:
        return False
    # Only the transaction that moves `milestone` up gets a row back: one message per milestone.
    won = session.execute(
        update(Petition)
        .where(col(Petition.id) == petition.id, col(Petition.milestone) < reached)
        .values(milestone=reached)
        .returning(col(Petition.id))
    ).scalar()
    if won is None:
        return False
    call = session.get(Call, petition.call_id)
    if call is None:
        return False
    if reached == 100:
        _target_met(session, petition)
    tell.tell_tenant(
        call,
        Outbound(
            "petition/milestone",
            {
                "percent": reached,
                "count": count,
                "target": target,
                "url": share_url(settings, petition),
            },
        ),
    )
    return reached == 100


def _target_met(session: Session, petition: Petition) -> None:
    """The target is met: the petition says so (casework then moves the Call on)."""
    session.execute(
        update(Petition)
        .where(col(Petition.id) == petition.id)
        .values(status=PetitionStatus.TARGET_MET)
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
    bump(session, petition, -1)
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
            bump(session, petition, -1)
    return True


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


def signers_who_reported(session: Session, petition: Petition) -> int:
    """How many counted signers said they had reported the problem themselves."""
    return int(
        session.exec(
            select(func.count())
            .select_from(Signature)
            .where(
                Signature.petition_id == petition.id,
                col(Signature.reported_problem).is_(True),
                col(Signature.withdrawn_at).is_(None),
                col(Signature.struck_at).is_(None),
            )
        ).one()
    )
