"""The providers, built from settings: a Telegram Bot, a Twilio client, their senders."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import httpx
from telegram import Bot
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from backend.settings import Settings
from bot import telegram, twilio_sms, twilio_voice
from bot.delivery import Sender
from conversations import Channel

log = logging.getLogger(__name__)


@dataclass
class Channels:
    """The live channels of this process (a channel without credentials is absent)."""

    bot: Bot | None = None
    twilio: Client | None = None
    twilio_http: AsyncTwilioHttpClient | None = None
    senders: dict[Channel, Sender] = field(default_factory=dict)
    http: httpx.AsyncClient | None = None

    async def start(self) -> None:
        """Opens the clients' connections."""
        if self.bot is not None:
            await self.bot.initialize()

    async def stop(self) -> None:
        """Closes the clients' connections."""
        if self.bot is not None:
            await self.bot.shutdown()
        if self.http is not None:
            await self.http.aclose()
        if self.twilio_http is not None:
            await self.twilio_http.close()


class ShownInTranscript:
    """The web chat 'sends' by showing the message in the transcript."""

    async def send(self, parcel: object) -> str | None:
        """Nothing to send: the page reads the message log."""
        return None


def build_channels(settings: Settings) -> Channels:
    """Every channel that has credentials, with its sender."""
    channels = Channels(senders={Channel.WEB: ShownInTranscript()})
    if settings.telegram_enabled and settings.telegram_bot_token:
        channels.bot = telegram.make_bot(
            settings.telegram_bot_token.get_secret_value(), settings.telegram_api_base_url
        )
        channels.senders[Channel.TELEGRAM] = telegram.TelegramSender(channels.bot)
    if settings.twilio_enabled and settings.twilio_auth_token and settings.twilio_from_number:
        channels.twilio_http = AsyncTwilioHttpClient(timeout=10)
        client = Client(
            settings.twilio_account_sid,
            settings.twilio_auth_token.get_secret_value(),
            http_client=channels.twilio_http,
        )
        client.api.base_url = settings.twilio_api_base_url.rstrip("/")
        channels.twilio = client
        sender = twilio_sms.TwilioSender(
            client,
            settings.twilio_from_number,
            settings.twilio_whatsapp_from,
            f"{settings.base_url}/webhooks/twilio/status",
        )
        channels.senders[Channel.SMS] = sender
        channels.senders[Channel.WHATSAPP] = sender
        # A caller hears replies in the call; what we send later goes by text to their mobile.
        regions = settings.signing_phone_regions
        channels.senders[Channel.VOICE] = twilio_voice.TextsToCallers(sender, regions)
        channels.http = httpx.AsyncClient(follow_redirects=True, timeout=20)
    return channels
