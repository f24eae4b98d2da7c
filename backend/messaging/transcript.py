"""The conversation as a tenant sees it: their recent messages and our replies."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlmodel import Session, col, select

from backend.models import Contact, Message


@dataclass(frozen=True)
class Line:
    """One message in a transcript."""

    mine: bool  # sent by the tenant
    text: str
    buttons: tuple[tuple[str, str, str], ...]  # label, reply, url


def transcript(session: Session, channel: str, address: str, limit: int = 80) -> list[Line]:
    """The last `limit` messages with this contact, oldest first."""
    contact = session.exec(
        select(Contact).where(Contact.channel == channel, Contact.address == address)
    ).first()
    if contact is None:
        return []
    rows = session.exec(
        select(Message)
        .where(Message.contact_id == contact.id)
        .order_by(col(Message.id).desc())
        .limit(limit)
    ).all()
    return [
        Line(
            mine=row.direction == "in",
            text=row.body,
            buttons=tuple(
                (str(b[0]), str(b[1]), str(b[2]) if len(b) > 2 else "")
                for b in json.loads(row.buttons)
            ),
        )
        for row in reversed(rows)
    ]
