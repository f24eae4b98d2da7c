"""The web chat channel: a visitor cookie is the address; replies go back in the response."""

from __future__ import annotations

import secrets

from bot.render import Rendered
from conversations import Channel, Inbound

VISITOR_COOKIE = "fd_visitor"
MAX_TEXT = 20_000  # anything longer is refused by the route; the flow caps answers far lower


def new_visitor() -> str:
    """An unguessable id for a new web chat visitor."""
    return secrets.token_urlsafe(24)


def inbound(visitor: str, text: str, message_id: str | None) -> Inbound:
    """A web chat message as the flow sees it; the message id makes resubmits harmless."""
    return Inbound(
        channel=Channel.WEB,
        address=visitor,
        text=text,
        message_id=f"{visitor}:{message_id}" if message_id else None,
    )


def as_json(replies: list[Rendered]) -> list[dict[str, object]]:
    """Replies as the chat page's script draws them."""
    return [
        {
            "text": reply.text,
            "buttons": [{"label": b.label, "reply": b.reply, "url": b.url} for b in reply.buttons],
        }
        for reply in replies
    ]
