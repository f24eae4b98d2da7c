"""Shared benchmark plumbing: a server process, concurrent clients, percentiles, a table."""

from __future__ import annotations

import asyncio
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx


@dataclass
class Result:
    """Throughput and latency of one measured run."""

    name: str
    requests: int
    seconds: float
    latencies: list[float]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


def free_port() -> int:
    """A TCP port nobody is listening on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def served(database_url: str) -> Iterator[str]:
    """bench.server in its own process (so the clients do not share its core)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.server", "--database-url", database_url, "--port", str(port)]
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("benchmark server did not start")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


async def hammer(
    name: str,
    clients: int,
    per_client: Callable[[int, httpx.AsyncClient], Awaitable[list[float]]],
    base: str,
) -> Result:
    """Runs `clients` concurrent clients, each with its own cookies, and times them all."""
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as warm:
        await warm.get("/healthz")
    start = time.perf_counter()

    async def one(n: int) -> list[float]:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            return await per_client(n, client)

    results = await asyncio.gather(*(one(n) for n in range(clients)))
    seconds = time.perf_counter() - start
    latencies = [x for r in results for x in r]
    return Result(name, len(latencies), seconds, latencies)


def table(rows: list[list[str]], headers: list[str]) -> str:
    """A Markdown table, printed and pasted into the README as it is."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |"
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows
    ]
    return "\n".join([line, rule, *body])


def median(values: list[float]) -> float:
    """The median."""
    return statistics.median(values)
