"""The worker: drains the outbox and fetches evidence, inside `serve` or as `frontdoor worker`."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from backend.messaging.channels import Channels
from backend.messaging.evidence import Download, EvidenceFetcher
from backend.messaging.evidence_files import EvidenceRefused
from backend.messaging.outbox import SqlOutbox
from backend.settings import Settings
from bot import telegram, twilio_sms
from bot.delivery import LEASE, Outages, Parcel, deliver_due

log = logging.getLogger(__name__)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def twilio_media_origins(settings: Settings) -> frozenset[str]:
    """Where Twilio media may be fetched from with the account's credentials: the REST API's
    own origin (TWILIO_API_BASE_URL, which serves media URLs), and TWILIO_MEDIA_ORIGINS."""
    return frozenset(
        _origin(url) for url in (settings.twilio_api_base_url, *settings.twilio_media_origins)
    )


IDLE_SECONDS = 1.0
HOUSEKEEPING = timedelta(minutes=10)
FIRST_PAUSE = 0.2  # seconds before recording an outcome again; doubles up to LAST_PAUSE
LAST_PAUSE = 5.0


class PatientOutbox(SqlOutbox):
    """The outbox, recording each delivery's outcome through a database outage.

    The provider has already taken the message when its outcome is recorded. If that record
    were lost, the message would stay leased, hold back everything after it to that person, and
    be sent a second time when its lease ran out. So the record is tried again until the
    database is back, for as long as the lease lasts, or until the worker stops.
    """

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.stopping = threading.Event()

    def sent(self, parcel: Parcel, provider_id: str | None, now: datetime) -> None:
        self._patiently(parcel, partial(super().sent, parcel, provider_id, now))

    def retry(self, parcel: Parcel, at: datetime, error: str) -> None:
        self._patiently(parcel, partial(super().retry, parcel, at, error))

    def failed(self, parcel: Parcel, error: str, now: datetime) -> None:
        self._patiently(parcel, partial(super().failed, parcel, error, now))

    def recipient_gone(self, parcel: Parcel, error: str, now: datetime) -> None:
        self._patiently(parcel, partial(super().recipient_gone, parcel, error, now))

    def _patiently(self, parcel: Parcel, record: Callable[[], None]) -> None:
        # Runs in a thread (asyncio.to_thread), so waiting here holds up no event loop. Each
        # record is an idempotent UPDATE, so trying again after an unclear commit is safe.
        give_up = time.monotonic() + LEASE.total_seconds()
        pause = FIRST_PAUSE
        while True:
            try:
                record()
                return
            except OperationalError as error:
                if self.stopping.is_set() or time.monotonic() + pause > give_up:
                    raise
                log.warning(
                    "database unreachable recording message %d (%s); trying again",
                    parcel.id,
                    type(error.orig).__name__,
                )
            self.stopping.wait(pause)
            pause = min(pause * 2, LAST_PAUSE)


class OutboxWorker:
    """Sends what is due and fetches what was sent to us; woken at once when work arrives."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        channels: Channels,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        chores: Callable[[datetime], int] | None = None,
    ) -> None:
        self.chores = chores  # the service's periodic chores; they queue messages
        self.outbox = PatientOutbox(engine)
        self.engine = engine
        self.settings = settings
        self.channels = channels
        self.clock = clock
        self.outages = Outages()
        self._last_housekeeping: datetime | None = None
        self.heartbeat: Path | None = None  # touched after every round that worked
        self.evidence = EvidenceFetcher(
            engine,
            Path(settings.evidence_dir),
            settings.evidence_max_bytes,
            self._downloads(settings, channels),
            settings.evidence_max_pixels,
            settings,
        )
        self._wake = asyncio.Event()

    @staticmethod
    def _downloads(settings: Settings, channels: Channels) -> dict[str, Download]:
        downloads: dict[str, Download] = {}
        limit = settings.evidence_max_bytes
        if channels.bot is not None:
            bot = channels.bot
            downloads[telegram.REF_PREFIX] = lambda ref: telegram.download(bot, ref, limit)
        if channels.http is not None and settings.twilio_auth_token:
            http, sid = channels.http, settings.twilio_account_sid or ""
            token = settings.twilio_auth_token.get_secret_value()
            origins = twilio_media_origins(settings)

            async def from_twilio(ref: str) -> bytes:
                # The account's credentials go with the request: never to anyone but Twilio.
                if _origin(ref.removeprefix(twilio_sms.REF_PREFIX)) not in origins:
                    log.warning("media refused: not on one of Twilio's media hosts")
                    raise EvidenceRefused("That file was not sent through Twilio.")
                return await twilio_sms.download(http, ref, sid, token, limit)

            downloads[twilio_sms.REF_PREFIX] = from_twilio
        return downloads

    def wake(self) -> None:
        """Something was queued: look now rather than at the next tick."""
        self._wake.set()

    async def run_once(self) -> int:
        """One round of deliveries and fetches; returns how many things were tried."""
        now = self.clock()
        if self._last_housekeeping is None or now - self._last_housekeeping >= HOUSEKEEPING:
            self._last_housekeeping = now
            await asyncio.to_thread(self.housekeeping, now)
        sent = await deliver_due(self.outbox, self.channels.senders, now, outages=self.outages)
        fetched = await self.evidence.fetch_due(now)
        return sent + fetched

    def housekeeping(self, now: datetime) -> int:
        """Runs the chores it was given (see backend/housekeeping.py); wakes itself for any
        messages they queued."""
        done = self.chores(now) if self.chores is not None else 0
        if done:
            self.wake()
        return done

    async def run(self, stop: asyncio.Event) -> None:
        """Works until `stop` is set; a failing round is logged and the next one tried."""
        log.info("outbox worker started")
        # Outcomes waiting for the database give up when the worker stops (the lease covers them).
        self.outbox.stopping.clear()
        noticing = asyncio.ensure_future(stop.wait())
        noticing.add_done_callback(lambda _: self.outbox.stopping.set())
        try:
            await self._work(stop)
        finally:
            noticing.cancel()
        log.info("outbox worker stopped")

    async def _work(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                busy = await self.run_once()
                if self.heartbeat is not None:
                    self.heartbeat.touch()  # a health check reads its age
            except Exception:
                log.exception("outbox round failed; trying again shortly")
                busy = 0
            if busy:
                continue
            self._wake.clear()
            waits = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
            await asyncio.wait(waits, timeout=IDLE_SECONDS, return_when=asyncio.FIRST_COMPLETED)
            for waiting in waits:
                waiting.cancel()
