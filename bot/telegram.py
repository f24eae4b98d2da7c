"""Telegram: an Update becomes an Inbound; a reply becomes sendMessage with inline buttons."""

from __future__ import annotations

import asyncio
import os
import weakref
from collections.abc import Sequence
from datetime import timedelta

from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
    User,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.delivery import Parcel, RecipientGone, TryLater, Undeliverable
from bot.render import Button
from bot.telegram_request import AiohttpRequest
from conversations import Attachment, Channel, Inbound

# PTB 22 warns when it builds RetryAfter unless told to use timedelta, the coming default.
os.environ.setdefault("PTB_TIMEDELTA", "true")

# Telegram commands, as the words the flow knows. /cancel asks before deleting anything.
COMMANDS = {"/start": "HELP", "/help": "HELP", "/status": "STATUS", "/cancel": "RESTART"}
BOT_COMMANDS = (
    BotCommand("start", "Start, or carry on where you left off"),
    BotCommand("help", "What you can say"),
    BotCommand("status", "Where your Call for Scrutiny is"),
    BotCommand("cancel", "Start the form again"),
)
ALLOWED_UPDATES = ("message", "callback_query")
REF_PREFIX = "telegram:"
# The Bot's connections to Telegram: eight at Telegram's round trip of 100 ms or so carry 80
# messages a second, above the 30 a second Telegram takes from a bot. A request waits at most a
# second for one of them to be free, then fails as TimedOut (bot/telegram_request.py).
CONNECTIONS = 8
# The outbox sends a round (up to 50) at once: the messages wait here, not for a connection
# (where they would time out after a second), and two connections stay free for button answers
# and files.
SENDING_AT_ONCE = CONNECTIONS - 2


def make_bot(token: str, api_base_url: str) -> Bot:
    """A Bot aimed at `api_base_url` (Telegram's, or a local fake in tests)."""
    file_base = api_base_url.removesuffix("/bot") + "/file/bot"
    request = AiohttpRequest(connections=CONNECTIONS, connect_timeout=5, read_timeout=10)
    # getUpdates has a request of its own (PTB's default is one connection): polling's long poll.
    polling = AiohttpRequest(connections=1)
    return Bot(
        token,
        base_url=api_base_url,
        base_file_url=file_base,
        request=request,
        get_updates_request=polling,
    )


def inbound(update: Update) -> Inbound | None:
    """The tenant's message in a private chat (text, button press, photo or document)."""
    query = update.callback_query
    if query is not None:
        chat = query.message.chat if query.message is not None else None
        chat_id = chat.id if chat is not None else query.from_user.id
        return Inbound(
            Channel.TELEGRAM,
            str(chat_id),
            query.data or "",
            f"u{update.update_id}",
            language=_language(query.from_user),
        )
    message = update.message
    if message is None or message.chat.type != "private":
        return None
    text = message.text or message.caption or ""
    command = text.split(maxsplit=1)[0].split("@")[0].lower() if text.startswith("/") else ""
    if command:
        text = COMMANDS.get(command, "HELP")
    attachments: list[Attachment] = []
    if message.photo:
        largest = max(message.photo, key=lambda size: size.width * size.height)
        attachments.append(Attachment(REF_PREFIX + largest.file_id, "image/jpeg"))
    if message.document is not None:
        kind = message.document.mime_type or "application/octet-stream"
        attachments.append(Attachment(REF_PREFIX + message.document.file_id, kind))
    if message.voice is not None:  # evidence at the evidence question; elsewhere, unread
        kind = message.voice.mime_type or "audio/ogg"
        attachments.append(Attachment(REF_PREFIX + message.voice.file_id, kind))
    return Inbound(
        Channel.TELEGRAM,
        str(message.chat.id),
        text,
        f"u{update.update_id}",
        tuple(attachments),
        unreadable=_unreadable(message),
        language=_language(message.from_user),
    )


def _language(user: User | None) -> str:
    """Telegram's guess at the sender's language ("pl" of "pl-PL"; optional in the Bot API):
    a newcomer's first language, if we offer it."""
    code = user.language_code if user is not None else None
    return (code or "").split("-")[0].lower()


def _unreadable(message: Message) -> str:
    """What the tenant sent that is not text we can read ("" when there is none)."""
    if message.voice is not None or message.audio is not None or message.video_note is not None:
        return "voice"
    if message.sticker is not None:
        return "sticker"
    if message.location is not None or message.venue is not None:
        return "location"
    if message.contact is not None:
        return "contact"
    if message.video is not None:
        return "video"
    return ""


def keyboard(buttons: Sequence[Button]) -> InlineKeyboardMarkup | None:
    """One button a row, so long labels stay readable on a phone."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b.label, url=b.url)
                if b.url
                else InlineKeyboardButton(b.label, callback_data=b.reply[:64])
            ]
            for b in buttons
        ]
    )


def _seconds(retry_after: int | timedelta) -> float:
    return retry_after.total_seconds() if isinstance(retry_after, timedelta) else float(retry_after)


class TelegramSender:
    """Sends outbox messages with the Bot API."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self._turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )

    async def send(self, parcel: Parcel) -> str | None:
        """Sends one message; Telegram's errors become the outbox's retry decisions."""
        try:
            async with self._turn():
                sent = await self.bot.send_message(
                    chat_id=int(parcel.address),
                    text=parcel.text,
                    reply_markup=keyboard(parcel.buttons),
                )
        except RetryAfter as busy:
            raise TryLater("Telegram says too many requests", _seconds(busy.retry_after)) from busy
        except Forbidden as gone:  # "bot was blocked by the user": they have left
            raise RecipientGone(gone.message) from gone
        except BadRequest as refused:
            raise Undeliverable(refused.message) from refused
        except (TimedOut, NetworkError) as down:
            raise TryLater(f"Telegram unreachable: {down.message}") from down
        return f"{parcel.address}:{sent.message_id}"

    def _turn(self) -> asyncio.Semaphore:
        # One per event loop: a semaphore belongs to the loop it first waits on.
        loop = asyncio.get_running_loop()
        turns = self._turns.get(loop)
        if turns is None:
            turns = self._turns[loop] = asyncio.Semaphore(SENDING_AT_ONCE)
        return turns


async def download(bot: Bot, ref: str, max_bytes: int) -> bytes:
    """The bytes of a photo or document a tenant sent (Telegram lets bots fetch up to 20 MB)."""
    file = await bot.get_file(ref.removeprefix(REF_PREFIX))
    if file.file_size is not None and file.file_size > max_bytes:
        raise ValueError(f"file of {file.file_size} bytes is over the limit")
    return bytes(await file.download_as_bytearray())
