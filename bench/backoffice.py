"""Back-office render times with 1,000 and with 100,000 Calls, measured in the same run.

Seeds each size straight into a fresh SQLite file with SQLAlchemy core inserts, starts
bench.server on it, signs in through the login form, then times the dashboard (GET /officer/)
and one Call's page with sequential requests. The ratio is the 1,000-Call median divided by the
100,000-Call median: 1.00 means the bigger database costs nothing, and the goal is above 0.8.

The open workload (about 100 Calls waiting on someone) is the same at both sizes; the extra
Calls are finished history (closed or completed), spread over the past five years, as they
would be at a landlord that has used the service for a long time.

Run with `make bench` (or `python -m bench.backoffice`).
"""

from __future__ import annotations

import os
import random
import re
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import Engine, func, insert, select

from backend.models import Call, CallEvent, CallStatus, Contact, OfficerRole, ReferenceCounter
from backend.people.officers import create_officer
from backend.store.db import make_engine, write_session
from backend.store.migrate import upgrade
from backend.store.references import format_reference
from bench.common import machine, served, table
from conversations.proforma import SERVICE_AREAS

SIZES = (1_000, 100_000)
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "50"))
WARM_UP = 5
BATCH = 5_000
EMAIL = "bench-officer@example.org"
PASSWORD = "bench-password-long-enough"  # noqa: S105 - a throwaway account in a temp database
NOW = datetime.now(UTC).replace(microsecond=0)
S = CallStatus

# Calls waiting on someone: the same number whatever the size of the history.
OPEN_WORK = {
    S.SUBMITTED: 20,
    S.GATHERING_EVIDENCE: 10,
    S.COLLECTING_SIGNATURES: 15,
    S.READY: 5,
    S.ON_AGENDA: 8,
    S.NOT_EXHAUSTED: 8,
    S.MONITORING: 8,
    S.ACCEPTED: 5,
    S.SERIOUS_FAILURE: 2,
    S.PROGRAMMED: 4,
    S.IN_SCRUTINY: 2,
    S.REPORTED: 1,
    S.ACTION_PLAN: 5,
}
DECIDED = {S.NOT_EXHAUSTED, S.MONITORING, S.ACCEPTED, S.SERIOUS_FAILURE}
AFTER_ACCEPTANCE = {S.PROGRAMMED, S.IN_SCRUTINY, S.REPORTED, S.ACTION_PLAN, S.COMPLETED}


def _statuses(size: int, rng: random.Random) -> list[CallStatus]:
    """Oldest first: finished history, then the open workload (the newest Calls)."""
    history = size - sum(OPEN_WORK.values())
    done = [S.COMPLETED if rng.random() < 0.2 else S.CLOSED for _ in range(history)]
    open_work = [status for status, n in OPEN_WORK.items() for _ in range(n)]
    rng.shuffle(open_work)
    return done + open_work


def _decision(status: CallStatus, rng: random.Random) -> str:
    """The decision a Call at `status` rests on (closed ones were mostly not taken further)."""
    if status in DECIDED:
        return status.value
    if status in AFTER_ACCEPTANCE:
        return S.ACCEPTED.value
    return rng.choice((S.NOT_EXHAUSTED.value, S.MONITORING.value))


def _rows(size: int) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(contact, call) column values for `size` Calls, oldest first."""
    rng = random.Random(size)
    span = timedelta(days=5 * 365).total_seconds()
    stamps = sorted(NOW - timedelta(seconds=rng.uniform(60, span)) for _ in range(size))
    sequences: dict[int, int] = {}
    for n, (status, submitted) in enumerate(zip(_statuses(size, rng), stamps, strict=True)):
        sequence = sequences[submitted.year] = sequences.get(submitted.year, 0) + 1
        decided = status in DECIDED | AFTER_ACCEPTANCE or (
            status == S.CLOSED and rng.random() < 0.7
        )
        contact = {"channel": "web", "address": f"bench-{n}", "created_at": submitted}
        call = {
            "reference": format_reference(submitted.year, sequence),
            "year": submitted.year,
            "sequence": sequence,
            "status": status.value,
            "tenant_name": f"Tenant {n}",
            "address": f"{n} Bench Street, Bootle L30 4TH",
            "postcode": "L30 4TH",
            "contact_preference": "here",
            "service_area": rng.choice(SERVICE_AREAS),
            "concerns": "The lift keeps breaking down.",
            "actions_taken": "I rang the repairs line four times.",
            "complaint_stage": "stage_1",
            "failures": "Repairs are booked and nobody comes.",
            "failures_since": "March",
            "failures_frequency": "weekly",
            "others_affected": "yes",
            "route": "petition",
            "support_requested": False,
            "accepted_without_evidence": False,
            "evidence_notes": "",
            "decision_reasons": "Reasons." if decided else "",
            "advice": "",
            "immediate_recommendations": "",
            "report_summary": "",
            "decision": _decision(status, rng) if decided else None,
            "decided_at": submitted + timedelta(days=rng.randint(7, 60)) if decided else None,
            "submitted_at": submitted,
            "updated_at": submitted,
        }
        yield contact, call


def seed(engine: Engine, size: int) -> str:
    """Inserts `size` Calls and an officer; returns the reference of a Call on an agenda."""
    with write_session(engine) as session:
        create_officer(
            session, email=EMAIL, name="Bench Officer", role=OfficerRole.PANEL, password=PASSWORD
        )
    contacts, calls = Contact.__table__, Call.__table__  # type: ignore[attr-defined]
    on_agenda = ""
    batch: list[tuple[dict[str, Any], dict[str, Any]]] = []
    next_id = 1

    def flush() -> None:
        nonlocal next_id
        with engine.begin() as connection:
            connection.execute(insert(contacts), [c for c, _ in batch])
            # Contacts get ids in insert order in an empty table: tie each Call to its own.
            rows = [{**call, "contact_id": next_id + i} for i, (_, call) in enumerate(batch)]
            connection.execute(insert(calls), rows)
        next_id += len(batch)
        batch.clear()

    for pair in _rows(size):
        batch.append(pair)
        if not on_agenda and pair[1]["status"] == S.ON_AGENDA:
            # The same kind of Call at both sizes, so the page draws the same forms.
            on_agenda = pair[1]["reference"]
        if len(batch) == BATCH:
            flush()
    if batch:
        flush()
    with engine.begin() as connection:
        # A little timeline for the Call whose page is measured, as a real one would have.
        found = connection.execute(calls.select().where(calls.c.reference == on_agenda)).first()
        assert found is not None  # noqa: S101 - it was just inserted
        connection.execute(
            insert(CallEvent.__table__),  # type: ignore[attr-defined]
            [
                {"call_id": found.id, "at": found.submitted_at, "to_status": s, "action": "bench"}
                for s in ("submitted", "ready", "on_agenda", found.status)
            ],
        )
        # The reference counters carry on from the seeded Calls, as after real submissions.
        last = connection.execute(
            select(calls.c.year, func.max(calls.c.sequence)).group_by(calls.c.year)
        )
        connection.execute(
            insert(ReferenceCounter.__table__),  # type: ignore[attr-defined]
            [{"year": year, "last": sequence} for year, sequence in last],
        )
    return on_agenda


def sign_in(client: httpx.Client) -> None:
    """Signs the client in through the login form (csrf cookie and field, then POST)."""
    form = client.get("/officer/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    if token is None:
        raise RuntimeError("no csrf field on the login form")
    response = client.post(
        "/officer/login",
        data={"email": EMAIL, "password": PASSWORD, "csrf": token.group(1)},
    )
    if "fd_officer" not in client.cookies:
        raise RuntimeError(f"sign-in failed: {response.status_code}")


Timings = dict[str, list[float]]


def _get(client: httpx.Client, path: str, times: Timings) -> None:
    start = time.perf_counter()
    response = client.get(path)
    times.setdefault(path, []).append(time.perf_counter() - start)
    response.raise_for_status()


def prepare(stack: ExitStack, tmp: str, size: int) -> tuple[httpx.Client, str]:
    """Seeds a fresh database with `size` Calls, serves it, and signs a client in."""
    url = f"sqlite:///{tmp}/bench-{size}.db"
    engine = make_engine(url)
    upgrade(engine)
    start = time.perf_counter()
    reference = seed(engine, size)
    print(f"seeded {size:,} Calls in {time.perf_counter() - start:.1f} s")
    engine.dispose()
    server = stack.enter_context(served(url))
    client = stack.enter_context(httpx.Client(base_url=server.base, timeout=60))
    sign_in(client)
    return client, f"/officer/calls/{reference}"


def measure() -> dict[int, dict[str, tuple[float, float]]]:
    """Both sizes served side by side, requests interleaved so a busy machine slows both alike.

    Returns, per size and page, the median milliseconds as the client and the server saw them.
    """
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        servers = {size: prepare(stack, tmp, size) for size in SIZES}
        client_times: dict[int, Timings] = {size: {} for size in SIZES}
        for round_number in range(WARM_UP + REQUESTS):
            if round_number == WARM_UP:  # forget the warm-up
                client_times = {size: {} for size in SIZES}
                for client, _ in servers.values():
                    client.get("/bench/stats")
            for size, (client, call_page) in servers.items():
                _get(client, "/officer/", client_times[size])
                _get(client, call_page, client_times[size])
        found: dict[int, dict[str, tuple[float, float]]] = {}
        for size, (client, call_page) in servers.items():
            server_times = client.get("/bench/stats").json()
            found[size] = {
                page: (
                    statistics.median(client_times[size][path]) * 1000,
                    statistics.median(server_times[path]) * 1000,
                )
                for page, path in (("dashboard", "/officer/"), ("call", call_page))
            }
        return found


def report(found: dict[int, dict[str, tuple[float, float]]]) -> None:
    """Prints the table."""
    small, large = (found[size] for size in SIZES)
    rows = [
        [
            f"{size:,} Calls",
            f"{found[size]['dashboard'][0]:.1f} / {found[size]['dashboard'][1]:.1f}",
            f"{found[size]['call'][0]:.1f} / {found[size]['call'][1]:.1f}",
        ]
        for size in SIZES
    ]
    rows.append(
        [
            "ratio 1,000 / 100,000 (client / server)",
            f"{small['dashboard'][0] / large['dashboard'][0]:.2f}"
            f" / {small['dashboard'][1] / large['dashboard'][1]:.2f}",
            f"{small['call'][0] / large['call'][0]:.2f}"
            f" / {small['call'][1] / large['call'][1]:.2f}",
        ]
    )
    print(
        f"\nbench/backoffice.py - {machine()}, SQLite, {REQUESTS} requests per page and size, "
        "sequential, the two sizes interleaved\n"
    )
    headers = ["size", "dashboard p50 ms client / server", "Call page p50 ms client / server"]
    print(table(rows, headers))


def main() -> None:
    """Measures both sizes and prints the table."""
    report(measure())


if __name__ == "__main__":
    main()
