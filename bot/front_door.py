"""The shell around the flow: one tenant message in, one transaction, rendered replies out."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Protocol

from bot.render import Rendered, Renderer
from conversations import Conversation, Effect, Inbound, Outbound, advance

log = logging.getLogger(__name__)

ATTEMPTS = 5


class ConcurrentTurn(Exception):  # noqa: N818 - a condition, retried, not an error to report
    """Another worker saved this conversation first; the turn is tried again."""


class TurnScope(Protocol):
    """Storage for one turn, inside one database transaction."""

    def record_inbound(self, inbound: Inbound) -> bool:
        """Logs the message; False when this provider message id was seen before."""

    def load(self, inbound: Inbound) -> Conversation | None:
        """The sender's saved conversation, or None for someone new."""

    def carry_out(self, inbound: Inbound, effects: Sequence[Effect]) -> list[Outbound]:
        """Carries out the flow's effects; returns any replies they produce."""

    def save(self, inbound: Inbound, state: Conversation) -> None:
        """Saves the new state; raises ConcurrentTurn if someone saved since load()."""

    def record_replies(self, inbound: Inbound, replies: Sequence[Rendered]) -> None:
        """Logs (and queues, where the channel needs it) the replies."""


class Store(Protocol):
    """Where turns are kept: backend implements it over the database."""

    def turn(self, now: datetime) -> AbstractContextManager[TurnScope]:
        """A scope at time `now` that commits when the block ends and rolls back on error."""


def receive(
    store: Store,
    renderer: Renderer,
    inbound: Inbound,
    *,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> list[Rendered]:
    """Runs one tenant message through the flow; a replayed message gives no replies."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            now = clock()
            with store.turn(now) as scope:
                if not scope.record_inbound(inbound):
                    log.info("replayed %s message ignored", inbound.channel)
                    return []
                turn = advance(scope.load(inbound), inbound, now=now)
                outbound = [*scope.carry_out(inbound, turn.effects), *turn.replies]
                replies = [renderer.render(o, inbound.channel) for o in outbound]
                scope.save(inbound, turn.state)
                scope.record_replies(inbound, replies)
            return replies
        except ConcurrentTurn:
            log.info("conversation saved concurrently; attempt %d of %d", attempt, ATTEMPTS)
    raise ConcurrentTurn(f"gave up after {ATTEMPTS} attempts")
