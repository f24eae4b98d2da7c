"""A fake Telegram Bot API speaking the real wire protocol, for the real python-telegram-bot."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from tests.fakes.server import serve

BOT_USER: dict[str, Any] = {
    "id": 999,
    "is_bot": True,
    "first_name": "Front Door",
    "username": "frontdoor_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}

# Plain-text parameters are never JSON-decoded, even if a user typed "[1, 2]".
_TEXT_FIELDS = frozenset({"text", "caption", "title", "description", "question", "explanation"})

_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request",
    500: "Internal Server Error",
}


@dataclass(frozen=True)
class Call:
    """One request to the Bot API: method name, decoded parameters and the bot token used."""

    method: str
    params: dict[str, Any]
    token: str
    failed: bool = False


@dataclass
class _Fault:
    status: int
    retry_after: int | None = None
    description: str | None = None


def _decode(key: str, value: str) -> Any:
    """Decode a form value that python-telegram-bot JSON-encoded (objects and arrays only)."""
    if key in _TEXT_FIELDS or not value.startswith(("{", "[")):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


async def _read_params(request: Request) -> dict[str, Any]:
    """Query string plus a JSON, form-encoded or multipart body; uploaded files become bytes."""
    params: dict[str, Any] = {k: _decode(k, v) for k, v in request.query_params.items()}
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        body = await request.body()
        if body:
            params.update(json.loads(body))
    elif content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        async with request.form() as form:
            for key, value in form.multi_items():
                if isinstance(value, UploadFile):
                    params[key] = await value.read()
                else:
                    params[key] = _decode(key, value)
    return params


def _as_chat_id(value: Any) -> int | str:
    """Chat ids arrive as strings in form data; "@channel" usernames stay strings."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return str(value)


def _error_body(fault: _Fault) -> dict[str, Any]:
    """The Bot API's error JSON for an injected failure."""
    if fault.status == 429:
        after = fault.retry_after if fault.retry_after is not None else 1
        return {
            "ok": False,
            "error_code": 429,
            "description": fault.description or f"Too Many Requests: retry after {after}",
            "parameters": {"retry_after": after},
        }
    default = _DESCRIPTIONS.get(fault.status) or HTTPStatus(fault.status).phrase
    return {"ok": False, "error_code": fault.status, "description": fault.description or default}


class FakeTelegram:
    """An in-process Bot API: records every call, answers like Telegram, fails on request."""

    def __init__(self) -> None:
        """Create the app; call ``running()`` to serve it."""
        self._lock = threading.Lock()
        self.base_url = ""
        self.down = False
        self.calls: list[Call] = []
        self._files: dict[str, bytes] = {}
        self._updates: list[dict[str, Any]] = []
        self._faults: dict[str, list[_Fault]] = {}
        self._hangs: dict[str, list[float]] = {}
        self._webhook_url = ""
        self._allowed_updates: list[str] = []
        self._message_id = 0
        self.app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._api, methods=["GET", "POST"]),
                Route("/file/bot{token}/{path:path}", self._file, methods=["GET"]),
            ]
        )

    @contextmanager
    def running(self) -> Iterator[FakeTelegram]:
        """Serve the fake on a free local port for the duration of the block."""
        with serve(self.app) as base_url:
            self.base_url = base_url
            yield self

    @property
    def api_base(self) -> str:
        """What to pass as python-telegram-bot's ``base_url``."""
        return self.base_url + "/bot"

    @property
    def file_base(self) -> str:
        """What to pass as python-telegram-bot's ``base_file_url``."""
        return self.base_url + "/file/bot"

    # --- test controls -------------------------------------------------------------------

    def add_file(self, file_id: str, content: bytes) -> None:
        """Make ``file_id`` known to getFile and downloadable."""
        with self._lock:
            self._files[file_id] = content

    def queue_update(self, update: dict[str, Any]) -> None:
        """Queue an Update for the next getUpdates call."""
        with self._lock:
            self._updates.append(update)

    def fail_next(
        self,
        method: str,
        times: int = 1,
        *,
        status: int = 500,
        retry_after: int | None = None,
        description: str | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with a Bot API error."""
        with self._lock:
            queue = self._faults.setdefault(method.lower(), [])
            queue.extend(_Fault(status, retry_after, description) for _ in range(times))

    def hang_next(self, method: str, times: int = 1, seconds: float = 30) -> None:
        """Delay the answer to the next ``times`` calls of ``method`` by ``seconds``."""
        with self._lock:
            self._hangs.setdefault(method.lower(), []).extend([seconds] * times)

    def sent(self, method: str = "sendMessage") -> list[Call]:
        """Successful calls of ``method``."""
        with self._lock:
            return [c for c in self.calls if c.method.lower() == method.lower() and not c.failed]

    def texts(self, chat_id: int | None = None) -> list[str]:
        """Texts of successful sendMessage calls, optionally only those to ``chat_id``."""
        return [
            str(call.params.get("text", ""))
            for call in self.sent("sendMessage")
            if chat_id is None or _as_chat_id(call.params.get("chat_id")) == chat_id
        ]

    def reset(self) -> None:
        """Forget calls, files, updates, injected failures and webhook state."""
        with self._lock:
            self.down = False
            self.calls.clear()
            self._files.clear()
            self._updates.clear()
            self._faults.clear()
            self._hangs.clear()
            self._webhook_url = ""
            self._allowed_updates = []

    # --- the wire protocol ---------------------------------------------------------------

    def _record(self, method: str, params: dict[str, Any], token: str, *, failed: bool) -> None:
        with self._lock:
            self.calls.append(Call(method, params, token, failed=failed))

    async def _api(self, request: Request) -> Response:
        token = request.path_params["token"]
        method = request.path_params["method"]
        params = await _read_params(request)
        if self.down:
            self._record(method, params, token, failed=True)
            return HTMLResponse("<html><body><h1>502 Bad Gateway</h1></body></html>", 502)
        with self._lock:
            hangs = self._hangs.get(method.lower())
            delay = hangs.pop(0) if hangs else 0.0
            faults = self._faults.get(method.lower())
            fault = faults.pop(0) if faults else None
        if delay:
            await asyncio.sleep(delay)
        if fault is not None:
            self._record(method, params, token, failed=True)
            return JSONResponse(_error_body(fault), fault.status)
        if method.lower() == "getupdates":
            result: Any = await self._get_updates(params)
        else:
            with self._lock:
                result = self._result(method.lower(), params)
        if isinstance(result, _Fault):
            self._record(method, params, token, failed=True)
            return JSONResponse(_error_body(result), result.status)
        self._record(method, params, token, failed=False)
        return JSONResponse({"ok": True, "result": result})

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        """The ``result`` for a successful call (called with the lock held)."""
        if method == "getme":
            return BOT_USER
        if method == "sendmessage":
            self._message_id += 1
            return {
                "message_id": self._message_id,
                "date": int(time.time()),
                "chat": {"id": _as_chat_id(params.get("chat_id")), "type": "private"},
                "text": params.get("text", ""),
                "from": BOT_USER,
            }
        if method == "setwebhook":
            self._webhook_url = str(params.get("url", ""))
            self._allowed_updates = list(params.get("allowed_updates") or [])
        elif method == "deletewebhook":
            self._webhook_url = ""
        elif method == "getwebhookinfo":
            return {
                "url": self._webhook_url,
                "has_custom_certificate": False,
                "pending_update_count": 0,
                "allowed_updates": self._allowed_updates,
            }
        elif method == "getfile":
            file_id = str(params.get("file_id", ""))
            if file_id not in self._files:
                return _Fault(400, description="Bad Request: invalid file_id")
            return {
                "file_id": file_id,
                "file_unique_id": "u" + file_id,
                "file_size": len(self._files[file_id]),
                "file_path": f"photos/{file_id}.jpg",
            }
        return True

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Long poll: wait up to ``timeout`` seconds for queued updates, then hand them over."""
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        while True:
            with self._lock:
                updates = [u for u in self._updates if int(u.get("update_id", 0)) >= offset]
                self._updates.clear()
            if updates or time.monotonic() >= deadline or self.down:
                return updates
            await asyncio.sleep(0.05)

    async def _file(self, request: Request) -> Response:
        path = request.path_params["path"]
        with self._lock:
            for file_id, content in self._files.items():
                if path == f"photos/{file_id}.jpg":
                    return Response(content, media_type="image/jpeg")
        return JSONResponse({"ok": False, "error_code": 404, "description": "Not Found"}, 404)


def make_update(
    update_id: int,
    *,
    chat_id: int,
    text: str | None = None,
    photo_file_id: str | None = None,
    document: tuple[str, str, str] | None = None,
    callback_data: str | None = None,
    first_name: str = "Sam",
    language_code: str | None = "en",
) -> dict[str, Any]:
    """The JSON of an Update from a private chat, as Telegram posts it to a webhook (the
    sender's app language in `language_code`, which Telegram may leave out: None)."""
    # With a photo or document, ``text`` becomes the caption; with ``callback_data`` the update
    # is a callback query on a bot message (whose text is ``text``) in that chat.
    user: dict[str, Any] = {"id": chat_id, "is_bot": False, "first_name": first_name}
    if language_code is not None:
        user["language_code"] = language_code
    chat = {"id": chat_id, "type": "private", "first_name": first_name}
    now = int(time.time())
    if callback_data is not None:
        message = {
            "message_id": update_id,
            "from": BOT_USER,
            "chat": chat,
            "date": now,
            "text": text or "Choose one",
        }
        query = {
            "id": str(update_id),
            "from": user,
            "chat_instance": "ci",
            "data": callback_data,
            "message": message,
        }
        return {"update_id": update_id, "callback_query": query}
    msg: dict[str, Any] = {"message_id": update_id, "from": user, "chat": chat, "date": now}
    text_key = "text"
    if photo_file_id is not None:
        text_key = "caption"
        msg["photo"] = [
            {"file_id": photo_file_id + "-s", "file_unique_id": "us" + photo_file_id,
             "width": 90, "height": 68, "file_size": 1500},
            {"file_id": photo_file_id, "file_unique_id": "u" + photo_file_id,
             "width": 1280, "height": 960, "file_size": 120000},
        ]  # fmt: skip
    if document is not None:
        text_key = "caption"
        file_id, file_name, mime_type = document
        msg["document"] = {
            "file_id": file_id,
            "file_unique_id": "u" + file_id,
            "file_name": file_name,
            "mime_type": mime_type,
        }
    if text is not None:
        msg[text_key] = text
        if text.startswith("/"):
            command = text.split()[0]
            entities_key = "entities" if text_key == "text" else "caption_entities"
            msg[entities_key] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return {"update_id": update_id, "message": msg}
