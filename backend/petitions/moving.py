"""Signatures moved by a join of two Calls, and put back exactly when the join is undone:
nobody is counted twice, and each petition's count stays right."""

from __future__ import annotations

from sqlmodel import Session, col, select

from backend.models import Petition, Signature
from backend.models.types import saved_id
from backend.petitions.signatures import bump, identity_of
from backend.settings import Settings


def move_signatures(session: Session, source: Petition, target: Petition) -> list[int]:
    """Moves every counted signature on `source` onto `target`, except anyone who signed
    `target` already (the same phone, or the same name and address: nobody counts twice), and
    keeps both counts right; returns the ids moved, so the move can be undone exactly."""
    signed = session.execute(
        select(col(Signature.phone), col(Signature.identity)).where(
            col(Signature.petition_id) == target.id
        )
    ).all()
    phones = {phone for phone, _ in signed if phone}
    identities = {identity for _, identity in signed}
    moving = [
        signature
        for signature in session.exec(
            select(Signature).where(
                col(Signature.petition_id) == source.id,
                col(Signature.withdrawn_at).is_(None),
                col(Signature.struck_at).is_(None),
            )
        )
        if not (signature.phone and signature.phone in phones)
        and signature.identity not in identities
    ]
    _reassign(session, moving, source, target, counted=len(moving))
    return [saved_id(signature) for signature in moving]


def move_back(session: Session, ids: list[int], source: Petition, target: Petition) -> int:
    """Puts the signatures with these ids back from `source` onto `target` (an undone join);
    those still counted count there again. Returns how many moved back."""
    if not ids:
        return 0
    back = list(
        session.exec(
            select(Signature).where(
                col(Signature.id).in_(ids), col(Signature.petition_id) == source.id
            )
        )
    )
    counted = sum(1 for s in back if s.withdrawn_at is None and s.struck_at is None)
    _reassign(session, back, source, target, counted=counted)
    return len(back)


def _reassign(
    session: Session, signatures: list[Signature], source: Petition, target: Petition, counted: int
) -> None:
    """Moves `signatures` from `source` to `target`; `counted` of them move in the counts."""
    for signature in signatures:
        signature.petition_id = saved_id(target)
        session.add(signature)
    session.flush()
    if counted:
        bump(session, source, -counted)
        bump(session, target, counted)


def has_signed(
    session: Session,
    petition: Petition,
    settings: Settings,
    *,
    phone: str | None,
    name: str,
    address: str,
) -> bool:
    """Whether this person (the same phone, or name and address) has a signature on the
    petition, counted or taken back."""
    identity = identity_of(name, address, per_household=settings.signature_per_household)
    matches = col(Signature.identity) == identity
    if phone:
        matches = matches | (col(Signature.phone) == phone)
    found = session.exec(
        select(col(Signature.id)).where(col(Signature.petition_id) == petition.id, matches)
    ).first()
    return found is not None


def signature_of(
    session: Session, petition: Petition, settings: Settings, name: str, address: str
) -> int | None:
    """The id of the signature of this name and address on the petition, if there is one."""
    identity = identity_of(name, address, per_household=settings.signature_per_household)
    return session.exec(
        select(col(Signature.id)).where(
            col(Signature.petition_id) == petition.id, col(Signature.identity) == identity
        )
    ).first()


def remove_signature(session: Session, petition: Petition, signature_id: int) -> bool:
    """Deletes a signature a join added (an undone join); True if it was there."""
    signature = session.get(Signature, signature_id)
    if signature is None or signature.petition_id != petition.id:
        return False
    counted = signature.withdrawn_at is None and signature.struck_at is None
    session.delete(signature)
    session.flush()
    if counted:
        bump(session, petition, -1)
    return True
