"""Long polling for Telegram: for trying the bot locally without a public https URL."""

from __future__ import annotations

import asyncio
import logging

from telegram.error import TelegramError

from backend.services import Services
from backend.web.routes.telegram import answer_button, take_update
from bot.telegram import ALLOWED_UPDATES

log = logging.getLogger(__name__)
POLL_SECONDS = 20


async def poll(services: Services, stop: asyncio.Event) -> None:
    """Fetches updates until `stop` is set and takes each as the webhook would."""
    bot = services.channels.bot
    if bot is None:
        return
    await bot.delete_webhook()  # Telegram serves an update by webhook or by polling, not both
    offset: int | None = None
    log.info("polling Telegram for updates")
    while not stop.is_set():
        try:
            updates = await bot.get_updates(
                offset=offset,
                timeout=POLL_SECONDS,
                read_timeout=POLL_SECONDS + 10,
                allowed_updates=list(ALLOWED_UPDATES),
            )
        except TelegramError as error:
            log.warning("Telegram polling failed (%s); trying again", type(error).__name__)
            await asyncio.sleep(3)
            continue
        for update in updates:
            offset = update.update_id + 1
            try:
                query_id = await take_update(services, update)
            except Exception:
                # Telegram keeps it only until the next offset: log and go on, never stop polling.
                log.exception("a Telegram update could not be taken")
                continue
            if query_id:
                await answer_button(services, query_id)
