"""The flow in a terminal: `frontdoor chat`, for trying the service or helping a caller."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TextIO

from bot.render import Renderer
from bot.shell import Store, receive
from conversations import Channel, Inbound

PROMPT = "you> "


def chat(
    store: Store,
    renderer: Renderer,
    *,
    address: str | None = None,
    read: Callable[[str], str] = input,
    out: TextIO = sys.stdout,
) -> None:
    """Talks to the flow line by line until end of input (Ctrl-D) or the word EXIT."""
    who = address or getpass.getuser()
    print("Tenant Front Door - terminal chat. Type EXIT or press Ctrl-D to leave.\n", file=out)
    text = ""  # an empty first message brings the welcome
    while True:
        for reply in receive(store, renderer, Inbound(Channel.TERMINAL, who, text)):
            print(reply.text, end="\n\n", file=out)
        # What officers sent meanwhile (a decision, an appeal date) waits for the terminal.
        for message in store.hand_over(Channel.TERMINAL, who, datetime.now(UTC)):
            print(message.text, end="\n\n", file=out)
        try:
            text = read(PROMPT)
        except EOFError:
            print(file=out)
            return
        if text.strip().upper() == "EXIT":
            return
