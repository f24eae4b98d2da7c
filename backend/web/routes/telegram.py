"""POST /webhooks/telegram: Telegram posts each Update here with our secret in a header."""

from __future__ import annotations

import hmac
import json
import logging

from fastapi import APIRouter, BackgroundTasks, Request, Response
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field
from telegram import Update
from telegram.error import TelegramError

from backend.services import Services
from backend.web.deps import ServicesDep, utf8_safe
from backend.web.turn_threads import in_turn_thread
from bot import telegram

router = APIRouter(tags=["channels"])
log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
LAST_UNIX_DAY = 253_402_300_799  # 9999-12-31: later dates do not fit a datetime


class _Strict(BaseModel):
    # Telegram sends more fields than we read: all are allowed, and PTB reads them.
    model_config = ConfigDict(extra="allow", strict=True)


class TelegramChat(_Strict):
    id: int
    type: str


class TelegramUser(_Strict):
    id: int
    is_bot: bool
    first_name: str


class TelegramFile(_Strict):
    file_id: str
    file_unique_id: str
    mime_type: str | None = None


class TelegramPhoto(TelegramFile):
    width: int
    height: int


class TelegramMessage(_Strict):
    message_id: int
    date: int = Field(ge=0, le=LAST_UNIX_DAY)
    chat: TelegramChat
    text: str | None = None
    caption: str | None = None
    photo: list[TelegramPhoto] | None = None
    document: TelegramFile | None = None


class TelegramButtonPress(_Strict):
    id: str
    from_: TelegramUser = Field(alias="from")
    chat_instance: str
    data: str | None = None
    message: TelegramMessage | None = None


class TelegramUpdate(_Strict):
    """The parts of a Telegram Update the flow reads, with the types it relies on."""

    update_id: int
    message: TelegramMessage | None = None
    callback_query: TelegramButtonPress | None = None


def _inlined(node: object, definitions: dict[str, object]) -> object:
    """A JSON schema with its $defs written in place (OpenAPI resolves $ref from its root)."""
    if isinstance(node, dict):
        if "$ref" in node:
            return _inlined(definitions[node["$ref"].rsplit("/", 1)[-1]], definitions)
        return {key: _inlined(value, definitions) for key, value in node.items() if key != "$defs"}
    if isinstance(node, list):
        return [_inlined(item, definitions) for item in node]
    return node


_UPDATE_SCHEMA = TelegramUpdate.model_json_schema()
_TEXT = {"text/plain": {"schema": {"type": "string"}}}


NOT_UNICODE = "not taken: it holds text that is not valid Unicode"


async def take_update(services: Services, update: Update) -> str | None:
    """Runs one Update through the flow and wakes the worker; returns a callback query id.

    An Update holding text no UTF-8 can hold (a lone surrogate) is not taken at all, by
    webhook or by polling: no Telegram app sends one, and nothing of it is kept or logged."""
    if not utf8_safe(update.to_dict()):
        log.info("Telegram update %s %s", update.update_id, NOT_UNICODE)
        return None
    return await take_readable_update(services, update)


async def take_readable_update(services: Services, update: Update) -> str | None:
    """take_update for an Update known to hold no lone surrogate: the webhook's, whose body
    Pydantic's JSON parser read whole (it refuses one anywhere, even in fields we do not read).
    Walking the Update again with to_dict() cost a webhook a tenth of its CPU time."""
    inbound = telegram.inbound(update)
    if inbound is not None:
        replies = await in_turn_thread(services.engine, services.receive, inbound)
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


def _not_unicode(body: bytes) -> str | None:
    """The number of an update (or "?") whose JSON holds text that is not valid Unicode (a
    lone surrogate, which Pydantic refuses to read); None for any other unreadable body."""
    try:
        payload = json.loads(body)
    except ValueError:
        return None
    if utf8_safe(payload):
        return None
    number = payload.get("update_id") if isinstance(payload, dict) else None
    return str(number) if isinstance(number, int) else "?"


@router.post(
    "/webhooks/telegram",
    status_code=200,
    response_class=Response,
    responses={
        200: {"description": "taken"},
        400: {"description": "not an Update, or text that is not valid Unicode", "content": _TEXT},
        403: {"description": "wrong secret"},
        404: {"description": "Telegram is not set up here", "content": _TEXT},
    },
    openapi_extra={
        "parameters": [
            {"name": SECRET_HEADER, "in": "header", "required": True, "schema": {"type": "string"}}
        ],
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": _inlined(_UPDATE_SCHEMA, _UPDATE_SCHEMA.get("$defs", {}))
                }
            },
        },
    },
)
async def telegram_webhook(
    request: Request, services: ServicesDep, background: BackgroundTasks
) -> Response:
    """Checks the secret, then takes the Update (a replay is processed once)."""
    settings = services.settings
    bot = services.channels.bot
    if bot is None or settings.telegram_webhook_secret is None:
        return PlainTextResponse("Telegram is not set up here", status_code=404)
    given = request.headers.get(SECRET_HEADER, "").encode()
    if not hmac.compare_digest(given, settings.telegram_webhook_secret.get_secret_value().encode()):
        log.warning("Telegram webhook refused: wrong secret")
        return Response(status_code=403)
    body = await request.body()
    try:
        # PTB takes any JSON on trust; the flow must not meet a list where a text should be.
        TelegramUpdate.model_validate_json(body)
        update = Update.de_json(json.loads(body), bot)
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError):  # ValidationError too
        update = None
    if update is None:
        update_id = _not_unicode(body)
        if update_id is not None:
            # A malformed payload is 4xx (the contract). Telegram's own encoder never writes a
            # lone surrogate, so no retries follow; only the update's number is logged.
            log.info("Telegram update %s %s", update_id, NOT_UNICODE)
            return PlainTextResponse(NOT_UNICODE, status_code=400)
        return PlainTextResponse("not a Telegram Update", status_code=400)
    query_id = await take_readable_update(services, update)
    if query_id:
        background.add_task(answer_button, services, query_id)
    return Response(status_code=200)
