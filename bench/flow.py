"""Turns per second of the pure flow: advance() alone, no database, no HTTP.

Run with `make bench` (or `python -m bench.flow`). What the channels add on top of it is in
bench/channels.py.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from bench.common import machine
from conversations import Channel, Inbound, advance
from tests.factories import typed_pro_forma

SCRIPT = typed_pro_forma()
NOW = datetime(2026, 11, 23, tzinfo=UTC)


def pure_flow(seconds: float = 2.0) -> float:
    """Whole pro-formas through advance() for `seconds`; returns turns per second."""
    turns = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        state = None
        for text in SCRIPT:
            state = advance(state, Inbound(Channel.WEB, "bench", text), now=NOW).state
            turns += 1
    return turns / (time.perf_counter() - start)


def main() -> None:
    """Measures and prints one line."""
    print(f"\nbench/flow.py - {machine()}: pure flow {pure_flow():,.0f} turns/s\n")


if __name__ == "__main__":
    main()
