"""Joining one Call into another about the same problem, and undoing it before the panel
decides: one problem, one petition (issue 15).

A join moves the joined Call's signatures onto the surviving Call's petition, except anyone
who signed there already, makes the joined Call's tenant a signer there (unless they are one),
closes the joined petition and tells the tenant with the other reference. What moved is kept
(moved_signature), so an undo puts exactly those back, takes the tenant's signature off, and
opens the joined petition again. Both timelines say what happened each time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from backend import petitions
from backend.casework.advising import Advising
from backend.casework.lifecycle import BEFORE_DECISION, IllegalTransition, S
from backend.models import (
    Call,
    CallJoin,
    CallStatus,
    Contact,
    Evidence,
    MovedSignature,
    Petition,
    PetitionStatus,
)
from backend.models.types import saved_id
from backend.store.timeline import add_event
from conversations.channels import Channel

MOVED, TENANT = "moved", "tenant"


class Joining(Advising):
    """Joining a Call into another, and undoing it."""

    def join(self, call: Call, into: Call, reason: str) -> CallJoin:
        """Joins `call` into `into`: its signatures count there, its tenant signs there and
        is told, and the panel looks at the two as `into`."""
        reason = reason.strip()
        if not reason:
            raise IllegalTransition("Say why these Calls are about the same problem.")
        if into.id == call.id:
            raise IllegalTransition("A Call cannot be joined into itself.")
        if into.status not in BEFORE_DECISION:
            raise IllegalTransition(
                f"Cannot join into {into.reference}: it is {into.status.replace('_', ' ')}."
            )
        joined_petition = petitions.petition_of(self.session, call)
        surviving_petition = petitions.petition_of(self.session, into)
        if joined_petition is not None and surviving_petition is None:
            raise IllegalTransition(
                f"{into.reference} has no petition to take the signatures of "
                f"{call.reference}: join them the other way round."
            )
        from_status = call.status
        self._record(call, "join", S.JOINED, f"Joined into {into.reference}: {reason}")
        self._on_surviving(into, "joined_in", f"{call.reference} joined into this Call: {reason}")
        record = CallJoin(
            call_id=saved_id(call),
            into_id=saved_id(into),
            officer_id=self.officer.id if self.officer else None,
            reason=reason,
            from_status=from_status,
            petition_status=joined_petition.status if joined_petition else "",
            joined_at=self.now,
        )
        self.session.add(record)
        self.session.flush()
        signer = False
        kept: list[MovedSignature] = []
        if surviving_petition is not None:
            moved = []
            if joined_petition is not None:
                moved = petitions.move_signatures(self.session, joined_petition, surviving_petition)
                joined_petition.status = PetitionStatus.CLOSED
                joined_petition.closed_at = self.now
                self.session.add(joined_petition)
            kept = [
                MovedSignature(join_id=saved_id(record), signature_id=i, kind=MOVED) for i in moved
            ]
            tenant_signature = self._tenant_signs(call, surviving_petition)
            if tenant_signature is not None:
                kept.append(
                    MovedSignature(
                        join_id=saved_id(record), signature_id=tenant_signature, kind=TENANT
                    )
                )
                signer = True
            self.session.add_all(kept)
            self._after_count(into, surviving_petition)
        self.tell(
            call,
            "similar/told_joined",
            reference=call.reference,
            other=into.reference,
            undone=False,
            signer=signer,
        )
        counted = sum(1 for row in kept if row.kind == MOVED) + (1 if signer else 0)
        self.tell(
            into,
            "similar/joined_in",
            reference=into.reference,
            other=call.reference,
            undone=False,
            moved=counted,
        )
        return record

    def _tenant_signs(self, call: Call, petition: Petition) -> int | None:
        """The joined Call's tenant signs the surviving petition, unless they have; the id."""
        if self.settings is None or call.contact_id is None:
            return None
        contact = self.session.get(Contact, call.contact_id)
        phone = call.contact_phone
        if contact is not None and Channel(contact.channel).can.phone_number:
            phone = contact.address
        if petitions.has_signed(
            self.session,
            petition,
            self.settings,
            phone=phone,
            name=call.tenant_name,
            address=call.address,
        ):
            return None
        outcome = petitions.sign(
            self.session,
            petition,
            self.settings,
            self.notifier,
            name=call.tenant_name,
            address=call.address,
            phone=phone,
            hear_outcome=True,  # they raised it: they hear how it ends, as its signers do
            verified_by="joined",
            ip_hash="",
        )
        if outcome.result != petitions.Signed.SIGNED:
            return None
        return petitions.signature_of(
            self.session, petition, self.settings, call.tenant_name, call.address
        )

    def _after_count(self, into: Call, petition: Petition) -> None:
        """Signatures that arrived by a join count toward the target like any others."""
        if self.settings is None:
            return
        target = petitions.target_of(self.session, petition)
        met = petitions.check_milestones(
            self.session, petition, self.settings, self.notifier, target
        )
        if met and into.status == S.COLLECTING_SIGNATURES:
            self.target_met(into)

    def _on_surviving(self, into: Call, action: str, note: str) -> None:
        """A line on the surviving Call's timeline: a join changes its petition, not its state."""
        officer_id = self.officer.id if self.officer else None
        add_event(
            self.session,
            into,
            action,
            self.now,
            note=note,
            officer_id=officer_id,
            from_status=into.status,
        )

    def undo_join(self, call: Call) -> None:
        """Undoes the join of `call` before the panel decides on the surviving Call: the
        signatures that moved go back, the tenant's signature comes off, both are told."""
        record = current_join(self.session, call)
        if record is None:
            raise IllegalTransition(f"{call.reference} is not joined into another Call.")
        into = self.session.get_one(Call, record.into_id)
        if into.status not in BEFORE_DECISION and into.status != S.JOINED:
            raise IllegalTransition(
                f"The panel has moved on with {into.reference} "
                f"({into.status.replace('_', ' ')}): the join stands."
            )
        self._record(
            call, "undo_join", CallStatus(record.from_status), f"Join into {into.reference} undone"
        )
        self._on_surviving(into, "join_undone", f"{call.reference} is on its own again")
        moved = list(
            self.session.exec(select(MovedSignature).where(MovedSignature.join_id == record.id))
        )
        joined_petition = petitions.petition_of(self.session, call)
        surviving_petition = petitions.petition_of(self.session, into)
        for row in moved:  # the record has served: what it names is put back below
            self.session.delete(row)
        self.session.flush()
        signer = False
        if surviving_petition is not None:
            for row in moved:
                if row.kind == TENANT:
                    signer = petitions.remove_signature(
                        self.session, surviving_petition, row.signature_id
                    )
            if joined_petition is not None:
                ids = [row.signature_id for row in moved if row.kind == MOVED]
                petitions.move_back(self.session, ids, surviving_petition, joined_petition)
                joined_petition.status = record.petition_status or joined_petition.status
                joined_petition.closed_at = None
                self.session.add(joined_petition)
        record.undone_at = self.now
        record.undone_by = self.officer.id if self.officer else None
        self.session.add(record)
        self.tell(
            call,
            "similar/told_joined",
            reference=call.reference,
            other=into.reference,
            undone=True,
            signer=signer,
        )
        self.tell(
            into,
            "similar/joined_in",
            reference=into.reference,
            other=call.reference,
            undone=True,
            moved=sum(1 for row in moved if row.kind == MOVED) + (1 if signer else 0),
        )


def current_join(session: Session, call: Call) -> CallJoin | None:
    """The join `call` is in now (not undone), if any."""
    return session.exec(
        select(CallJoin)
        .where(CallJoin.call_id == call.id, col(CallJoin.undone_at).is_(None))
        .order_by(col(CallJoin.id).desc())
    ).first()


@dataclass(frozen=True)
class JoinedIn:
    """A Call joined into this one: its answers and evidence stay visible here."""

    call: Call
    join: CallJoin
    evidence: list[Evidence]


def joined_into(session: Session, call: Call) -> list[JoinedIn]:
    """The Calls joined into `call` (not undone), oldest join first."""
    joins = session.exec(
        select(CallJoin)
        .where(CallJoin.into_id == call.id, col(CallJoin.undone_at).is_(None))
        .order_by(col(CallJoin.id))
    ).all()
    found = []
    for join in joins:
        joined = session.get_one(Call, join.call_id)
        evidence = list(session.exec(select(Evidence).where(Evidence.call_id == joined.id)))
        found.append(JoinedIn(joined, join, evidence))
    return found


def close_joined(session: Session, call: Call, now: datetime) -> None:
    """The Calls joined into `call` close with it (they stay joined: their closing date is
    what the retention job reads)."""
    for joined in joined_into(session, call):
        joined.call.closed_at = now
        joined.call.updated_at = now
        session.add(joined.call)
        add_event(
            session,
            joined.call,
            "closed_with",
            now,
            note=f"Closed with {call.reference}",
            from_status=joined.call.status,
        )
