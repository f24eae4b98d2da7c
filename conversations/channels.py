"""The channels a tenant can use, and the one table of what each can do.

Every difference between channels that the code acts on is a column here, so a new channel is
one row (and an adapter in bot/), not a hunt for scattered checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class Abilities:
    """What a channel can do."""

    pictures: bool  # tenants can send photos and documents here (otherwise: an upload link)
    buttons: bool  # replies can carry tappable buttons (a share button among them)
    answered_in_response: bool  # replies go back in the response to the tenant's own message
    delivered_by_us: bool  # our own page or terminal shows the reply: no provider sends it
    writing_is_consent: bool  # a new message means "reply again" (no carrier START keyword)
    phone_number: bool  # the address is a phone number, so SIGN by text proves the phone
    segments: int | None  # text-message segments one message may use (None: no such limit)
    spoken: bool  # a phone call: replies are read aloud, answers come by voice or keypad


class Channel(StrEnum):
    """Where a tenant talks to us; each has its own kind of address."""

    WEB = "web"
    TERMINAL = "terminal"
    TELEGRAM = "telegram"
    SMS = "sms"
    WHATSAPP = "whatsapp"
    VOICE = "voice"

    @property
    def can(self) -> Abilities:
        """This channel's row of the table."""
        return ABILITIES[self]

    @property
    def written(self) -> Channel:
        """How a message we start reaches this channel's person. A caller hears replies in
        the call, but nobody is on the line later: those go by text to the number they
        called from (if it is a mobile)."""
        return Channel.SMS if self.can.spoken else self


# Three segments at most, so no text is cut off or billed as many parts.
SMS_SEGMENTS = 3

ABILITIES: dict[Channel, Abilities] = {
    # pictures, buttons, answered in response, delivered by us, writing is consent, phone,
    # segments, spoken
    Channel.WEB: Abilities(False, True, True, True, True, False, None, False),
    Channel.TERMINAL: Abilities(False, False, True, True, True, False, None, False),
    Channel.TELEGRAM: Abilities(True, True, False, False, True, False, None, False),
    Channel.SMS: Abilities(False, False, True, False, False, True, SMS_SEGMENTS, False),
    Channel.WHATSAPP: Abilities(True, False, True, False, False, True, None, False),
    # A phone call: the replies are TwiML read out in the webhook's response. Its opt-out is
    # the phone network's STOP to our texts, so calling again is no way back in to them.
    Channel.VOICE: Abilities(False, False, True, False, False, True, None, True),
}
