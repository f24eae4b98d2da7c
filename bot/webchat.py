"""The web chat channel: a signed visitor cookie names the address; replies go back in the
response."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from bot.render import Rendered
from conversations import Channel, Inbound

VISITOR_COOKIE = "fd_visitor"
MAX_TEXT = 20_000  # anything longer is refused by the route; the flow caps answers far lower


def new_visitor() -> str:
    """An unguessable id for a new web chat visitor."""
    return secrets.token_urlsafe(24)


def _mac(secret: str, visitor: str) -> str:
    digest = hmac.new(secret.encode(), f"web-visitor:{visitor}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()[:16]).decode().rstrip("=")


def signed_visitor(secret: str, visitor: str) -> str:
    """The cookie for a visitor: its id and a signature, so that no id we did not give out
    (chosen, guessed or copied in by hand) is ever taken."""
    return f"{visitor}.{_mac(secret, visitor)}"


def visitor_of(secret: str, cookie: str | None) -> str | None:
    """The visitor id in a cookie we signed; None for anything else."""
    visitor, _, mac = (cookie or "").rpartition(".")
    if not visitor or not hmac.compare_digest(mac, _mac(secret, visitor)):
        return None
    return visitor


def inbound(visitor: str, text: str, message_id: str | None, language: str = "") -> Inbound:
    """A web chat message as the flow sees it; the message id makes resubmits harmless, and
    `language` (the page's, from the browser) is the first guess at a newcomer's."""
    # The id is the browser's to choose: a control character (NUL) is refused by PostgreSQL's
    # text columns, so only printable characters are kept (found by the schema test).
    kept = "".join(ch for ch in message_id or "" if ch.isprintable())
    return Inbound(
        channel=Channel.WEB,
        address=visitor,
        text=text,
        message_id=f"{visitor}:{kept}" if kept else None,
        language=language,
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
