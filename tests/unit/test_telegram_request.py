"""The Bot's aiohttp requests (bot/telegram_request.py) against the fake Bot API over real HTTP:
the bodies Telegram reads, files both ways, and the errors the outbox decides by."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from bot import telegram
from bot.delivery import Parcel, RecipientGone, TryLater, Undeliverable
from bot.render import Button
from bot.telegram_request import AiohttpRequest
from conversations import Channel
from tests.fakes.telegram_api import FakeTelegram, make_update

TOKEN = "123:ABC"


@pytest.fixture
def fake_telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram().running() as fake:
        yield fake


@pytest_asyncio.fixture
async def bot(fake_telegram: FakeTelegram) -> AsyncIterator[Bot]:
    """The service's own Bot (make_bot), aimed at the fake and initialised (getMe)."""
    async with telegram.make_bot(TOKEN, fake_telegram.api_base) as bot:
        yield bot


def _parcel(text: str = "Your Call is CCS-2026-0042.") -> Parcel:
    buttons = (Button("Yes", "1"), Button("Read it", "", url="https://example.org/c/1"))
    return Parcel(1, Channel.TELEGRAM, "42", text, buttons, 1)


def _closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.mark.asyncio
async def test_a_reply_with_buttons_arrives_as_telegram_reads_it(
    fake_telegram: FakeTelegram, bot: Bot
) -> None:
    assert bot.username == "frontdoor_test_bot"
    sender = telegram.TelegramSender(bot)
    text = 'Zażółć "gęślą" jaźń & [1, 2] = 100%'
    assert await sender.send(_parcel(text)) == "42:1"
    [call] = fake_telegram.sent()
    assert call.token == TOKEN
    assert call.params["chat_id"] == "42"
    assert call.params["text"] == text
    assert call.params["reply_markup"] == {
        "inline_keyboard": [
            [{"text": "Yes", "callback_data": "1"}],
            [{"text": "Read it", "url": "https://example.org/c/1"}],
        ]
    }


@pytest.mark.asyncio
async def test_a_tenants_photo_is_downloaded_and_one_over_the_limit_is_not(
    fake_telegram: FakeTelegram, bot: Bot
) -> None:
    photo = bytes(range(256)) * 40
    fake_telegram.add_file("ph1", photo)
    assert await telegram.download(bot, "telegram:ph1", max_bytes=len(photo)) == photo
    with pytest.raises(ValueError, match="over the limit"):
        await telegram.download(bot, "telegram:ph1", max_bytes=len(photo) - 1)
    assert [c.method for c in fake_telegram.calls] == ["getMe", "getFile", "getFile"]


@pytest.mark.asyncio
async def test_a_file_goes_up_as_multipart_beside_the_other_parameters(
    fake_telegram: FakeTelegram, bot: Bot
) -> None:
    # We send no photos or documents; setWebhook's certificate is the same multipart path.
    certificate = b"-----BEGIN CERTIFICATE-----\n\x00\xff\n-----END CERTIFICATE-----\n"
    assert await bot.set_webhook(
        "https://frontdoor.example.org/webhooks/telegram",
        certificate=certificate,
        allowed_updates=["message", "callback_query"],
    )
    [call] = fake_telegram.sent("setWebhook")
    assert call.params["certificate"] == certificate
    assert call.params["url"] == "https://frontdoor.example.org/webhooks/telegram"
    assert call.params["allowed_updates"] == ["message", "callback_query"]


@pytest.mark.asyncio
async def test_telegrams_answers_become_the_outboxs_decisions(
    fake_telegram: FakeTelegram, bot: Bot
) -> None:
    sender = telegram.TelegramSender(bot)
    fake_telegram.fail_next("sendMessage", status=429, retry_after=7)
    with pytest.raises(TryLater) as busy:
        await sender.send(_parcel())
    assert busy.value.after == 7
    fake_telegram.fail_next("sendMessage", status=403)
    with pytest.raises(RecipientGone, match="blocked"):
        await sender.send(_parcel())
    fake_telegram.fail_next("sendMessage", status=400, description="Bad Request: chat not found")
    with pytest.raises(Undeliverable, match="Chat not found"):
        await sender.send(_parcel())
    fake_telegram.fail_next("sendMessage", status=503)
    with pytest.raises(TryLater, match="Service Unavailable") as down:
        await sender.send(_parcel())
    assert down.value.after is None
    fake_telegram.down = True  # a proxy's HTML 502, not the Bot API's JSON
    with pytest.raises(TryLater, match="Bad Gateway"):
        await sender.send(_parcel())
    assert fake_telegram.sent() == []


@pytest.mark.asyncio
async def test_an_answer_that_does_not_come_is_timed_out(
    fake_telegram: FakeTelegram, bot: Bot
) -> None:
    fake_telegram.hang_next("sendMessage", seconds=2)
    with pytest.raises(TimedOut):
        await bot.send_message(chat_id=42, text="hi", read_timeout=0.2)
    # The same Bot carries on.
    await bot.send_message(chat_id=42, text="again")
    assert fake_telegram.texts(42) == ["again"]


@pytest.mark.asyncio
async def test_a_request_waits_a_while_for_a_connection_then_is_timed_out_unsent(
    fake_telegram: FakeTelegram,
) -> None:
    request = AiohttpRequest(connections=1, pool_timeout=0.2)
    async with Bot(TOKEN, base_url=fake_telegram.api_base, request=request) as bot:
        fake_telegram.hang_next("sendMessage", seconds=1)
        slow = asyncio.create_task(bot.send_message(chat_id=42, text="slow"))
        await asyncio.sleep(0.1)
        with pytest.raises(TimedOut, match="Pool timeout"):
            await bot.send_message(chat_id=42, text="waited")
        await slow
    assert fake_telegram.texts(42) == ["slow"]
    assert [c.params.get("text") for c in fake_telegram.calls if c.method == "sendMessage"] == [
        "slow"
    ]


@pytest.mark.asyncio
async def test_a_refused_connection_is_a_network_error_and_the_outbox_tries_later() -> None:
    bot = telegram.make_bot(TOKEN, f"http://127.0.0.1:{_closed_port()}/bot")
    try:  # never initialised (getMe would fail): the first request opens the session
        with pytest.raises(NetworkError) as refused:
            await bot.send_message(chat_id=42, text="hi")
        assert refused.type is NetworkError  # not TimedOut, which is one too
        assert refused.value.message.startswith("aiohttp.ClientConnectorError")
        with pytest.raises(TryLater, match="Telegram unreachable") as later:
            await telegram.TelegramSender(bot).send(_parcel())
        assert later.value.after is None
    finally:
        await bot.request.shutdown()  # Bot.shutdown does nothing for a Bot never initialised


@pytest.mark.asyncio
async def test_polling_gets_updates_over_its_own_connection(
    fake_telegram: FakeTelegram, bot: Bot
) -> None:
    fake_telegram.queue_update(make_update(5, chat_id=42, text="hello"))
    [update] = await bot.get_updates(offset=1, timeout=1)
    assert update.message is not None and update.message.text == "hello"
    assert await bot.get_updates(offset=6, timeout=0) == ()


def test_one_bot_opens_and_closes_in_one_event_loop_after_another(
    fake_telegram: FakeTelegram,
) -> None:
    bot = telegram.make_bot(TOKEN, fake_telegram.api_base)

    async def say(text: str) -> None:
        async with bot:
            await bot.send_message(chat_id=42, text=text)

    asyncio.run(say("first"))
    asyncio.run(say("second"))
    assert fake_telegram.texts(42) == ["first", "second"]


@pytest.mark.asyncio
async def test_a_shut_down_bot_sends_nothing(fake_telegram: FakeTelegram) -> None:
    bot = telegram.make_bot(TOKEN, fake_telegram.api_base)
    async with bot:
        pass
    with pytest.raises(NetworkError, match="not initialized"):
        await bot.send_message(chat_id=42, text="hi")
    assert fake_telegram.sent() == []
