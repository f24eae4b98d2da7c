"""The worker: drains the outbox and fetches evidence, inside `serve` or as `frontdoor worker`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from backend import follow_ups, petitions, rate_limits
from backend.channels import Channels
from backend.db import write_session
from backend.evidence import Download, EvidenceFetcher
from backend.outbox import SqlOutbox
from backend.renderer import message_renderer
from backend.settings import Settings
from bot import telegram, twilio_sms
from bot.delivery import deliver_due

log = logging.getLogger(__name__)
IDLE_SECONDS = 1.0
HOUSEKEEPING = timedelta(minutes=10)


class Worker:
    """Sends what is due and fetches what was sent to us; woken at once when work arrives."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        channels: Channels,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.outbox = SqlOutbox(engine)
        self.engine = engine
        self.settings = settings
        self.channels = channels
        self.clock = clock
        self._last_housekeeping: datetime | None = None
        self.evidence = EvidenceFetcher(
            engine,
            Path(settings.evidence_dir),
            settings.evidence_max_bytes,
            self._downloads(settings, channels),
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
            downloads[twilio_sms.REF_PREFIX] = lambda ref: twilio_sms.download(
                http, ref, sid, token, limit
            )
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
        sent = await deliver_due(self.outbox, self.channels.senders, now)
        fetched = await self.evidence.fetch_due(now)
        return sent + fetched

    def housekeeping(self, now: datetime) -> int:
        """Closes petitions past their date (telling their tenants) and forgets old limits."""
        with write_session(self.engine) as session:
            closed = petitions.close_expired(
                session, self.settings, message_renderer(self.settings), now.date(), now
            )
            rate_limits.forget_before(session, now - timedelta(days=2))
            petitions.anonymise_signatures(session, now, self.settings.signature_retention_days)
            follow_ups.send_due(session, message_renderer(self.settings), now)
        if closed:
            self.wake()
        return len(closed)

    async def run(self, stop: asyncio.Event) -> None:
        """Works until `stop` is set; a failing round is logged and the next one tried."""
        log.info("outbox worker started")
        while not stop.is_set():
            try:
                busy = await self.run_once()
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
        log.info("outbox worker stopped")
