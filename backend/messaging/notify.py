"""Messages we start: queued in the outbox for the tenant, on the channel they used."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from backend.messaging import outbox
from backend.models import Contact
from bot.render import Rendered, Renderer
from bot.sms_text import split_for_sms
from conversations import Channel, Outbound


def notify(
    session: Session, renderer: Renderer, contact: Contact, message: Outbound, now: datetime
) -> list[int]:
    """Queues `message` for `contact` (held back, never sent, if they opted out); returns the
    queued messages' ids.

    On SMS a long message goes as several texts, split at sentence ends, each within the
    three-segment budget, so no single text is cut off or billed as many parts.
    """
    channel = Channel(contact.channel)
    rendered = renderer.render(message, channel)
    parts = (
        [Rendered(part) for part in split_for_sms(rendered.text)]
        if channel == Channel.SMS
        else [rendered]
    )
    return outbox.queue(session, contact, parts, now)
