"""Messages we start: queued in the outbox for the person, on the channel they used."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from backend.messaging import outbox
from backend.messaging.renderer import message_renderer
from backend.models import Call, Contact
from backend.settings import Settings
from bot.render import Renderer
from conversations import Channel, Outbound


def language_of(contact: Contact) -> str:
    """The language every message we start is written in, for anyone: the one the contact
    chose in the conversation, or signed the petition in ("": the installation's first)."""
    return contact.language


@dataclass(frozen=True)
class Notifier:
    """The one way domain code tells people things: bound to a transaction (its session and
    its time) and to the renderer with the landlord's details, so casework, petitions and
    follow-ups say what to tell whom, never how it is worded, split or sent.

    Routes get one from `Services.notifier(session)`; the worker's chores, a turn's effects
    and the demo from `Notifier.of(session, settings, now)`.
    """

    session: Session
    renderer: Renderer
    now: datetime

    @classmethod
    def of(cls, session: Session, settings: Settings, now: datetime) -> Notifier:
        """Tells people within `session` at `now`, in this installation's words."""
        return cls(session, message_renderer(settings), now)

    def notify(self, contact: Contact, message: Outbound) -> list[int]:
        """Queues `message` for `contact` (held back, never sent, if they opted out); returns
        the queued messages' ids.

        A long text message goes as several (see Renderer.messages), as a reply in a turn
        does; a caller gets it as a text (Channel.written), since nobody is on the line to hear
        it. It is written in the contact's language (language_of).
        """
        parts = self.renderer.messages(
            message, Channel(contact.channel).written, language_of(contact)
        )
        return outbox.queue(self.session, contact, parts, self.now)

    def tell_tenant(self, call: Call, message: Outbound) -> list[int]:
        """Tells the tenant who made the Call, on the channel they used; the message may name
        the Call by `reference`. The one way any part of the service tells a tenant about
        their Call."""
        contact = self.session.get(Contact, call.contact_id) if call.contact_id else None
        if contact is None:
            return []
        context = {"reference": call.reference, **message.context}
        return self.notify(contact, Outbound(message.template, context, message.choices))
