"""Verified signatures per second at a petition surge, and the petition page at 1,000 vs 100,000.

Each signature is the real two-step path, driven by wrk (bench/sign.lua): POST the form (a code
is made and queued), then POST the code. With no SMS provider in development the code comes
back to the browser, which is how `make run` demos it; here that lets the load generator
confirm without a phone. Measured into a new petition and again with 100,000 signatures in
it, against a bare endpoint taking the same two form posts, in the same run.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from sqlalchemy import insert

from backend import petitions
from backend.models import CallStatus, Signature
from backend.settings import Settings
from backend.store.db import make_engine, write_session
from backend.store.migrate import upgrade
from bench import load
from bench.common import Server, machine, served, table
from tests.factories import make_call, make_contact

CLIENTS = 32
SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
SERVER = {
    "environment": "development",
    "outbox_worker": False,
    "signing_codes_per_hour": {"phone": 3, "ip": 1_000_000, "petition": 1_000_000},
    # The service-wide cap on codes texted (issue 12) would stop a surge measured from one host.
    "signing_codes_service": {"hour": 1_000_000_000, "day": 1_000_000_000},
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


def _fill(url: str, code: str, total: int) -> None:
    """Adds signatures in bulk up to `total`, keeping the maintained count in step."""
    engine = make_engine(url)
    # A write transaction from the start: the server may still be finishing the last requests.
    with write_session(engine) as session:
        petition = petitions.by_code(session, code)
        if petition is None:
            raise SystemExit("the benchmark petition is missing")
        have = petition.signature_count
        if have >= total:
            return
        now = datetime.now(UTC)
        rows = [
            {
                "petition_id": petition.id,
                "name": f"Bulk {n}",
                "address": f"{n} Bulk St L30 4TH",
                "postcode_district": "L30",
                "phone": f"+4470{n:09d}",
                "identity": f"bulk-{n}",
                "home": f"bulk-home-{n}",
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
        petition.signature_count = total


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

    bare_per_second: float  # pairs of form posts to the bare endpoint
    bare_cpu_ms: float  # the server's CPU time per bare form post
    first: load.Signing  # into an empty petition
    later: load.Signing  # the same with 100,000 already signed
    page_small_ms: float
    page_large_ms: float
    peak_rss_mb: float


def _bare_pairs(server: Server) -> tuple[float, float]:
    """Pairs of form posts a second, each the size of a signature's, to the bare endpoint;
    and the server's CPU milliseconds per post."""
    body = "name=Signer+1&address=1+Bench+Row%2C+L1+4TH&phone=07900000001&affected=yes"
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    posts = [load.Request("/bench/bare-form", headers, body)] * 1000
    bare = load.wrk(server, posts, seconds=SECONDS, may_repeat=True)
    return bare.per_second / 2, bare.server_cpu_ms


def measure() -> Surge:
    """A surge into a new petition, the same surge at 100,000 signatures, and the page."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        code = _petition(url)
        with served(url, settings=SERVER) as server:
            load.surge(server, code, first=0, seconds=2)  # warm up
            bare, bare_cpu = _bare_pairs(server)
            first = load.surge(server, code, first=100_000, seconds=SECONDS, connections=CLIENTS)
            _fill(url, code, 1_000)
            small = _page_times(server.base, code)
            _fill(url, code, 100_000)
            large = _page_times(server.base, code)
            later = load.surge(server, code, first=200_000, seconds=SECONDS, connections=CLIENTS)
            return Surge(bare, bare_cpu, first, later, small, large, server.peak_rss_mb())


def report(surge: Surge) -> None:
    """Prints the tables."""
    rows = [
        [
            "bare endpoint, 2 form posts",
            f"{surge.bare_per_second:,.0f}",
            "-",
            "-",
            "1.00",
            "-",
            f"{surge.bare_cpu_ms:.2f}",
        ]
    ]
    for name, run in (("new petition", surge.first), ("100,000 already signed", surge.later)):
        rows.append(
            [
                f"verified signatures, {name}",
                f"{run.per_second:,.0f}",
                f"{run.p50_ms:.1f}",
                f"{run.p99_ms:.1f}",
                f"{run.per_second / surge.bare_per_second:.2f}",
                f"{run.cpu_busy:.0%}",
                f"{run.server_cpu_ms:.2f}",
            ]
        )
    print(
        f"\nbench/signatures.py - {machine()}, wrk, {CLIENTS} signers at once, SQLite, 1 worker\n"
    )
    headers = ["what", "signatures/s", "p50 ms", "p99 ms", "ratio to bare", "CPU busy"]
    headers.append("server CPU ms/request")
    print(table(rows, headers))
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
