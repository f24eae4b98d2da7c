"""The shell around the flow: one tenant message in, one transaction, rendered replies out."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import UTC, datetime
from typing import Protocol

from bot.render import Rendered, Renderer
from conversations import Channel, Conversation, Effect, Inbound, Outbound, advance

log = logging.getLogger(__name__)

ATTEMPTS = 5


class ConcurrentTurn(Exception):  # noqa: N818 - a condition, retried, not an error to report
    """Another worker saved this conversation first; the turn is tried again."""


class TurnScope(Protocol):
    """Storage for one turn, inside one database transaction."""

    def record_inbound(self, inbound: Inbound) -> bool:
        """Logs the message; False when this provider message id was seen before."""

    def earlier_replies(self, inbound: Inbound) -> list[Rendered]:
        """What we answered when this (replayed) message first came, if it can still reach them."""

    def facts(self, inbound: Inbound, state: Conversation | None) -> dict[str, str]:
        """What the flow needs to know that only storage can tell (see Inbound.facts), for
        this message in the saved conversation `state`."""

    def load(self, inbound: Inbound) -> Conversation | None:
        """The sender's saved conversation, or None for someone new."""

    def carry_out(self, inbound: Inbound, effects: Sequence[Effect]) -> list[Outbound]:
        """Carries out the flow's effects; returns any replies they produce."""

    def save(self, inbound: Inbound, state: Conversation) -> None:
        """Saves the new state, and the language to write to the sender in (every later
        message uses it); raises ConcurrentTurn if someone saved since load()."""

    def record_replies(
        self, inbound: Inbound, replies: Sequence[Rendered], in_response: bool
    ) -> bool:
        """Logs the replies (queueing them unless sent in the response); False if opted out."""


class Store(Protocol):
    """Where turns are kept: backend implements it over the database."""

    def turn(self, now: datetime) -> AbstractContextManager[TurnScope]:
        """A scope at time `now` that commits when the block ends and rolls back on error."""

    def opt_out(self, inbound: Inbound, now: datetime) -> None:
        """Logs the opt-out message and stops every message to its sender."""

    def opt_in(self, channel: Channel, address: str, now: datetime) -> bool:
        """Lets messages reach this person again; True if they had opted out."""

    def hand_over(self, channel: Channel, address: str, now: datetime) -> list[Rendered]:
        """Messages that waited for someone whose channel we deliver ourselves, oldest first;
        each is handed over once."""


def receive(
    store: Store,
    renderer: Renderer,
    inbound: Inbound,
    *,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> list[Rendered]:
    """Runs one tenant message through the flow; returns the replies that will reach them."""
    # In the response: the web chat's JSON, the terminal, Twilio's TwiML; else the outbox.
    in_response = inbound.channel.can.answered_in_response
    for attempt in range(1, ATTEMPTS + 1):
        try:
            now = clock()
            with store.turn(now) as scope:
                if not scope.record_inbound(inbound):
                    log.info("replayed %s message: answered once only", inbound.channel)
                    return scope.earlier_replies(inbound) if in_response else []
                saved = scope.load(inbound)
                # Storage's facts beside those the channel knew (a caller's number is a mobile).
                guess = inbound.language if inbound.language in renderer.offered else ""
                facts = {**inbound.facts, **scope.facts(inbound, saved)}
                known = replace(inbound, facts=facts, language=guess)
                # The words of the language they write in (a newcomer: the channel's guess).
                heard = renderer.words(saved.language if saved else guess)
                turn = advance(saved, known, now=now, words=heard)
                # Saved first: the effects' messages (a link texted) go in the language chosen.
                scope.save(inbound, turn.state)
                outbound = [*turn.replies, *scope.carry_out(inbound, turn.effects)]
                language = renderer.language(turn.state.language)
                replies = [
                    part
                    for o in outbound
                    for part in renderer.messages(o, inbound.channel, language)
                ]
                reachable = scope.record_replies(inbound, replies, in_response)
            return replies if reachable else []
        except ConcurrentTurn:
            log.info("conversation saved concurrently; attempt %d of %d", attempt, ATTEMPTS)
    raise ConcurrentTurn(f"gave up after {ATTEMPTS} attempts")
