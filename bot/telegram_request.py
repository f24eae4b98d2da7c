"""The Bot's HTTP client: python-telegram-bot's requests sent with aiohttp rather than httpx.

Measured with py-spy under bench/channels.py, PTB's own HTTPXRequest spent 2.3 to 3.0 ms of CPU
on each request to a local fake Bot API, where aiohttp spends 0.5 to 0.95 ms; a Telegram turn
cost about 2.4 ms of server CPU against 0.7 ms for an SMS or web chat turn, most of the
difference the reply's sendMessage.

`AiohttpRequest` does what HTTPXRequest does wherever the outbox can tell: the same bodies (the
parameters as a form, or multipart with the files), GET for a file's bytes, the same timeouts
(to connect, to read, and to wait for one of the connections) and the same errors: a timeout is
`TimedOut`, any other failure to talk to Telegram `NetworkError`, and PTB itself turns an answer's
status into Forbidden, RetryAfter, BadRequest and the rest. Two things differ: aiohttp has no
timeout on writing a request (ours are a few kilobytes, which the socket takes at once; the read
timeout starts when the request is written), and no proxy is read from the environment
(HTTPS_PROXY), as twilio's client, also on aiohttp, reads none.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

if TYPE_CHECKING:
    # PTB's own request classes type their timeouts so (PTB is pinned below 23).
    from telegram._utils.types import ODVInput

log = logging.getLogger(__name__)

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
POOL_TIMEOUT = (
    "Pool timeout: all connections to Telegram were busy, so the request was not sent. "
    "Consider more connections or a longer pool timeout."
)


class AiohttpRequest(BaseRequest):
    """Sends the Bot's requests through one aiohttp session, opened in the event loop that first
    uses it (by `initialize()` or the first request) and closed by `shutdown()` in that loop."""

    def __init__(
        self,
        *,
        connections: int,
        read_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
    ) -> None:
        """At most `connections` at once; the timeouts, in seconds, are HTTPXRequest's: to read
        each part of an answer, to connect, and to wait for a free connection (then TimedOut)."""
        self._connections = connections
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._timeout = aiohttp.ClientTimeout(sock_connect=connect_timeout, sock_read=read_timeout)
        self._session: aiohttp.ClientSession | None = None
        self._free: asyncio.Semaphore | None = None  # a slot for each connection
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def read_timeout(self) -> float | None:
        """The read timeout used when a request names none (PTB adds a long poll's to it)."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Opens the session in the running loop, unless one is open."""
        if self._session is None or self._session.closed:
            self._open()

    async def shutdown(self) -> None:
        """Closes the session and its connections."""
        if self._session is None or self._session.closed:
            log.debug("this AiohttpRequest is already shut down")
            return
        await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Sends one request; its status and body. `write_timeout` is not applied (aiohttp
        has none)."""
        session, free = self._session_here()
        timeout = self._timeout
        if not isinstance(read_timeout, DefaultValue) or not isinstance(
            connect_timeout, DefaultValue
        ):
            timeout = aiohttp.ClientTimeout(
                sock_connect=_given(connect_timeout, self._connect_timeout),
                sock_read=_given(read_timeout, self._read_timeout),
            )
        headers, body = _body(request_data)
        try:
            async with asyncio.timeout(_given(pool_timeout, self._pool_timeout)):
                await free.acquire()
        except TimeoutError as busy:
            raise TimedOut(POOL_TIMEOUT) from busy
        try:
            async with session.request(
                method, url, data=body, headers=headers, timeout=timeout, allow_redirects=False
            ) as response:
                return response.status, await response.read()
        except TimeoutError as late:  # aiohttp's connect and read timeouts are TimeoutErrors
            raise TimedOut from late
        except aiohttp.ClientError as failed:
            # The class names the failure when its message is empty.
            raise NetworkError(f"aiohttp.{type(failed).__name__}: {failed}") from failed
        finally:
            free.release()

    def _session_here(self) -> tuple[aiohttp.ClientSession, asyncio.Semaphore]:
        session, free = self._session, self._free
        if session is None or free is None:
            return self._open()
        if session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        if self._loop is not asyncio.get_running_loop():
            # Its connections belong to the loop that opened them, and only it can close them.
            raise RuntimeError("This AiohttpRequest was opened in another event loop")
        return session, free

    def _open(self) -> tuple[aiohttp.ClientSession, asyncio.Semaphore]:
        self._loop = asyncio.get_running_loop()
        self._free = asyncio.Semaphore(self._connections)
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=self._connections),
            timeout=self._timeout,
            headers={"User-Agent": self.USER_AGENT},
        )
        return self._session, self._free


def _given(timeout: ODVInput[float], default: float | None) -> float | None:
    """A request's own timeout, or the default when it names none."""
    return default if isinstance(timeout, DefaultValue) else timeout


def _body(
    request_data: RequestData | None,
) -> tuple[Mapping[str, str] | None, bytes | aiohttp.FormData | None]:
    """The headers and body HTTPXRequest sends: the parameters (JSON-encoded where not text) as
    a form, or multipart with the files after them; nothing when there are none."""
    if request_data is None:
        return None, None
    if request_data.contains_files:
        form = aiohttp.FormData()
        for name, value in request_data.json_parameters.items():
            form.add_field(name, value)
        for name, (filename, content, mimetype) in request_data.multipart_data.items():
            form.add_field(name, content, filename=filename, content_type=mimetype)
        return None, form
    fields = request_data.json_parameters
    if not fields:
        return None, None
    return FORM, urlencode(fields).encode()
