"""A fake Twilio REST API (Messages and media) speaking the real wire protocol."""

from __future__ import annotations

import asyncio
import base64
import binascii
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from tests.fakes.server import serve

API = "/2010-04-01/Accounts/{sid}"
_DEFAULT_CODES = {401: 20003, 404: 20404, 429: 20429}


@dataclass(frozen=True)
class SentMessage:
    """A message Twilio accepted (HTTP 201)."""

    to: str
    from_: str
    body: str
    status_callback: str | None
    sid: str
    media_urls: tuple[str, ...] = ()


@dataclass(frozen=True)
class Attempt:
    """Any send attempt, with the HTTP status (and Twilio error code) it was answered with."""

    to: str
    from_: str
    body: str
    status: int
    code: int | None = None
    sid: str | None = None


@dataclass(frozen=True)
class _Fault:
    status: int
    code: int
    message: str


def twilio_error(status: int, code: int, message: str) -> JSONResponse:
    """Twilio's error JSON with that HTTP status."""
    more_info = f"https://www.twilio.com/docs/errors/{code}"
    body = {"code": code, "message": message, "more_info": more_info, "status": status}
    return JSONResponse(body, status)


def _rfc2822_now() -> str:
    return time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime())


class FakeTwilio:
    """An in-process Twilio REST API: records sends, answers like Twilio, fails on request."""

    def __init__(
        self,
        account_sid: str = "AC" + "0" * 32,
        auth_token: str = "test-auth-token",  # noqa: S107 - a fake's test credential
    ) -> None:
        """Create the app for one account; call ``running()`` to serve it."""
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.base_url = ""
        self.down = False
        self.messages: list[SentMessage] = []
        self.attempts: list[Attempt] = []
        self._lock = threading.Lock()
        self._faults: list[_Fault] = []
        self._hangs: list[float] = []
        self._opted_out: set[str] = set()
        self._media: dict[str, tuple[bytes, str]] = {}
        self.app = Starlette(
            routes=[
                Route(API + "/Messages.json", self._create_message, methods=["POST"]),
                Route(API + "/Messages/{msid}/Media/{media_id}", self._media_get, methods=["GET"]),
            ]
        )

    @contextmanager
    def running(self) -> Iterator[FakeTwilio]:
        """Serve the fake on a free local port for the duration of the block."""
        with serve(self.app) as base_url:
            self.base_url = base_url
            yield self

    # --- test controls -------------------------------------------------------------------

    def fail_next(
        self,
        times: int = 1,
        *,
        status: int = 500,
        code: int | None = None,
        message: str = "An internal server error has occurred",
    ) -> None:
        """Answer the next ``times`` sends with Twilio's error JSON."""
        fault = _Fault(
            status, code if code is not None else _DEFAULT_CODES.get(status, 20500), message
        )
        with self._lock:
            self._faults.extend([fault] * times)

    def hang_next(self, times: int = 1, seconds: float = 30) -> None:
        """Delay the answer to the next ``times`` sends by ``seconds``."""
        with self._lock:
            self._hangs.extend([seconds] * times)

    def opt_out(self, number: str) -> None:
        """Sends to ``number`` now fail with 21610 (the recipient replied STOP)."""
        with self._lock:
            self._opted_out.add(number)

    def opt_in(self, number: str) -> None:
        """Undo ``opt_out``."""
        with self._lock:
            self._opted_out.discard(number)

    def add_media(self, media_id: str, content: bytes, content_type: str = "image/jpeg") -> str:
        """Host a media file (as on an inbound MMS) and return its URL (needs basic auth)."""
        with self._lock:
            self._media[media_id] = (content, content_type)
        return (
            f"{self.base_url}/2010-04-01/Accounts/{self.account_sid}/Messages/MM0/Media/{media_id}"
        )

    def bodies(self, to: str | None = None) -> list[str]:
        """Bodies of accepted messages, optionally only those to ``to``."""
        with self._lock:
            return [m.body for m in self.messages if to is None or m.to == to]

    def reset(self) -> None:
        """Forget messages, attempts, media, opt-outs and injected failures."""
        with self._lock:
            self.down = False
            self.messages.clear()
            self.attempts.clear()
            self._faults.clear()
            self._hangs.clear()
            self._opted_out.clear()
            self._media.clear()

    # --- the wire protocol ---------------------------------------------------------------

    def _authorised(self, request: Request) -> bool:
        scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, _, password = base64.b64decode(encoded).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return secrets.compare_digest(user, self.account_sid) and secrets.compare_digest(
            password, self.auth_token
        )

    def _check_access(self, request: Request) -> Response | None:
        """401 without the right basic auth, 404 for another account's URLs."""
        if not self._authorised(request):
            response = twilio_error(401, 20003, "Authenticate")
            response.headers["WWW-Authenticate"] = 'Basic realm="Twilio API"'
            return response
        if request.path_params["sid"] != self.account_sid:
            return twilio_error(404, 20404, "The requested resource was not found")
        return None

    async def _create_message(self, request: Request) -> Response:
        async with request.form() as form:
            fields = {k: str(v) for k, v in form.items()}
            media_urls = tuple(str(v) for v in form.getlist("MediaUrl"))
        to, from_, body = fields.get("To", ""), fields.get("From", ""), fields.get("Body", "")

        def attempt(status: int, code: int | None = None, sid: str | None = None) -> None:
            with self._lock:
                self.attempts.append(Attempt(to, from_, body, status, code, sid))

        if self.down:
            attempt(502)
            return HTMLResponse("<html><body><h1>502 Bad Gateway</h1></body></html>", 502)
        denied = self._check_access(request)
        if denied is not None:
            attempt(denied.status_code)
            return denied
        with self._lock:
            delay = self._hangs.pop(0) if self._hangs else 0.0
            fault = self._faults.pop(0) if self._faults else None
            opted_out = to in self._opted_out
        if delay:
            await asyncio.sleep(delay)
        if fault is None and not to:
            fault = _Fault(400, 21604, "A 'To' phone number is required.")
        elif fault is None and not body and not media_urls:
            fault = _Fault(400, 21602, "Message body is required.")
        elif fault is None and opted_out:
            fault = _Fault(400, 21610, "Attempt to send to unsubscribed recipient")
        if fault is not None:
            attempt(fault.status, fault.code)
            return twilio_error(fault.status, fault.code, fault.message)

        sid = "SM" + secrets.token_hex(16)
        status_callback = fields.get("StatusCallback")
        with self._lock:
            self.messages.append(SentMessage(to, from_, body, status_callback, sid, media_urls))
        attempt(201, sid=sid)
        return JSONResponse(self._resource(sid, to, from_, body, len(media_urls)), 201)

    def _resource(self, sid: str, to: str, from_: str, body: str, num_media: int) -> dict[str, Any]:
        """A Message resource as Twilio returns it on create."""
        now = _rfc2822_now()
        return {
            "sid": sid,
            "account_sid": self.account_sid,
            "to": to,
            "from": from_ or None,
            "body": body,
            "status": "queued",
            "num_segments": "1",
            "direction": "outbound-api",
            "date_created": now,
            "date_updated": now,
            "date_sent": None,
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
            "error_code": None,
            "error_message": None,
            "price": None,
            "price_unit": "USD",
            "api_version": "2010-04-01",
            "num_media": str(num_media),
            "messaging_service_sid": None,
            "subresource_uris": {
                "media": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}/Media.json"
            },
        }

    async def _media_get(self, request: Request) -> Response:
        if self.down:
            return HTMLResponse("<html><body><h1>502 Bad Gateway</h1></body></html>", 502)
        denied = self._check_access(request)
        if denied is not None:
            return denied
        with self._lock:
            media = self._media.get(request.path_params["media_id"])
        if media is None:
            return twilio_error(404, 20404, "The requested resource was not found")
        content, content_type = media
        return Response(content, media_type=content_type)
