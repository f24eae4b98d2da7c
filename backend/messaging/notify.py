"""Messages we start: queued in the outbox for the tenant, on the channel they used."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from backend.messaging import outbox
from backend.models import Call, Contact
from bot.render import Renderer
from conversations import Channel, Outbound


def notify(
    session: Session, renderer: Renderer, contact: Contact, message: Outbound, now: datetime
) -> list[int]:
    """Queues `message` for `contact` (held back, never sent, if they opted out); returns the
    queued messages' ids.

    A long text message goes as several (see Renderer.messages), as a reply in a turn does; a
    caller gets it as a text (Channel.written), since nobody is on the line to hear it. It is
    written in the contact's language (language_of).
    """
    parts = renderer.messages(message, Channel(contact.channel).written, language_of(contact))
    return outbox.queue(session, contact, parts, now)


def language_of(contact: Contact) -> str:
    """The language every message we start is written in, for anyone: the one the contact
    chose in the conversation, or signed the petition in ("": the installation's first)."""
    return contact.language


def tell_tenant(
    session: Session, renderer: Renderer, call: Call, message: Outbound, now: datetime
) -> list[int]:
    """Tells the tenant who made the Call, on the channel they used; the message may name the
    Call by `reference`. The one way any part of the service tells a tenant about their Call."""
    contact = session.get(Contact, call.contact_id)
    if contact is None:
        return []
    context = {"reference": call.reference, **message.context}
    return notify(
        session, renderer, contact, Outbound(message.template, context, message.choices), now
    )
