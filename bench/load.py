"""Load from wrk (a C load generator), so the figures are the server's, not the client's.

Each run replays a file of whole requests made here: every tenant's messages in order,
tenants interleaved, each message unique (a fresh MessageSid, update_id or message id), so
the server does a real turn for each and never a replay.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

from backend.settings import DEV_SECRET
from bench.common import Server
from bench.server import OUR_NUMBER, PUBLIC, TELEGRAM_SECRET
from bot.webchat import VISITOR_COOKIE, signed_visitor
from tests.factories import typed_pro_forma
from tests.fakes.telegram_api import make_update
from tests.fakes.twilio_api import FakeTwilio

SCRIPT = typed_pro_forma()  # the whole pro-forma, as a tenant types it
REPLAY = Path(__file__).with_name("replay.lua")
SIGN = Path(__file__).with_name("sign.lua")


@dataclass(frozen=True)
class Request:
    """One HTTP POST."""

    path: str
    headers: dict[str, str]
    body: str


def sms(tenants: int, first: int = 0) -> list[Request]:
    """Signed Twilio SMS webhooks: `tenants` phones each sending the pro-forma."""
    validator = RequestValidator(FakeTwilio().auth_token)
    found = []
    for step, text in enumerate(SCRIPT):
        for n in range(first, first + tenants):
            form = {
                "MessageSid": f"SM{n:08d}{step:024d}",
                "From": f"+447911{n:06d}",
                "To": OUR_NUMBER,
                "Body": text or "Hi",
                "NumMedia": "0",
            }
            path = "/webhooks/twilio/sms"
            signature = validator.compute_signature(PUBLIC + path, form)
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": signature,
            }
            found.append(Request(path, headers, urlencode(form)))
    return found


def telegram(tenants: int, first: int = 0) -> list[Request]:
    """Telegram webhooks with the secret: `tenants` chats each sending the pro-forma."""
    found = []
    for step, text in enumerate(SCRIPT):
        for n in range(first, first + tenants):
            update = make_update(n * 100 + step, chat_id=500_000 + n, text=text or "/start")
            headers = {
                "Content-Type": "application/json",
                "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET,
            }
            found.append(Request("/webhooks/telegram", headers, json.dumps(update)))
    return found


def webchat(tenants: int, first: int = 0) -> list[Request]:
    """Web chat messages (the page's JSON path): `tenants` visitors each doing the pro-forma."""
    # 32 characters, as the service's own ids (bot/webchat.new_visitor): signed, they fit the
    # route's 64-character cookie.
    visitors = [f"bench{n:06d}{uuid.uuid4().hex[:21]}" for n in range(first, first + tenants)]
    found = []
    for text in SCRIPT:
        for visitor in visitors:
            body = json.dumps({"text": text, "message_id": uuid.uuid4().hex})
            # Signed as the bench server (development settings) signs its own visitors.
            cookie = f"{VISITOR_COOKIE}={signed_visitor(DEV_SECRET, visitor)}"
            headers = {"Content-Type": "application/json", "Cookie": cookie}
            found.append(Request("/chat/messages", headers, body))
    return found


def bare(requests: list[Request]) -> list[Request]:
    """The same bodies to the bare endpoint that parses them the same way and does no more."""
    if requests[0].path.startswith("/webhooks/twilio/"):
        path = "/bench/bare-twilio"  # Twilio's form, read as its routes read it
    elif requests[0].headers["Content-Type"].startswith("application/x-www-form"):
        path = "/bench/bare-form"
    else:
        path = "/bench/bare"
    return [Request(path, r.headers, r.body) for r in requests]


@dataclass(frozen=True)
class Load:
    """What wrk measured."""

    requests: int
    per_second: float
    p50_ms: float
    p99_ms: float
    cpu_busy: float  # the whole machine's, 0 to 1: server, database and wrk together
    server_cpu_ms: float  # the server processes' CPU time (user + system) per request


def _cpu_times() -> tuple[int, int]:
    """(busy, total) jiffies of all cores, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(figure: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", figure).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


@contextmanager
def _request_file(requests: list[Request]) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "requests.tsv"
        with path.open("w") as out:
            for r in requests:
                head = "|".join(f"{name}:{value}" for name, value in r.headers.items())
                out.write(f"{r.path}\t{head}\t{r.body}\n")
        yield path


def wrk(
    server: Server,
    requests: list[Request],
    *,
    seconds: int,
    connections: int = 32,
    may_repeat: bool = False,
    pause_ms: int = 0,
    settle: Callable[[], None] | None = None,
) -> Load:
    """Replays `requests` at `server` with `connections` clients for `seconds`; each waits
    `pause_ms` after an answer before its next request (0: at once, a closed loop).

    The server's CPU time is counted from the start until `settle` returns (the outbox
    delivering the run's replies belongs to the run), or until wrk ends without it.
    """
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    with _request_file(requests) as path:
        command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
        command += ["--timeout", "30s", "-s", str(REPLAY), server.base, "--"]
        command += [str(path), str(pause_ms)]
        server_before = server.cpu_seconds()
        busy_before, total_before = _cpu_times()
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        busy_after, total_after = _cpu_times()
        if settle is not None:
            settle()
        server_cpu = server.cpu_seconds() - server_before
    cpu_busy = (busy_after - busy_before) / max(1, total_after - total_before)
    done = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    if "Non-2xx or 3xx responses" in out or "Socket errors" in out:
        raise RuntimeError(f"requests failed under load:\n{out}")
    if done > len(requests) and not may_repeat:
        raise RuntimeError(f"{done} requests sent but only {len(requests)} made: make more")
    latency = dict(re.findall(r"^\s*(50|99)%\s+(\S+)\s*$", out, re.MULTILINE))
    if set(latency) != {"50", "99"}:
        raise RuntimeError(f"wrk printed no percentiles:\n{out}")
    per_second = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    return Load(
        done,
        per_second,
        _ms(latency["50"]),
        _ms(latency["99"]),
        cpu_busy,
        server_cpu * 1000 / max(1, done),
    )


@dataclass(frozen=True)
class Signing:
    """What wrk measured at a petition surge."""

    signed: int
    per_second: float  # verified signatures
    p50_ms: float  # per request (a form post or a code post)
    p99_ms: float
    cpu_busy: float
    server_cpu_ms: float  # the server's CPU time per request (a form post or a code post)


def surge(
    server: Server, petition: str, *, first: int, seconds: int, connections: int = 32
) -> Signing:
    """Signers posting the form and then the code, `connections` at once, for `seconds`."""
    server_before = server.cpu_seconds()
    busy_before, total_before = _cpu_times()
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    command += ["--timeout", "30s", "-s", str(SIGN), server.base, "--", petition, str(first)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    busy_after, total_after = _cpu_times()
    server_cpu = server.cpu_seconds() - server_before
    done = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    signed, refused = (int(x) for x in re.search(r"signed (\d+) refused (\d+)", out).groups())  # type: ignore[union-attr]
    if refused:
        raise RuntimeError(f"{refused} signing requests were refused:\n{out}")
    latency = dict(re.findall(r"^\s*(50|99)%\s+(\S+)\s*$", out, re.MULTILINE))
    took = _ms(re.search(r"requests in (\S+),", out).group(1)) / 1000  # type: ignore[union-attr]
    return Signing(
        signed,
        signed / took,
        _ms(latency["50"]),
        _ms(latency["99"]),
        (busy_after - busy_before) / max(1, total_after - total_before),
        server_cpu * 1000 / max(1, done),
    )
