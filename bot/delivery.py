"""The outbox's delivery rules: what to send, how to retry, when to give up. No SQL here."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum, auto
from typing import Protocol

from bot.render import Button
from conversations import Channel

log = logging.getLogger(__name__)

# 16 tries span 55 to 110 minutes: a provider down for most of an hour loses nothing (with 8
# they spanned 2 to 4 minutes, and a short outage marked messages failed).
MAX_ATTEMPTS = 16
FIRST_DELAY = 2.0  # seconds; doubles each try up to MAX_DELAY, jittered between half and all
MAX_DELAY = 15 * 60.0
SEND_TIMEOUT = 15.0
LEASE = timedelta(seconds=60)  # a worker that dies mid-send frees its message after this


@dataclass(frozen=True)
class Parcel:
    """An outbound message claimed for delivery."""

    id: int
    channel: Channel
    address: str
    text: str
    buttons: tuple[Button, ...]
    attempt: int  # 1 for the first try
    opted_out: bool = False


class TryLater(Exception):  # noqa: N818 - names what the worker should do
    """The provider is busy or down: try again, after `after` seconds if it said."""

    def __init__(self, reason: str, after: float | None = None) -> None:
        super().__init__(reason)
        self.after = after


class RecipientGone(Exception):  # noqa: N818
    """The person has opted out or blocked us: never send to them again until they return."""


class Undeliverable(Exception):  # noqa: N818
    """The provider refused this message for good (a bad number, say)."""


class Sender(Protocol):
    """Sends one message on one channel; returns the provider's message id."""

    async def send(self, parcel: Parcel) -> str | None:
        """Delivers `parcel` or raises TryLater, RecipientGone or Undeliverable."""


class Outbox(Protocol):
    """Where outbound messages wait: backend implements it over the database."""

    def claim(self, now: datetime, limit: int) -> list[Parcel]:
        """Leases due messages, the oldest unsent one per person, so order is kept."""

    def sent(self, parcel: Parcel, provider_id: str | None, now: datetime) -> None:
        """Records that the provider took the message."""

    def retry(self, parcel: Parcel, at: datetime, error: str) -> None:
        """Puts the message back to be tried at `at`."""

    def failed(self, parcel: Parcel, error: str, now: datetime) -> None:
        """Gives up on the message; it shows as failed in the back office."""

    def recipient_gone(self, parcel: Parcel, error: str, now: datetime) -> None:
        """Marks the person as opted out and holds back everything queued for them."""

    def resume(self, ids: Sequence[int], now: datetime) -> None:
        """Makes these queued messages due now (their provider is back)."""


class Outcome(Enum):
    """How one try went, as far as the provider's health goes."""

    SENT = auto()
    PROVIDER_DOWN = auto()  # unreachable or failing, no time given: tried again after a backoff
    OTHER = auto()  # held back, refused, given up on, or the provider said when to try again


class Outages:
    """Messages a provider could not take while down, brought forward once it answers again.

    After a minute's outage backoff alone leaves them waiting up to another minute (longer
    outages, longer waits) although the provider is back. Each message is brought forward once
    per worker, so a flaky provider cannot use up its tries early.
    """

    def __init__(self) -> None:
        self._waiting: dict[Channel, set[int]] = {}
        self._brought_forward: set[int] = set()

    def due_again(self, results: Iterable[tuple[Parcel, Outcome]]) -> list[int]:
        """Notes one round's outcomes; returns the waiting messages whose provider is back."""
        back: set[Channel] = set()
        for parcel, outcome in results:
            waiting = self._waiting.setdefault(parcel.channel, set())
            if outcome is Outcome.PROVIDER_DOWN:
                if parcel.id not in self._brought_forward:
                    waiting.add(parcel.id)
                continue
            waiting.discard(parcel.id)
            self._brought_forward.discard(parcel.id)
            if outcome is Outcome.SENT:
                back.add(parcel.channel)
        ids = sorted(i for channel in back for i in self._waiting.pop(channel, set()))
        self._brought_forward.update(ids)
        return ids


def backoff(attempt: int, after: float | None = None, rng: random.Random | None = None) -> float:
    """Seconds to wait before try `attempt + 1`: the provider's word, else jittered doubling."""
    ceiling = min(MAX_DELAY, FIRST_DELAY * 2 ** (attempt - 1))
    jittered = (rng or random).uniform(ceiling / 2, ceiling)
    return max(after or 0.0, jittered)


async def deliver_due(
    outbox: Outbox,
    senders: Mapping[Channel, Sender],
    now: datetime,
    *,
    limit: int = 50,
    outages: Outages | None = None,
) -> int:
    """Sends what is due, concurrently across people; returns how many were tried."""
    parcels = await asyncio.to_thread(outbox.claim, now, limit)
    outcomes = await asyncio.gather(*(_deliver(outbox, senders, p, now) for p in parcels))
    due_again = outages.due_again(zip(parcels, outcomes, strict=True)) if outages else []
    if due_again:
        await asyncio.to_thread(outbox.resume, due_again, now)
        log.info("provider answering again: %d waiting messages due now", len(due_again))
    return len(parcels)


async def _deliver(
    outbox: Outbox, senders: Mapping[Channel, Sender], parcel: Parcel, now: datetime
) -> Outcome:
    sender = senders.get(parcel.channel)
    try:
        if parcel.opted_out:
            raise RecipientGone("opted out before delivery")
        if sender is None:
            raise TryLater(f"{parcel.channel} channel is off")
        provider_id = await asyncio.wait_for(sender.send(parcel), SEND_TIMEOUT)
    except RecipientGone as gone:
        await asyncio.to_thread(outbox.recipient_gone, parcel, str(gone)[:200], now)
        log.info("message %d held back: recipient gone", parcel.id)
    except Undeliverable as refused:
        await asyncio.to_thread(outbox.failed, parcel, str(refused)[:200], now)
        log.warning("message %d refused by the %s provider", parcel.id, parcel.channel)
    except Exception as busy:  # unreachable, busy, or an error we do not know
        after = busy.after if isinstance(busy, TryLater) else None
        reason = str(busy) or type(busy).__name__
        if not isinstance(busy, TryLater | TimeoutError | OSError):
            # Say so loudly, but retry and in the end fail the message like any other: escaping
            # here would leave it leased and tried forever, and stop the rest of the round.
            log.error("message %d: unexpected %s from the provider", parcel.id, type(busy).__name__)
        if parcel.attempt >= MAX_ATTEMPTS:
            await asyncio.to_thread(outbox.failed, parcel, reason[:200], now)
            log.warning("message %d failed after %d tries", parcel.id, parcel.attempt)
        else:
            at = now + timedelta(seconds=backoff(parcel.attempt, after))
            await asyncio.to_thread(outbox.retry, parcel, at, reason[:200])
            if sender is not None and after is None:
                return Outcome.PROVIDER_DOWN
    else:
        await asyncio.to_thread(outbox.sent, parcel, provider_id, now)
        return Outcome.SENT
    return Outcome.OTHER


def buttons_of(stored: Sequence[Sequence[str]]) -> tuple[Button, ...]:
    """Buttons from their stored [label, reply, url] lists (url missing in older rows)."""
    return tuple(Button(str(b[0]), str(b[1]), str(b[2]) if len(b) > 2 else "") for b in stored)
