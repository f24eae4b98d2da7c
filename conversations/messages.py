"""What comes in from a tenant and what goes back, independent of any channel."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from conversations.channels import Channel


@dataclass(frozen=True)
class Attachment:
    """A photo or document a tenant sent; `ref` is the channel's handle for it."""

    ref: str
    content_type: str = "application/octet-stream"


@dataclass(frozen=True)
class Inbound:
    """One message from a tenant on one channel."""

    channel: Channel
    address: str
    text: str = ""
    message_id: str | None = None
    attachments: tuple[Attachment, ...] = ()
    # Facts the shell looked up for this message (e.g. the title of the petition a
    # "SIGN <code>" names, if it is open), so the flow can answer without doing I/O.
    facts: Mapping[str, str] = field(default_factory=dict)
    # What the channel sent that is not text we can read: "voice" (a voice note, kept as
    # evidence at the evidence question), "sticker", "location", "contact" or "video".
    unreadable: str = ""
    # A phone call just answered: nothing said yet. The flow greets a new caller, or picks up
    # where a caller stopped (a call that dropped, or came back from an officer's line).
    opening: bool = False
    # The channel's guess at the sender's language (Telegram's language_code, the browser's
    # Accept-Language), already one we offer, or "": it chooses a newcomer's first language.
    language: str = ""


@dataclass(frozen=True)
class Choice:
    """An option the tenant can pick by typing its number, or a word if it has none."""

    number: int | None
    value: str
    kind: str  # the labels.toml table that names `value`

    @property
    def reply(self) -> str:
        """What a button for this choice sends: exactly what the tenant could type."""
        return str(self.number) if self.number is not None else self.value.upper()


@dataclass(frozen=True)
class Outbound:
    """A reply to render from `templates/messages/<template>.txt` with `context`."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    choices: tuple[Choice, ...] = ()
