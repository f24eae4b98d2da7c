"""POST /webhooks/telegram: Telegram posts each Update here with our secret in a header."""

from __future__ import annotations

import hmac
import json
import logging

from fastapi import APIRouter, BackgroundTasks, Request, Response
from starlette.concurrency import run_in_threadpool
from telegram import Update
from telegram.error import TelegramError

from backend.deps import ServicesDep
from backend.services import Services
from bot import telegram
from bot.front_door import receive

router = APIRouter(tags=["channels"])
log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name


async def take_update(services: Services, update: Update) -> str | None:
    """Runs one Update through the flow and wakes the worker; returns a callback query id."""
    inbound = telegram.inbound(update)
    if inbound is not None:
        replies = await run_in_threadpool(receive, services.store, services.renderer, inbound)
        if replies:
            services.worker.wake()
    query = update.callback_query
    return query.id if query is not None else None


async def answer_button(services: Services, query_id: str) -> None:
    # Stops the spinner on the button; nice to have, so a failure is only logged.
    if services.channels.bot is None:
        return
    try:
        await services.channels.bot.answer_callback_query(query_id)
    except TelegramError as error:
        log.info("callback query not answered: %s", type(error).__name__)


@router.post(
    "/webhooks/telegram",
    status_code=200,
    responses={400: {"description": "not an Update"}, 403: {"description": "wrong secret"}},
)
async def telegram_webhook(
    request: Request, services: ServicesDep, background: BackgroundTasks
) -> Response:
    """Checks the secret, then takes the Update (a replay is processed once)."""
    settings = services.settings
    bot = services.channels.bot
    if bot is None or settings.telegram_webhook_secret is None:
        return Response("Telegram is not set up here", status_code=404)
    given = request.headers.get(SECRET_HEADER, "").encode()
    if not hmac.compare_digest(given, settings.telegram_webhook_secret.get_secret_value().encode()):
        log.warning("Telegram webhook refused: wrong secret")
        return Response(status_code=403)
    body = await request.body()
    try:
        data = json.loads(body)
        update = Update.de_json(data, bot) if isinstance(data, dict) else None
    except (ValueError, TypeError, KeyError, AttributeError):
        update = None
    if update is None:
        return Response("not a Telegram Update", status_code=400)
    query_id = await take_update(services, update)
    if query_id:
        background.add_task(answer_button, services, query_id)
    return Response(status_code=200)
