"""Twilio's webhooks: inbound SMS and WhatsApp (answered with TwiML) and delivery reports."""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request, Response
from fastapi.responses import PlainTextResponse
from starlette.concurrency import run_in_threadpool

from backend.messaging import contacts
from backend.messaging.outbox import record_status
from backend.models import MessageStatus
from backend.services import Services
from backend.store.db import write_session
from backend.web.deps import ServicesDep
from backend.web.turn_threads import run_turn
from bot import twilio_sms
from conversations import Channel

router = APIRouter(tags=["channels"])
log = logging.getLogger(__name__)
TWIML = "application/xml"
SIGNATURE_HEADER = "X-Twilio-Signature"
URL_ENCODED = "application/x-www-form-urlencoded"
MOST_FIELDS = 1000  # as Starlette allows a multipart form; Twilio sends about 20


STRING = {"type": "string"}
TEXT = {"text/plain": {"schema": STRING}}
_PHONE = {
    "type": "string",
    "pattern": r"^(whatsapp:)?\+[1-9][0-9]{6,14}$",
    "examples": ["+447911123456", "whatsapp:+447911123456", "+14155238886"],
}
SID = {"type": "string", "pattern": "^[A-Z]{2}[0-9a-f]{32}$"}
# The fields of Twilio's forms we read, as Twilio sends them (it sends more; all are allowed).
_MESSAGE_FORM = {
    "From": _PHONE,
    "To": _PHONE,
    "Body": STRING,
    "MessageSid": SID,
    "NumMedia": {"type": "string", "pattern": "^[0-9]{1,2}$"},
    "MediaUrl0": {"type": "string", "format": "uri"},
    "MediaContentType0": STRING,
}
_STATUS_FORM = {
    "MessageSid": SID,
    "MessageStatus": {
        "enum": [
            "accepted",
            "scheduled",
            "canceled",
            "queued",
            "sending",
            "sent",
            "failed",
            "delivered",
            "undelivered",
            "receiving",
            "received",
            "read",
        ]
    },
    "To": _PHONE,
    "ErrorCode": {"type": "string", "pattern": "^[0-9]{5}$"},
}


def signed_form_of(fields: dict[str, object], required: list[str]) -> dict[str, object]:
    """The OpenAPI for one of Twilio's signed forms."""
    form = {
        "type": "object",
        "required": required,
        "properties": fields,
        "additionalProperties": STRING,
    }
    return {
        "parameters": [
            {"name": SIGNATURE_HEADER, "in": "header", "required": True, "schema": STRING}
        ],
        "requestBody": {
            "required": True,
            "content": {URL_ENCODED: {"schema": form}},
        },
    }


async def form_fields(request: Request) -> dict[str, str] | None:
    """The fields of a URL-encoded form, the only kind Twilio posts (None for anything else).

    Read as Starlette reads such a form (Latin-1 text, each name and value percent-decoded as
    UTF-8, the last of a repeated name kept; tests/unit/test_twilio_form.py compares them) but
    by the standard library's parser: Starlette's feeds python-multipart's callbacks, which
    cost a tenth of an SMS turn.
    """
    kind = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if kind != URL_ENCODED:
        return None
    text = (await request.body()).decode("latin-1")
    try:
        return dict(parse_qsl(text, keep_blank_values=True, max_num_fields=MOST_FIELDS))
    except ValueError:  # more fields than any form of Twilio's
        return None


async def signed_form(request: Request, services: Services) -> dict[str, str] | Response:
    """Twilio's form if Twilio signed it for the URL it was given; else the refusal."""
    token = services.settings.twilio_auth_token
    if not services.settings.twilio_enabled or token is None:
        return PlainTextResponse("SMS is not set up here", status_code=404)
    form = await form_fields(request)
    # Behind a proxy request.url is not what Twilio signed: PUBLIC_BASE_URL + path is.
    url = services.settings.base_url + request.url.path
    if request.url.query:
        url += "?" + request.url.query
    signature = request.headers.get(SIGNATURE_HEADER, "")
    # The signature first: a forged request is 403 whatever its body (the contract).
    if not twilio_sms.signature_ok(token.get_secret_value(), url, form or {}, signature):
        log.warning("Twilio webhook refused: bad signature")
        return Response(status_code=403)
    if form is None:
        return PlainTextResponse("not a form Twilio would send", status_code=400)
    return form


@router.post(
    "/webhooks/twilio/sms",
    response_class=Response,
    responses={
        200: {"description": "the replies, as TwiML", "content": {TWIML: {"schema": STRING}}},
        400: {"description": "not a form, or not a message", "content": TEXT},
        403: {"description": "bad signature"},
        404: {"description": "SMS is not set up here", "content": TEXT},
    },
    openapi_extra=signed_form_of(_MESSAGE_FORM, ["From", "MessageSid"]),
)
async def twilio_sms_webhook(request: Request, services: ServicesDep) -> Response:
    """An SMS or WhatsApp message; the replies go back as TwiML."""
    form = await signed_form(request, services)
    if isinstance(form, Response):
        return form
    try:
        message = twilio_sms.parse(form)
    except ValueError:
        return PlainTextResponse("not a message Twilio would send", status_code=400)
    replies = await run_turn(
        services.engine, twilio_sms.take, message, services.store, services.receive, services.now()
    )
    return Response(twilio_sms.twiml(replies), media_type=TWIML)


def _delivery_report(services: Services, form: dict[str, str]) -> None:
    sid, status = form.get("MessageSid", ""), form.get("MessageStatus", "")
    to = form.get("To", "")
    channel = Channel.WHATSAPP if to.startswith(twilio_sms.WHATSAPP) else Channel.SMS
    outcome = {
        "delivered": MessageStatus.DELIVERED,
        "read": MessageStatus.DELIVERED,
        "failed": MessageStatus.FAILED,
        "undelivered": MessageStatus.FAILED,
    }.get(status)
    if outcome is None or not sid:
        return  # queued, sending, sent: nothing new to record
    error = form.get("ErrorCode") or None
    with write_session(services.engine) as session:
        reason = f"Twilio error {error}" if error else None
        if not record_status(session, channel, sid, outcome, reason) and channel == Channel.SMS:
            record_status(session, Channel.VOICE, sid, outcome, reason)  # a text to a caller
        if error == str(twilio_sms.OPTED_OUT_ERROR):
            try:
                channel, number = twilio_sms.party(to)
            except ValueError:
                log.warning("opt-out report for a number we cannot read; status recorded only")
                return
            contacts.opt_out(session, channel, number, services.now())


@router.post(
    "/webhooks/twilio/status",
    status_code=204,
    responses={
        400: {"description": "not a form", "content": TEXT},
        403: {"description": "bad signature"},
        404: {"description": "SMS is not set up here", "content": TEXT},
    },
    openapi_extra=signed_form_of(_STATUS_FORM, ["MessageSid"]),
)
async def twilio_status_webhook(request: Request, services: ServicesDep) -> Response:
    """Twilio reports that a message was delivered, or failed."""
    form = await signed_form(request, services)
    if isinstance(form, Response):
        return form
    await run_in_threadpool(_delivery_report, services, form)
    return Response(status_code=204)
