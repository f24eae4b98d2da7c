"""The outbox's search for messages to send, at 1,000 and at 100,000 messages in the log.

The outbox worker asks every second, and at every wake, which messages are due. Before
migration 0014 that search read the whole message table, which grows with every message in
and out; it now reads ix_message_unsent, which holds only the messages waiting to go. Each
size is measured with that index and without it (dropped in the benchmark's own database), so
the gain and the growth are both measured in the same run.

Run with `make bench` (or `python -m bench.outbox`); PostgreSQL too when BENCH_DATABASE_URL is
set.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, insert, text

from backend.messaging.outbox import claimable
from backend.models import Contact, Direction, Message, MessageStatus
from backend.store.db import make_engine, table_of
from backend.store.migrate import upgrade
from bench.common import database, machine, postgres_url, table

SIZES = (1_000, 100_000)
CONTACTS = 1_000
WAITING = 20  # messages due, each to a different person
SEARCHES = 200
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Search:
    """Median milliseconds of one outbox search, with ix_message_unsent and without it."""

    database: str
    messages: int
    indexed_ms: float
    unindexed_ms: float


def _fill(engine: Engine, messages: int) -> None:
    """`messages` sent long ago, then WAITING queued and due."""
    with engine.begin() as connection:
        connection.execute(
            insert(table_of(Contact)),
            [
                {"channel": "telegram", "address": str(n), "created_at": NOW}
                for n in range(CONTACTS)
            ],
        )
        row = {
            "channel": "telegram",
            "direction": Direction.OUT.value,
            "body": "Your Call is on the agenda for the panel's next meeting.",
            "buttons": "[]",
            "attempts": 1,
        }
        sent = {**row, "status": MessageStatus.SENT.value}
        for start in range(0, messages, 10_000):
            connection.execute(
                insert(table_of(Message)),
                [
                    {
                        **sent,
                        "contact_id": 1 + n % CONTACTS,
                        "created_at": NOW - timedelta(days=1),
                        "next_attempt_at": NOW - timedelta(days=1),
                        "sent_at": NOW - timedelta(days=1),
                    }
                    for n in range(start, min(messages, start + 10_000))
                ],
            )
        queued = {**row, "status": MessageStatus.QUEUED.value, "attempts": 0}
        connection.execute(
            insert(table_of(Message)),
            [
                {**queued, "contact_id": 1 + n, "created_at": NOW, "next_attempt_at": NOW}
                for n in range(WAITING)
            ],
        )


def _median_ms(engine: Engine) -> float:
    query = claimable(NOW, 50)
    times = []
    with engine.connect() as connection:
        for _ in range(SEARCHES):
            start = time.perf_counter()
            found = connection.execute(query).all()
            times.append((time.perf_counter() - start) * 1000)
            if len(found) != WAITING:
                raise RuntimeError(f"the search found {len(found)} messages, not {WAITING}")
            connection.rollback()
    return statistics.median(times)


def measure_one(label: str, url: str | None, messages: int) -> Search:
    """One database at one size: the search with the index, then without it."""
    with database(url) as scoped:
        engine = make_engine(scoped)
        try:
            upgrade(engine)
            _fill(engine, messages)
            indexed = _median_ms(engine)
            with engine.begin() as connection:
                connection.execute(text("DROP INDEX ix_message_unsent"))
            return Search(label, messages, indexed, _median_ms(engine))
        finally:
            engine.dispose()


def measure() -> list[Search]:
    """SQLite, and PostgreSQL when BENCH_DATABASE_URL is set, at each size."""
    found = [measure_one("SQLite", None, size) for size in SIZES]
    if url := postgres_url():
        found += [measure_one("PostgreSQL", url, size) for size in SIZES]
    return found


def growth(searches: list[Search]) -> float:
    """The smallest ratio of a search at 1,000 messages to one at 100,000 (1.0: no growth)."""
    by = {(s.database, s.messages): s.indexed_ms for s in searches}
    return min(
        by[(name, SIZES[0])] / by[(name, SIZES[1])] for name in {s.database for s in searches}
    )


def report(searches: list[Search]) -> None:
    """Prints the table."""
    print(f"\nbench/outbox.py - {machine()}, {WAITING} messages due, median of {SEARCHES}\n")
    rows = [
        [
            s.database,
            f"{s.messages:,}",
            f"{s.indexed_ms:.3f}",
            f"{s.unindexed_ms:.3f}",
            f"{s.unindexed_ms / s.indexed_ms:.0f} x",
        ]
        for s in searches
    ]
    headers = ["database", "messages in the log", "search ms", "without the index", "gain"]
    print(table(rows, headers))
    print(f"\ngrowth ratio (1,000 / 100,000 messages): {growth(searches):.2f}")


def main() -> None:
    """Measures and prints."""
    report(measure())


if __name__ == "__main__":
    main()
