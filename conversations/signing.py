"""Signing a petition by text: SIGN <code> asks a name and an address, then signs.

A side conversation: it runs alongside the pro-forma and leaves every answer there alone.
Possession of the phone verifies the signature, so it is offered on SMS and WhatsApp only;
elsewhere the tenant is pointed to the signing page.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from conversations.effects import Effect, SignPetition, WithdrawSignature
from conversations.messages import Inbound, Outbound
from conversations.state import Conversation
from conversations.validation import find_postcode, has_letter

# Share codes are six letters and digits; anything else ("sign posts") is an ordinary answer.
SIGN_COMMAND = re.compile(r"^\s*(UN)?SIGN\s+([A-Za-z0-9]{6})\s*[.!]?\s*$", re.IGNORECASE)
PETITION_FACT = "petition"  # the open petition's title, looked up by the shell
PETITION_URL_FACT = "petition_url"
MAX_NAME, MAX_ADDRESS = 80, 200


class Side(NamedTuple):
    """A turn of the signing conversation."""

    state: Conversation
    replies: tuple[Outbound, ...]
    effects: tuple[Effect, ...] = ()


def command(text: str) -> tuple[bool, str] | None:
    """(withdrawing, code) for "SIGN <code>" or "UNSIGN <code>"; None for anything else."""
    match = SIGN_COMMAND.match(text)
    if match is None:
        return None
    return bool(match.group(1)), match.group(2).upper()


def start(state: Conversation, inbound: Inbound, withdrawing: bool, code: str) -> Side:
    """SIGN or UNSIGN arrived."""
    # Signing by reply proves the phone because only it gets our texts; a caller's number can
    # be faked, so on a call a neighbour is sent to the signing page too.
    if not inbound.channel.can.phone_number or inbound.channel.can.spoken:
        url = inbound.facts.get(PETITION_URL_FACT)
        if url:  # UNSIGN too: the page takes a signature back, with a texted code
            link = f"{url}/withdraw" if withdrawing else url
            reply = Outbound("petition/use_link", {"url": link, "withdrawing": withdrawing})
            return Side(state, (reply,))
        return Side(state, (Outbound("petition/unknown_code", {"code": code}),))
    if withdrawing:
        return Side(state.but(signing_code=None, signing_name=None), (), (WithdrawSignature(code),))
    title = inbound.facts.get(PETITION_FACT)
    if not title:
        return Side(state, (Outbound("petition/unknown_code", {"code": code}),))
    return Side(
        state.but(signing_code=code, signing_name=None),
        (Outbound("petition/ask_name", {"title": title}),),
    )


def answer(state: Conversation, text: str) -> Side:
    """The signer's name, then their address; then the effect that signs."""
    assert state.signing_code is not None  # noqa: S101 - only called while signing
    if state.signing_name is None:
        if not has_letter(text) or len(text) > MAX_NAME:
            return Side(state, (Outbound("errors/name_invalid"),))
        return Side(state.but(signing_name=text), (Outbound("petition/ask_address"),))
    if len(text) > MAX_ADDRESS or not find_postcode(text):
        return Side(state, (Outbound("errors/postcode_invalid"),))
    sign = SignPetition(state.signing_code, state.signing_name, text)
    return Side(state.but(signing_code=None, signing_name=None), (), (sign,))
