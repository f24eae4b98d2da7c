"""Verified signatures per second through HTTP, and the petition page at 1,000 vs 100,000.

Each signature is the real two-step path: POST the form (a code is made and queued), then POST
the code. With no SMS provider in development the code comes back to the browser, which is
how `make run` demos it; here that lets the load generator confirm without a phone. Compared
with a bare endpoint doing the same two form posts, in the same run.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from sqlalchemy import insert
from sqlmodel import Session

from backend import petitions
from backend.db import make_engine, write_session
from backend.migrate import upgrade
from backend.models import CallStatus, Petition, Signature
from backend.settings import Settings
from bench.common import HEADERS, Result, hammer, machine, ratio_row, served, table
from tests.factories import make_call, make_contact

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "32"))
PER_CLIENT = int(os.environ.get("BENCH_SIGNATURES", "15"))
SERVER = {
    "environment": "development",
    "outbox_worker": False,
    "signing_codes_per_hour": {"phone": 3, "ip": 1_000_000, "petition": 1_000_000},
}


def _petition(url: str) -> str:
    engine = make_engine(url)
    upgrade(engine)
    settings = Settings(_env_file=None)
    with write_session(engine) as session:
        call = make_call(session, make_contact(session, "sms", "+447911999999"))
        call.status, call.signatories_needed = CallStatus.COLLECTING_SIGNATURES, 1_000_000
        petition = petitions.open_petition(session, call, settings, datetime.now(UTC))
        petitions.set_target(session, petition)
        return petition.code


async def signer(n: int, client: httpx.AsyncClient, code: str) -> list[float]:
    latencies = []
    for i in range(PER_CLIENT):
        start = time.perf_counter()
        asked = await client.post(
            f"/s/{code}",
            data={
                "name": f"Signer {n} {i}",
                "address": f"{i} Bench Row, L{n % 40} 4TH",
                "phone": f"07911{n:03d}{i:03d}",
                "affected": "yes",
            },
        )
        if asked.status_code != 303:
            raise RuntimeError(f"form refused: {asked.status_code} {asked.text[:200]}")
        done = await client.post(
            asked.headers["location"], data={"code": asked.cookies["fd_demo_code"]}
        )
        if done.status_code != 303:
            raise RuntimeError(f"code refused: {done.status_code}")
        latencies.append(time.perf_counter() - start)
    return latencies


async def bare(n: int, client: httpx.AsyncClient) -> list[float]:
    latencies = []
    for i in range(PER_CLIENT):
        start = time.perf_counter()
        for _ in range(2):
            response = await client.post(
                "/bench/bare-form", data={"name": f"S {n} {i}", "code": "1"}
            )
            response.raise_for_status()
        latencies.append(time.perf_counter() - start)
    return latencies


def _fill(url: str, code: str, total: int) -> None:
    """Adds signatures in bulk up to `total`, keeping the maintained count in step."""
    engine = make_engine(url)
    with Session(engine) as session:
        petition = petitions.by_code(session, code)
        if petition is None:
            raise SystemExit("the benchmark petition is missing")
        have = petition.signature_count
        now = datetime.now(UTC)
        rows = [
            {
                "petition_id": petition.id,
                "name": f"Bulk {n}",
                "address": f"{n} Bulk St L30 4TH",
                "postcode_district": "L30",
                "phone": f"+4470{n:09d}",
                "identity": f"bulk-{n}",
                "affected": True,
                "hear_outcome": False,
                "verified_by": "sms_code",
                "verified_at": now,
                "ip_hash": "",
                "flagged": "",
                "struck_reason": "",
            }
            for n in range(have, total)
        ]
        for start in range(0, len(rows), 5000):
            session.execute(insert(Signature), rows[start : start + 5000])
        session.get(Petition, petition.id).signature_count = total  # type: ignore[union-attr]
        session.commit()


def _page_times(base: str, code: str, requests: int = 60) -> float:
    with httpx.Client(base_url=base) as client:
        client.get(f"/s/{code}")
        times = []
        for _ in range(requests):
            start = time.perf_counter()
            client.get(f"/s/{code}").raise_for_status()
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


@dataclass(frozen=True)
class Surge:
    """What bench.signatures measured."""

    baseline: Result
    first: Result  # signatures into an empty petition
    later: Result  # the same with 100,000 already signed
    page_small_ms: float
    page_large_ms: float
    peak_rss_mb: float


def measure() -> Surge:
    """A surge into a new petition, the same surge at 100,000 signatures, and the page."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        code = _petition(url)
        with served(url, settings=SERVER) as server:
            base = server.base
            baseline = asyncio.run(hammer("bare endpoint, 2 form posts", CLIENTS, bare, base))
            first = asyncio.run(
                hammer(
                    "verified signatures, new petition",
                    CLIENTS,
                    lambda n, c: signer(n, c, code),
                    base,
                )
            )
            _fill(url, code, 1_000)
            small = _page_times(base, code)
            _fill(url, code, 100_000)
            large = _page_times(base, code)
            later = asyncio.run(
                hammer(
                    "verified signatures, 100,000 already signed",
                    CLIENTS,
                    lambda n, c: signer(n, c, code),
                    base,
                    offset=CLIENTS,
                )
            )
            return Surge(baseline, first, later, small, large, server.peak_rss_mb())


def report(surge: Surge) -> None:
    """Prints the tables."""
    rows = [
        ratio_row(surge.baseline, None),
        ratio_row(surge.first, surge.baseline),
        ratio_row(surge.later, surge.baseline),
    ]
    print(f"\nbench/signatures.py - {machine()}, {CLIENTS} clients, SQLite, 1 worker\n")
    print(table(rows, [h.replace("requests", "signatures") for h in HEADERS]))
    print()
    small, large = surge.page_small_ms, surge.page_large_ms
    print(
        table(
            [
                ["signing page, 1,000 signatures", f"{small:.2f}", "1.00"],
                ["signing page, 100,000 signatures", f"{large:.2f}", f"{small / large:.2f}"],
            ],
            ["what", "median ms", "ratio (1k time / 100k time, goal > 0.8)"],
        )
    )
    print(f"\npeak server RSS: {surge.peak_rss_mb:.0f} MB")


def main() -> None:
    """Measures and prints the tables."""
    report(measure())


if __name__ == "__main__":
    main()
