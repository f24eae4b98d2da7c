"""ASGI middleware: a request-size limit, and an access log that never records a token."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

access = logging.getLogger("frontdoor.access")

MAX_BODY = 1024 * 1024  # forms and chat messages are far smaller
UPLOAD_PREFIX = "/u/"  # evidence uploads: several photos at once
# Providers' webhooks are small: anything bigger is not from them.
PATH_LIMITS = (("/webhooks/twilio/", 64 * 1024), ("/webhooks/telegram", 256 * 1024))

# Tokens ride in these paths (upload links, signing confirmations): never write them down.
_SECRET_PATHS = (
    (re.compile(r"^/u/[^/]+"), "/u/…"),
    (re.compile(r"^(/s/[^/]+/confirm)/[^/]+"), r"\1/…"),
)


def redact(path: str) -> str:
    """The path with any token in it replaced by an ellipsis."""
    for pattern, replacement in _SECRET_PATHS:
        path = pattern.sub(replacement, path)
    return path


class LimitBody:
    """Refuses request bodies over the limit with 413, before any handler reads them.

    A declared Content-Length is checked up front (the server holds the client to it). A body
    with none (chunked) is read here up to the limit and then replayed to the app: providers
    and browsers always declare the length, so this costs nothing in normal use.
    """

    def __init__(self, app: ASGIApp, upload_limit: int) -> None:
        self.app = app
        self.upload_limit = upload_limit

    def limit_for(self, path: str) -> int:
        """The largest body this path takes."""
        if path.startswith(UPLOAD_PREFIX):
            return self.upload_limit
        return next((size for prefix, size in PATH_LIMITS if path.startswith(prefix)), MAX_BODY)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            if not declared.isdigit() or int(declared) > limit:
                await _too_large(send)
                return
            await self.app(scope, receive, send)
            return
        body, more = bytearray(), True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            body += message.get("body", b"")
            more = bool(message.get("more_body"))
            if len(body) > limit:
                await _too_large(send)
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self.app(scope, replay, send)


async def _too_large(send: Send) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"text/plain; charset=utf-8")],
        }
    )
    await send({"type": "http.response.body", "body": b"Too large."})


class AccessLog:
    """One line a request: method, path (tokens redacted), status, milliseconds. No query."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def watched(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, watched)
        finally:
            access.info(
                "%s %s %d %.1fms",
                scope["method"],
                redact(scope["path"]),
                status,
                (time.perf_counter() - start) * 1000,
            )


class KeepLanguage:
    """A public page's language switch (?lang=pl) is remembered in a cookie, so the form posted
    from it, and the page it leads to, stay in that language."""

    def __init__(self, app: ASGIApp, offered: tuple[str, ...], secure: bool) -> None:
        self.app = app
        self.offered = offered
        self.secure = "; Secure" if secure else ""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        picked = _picked_language(scope) if scope["type"] == "http" else None
        if picked not in self.offered:
            await self.app(scope, receive, send)
            return
        cookie = f"lang={picked}; Path=/; Max-Age=31536000; SameSite=Lax{self.secure}"

        async def remembered(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"set-cookie", cookie.encode())]
            await send(message)

        await self.app(scope, receive, remembered)


def _picked_language(scope: Scope) -> str | None:
    for pair in bytes(scope.get("query_string", b"")).decode("latin-1").split("&"):
        name, _, value = pair.partition("=")
        if name == "lang":
            return value
    return None
