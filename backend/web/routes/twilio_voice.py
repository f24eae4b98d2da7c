"""The phone line: Twilio Programmable Voice's webhooks, each one turn of the conversation,
answered with TwiML that reads the replies and gathers the next answer."""

from __future__ import annotations

import logging
from functools import cache
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import PlainTextResponse

from backend.services import Services
from backend.web.deps import ServicesDep
from backend.web.routes.twilio import SID, STRING, TEXT, signed_form, signed_form_of
from backend.web.turn_threads import run_turn
from bot import twilio_voice
from bot.office_hours import OfficeHours
from bot.twilio_sms import e164
from bot.twilio_voice import CallTurn, NoNumber, Voice
from conversations import Channel, Outbound

router = APIRouter(tags=["channels"])
log = logging.getLogger(__name__)
TWIML = "application/xml"
VOICE_PATH = "/webhooks/twilio/voice"
ANSWER_PATH = f"{VOICE_PATH}/answer"  # the caller's answer (keys or speech) to what we said
OFFICER_PATH = f"{VOICE_PATH}/officer"  # how putting them through to an officer went

_CALLER = {"type": "string", "examples": ["+447911123456", "anonymous"]}
_CALL_FORM = {"CallSid": SID, "From": _CALLER, "To": STRING, "CallStatus": STRING}
_ANSWER_FORM = {
    **_CALL_FORM,
    "Digits": {"type": "string", "pattern": "^[0-9*#]{0,40}$"},
    "SpeechResult": STRING,
    "Confidence": STRING,
}
_DIAL_FORM = {**_CALL_FORM, "DialCallStatus": STRING}
_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {"description": "what to say, as TwiML", "content": {TWIML: {"schema": STRING}}},
    400: {"description": "not a form, or no call Twilio would make", "content": TEXT},
    403: {"description": "bad signature"},
    404: {"description": "Twilio is not set up here", "content": TEXT},
}
Turn = Annotated[int, Query(ge=1, le=twilio_voice.MOST_TURNS, description="answers so far")]


@cache
def _hours(written: str) -> OfficeHours:
    return OfficeHours.parse(written)


def _said(services: Services, template: str) -> str:
    """A voice-only message (templates/messages/voice/) as the caller hears it."""
    return services.renderer.render(Outbound(template), Channel.VOICE).text


def _voice(services: Services) -> Voice:
    silence, goodbye = _said(services, "voice/silence"), _said(services, "voice/goodbye")
    return Voice(services.settings.twilio_voice, silence, goodbye)


def _officer_line(services: Services) -> str | None:
    """The number to put a caller through to, while officers answer the phone."""
    settings = services.settings
    if not _hours(settings.voice_officer_hours).open_at(services.now()):
        return None
    try:
        return e164(settings.voice_officer_number or settings.landlord_phone)
    except ValueError:
        log.warning("VOICE_OFFICER_NUMBER (or LANDLORD_PHONE) is not a phone number")
        return None


def _take_turn(services: Services, call: CallTurn, before: tuple[str, ...] = ()) -> str:
    """One turn of the call through the flow (Services.receive), as TwiML; a turn Twilio asks
    for again is answered as it was the first time. Nothing before the turn's first write is
    done for good (run_turn may start it again in a thread)."""
    facts = twilio_voice.facts(
        call.address,
        regions=services.settings.signing_phone_regions,
        officer_line=_officer_line(services),
    )
    replies = services.receive(call.as_inbound(facts))
    base, following = services.settings.base_url, call.turn + 1
    return twilio_voice.twiml(
        replies,
        _voice(services),
        action=f"{base}{ANSWER_PATH}?turn={following}",
        dialled=f"{base}{OFFICER_PATH}?turn={following}",
        before=before,
    )


async def _answer(
    request: Request, services: Services, turn: int, *, opening: bool = False, dialled: bool = False
) -> Response:
    form = await signed_form(request, services)
    if isinstance(form, Response):
        return form
    try:
        call = twilio_voice.parse(form, turn=turn, opening=opening)
    except NoNumber:
        # Without the number there is nothing to keep the answers under, or to resume from.
        withheld = twilio_voice.goodbye([_said(services, "voice/withheld")], _voice(services))
        return Response(withheld, media_type=TWIML)
    except ValueError:
        return PlainTextResponse("not a call Twilio would make", status_code=400)
    before: tuple[str, ...] = ()
    if dialled:
        if form.get("DialCallStatus") == "completed":  # they talked to an officer
            done = [_said(services, "voice/after_officer")]
            return Response(twilio_voice.goodbye(done, _voice(services)), media_type=TWIML)
        before = (_said(services, "voice/no_answer"),)  # asked for a call back already
    xml = await run_turn(services.engine, _take_turn, services, call, before)
    return Response(xml, media_type=TWIML)


@router.post(
    VOICE_PATH,
    response_class=Response,
    responses=_ANSWERS,
    openapi_extra=signed_form_of(_CALL_FORM, ["CallSid", "From"]),
)
async def twilio_voice_call(request: Request, services: ServicesDep) -> Response:
    """A call to our number: the welcome, or where the caller stopped last time."""
    return await _answer(request, services, 0, opening=True)


@router.post(
    ANSWER_PATH,
    response_class=Response,
    responses=_ANSWERS,
    openapi_extra=signed_form_of(_ANSWER_FORM, ["CallSid", "From"]),
)
async def twilio_voice_answer(request: Request, services: ServicesDep, turn: Turn) -> Response:
    """What the caller said or keyed in answer; the replies and the next question."""
    return await _answer(request, services, turn)


@router.post(
    OFFICER_PATH,
    response_class=Response,
    responses=_ANSWERS,
    openapi_extra=signed_form_of(_DIAL_FORM, ["CallSid", "From"]),
)
async def twilio_voice_officer(request: Request, services: ServicesDep, turn: Turn) -> Response:
    """The officers' line was tried: after a talk, goodbye; if nobody answered, the caller
    carries on where they were (an officer will call them back)."""
    return await _answer(request, services, turn, opening=True, dialled=True)
