"""The fake providers speak the wire protocols: the real PTB and twilio clients work with them."""

from __future__ import annotations

import datetime as dtm
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import pytest_asyncio
import telegram
import telegram.error
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.warnings import PTBDeprecationWarning
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from tests.fakes.telegram_api import FakeTelegram, make_update
from tests.fakes.twilio_api import FakeTwilio

TO, FROM = "+447911123456", "+447700900000"


@pytest.fixture
def fake_telegram() -> Iterator[FakeTelegram]:
    """A running fake Bot API."""
    with FakeTelegram().running() as fake:
        yield fake


@pytest_asyncio.fixture
async def bot(fake_telegram: FakeTelegram) -> AsyncIterator[telegram.Bot]:
    """A real python-telegram-bot Bot aimed at the fake, initialised (which calls getMe)."""
    bot = telegram.Bot(
        token="123:ABC", base_url=fake_telegram.api_base, base_file_url=fake_telegram.file_base
    )
    async with bot:
        yield bot


@pytest.fixture
def fake_twilio() -> Iterator[FakeTwilio]:
    """A running fake Twilio API."""
    with FakeTwilio().running() as fake:
        yield fake


def twilio_client(fake: FakeTwilio, **kwargs: object) -> Client:
    """A real twilio Client aimed at the fake."""
    client = Client(fake.account_sid, fake.auth_token, **kwargs)
    client.api.base_url = fake.base_url
    return client


# --- Telegram -------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_bot_initialises_and_sends_with_a_keyboard(
    fake_telegram: FakeTelegram, bot: telegram.Bot
) -> None:
    assert bot.username == "frontdoor_test_bot"
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="1")]])
    message = await bot.send_message(chat_id=42, text="hi", reply_markup=keyboard)
    assert message.text == "hi"
    assert message.chat.id == 42
    assert message.from_user is not None and message.from_user.id == 999
    [call] = fake_telegram.sent()
    assert call.token == "123:ABC"
    assert call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "1"
    assert fake_telegram.texts(42) == ["hi"]
    assert fake_telegram.texts(7) == []
    assert [c.method for c in fake_telegram.calls] == ["getMe", "sendMessage"]


@pytest.mark.asyncio
async def test_text_that_looks_like_json_stays_text(
    fake_telegram: FakeTelegram, bot: telegram.Bot
) -> None:
    await bot.send_message(chat_id=42, text="[1, 2]")
    assert fake_telegram.texts() == ["[1, 2]"]


@pytest.mark.asyncio
async def test_get_file_and_download(fake_telegram: FakeTelegram, bot: telegram.Bot) -> None:
    content = b"\xff\xd8jpeg-bytes"
    fake_telegram.add_file("ph1", content)
    file = await bot.get_file("ph1")
    assert file.file_size == len(content)
    assert await file.download_as_bytearray() == bytearray(content)
    with pytest.raises(telegram.error.BadRequest, match="Invalid file_id"):
        await bot.get_file("nope")


@pytest.mark.asyncio
async def test_rate_limit_raises_retry_after(
    fake_telegram: FakeTelegram, bot: telegram.Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PTB 22.2+ warns when retry_after is read as an int; PTB_TIMEDELTA opts in to timedelta.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    fake_telegram.fail_next("sendMessage", status=429, retry_after=3)
    with pytest.raises(telegram.error.RetryAfter) as caught:
        await bot.send_message(chat_id=42, text="hi")
    assert caught.value.retry_after == dtm.timedelta(seconds=3)
    assert fake_telegram.sent() == []
    assert fake_telegram.calls[-1].failed
    await bot.send_message(chat_id=42, text="again")
    assert fake_telegram.texts() == ["again"]


@pytest.mark.asyncio
async def test_rate_limit_without_ptb_timedelta_warns_inside_ptb(
    fake_telegram: FakeTelegram, bot: telegram.Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without the opt-in, PTB warns while *building* RetryAfter, so under filterwarnings=error
    # the caller would get a PTBDeprecationWarning instead of RetryAfter.
    monkeypatch.delenv("PTB_TIMEDELTA", raising=False)
    fake_telegram.fail_next("sendMessage", status=429, retry_after=3)
    with (
        pytest.warns(PTBDeprecationWarning, match="PTB_TIMEDELTA"),
        pytest.raises(telegram.error.RetryAfter),
    ):
        await bot.send_message(chat_id=42, text="hi")


@pytest.mark.asyncio
async def test_blocked_and_server_errors(fake_telegram: FakeTelegram, bot: telegram.Bot) -> None:
    fake_telegram.fail_next("sendMessage", status=403)
    with pytest.raises(telegram.error.Forbidden, match="blocked"):
        await bot.send_message(chat_id=42, text="hi")
    fake_telegram.fail_next("sendMessage")
    with pytest.raises(telegram.error.NetworkError, match="Internal Server Error"):
        await bot.send_message(chat_id=42, text="hi")
    fake_telegram.down = True
    with pytest.raises(telegram.error.NetworkError):
        await bot.send_message(chat_id=42, text="hi")
    assert fake_telegram.sent() == []


@pytest.mark.asyncio
async def test_hang_times_out(fake_telegram: FakeTelegram, bot: telegram.Bot) -> None:
    fake_telegram.hang_next("sendMessage", seconds=2)
    with pytest.raises(telegram.error.TimedOut):
        await bot.send_message(chat_id=42, text="hi", read_timeout=0.2)


@pytest.mark.asyncio
async def test_webhook_and_polling(fake_telegram: FakeTelegram, bot: telegram.Bot) -> None:
    assert await bot.set_webhook("https://example.org/hook", allowed_updates=["message"])
    info = await bot.get_webhook_info()
    assert info.url == "https://example.org/hook"
    assert info.allowed_updates == ("message",)
    assert await bot.delete_webhook()
    fake_telegram.queue_update(make_update(5, chat_id=42, text="hello"))
    [update] = await bot.get_updates(offset=1, timeout=1)
    assert update.update_id == 5 and update.message is not None
    assert update.message.text == "hello"
    assert await bot.get_updates(timeout=0) == ()


@pytest.mark.asyncio
async def test_make_update_parses_as_real_updates(bot: telegram.Bot) -> None:
    start = telegram.Update.de_json(make_update(1, chat_id=42, text="/start ref"), bot)
    assert start.message is not None and start.message.text == "/start ref"
    assert start.message.parse_entities(["bot_command"]) == {start.message.entities[0]: "/start"}
    assert start.effective_user is not None and start.effective_user.first_name == "Sam"
    assert start.effective_chat is not None and start.effective_chat.id == 42

    photo = telegram.Update.de_json(make_update(2, chat_id=42, photo_file_id="ph1"), bot)
    assert photo.message is not None and photo.message.photo[-1].file_id == "ph1"

    doc = make_update(3, chat_id=42, document=("d1", "lease.pdf", "application/pdf"), text="x")
    document = telegram.Update.de_json(doc, bot)
    assert document.message is not None and document.message.document is not None
    assert document.message.document.file_name == "lease.pdf"
    assert document.message.caption == "x"

    tap = telegram.Update.de_json(make_update(4, chat_id=42, callback_data="1"), bot)
    assert tap.callback_query is not None and tap.callback_query.data == "1"
    assert tap.effective_chat is not None and tap.effective_chat.id == 42
    await tap.callback_query.answer()


# --- Twilio ---------------------------------------------------------------------------------


def test_twilio_create_message(fake_twilio: FakeTwilio) -> None:
    client = twilio_client(fake_twilio)
    message = client.messages.create(
        to=TO, from_=FROM, body="hello", status_callback="http://x/status"
    )
    assert message.sid.startswith("SM") and len(message.sid) == 34
    assert message.status == "queued"
    assert message.date_created is not None
    [sent] = fake_twilio.messages
    assert (sent.to, sent.from_, sent.body, sent.sid) == (TO, FROM, "hello", message.sid)
    assert sent.status_callback == "http://x/status"
    assert fake_twilio.bodies(TO) == ["hello"]


def test_twilio_opt_out_and_failures(fake_twilio: FakeTwilio) -> None:
    client = twilio_client(fake_twilio)
    fake_twilio.opt_out(TO)
    with pytest.raises(TwilioRestException) as caught:
        client.messages.create(to=TO, from_=FROM, body="hello")
    assert caught.value.code == 21610 and caught.value.status == 400
    fake_twilio.opt_in(TO)
    fake_twilio.fail_next(status=429, code=20429, message="Too Many Requests")
    with pytest.raises(TwilioRestException) as caught:
        client.messages.create(to=TO, from_=FROM, body="hello")
    assert caught.value.code == 20429 and caught.value.status == 429
    client.messages.create(to=TO, from_=FROM, body="at last")
    assert fake_twilio.bodies() == ["at last"]
    assert [a.status for a in fake_twilio.attempts] == [400, 429, 201]


def test_twilio_wrong_credentials(fake_twilio: FakeTwilio) -> None:
    client = Client(fake_twilio.account_sid, "wrong")
    client.api.base_url = fake_twilio.base_url
    with pytest.raises(TwilioRestException) as caught:
        client.messages.create(to=TO, from_=FROM, body="hello")
    assert caught.value.code == 20003 and caught.value.status == 401
    assert fake_twilio.messages == []


# twilio's AsyncTwilioHttpClient passes auth=aiohttp.BasicAuth(...): aiohttp 3.14 deprecates both.
@pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")
@pytest.mark.filterwarnings("ignore:The 'auth' parameter is deprecated:DeprecationWarning")
@pytest.mark.asyncio
async def test_twilio_async_client(fake_twilio: FakeTwilio) -> None:
    pytest.importorskip("aiohttp")
    from twilio.http.async_http_client import AsyncTwilioHttpClient

    http_client = AsyncTwilioHttpClient()
    client = twilio_client(fake_twilio, http_client=http_client)
    try:
        message = await client.messages.create_async(to=TO, from_=FROM, body="async hello")
        assert message.sid.startswith("SM")
        fake_twilio.opt_out(TO)
        with pytest.raises(TwilioRestException) as caught:
            await client.messages.create_async(to=TO, from_=FROM, body="again")
        assert caught.value.code == 21610
    finally:
        await http_client.close()
    assert fake_twilio.bodies() == ["async hello"]


def test_twilio_media_needs_basic_auth(fake_twilio: FakeTwilio) -> None:
    url = fake_twilio.add_media("ME1", b"\x89PNG", "image/png")
    auth = (fake_twilio.account_sid, fake_twilio.auth_token)
    response = httpx.get(url, auth=auth)
    assert response.status_code == 200
    assert response.content == b"\x89PNG"
    assert response.headers["content-type"] == "image/png"
    assert httpx.get(url).status_code == 401
    assert httpx.get(url, auth=(fake_twilio.account_sid, "wrong")).status_code == 401
