"""Contacts' consent to be messaged: opt-outs by carrier keyword, blocks, and opt-ins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlmodel import Session, col

from backend.models import Contact, Direction, Message, MessageStatus
from conversations import Channel


def opt_out(session: Session, channel: Channel, address: str, now: datetime) -> None:
    """Stops every message to this person, including anything already queued for them."""
    session.execute(
        update(Contact)
        .where(
            col(Contact.channel) == channel.value,
            col(Contact.address) == address,
            col(Contact.opted_out_at).is_(None),
        )
        .values(opted_out_at=now)
    )
    contact_ids = (
        select(col(Contact.id))
        .where(col(Contact.channel) == channel.value, col(Contact.address) == address)
        .scalar_subquery()
    )
    session.execute(
        update(Message)
        .where(
            col(Message.contact_id) == contact_ids,
            col(Message.direction) == Direction.OUT.value,
            col(Message.status) == MessageStatus.QUEUED.value,
        )
        .values(status=MessageStatus.SUPPRESSED.value, last_error="opted out")
    )


def opt_in(session: Session, channel: Channel, address: str) -> bool:
    """Lets messages reach this person again; True if they had opted out."""
    result = session.execute(
        update(Contact)
        .where(
            col(Contact.channel) == channel.value,
            col(Contact.address) == address,
            col(Contact.opted_out_at).is_not(None),
        )
        .values(opted_out_at=None)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
