"""SMS and WhatsApp through Twilio: signed webhooks in, TwiML or the REST API out."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from urllib.parse import urlparse

import httpx
import phonenumbers
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator, add_port, compare, remove_port
from twilio.rest import Client

from bot.delivery import Parcel, RecipientGone, TryLater, Undeliverable
from bot.render import Rendered
from bot.shell import Store
from conversations import Attachment, Channel, Inbound

# Carrier and Twilio keywords: a message of just this word. Twilio answers these itself.
OPT_OUT_WORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
)
OPT_IN_WORDS = frozenset({"START", "YES", "UNSTOP"})
HELP_WORDS = frozenset({"HELP", "INFO"})
OPTED_OUT_ERROR = 21610  # "Attempt to send to unsubscribed recipient"
MAX_MEDIA = 10
REF_PREFIX = "twilio:"
WHATSAPP = "whatsapp:"
# How Twilio writes a phone number: E.164, a plus and 7 to 15 digits. A short code, or a
# Messenger or RCS sender ("messenger:…", "rcs:…"), is no one's SMS number.
_E164 = re.compile(r"\+[1-9]\d{6,14}")


@dataclass(frozen=True)
class TwilioMessage:
    """An inbound SMS or WhatsApp message as Twilio posts it."""

    channel: Channel
    address: str  # E.164
    body: str
    sid: str
    media: tuple[Attachment, ...]
    unreadable: str = ""  # what it held that is not text we can read (see Inbound)

    @property
    def keyword(self) -> str | None:
        """The carrier keyword this message is, upper-cased, if it is one."""
        word = self.body.strip().strip(".!").upper()
        return word if word in OPT_OUT_WORDS | OPT_IN_WORDS | HELP_WORDS else None

    def as_inbound(self, text: str | None = None) -> Inbound:
        """The message for the flow (with `text` in place of the body if given)."""
        body = self.body if text is None else text
        return Inbound(
            self.channel, self.address, body, self.sid, self.media, unreadable=self.unreadable
        )


def take(
    message: TwilioMessage,
    store: Store,
    receive: Callable[[Inbound], list[Rendered]],
    now: datetime,
) -> list[Rendered]:
    """Carrier keywords change consent; everything else goes to the flow through `receive`."""
    keyword = message.keyword
    if keyword in OPT_OUT_WORDS:
        store.opt_out(message.as_inbound(), now)
        return []  # Twilio confirms the opt-out itself; nothing more is sent
    if keyword in OPT_IN_WORDS:
        came_back = store.opt_in(message.channel, message.address, now)
        if came_back or keyword != "YES":  # YES from someone subscribed is just an answer
            # Tell them where they were: the draft was kept while they were away.
            return receive(message.as_inbound("HELP"))
    if keyword == "INFO":
        return receive(message.as_inbound("HELP"))
    return receive(message.as_inbound())


@lru_cache(maxsize=4096)  # a tenant texts a dozen times in a sitting; parsing costs 20 us
def e164(number: str) -> str:
    """A phone number in E.164, read as a UK number when it has no country code."""
    parsed = phonenumbers.parse(number, "GB")
    if not phonenumbers.is_possible_number(parsed):
        raise ValueError("not a phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def party(raw: str) -> tuple[Channel, str]:
    """The channel and E.164 number of a Twilio `From` or `To` ('whatsapp:+44…' or '+44…');
    ValueError when it is not a phone number."""
    channel = Channel.WHATSAPP if raw.startswith(WHATSAPP) else Channel.SMS
    if not _E164.fullmatch(raw.removeprefix(WHATSAPP)):
        raise ValueError("not a phone or WhatsApp sender")
    try:
        return channel, e164(raw.removeprefix(WHATSAPP))
    except (ValueError, phonenumbers.NumberParseException) as error:
        raise ValueError(str(error)) from error


def parse(form: Mapping[str, str]) -> TwilioMessage:
    """Reads Twilio's form; ValueError when it is not a message we can take."""
    sender, sid = form.get("From", ""), form.get("MessageSid", "")
    if not sender or not sid or len(sid) > 64:
        raise ValueError("From and MessageSid are required")
    channel, address = party(sender)
    try:
        count = min(int(form.get("NumMedia", "0") or 0), MAX_MEDIA)
    except ValueError as error:
        raise ValueError(str(error)) from error
    media = tuple(
        Attachment(REF_PREFIX + form[f"MediaUrl{n}"], form.get(f"MediaContentType{n}", ""))
        for n in range(count)
        if form.get(f"MediaUrl{n}", "").startswith(("https://", "http://"))
    )
    if any(m.content_type.startswith("audio/") for m in media):
        unreadable = "voice"  # a WhatsApp voice note: evidence at the evidence question
    elif form.get("Latitude") or form.get("Longitude"):
        unreadable = "location"  # WhatsApp sends a shared location as coordinates
    elif any(m.content_type.startswith("video/") for m in media):
        unreadable = "video"
    else:
        unreadable = ""
    return TwilioMessage(channel, address, form.get("Body", ""), sid, media, unreadable)


def signature_ok(auth_token: str, url: str, form: Mapping[str, str], signature: str) -> bool:
    """Whether Twilio signed this request (checked against the URL Twilio was given).

    As twilio's RequestValidator.validate() checks a form: its signature of the URL without
    the port, then with it (Twilio signs either way), but the second only when the first did
    not match: each is an HMAC of every field, sorted.
    """
    if not signature:
        return False
    validator, fields, parsed = RequestValidator(auth_token), dict(form), urlparse(url)
    return any(
        compare(validator.compute_signature(uri, fields), signature)
        for uri in (remove_port(parsed), add_port(parsed))
    )


_TWIML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'


def _xml_text(text: str) -> str:
    """Character data escaped as ElementTree escapes it (&, < and >; nothing else)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def twiml(replies: Sequence[Rendered]) -> str:
    """The replies as TwiML: Twilio sends each <Message> to the tenant.

    The very text twilio's MessagingResponse writes (tests/unit/test_twiml.py compares them),
    made without building an ElementTree for every webhook.
    """
    if not replies:
        return _TWIML_DECLARATION + "<Response />"
    messages = "".join(
        f"<Message>{_xml_text(reply.text)}</Message>" if reply.text else "<Message />"
        for reply in replies
    )
    return f"{_TWIML_DECLARATION}<Response>{messages}</Response>"


class TwilioSender:
    """Sends outbox messages with Twilio's REST API (its async client: no blocked loop)."""

    def __init__(
        self, client: Client, sms_from: str, whatsapp_from: str | None, status_callback: str
    ) -> None:
        self.client = client
        self.sms_from = sms_from
        self.whatsapp_from = whatsapp_from
        self.status_callback = status_callback

    async def send(self, parcel: Parcel) -> str | None:
        """Sends one message; Twilio's errors become the outbox's retry decisions."""
        if parcel.channel == Channel.WHATSAPP:
            if not self.whatsapp_from:
                raise Undeliverable("TWILIO_WHATSAPP_FROM is not set")
            to, sender = WHATSAPP + parcel.address, WHATSAPP + self.whatsapp_from
        else:
            to, sender = parcel.address, self.sms_from
        try:
            message = await self.client.messages.create_async(
                to=to, from_=sender, body=parcel.text, status_callback=self.status_callback
            )
        except TwilioRestException as error:
            if error.code == OPTED_OUT_ERROR:
                raise RecipientGone("recipient opted out (21610)") from error
            if error.status == 429 or error.status >= 500:
                raise TryLater(f"Twilio answered {error.status}") from error
            raise Undeliverable(f"Twilio refused it: {error.code}") from error
        except (TimeoutError, OSError) as error:
            raise TryLater(f"Twilio unreachable: {type(error).__name__}") from error
        except Exception as error:  # aiohttp's errors, without importing aiohttp here
            if type(error).__module__.startswith("aiohttp"):
                raise TryLater(f"Twilio unreachable: {type(error).__name__}") from error
            raise
        return str(message.sid)


async def download(
    http: httpx.AsyncClient, ref: str, account_sid: str, auth_token: str, max_bytes: int
) -> bytes:
    """Fetches WhatsApp media with the account's credentials (Twilio redirects to its CDN)."""
    url = ref.removeprefix(REF_PREFIX)
    async with http.stream("GET", url, auth=(account_sid, auth_token)) as response:
        response.raise_for_status()
        data = bytearray()
        async for chunk in response.aiter_bytes():
            data += chunk
            if len(data) > max_bytes:
                raise ValueError("media over the size limit")
    return bytes(data)
