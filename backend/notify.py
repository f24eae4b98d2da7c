"""Messages we start: queued in the outbox for the tenant, on the channel they used."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from backend import outbox
from backend.models import Contact, Message
from bot.render import Renderer
from conversations import Channel, Outbound


def notify(
    session: Session, renderer: Renderer, contact: Contact, message: Outbound, now: datetime
) -> list[Message]:
    """Queues `message` for `contact` (held back, never sent, if they opted out)."""
    rendered = renderer.render(message, Channel(contact.channel))
    return outbox.queue(session, contact, [rendered], now)
