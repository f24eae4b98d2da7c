"""Inbound SMS, Telegram and web chat messages under load, against a bare endpoint.

For each setup (SQLite with one worker; PostgreSQL with one and with two workers) a fresh
database and server; wrk sends 32 tenants' messages at once (closed loop), each channel
measured right after a bare endpoint of the same app that parses the same bodies and does
nothing else. Also 4 clients (a light load), and 32 who each wait a random 200 ms on average
before their next message (about half a worker's capacity), for latency without a queue; the
server's own CPU time per request (its processes' user + system time, from the start of a run
until the outbox has delivered its replies, over the requests served: a figure a busy machine
disturbs far less than the rate); and the server's peak memory. Run with `make bench` (or
`python -m bench.channels`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import httpx

from bench import load
from bench.common import database, fakes, machine, postgres_url, served, table
from bench.load import Load, Request
from bench.server import channel_settings

SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
CLIENTS = 32
LIGHT = 4
PAUSE_MS = 200  # tenants who read the reply before answering: about half a worker's capacity
TENANTS = 600  # more than a run can reach, so no message is ever sent twice
CHANNELS: dict[str, Callable[[int, int], list[Request]]] = {
    "SMS (signed Twilio webhook)": load.sms,
    "Telegram webhook": load.telegram,
    "web chat": load.webchat,
}


@dataclass(frozen=True)
class Setup:
    """A database and a number of uvicorn workers."""

    label: str
    url: str | None
    workers: int


@dataclass(frozen=True)
class Measured:
    """One channel on one setup: its load, and the bare endpoint's just before."""

    setup: Setup
    channel: str
    clients: int
    load: Load
    bare: Load | None
    pause_ms: int = 0  # each client's wait between an answer and its next message

    @property
    def ratio(self) -> float | None:
        return self.load.per_second / self.bare.per_second if self.bare else None


def setups() -> list[Setup]:
    """SQLite always; PostgreSQL with one and two workers when BENCH_DATABASE_URL is set."""
    found = [Setup("SQLite, 1 worker", None, 1)]
    if url := postgres_url():
        found += [Setup("PostgreSQL, 1 worker", url, 1), Setup("PostgreSQL, 2 workers", url, 2)]
    return found


def _drained(base: str) -> None:
    """Waits until the outbox is empty, so one run's deliveries do not slow the next."""
    deadline = time.monotonic() + 120
    while httpx.get(f"{base}/bench/unsent", timeout=30).json()["unsent"]:
        if time.monotonic() > deadline:
            raise RuntimeError("the outbox did not drain")
        time.sleep(0.2)


def measure_setup(setup: Setup) -> tuple[list[Measured], float]:
    """Every channel on one setup; returns the runs and the server's peak RSS in MB."""
    runs = []
    with (
        fakes() as reach,
        database(setup.url) as url,
        served(url, workers=setup.workers, settings=channel_settings(reach)) as server,
    ):
        drained = partial(_drained, server.base)  # the run's replies delivered: its cost too
        load.wrk(server, load.bare(load.webchat(50)), seconds=2, may_repeat=True)  # warm up
        for offset, (channel, traffic) in enumerate(CHANNELS.items()):
            requests = traffic(TENANTS, offset * 10_000)
            bare = load.wrk(server, load.bare(requests), seconds=SECONDS, may_repeat=True)
            drained()
            busy = load.wrk(server, requests, seconds=SECONDS, connections=CLIENTS, settle=drained)
            runs.append(Measured(setup, channel, CLIENTS, busy, bare))
        sms = next(iter(CHANNELS))
        light = load.wrk(
            server, load.sms(TENANTS, 50_000), seconds=SECONDS, connections=LIGHT, settle=drained
        )
        runs.append(Measured(setup, sms, LIGHT, light, None))
        paced_sms = load.sms(TENANTS, 60_000)
        paced = load.wrk(server, paced_sms, seconds=SECONDS, pause_ms=PAUSE_MS, settle=drained)
        runs.append(Measured(setup, sms, CLIENTS, paced, None, PAUSE_MS))
        return runs, server.peak_rss_mb()


def rows(runs: list[Measured]) -> list[list[str]]:
    """Table rows, one per run."""
    return [
        [
            run.setup.label,
            run.channel,
            f"{run.clients}, {run.pause_ms} ms apart" if run.pause_ms else str(run.clients),
            f"{run.load.per_second:,.0f}",
            f"{run.load.p50_ms:.1f}",
            f"{run.load.p99_ms:.1f}",
            f"{run.bare.per_second:,.0f}" if run.bare else "-",
            f"{run.ratio:.2f}" if run.ratio is not None else "-",
            f"{run.load.cpu_busy:.0%}",
            f"{run.load.server_cpu_ms:.2f}",
            f"{run.bare.server_cpu_ms:.2f}" if run.bare else "-",
        ]
        for run in runs
    ]


HEADERS = [
    "setup",
    "messages",
    "clients",
    "per second",
    "p50 ms",
    "p99 ms",
    "bare /s",
    "ratio",
    "CPU busy",
    "server CPU ms/request",
    "bare CPU ms/request",
]


def measure() -> tuple[list[Measured], dict[str, float]]:
    """Every setup; returns the runs and each setup's peak server RSS in MB."""
    runs: list[Measured] = []
    memory = {}
    for setup in setups():
        found, memory[setup.label] = measure_setup(setup)
        runs += found
    return runs, memory


def report(runs: list[Measured], memory: dict[str, float]) -> None:
    """Prints the table."""
    print(f"\nbench/channels.py - {machine()}, wrk, {SECONDS} s per run\n")
    print(table(rows(runs), HEADERS))
    peaks = "; ".join(f"{label}: {mb:.0f} MB" for label, mb in memory.items())
    print(f"\npeak server RSS (largest process): {peaks}")


def main() -> None:
    """Measures every setup and prints the table."""
    report(*measure())


if __name__ == "__main__":
    main()
