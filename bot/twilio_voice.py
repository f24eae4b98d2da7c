"""Phone calls through Twilio Programmable Voice: the call's form in, TwiML (VoiceResponse) out,
and texts to a caller's own mobile for anything we send them later."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import phonenumbers
from twilio.twiml.voice_response import Gather, VoiceResponse

from bot.delivery import Parcel, RecipientGone, Undeliverable
from bot.render import Rendered
from bot.twilio_sms import TwilioSender
from conversations import Channel, Inbound
from conversations.facts import MOBILE_FACT, OFFICER_LINE_FACT
from conversations.keypad import KEYS

LANGUAGE = "en-GB"  # Twilio's default is en-US, for recognition and for the voice
MOST_TURNS = 10_000  # a call of more answers than this is no tenant's
MOST_HINTS = 50
DIAL_SECONDS = 30  # how long an officer's phone rings before the caller hears "nobody answered"
_SID = re.compile(r"CA[0-9a-f]{32}")
_E164 = re.compile(r"\+[1-9]\d{6,14}")
# What Twilio sends as From when the caller hides their number.
_HIDDEN = frozenset({"anonymous", "restricted", "unknown", "unavailable", "private", "+266696687"})


class NoNumber(ValueError):  # noqa: N818 - names what the caller did
    """The caller hid their number (or it is not a phone's): we cannot keep their answers."""


@dataclass(frozen=True)
class CallTurn:
    """One of Twilio's requests during a call: who calls, which call, where in it, what they
    said (SpeechResult) or keyed (Digits)."""

    call_sid: str
    address: str  # the caller's number, E.164
    turn: int  # how many times this call has been answered before
    said: str
    opening: bool  # the call was just answered (or came back from the officers' line)

    @property
    def message_id(self) -> str:
        """The call and the place in it: Twilio asking again for the same turn is a replay."""
        return f"{self.call_sid}:{self.turn}"

    def as_inbound(self, facts: Mapping[str, str]) -> Inbound:
        """The turn for the flow, with what the call itself tells us (`facts`)."""
        return Inbound(
            Channel.VOICE,
            self.address,
            self.said,
            self.message_id,
            facts=dict(facts),
            opening=self.opening,
        )


def caller(raw: str) -> str:
    """The E.164 number a call came from; NoNumber when it is hidden or not a phone's."""
    if raw.strip().lower() in _HIDDEN or not _E164.fullmatch(raw):
        raise NoNumber("the caller's number is hidden")
    try:
        number = phonenumbers.parse(raw)
    except phonenumbers.NumberParseException as error:
        raise NoNumber(str(error)) from error
    if not phonenumbers.is_valid_number(number):
        raise NoNumber("not a phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def parse(form: Mapping[str, str], *, turn: int, opening: bool = False) -> CallTurn:
    """Reads Twilio's form for one turn of a call: ValueError when no call would send it,
    NoNumber (a ValueError) when the call is real but the number hidden."""
    sid = form.get("CallSid", "")
    if not _SID.fullmatch(sid) or not 0 <= turn <= MOST_TURNS:
        raise ValueError("a CallSid and a turn are required")
    address = caller(form.get("From", ""))
    digits = form.get("Digits", "").strip()
    return CallTurn(sid, address, turn, digits or form.get("SpeechResult", "").strip(), opening)


def mobile(address: str, regions: Sequence[str]) -> bool:
    """Whether `address` is a mobile number in `regions`, so a text can reach it. A landline,
    or a number abroad, is never texted (and costs nothing to an SMS pumper)."""
    number = phonenumbers.parse(address)
    kinds = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    # By the country code: a Guernsey or Jersey mobile (+44 7911...) is on the UK's plan.
    sharing = phonenumbers.region_codes_for_country_code(number.country_code or 0)
    return (
        any(region in regions for region in sharing) and phonenumbers.number_type(number) in kinds
    )


def facts(address: str, *, regions: Sequence[str], officer_line: str | None) -> dict[str, str]:
    """What the call itself tells the flow: whether the caller's number can get our texts,
    and the officers' number while they answer the phone."""
    known = {MOBILE_FACT: "yes"} if mobile(address, regions) else {}
    if officer_line:
        known[OFFICER_LINE_FACT] = officer_line
    return known


@dataclass(frozen=True)
class Voice:
    """How the line sounds, and the words for a caller who says nothing (from templates)."""

    name: str  # Twilio's voice, e.g. Polly.Amy (British English)
    silence: str  # "Sorry, I did not hear anything."
    goodbye: str  # said before hanging up on a silent line


def dial_number(replies: Sequence[Rendered]) -> str | None:
    """The number a reply puts the caller through to (a tel: button), if any."""
    for reply in replies:
        for button in reply.buttons:
            if button.url.startswith("tel:"):
                return button.url.removeprefix("tel:")
    return None


def twiml(
    replies: Sequence[Rendered],
    voice: Voice,
    *,
    action: str,
    dialled: str,
    before: Sequence[str] = (),
) -> str:
    """The replies read out, then the caller's answer gathered for `action` (or, if a reply
    puts them through, a Dial whose result goes to `dialled`). Nothing said: the last reply
    once more, then goodbye; the answers are kept for the next call."""
    response = VoiceResponse()
    number = dial_number(replies)
    if number is not None:
        for text in (*before, *(r.text for r in replies)):
            response.say(text, voice=voice.name, language=LANGUAGE)
        response.dial(number, action=dialled, method="POST", timeout=DIAL_SECONDS)
        return str(response)
    asking = _gather(response, replies, action)
    for text in (*before, *(r.text for r in replies)):
        asking.say(text, voice=voice.name, language=LANGUAGE)
    response.say(voice.silence, voice=voice.name, language=LANGUAGE)
    if replies:
        again = _gather(response, replies, action)
        again.say(replies[-1].text, voice=voice.name, language=LANGUAGE)
    response.say(voice.goodbye, voice=voice.name, language=LANGUAGE)
    response.hangup()
    return str(response)


def goodbye(texts: Sequence[str], voice: Voice) -> str:
    """TwiML that says `texts` and hangs up."""
    response = VoiceResponse()
    for text in texts:
        response.say(text, voice=voice.name, language=LANGUAGE)
    response.hangup()
    return str(response)


def _gather(response: VoiceResponse, replies: Sequence[Rendered], action: str) -> Gather:
    """Keys or speech, in British English. No key ends the input, so star and hash arrive as
    keys; a menu of one to nine options takes the first key at once."""
    options = [b.reply for r in replies[-1:] for b in r.buttons if b.reply.isdecimal()]
    single = bool(options) and sorted(options) == [str(n) for n in range(1, len(options) + 1)]
    hints = [b.label for r in replies[-1:] for b in r.buttons if b.label]
    hints += [word.lower() for word in KEYS.values()] + ["yes", "no", "help", "skip", "status"]
    return response.gather(
        input="dtmf speech",
        action=action,
        method="POST",
        language=LANGUAGE,
        speech_timeout="auto",
        finish_on_key="",
        num_digits=1 if single and len(options) <= 9 else None,
        hints=", ".join(dict.fromkeys(hints[:MOST_HINTS])),
    )


class TextsToCallers:
    """Sends a caller what we send them after the call (an officer's reply, a decision, the
    reference they asked for) as a text to the number they called from, and to no other."""

    def __init__(self, texts: TwilioSender, regions: Sequence[str]) -> None:
        self.texts = texts
        self.regions = regions

    async def send(self, parcel: Parcel) -> str | None:
        """Texts the message if the caller's number is a mobile; otherwise it fails, shown to
        officers as failed (they write or call instead)."""
        if not mobile(parcel.address, self.regions):
            raise Undeliverable("the caller's number cannot get texts")
        try:
            return await self.texts.send(replace(parcel, channel=Channel.SMS))
        except RecipientGone as gone:
            # They stopped our texts (STOP); calling us is still open to them, so the caller
            # is not marked gone: the message fails alone.
            raise Undeliverable(str(gone)) from gone
