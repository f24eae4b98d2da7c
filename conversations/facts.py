"""What the flow needs storage to look up before it reads a message, asked by the flow itself,
so the shell answers without reading the tenant's text with the flow's own rules."""

from __future__ import annotations

from dataclasses import dataclass

from conversations import joining, signing
from conversations.state import Conversation
from conversations.validation import clean, word

FOLLOW_UP_FACT = "follow_up"  # the reference of a Call whose follow-up question awaits a reply
# Facts a phone call's adapter knows from the call itself: "yes" when the caller's number is a
# mobile we may text; and the number to put them through to, while officers answer the phone.
MOBILE_FACT = "mobile"
OFFICER_LINE_FACT = "officer_line"
# Words, not numbers: "1" already means something at every step of the form.
FOLLOW_UP_WORDS = frozenset({"BETTER", "SAME", "WORSE"})


@dataclass(frozen=True)
class Needs:
    """The facts one message needs (see Inbound.facts for where the answers go)."""

    petition_code: str | None = None  # SIGN or UNSIGN <code>: that petition's title and link
    follow_up: bool = False  # an answer to "Is the service better?": which Call asked it
    # The concern may be finished by this message: a similar open petition nearby, if any
    # (conversations/joining.py), from the service, address and concern in the draft.
    similar: bool = False


def needs(text: str, state: Conversation | None = None) -> Needs:
    """What to look up before the flow reads `text` in the conversation `state`."""
    cleaned = clean(text)
    command = signing.command(cleaned)
    return Needs(
        petition_code=command[1] if command else None,
        follow_up=word(cleaned) in FOLLOW_UP_WORDS,  # "Better." counts, as the flow reads it
        similar=state is not None and command is None and joining.wanted(state),
    )
