"""Signed SMS and Telegram webhooks: throughput and p50/p99 latency against a bare endpoint.

32 concurrent tenants (each its own phone or chat) send the whole pro-forma. Each webhook is
compared with a bare endpoint of the same app that only parses the same body, in the same run.
Run with `make bench`; set BENCH_DATABASE_URL to measure PostgreSQL too.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time

import httpx
from twilio.request_validator import RequestValidator

from bench.common import HEADERS, databases, hammer, machine, ratio_row, served, table
from bench.server import OUR_NUMBER, TELEGRAM_SECRET
from tests.factories import typed_pro_forma
from tests.fakes.telegram_api import make_update
from tests.fakes.twilio_api import FakeTwilio

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "32"))
LIGHT = 4  # a light load, where latency is the server's work rather than its queue
SCRIPT = typed_pro_forma()[1:]  # SMS and Telegram tenants start by saying something
PUBLIC = "https://bench.example.org"
AUTH_TOKEN = FakeTwilio().auth_token
validator = RequestValidator(AUTH_TOKEN)


def _sms_form(n: int, i: int, text: str) -> tuple[dict[str, str], dict[str, str]]:
    params = {
        "MessageSid": f"SM{n:04d}{i:028d}",
        "From": f"+4479111{n:05d}",
        "To": OUR_NUMBER,
        "Body": text or "Hi",
        "NumMedia": "0",
    }
    signature = validator.compute_signature(PUBLIC + "/webhooks/twilio/sms", params)
    return params, {"X-Twilio-Signature": signature}


async def sms_client(n: int, client: httpx.AsyncClient) -> list[float]:
    latencies = []
    for i, text in enumerate(SCRIPT):
        params, headers = _sms_form(n, i, text)
        start = time.perf_counter()
        response = await client.post("/webhooks/twilio/sms", data=params, headers=headers)
        latencies.append(time.perf_counter() - start)
        response.raise_for_status()
    return latencies


async def bare_form_client(n: int, client: httpx.AsyncClient) -> list[float]:
    latencies = []
    for i, text in enumerate(SCRIPT):
        params, headers = _sms_form(n, i, text)
        start = time.perf_counter()
        response = await client.post("/bench/bare-form", data=params, headers=headers)
        latencies.append(time.perf_counter() - start)
        response.raise_for_status()
    return latencies


def _update(n: int, i: int, text: str) -> dict[str, object]:
    return make_update(n * 10_000 + i, chat_id=500_000 + n, text=text or "/start")


async def telegram_client(n: int, client: httpx.AsyncClient) -> list[float]:
    latencies = []
    headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
    for i, text in enumerate(SCRIPT):
        start = time.perf_counter()
        response = await client.post(
            "/webhooks/telegram", json=_update(n, i, text), headers=headers
        )
        latencies.append(time.perf_counter() - start)
        response.raise_for_status()
    return latencies


async def bare_json_client(n: int, client: httpx.AsyncClient) -> list[float]:
    latencies = []
    for i, text in enumerate(SCRIPT):
        start = time.perf_counter()
        response = await client.post("/bench/bare", json={"text": str(_update(n, i, text))})
        latencies.append(time.perf_counter() - start)
        response.raise_for_status()
    return latencies


def main() -> None:
    """Measures and prints the table."""
    rows = []
    for label, url in databases():
        with (
            tempfile.TemporaryDirectory() as tmp,
            served(url or f"sqlite:///{tmp}/bench.db", channels=True) as base,
        ):
            bare_form = asyncio.run(hammer(f"bare form ({label})", CLIENTS, bare_form_client, base))
            sms = asyncio.run(hammer(f"signed SMS webhook ({label})", CLIENTS, sms_client, base))
            bare_json = asyncio.run(hammer(f"bare JSON ({label})", CLIENTS, bare_json_client, base))
            tg = asyncio.run(hammer(f"Telegram webhook ({label})", CLIENTS, telegram_client, base))
            light_sms = asyncio.run(
                hammer(
                    f"signed SMS, {LIGHT} clients ({label})", LIGHT, sms_client, base, offset=100
                )
            )
            light_tg = asyncio.run(
                hammer(
                    f"Telegram, {LIGHT} clients ({label})", LIGHT, telegram_client, base, offset=100
                )
            )
        rows += [
            ratio_row(bare_form, None),
            ratio_row(sms, bare_form),
            ratio_row(bare_json, None),
            ratio_row(tg, bare_json),
            ratio_row(light_sms, None, ratio="-"),
            ratio_row(light_tg, None, ratio="-"),
        ]
    print(f"\nbench/webhooks.py - {machine()}, {CLIENTS} clients\n")
    print(table(rows, HEADERS))


if __name__ == "__main__":
    main()
