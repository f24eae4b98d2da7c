"""Joining neighbours up (issue 15): the matcher's precision and recall on the labelled pairs,
and the look-up for a similar open petition at 100,000 Calls, with its index and without.

Run with `make bench` (or `python -m bench.joining`). The Calls are built in the benchmark's
own database (a SQLite file; a PostgreSQL schema of its own too when BENCH_DATABASE_URL is
set): spread over 400 postcode sectors and the services, two thirds of them before the panel's
decision with an open petition, their concerns drawn from the labelled pairs.
"""

from __future__ import annotations

import random
import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, insert, inspect, text
from sqlmodel import col, select

from backend.casework.similar import petition_to_offer
from backend.models import Call, CallStatus, Petition, PetitionStatus
from backend.settings import Settings
from backend.store.db import make_engine, session_in, write_session
from backend.store.migrate import upgrade
from bench.common import database, machine, postgres_url, table
from conversations.proforma import SERVICE_AREAS
from conversations.similarity import THRESHOLD, Area, area_of
from tests.factories import make_call, make_contact
from tests.labelled_pairs import HELD_OUT, Measured, measure, pairs

CALLS = 100_000
LOOKUPS = 200
INDEXES = ("ix_call_service_sector", "ix_call_service_district")
DISTRICTS = [f"{letters}{n}" for letters in ("M", "L", "B", "LS") for n in range(1, 11)]
SERVICES = [s for s in SERVICE_AREAS if s not in ("other", "not_sure")]
NOW = datetime(2026, 11, 23, tzinfo=UTC)


@dataclass(frozen=True)
class Lookups:
    """Milliseconds per look-up (median), with the index and without it, on one database."""

    database: str
    indexed_ms: float
    unindexed_ms: float


def _postcode(rng: random.Random) -> str:
    return f"{rng.choice(DISTRICTS)} {rng.randrange(10)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}Z"


def _fill(engine: Engine, rng: random.Random) -> None:
    """100,000 Calls in bulk, copying one stored the way the flow stores it."""
    concerns = [text for pair in pairs() for text in pair.concern]
    settings = Settings(_env_file=None)
    with write_session(engine) as session:
        model = make_call(session, make_contact(session, "sms", "+447911999999"))
        template = {
            column: getattr(model, column)
            for column in Call.model_fields
            if column not in ("id", "reference", "sequence")
        }
    statuses = [CallStatus.COLLECTING_SIGNATURES, CallStatus.READY, CallStatus.CLOSED]
    with write_session(engine) as session:
        calls, petitions = [], []
        for n in range(1, CALLS + 1):
            postcode = _postcode(rng)
            status = rng.choice(statuses)
            calls.append(
                {
                    **template,
                    "reference": f"CCS-2025-{n:06d}",
                    "year": 2025,
                    "sequence": n,
                    "contact_id": None,
                    "postcode": postcode,
                    "postcode_sector": area_of(postcode, Area.SECTOR),
                    "postcode_district": area_of(postcode, Area.DISTRICT),
                    "service_area": rng.choice(SERVICES),
                    "concerns": rng.choice(concerns),
                    "status": status,
                }
            )
        for start in range(0, len(calls), 5000):
            session.execute(insert(Call), calls[start : start + 5000])
        first = session.execute(
            select(col(Call.id)).where(col(Call.reference) == "CCS-2025-000001")
        ).scalar_one()
        for n, call in enumerate(calls):
            signable = call["status"] != CallStatus.CLOSED
            petitions.append(
                {
                    "call_id": first + n,
                    "code": f"B{n:06d}",
                    "title": "Ask the tenant panel to look into it",
                    "summary": "",
                    "status": PetitionStatus.OPEN if signable else PetitionStatus.CLOSED,
                    "closes_on": (NOW + timedelta(weeks=settings.petition_weeks)).date(),
                    "created_at": NOW,
                }
            )
        for start in range(0, len(petitions), 5000):
            session.execute(insert(Petition), petitions[start : start + 5000])


def _time(engine: Engine, asks: list[tuple[str, str, str]]) -> float:
    """The median milliseconds of one look-up, each in its own read."""
    settings = Settings(_env_file=None)
    times = []
    with engine.connect() as connection:
        session = session_in(connection)
        for service, postcode, concern in asks:
            start = time.perf_counter()
            petition_to_offer(
                session,
                settings,
                service=service,
                address=f"1 Bench Street {postcode}",
                concerns=concern,
                contact_id=None,
            )
            times.append((time.perf_counter() - start) * 1000)
        session.close()
    return statistics.median(times)


def lookups(url: str | None, label: str) -> Lookups:
    """Look-ups into 100,000 Calls with the index, then the same look-ups without it."""
    rng = random.Random(15)
    with database(url) as database_url:
        engine = make_engine(database_url)
        upgrade(engine)
        _fill(engine, rng)
        concerns = [pair.concern[0] for pair in pairs() if pair.same]
        asks = [
            (rng.choice(SERVICES), _postcode(rng), rng.choice(concerns)) for _ in range(LOOKUPS)
        ]
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
        _time(engine, asks[:20])  # warm the caches (the matcher's typo reading too)
        indexed = _time(engine, asks)
        with engine.begin() as connection:
            present = {i["name"] for i in inspect(connection).get_indexes("call")}
            for name in INDEXES:
                if name in present:
                    connection.execute(text(f"DROP INDEX {name}"))
            connection.execute(text("ANALYZE"))
        unindexed = _time(engine, asks)
        engine.dispose()
    return Lookups(label, indexed, unindexed)


def measure_all() -> tuple[Measured, list[Measured], list[Lookups]]:
    """The matcher at its threshold and around it, and the look-ups on each database."""
    labelled = pairs()
    curve = [measure(labelled, t / 100) for t in range(30, 85, 10)]
    runs = [lookups(None, "SQLite")]
    url = postgres_url()
    if url is not None:
        runs.append(lookups(url, "PostgreSQL"))
    return measure(labelled, THRESHOLD), curve, runs


def _line(name: str, labelled: int, m: Measured) -> str:
    return (
        f"Matcher on {labelled} {name}, threshold {m.threshold:.2f}: precision "
        f"{m.precision:.2f}, recall {m.recall:.2f} ({m.joined_right} joined rightly, "
        f"{m.joined_wrong} wrongly, {m.missed} missed)"
    )


def report(chosen: Measured, curve: list[Measured], runs: list[Lookups]) -> None:
    """Prints the matcher's figures and the look-up times."""
    print(f"\nbench/joining.py - {machine()}\n")
    print(_line("labelled pairs it was tuned on", len(pairs()), chosen))
    held_out = pairs(HELD_OUT)
    print(_line("pairs written afterwards (held out)", len(held_out), measure(held_out)) + "\n")
    rows = [[f"{m.threshold:.2f}", f"{m.precision:.2f}", f"{m.recall:.2f}"] for m in curve]
    print(table(rows, ["threshold", "precision", "recall"]))
    print()
    rows = [
        [
            r.database,
            f"{r.indexed_ms:.2f} ms",
            f"{r.unindexed_ms:.2f} ms",
            f"{r.unindexed_ms / r.indexed_ms:.0f} x",
        ]
        for r in runs
    ]
    print(
        table(
            rows,
            [f"look-up at {CALLS:,} Calls", "with the index", "without it", "index's gain"],
        )
    )


def main() -> None:
    """Measures and prints."""
    report(*measure_all())


if __name__ == "__main__":
    main()
