"""Messages we start: queued in the outbox for the tenant, on the channel they used."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from backend.messaging import outbox
from backend.models import Contact
from bot.render import Renderer
from conversations import Channel, Outbound


def notify(
    session: Session, renderer: Renderer, contact: Contact, message: Outbound, now: datetime
) -> list[int]:
    """Queues `message` for `contact` (held back, never sent, if they opted out); returns the
    queued messages' ids.

    A long text message goes as several (see Renderer.messages), as a reply in a turn does.
    """
    parts = renderer.messages(message, Channel(contact.channel))
    return outbox.queue(session, contact, parts, now)
