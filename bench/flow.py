"""Turns per second of the pure flow, and of the web chat over HTTP against a bare endpoint.

Run with `make bench` (or `python -m bench.flow`). Prints one Markdown table.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
import uuid
from datetime import UTC, datetime

import httpx

from bench.common import HEADERS, databases, hammer, machine, ratio_row, served, table
from conversations import Channel, Inbound, advance
from tests.factories import typed_pro_forma

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "32"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
SCRIPT = typed_pro_forma()
NOW = datetime(2026, 11, 23, tzinfo=UTC)


def pure_flow(seconds: float = 2.0) -> tuple[float, int]:
    """Whole pro-formas through advance() for `seconds`; returns turns per second."""
    turns = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        state = None
        for text in SCRIPT:
            state = advance(state, Inbound(Channel.WEB, "bench", text), now=NOW).state
            turns += 1
    return turns / (time.perf_counter() - start), turns


async def chat_client(_: int, client: httpx.AsyncClient) -> list[float]:
    """One tenant completing the pro-forma ROUNDS times over the web chat."""
    latencies = []
    for _round in range(ROUNDS):
        for text in SCRIPT:
            start = time.perf_counter()
            response = await client.post(
                "/chat/messages", json={"text": text, "message_id": uuid.uuid4().hex}
            )
            latencies.append(time.perf_counter() - start)
            response.raise_for_status()
    return latencies


async def bare_client(_: int, client: httpx.AsyncClient) -> list[float]:
    """The same number of requests to the bare endpoint."""
    latencies = []
    for _round in range(ROUNDS):
        for text in SCRIPT:
            start = time.perf_counter()
            response = await client.post(
                "/bench/bare", json={"text": text, "message_id": uuid.uuid4().hex}
            )
            latencies.append(time.perf_counter() - start)
            response.raise_for_status()
    return latencies


def main() -> None:
    """Measures and prints the table."""
    per_second, _ = pure_flow()
    rows = [["pure flow: advance() turns in-process", f"{per_second:,.0f}", "-", "-", "-"]]
    for label, url in databases():
        with (
            tempfile.TemporaryDirectory() as tmp,
            served(url or f"sqlite:///{tmp}/bench.db") as base,
        ):
            bare = asyncio.run(hammer(f"bare endpoint ({label})", CLIENTS, bare_client, base))
            chat = asyncio.run(hammer(f"web chat turn ({label})", CLIENTS, chat_client, base))
        rows += [ratio_row(bare, None), ratio_row(chat, bare)]
    print(f"\nbench/flow.py - {machine()}, {CLIENTS} clients\n")
    print(table(rows, HEADERS))


if __name__ == "__main__":
    main()
