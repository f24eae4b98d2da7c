"""Shared benchmark plumbing: a fresh database, the provider fakes, a server process, a table."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx


def free_port() -> int:
    """A TCP port nobody is listening on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    """A running bench.server: where it listens, and its processes (for their memory)."""

    base: str
    process: subprocess.Popen[bytes]

    def pids(self) -> list[int]:
        """The uvicorn process and every process under it (its workers)."""
        found, i = [self.process.pid], 0
        while i < len(found):
            for children in Path(f"/proc/{found[i]}/task").glob("*/children"):
                try:
                    found += [int(pid) for pid in children.read_text().split()]
                except OSError:
                    continue  # the thread ended
            i += 1
        return found

    def cpu_seconds(self) -> float:
        """CPU time (user + system) its processes have used so far: the server's alone, not
        the load generator's, the fakes' or the database's."""
        ticks = 0
        for pid in self.pids():
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except OSError:
                continue  # it exited
            fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def peak_rss_mb(self) -> float:
        """The largest peak resident memory (VmHWM) of any of its processes, in MB."""
        peaks = []
        for pid in self.pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            kb = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))
            peaks.append(int(kb) / 1024)
        return max(peaks, default=float("nan"))


@contextmanager
def fakes() -> Iterator[dict[str, str]]:
    """bench.fakes in its own process; yields the settings that reach it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.fakes"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        assert process.stdout is not None  # noqa: S101 - Popen was asked for a pipe
        yield json.loads(process.stdout.readline())
    finally:
        if process.stdin is not None:
            process.stdin.close()
        process.wait(timeout=10)


@contextmanager
def served(
    database_url: str, *, workers: int = 1, settings: dict[str, object] | None = None
) -> Iterator[Server]:
    """bench.server in its own process (so the clients do not share its core)."""
    port = free_port()
    command = [sys.executable, "-m", "bench.server", "--database-url", database_url]
    command += ["--port", str(port), "--workers", str(workers)]
    for name, value in (settings or {}).items():
        command += ["--setting", f"{name}={json.dumps(value)}"]
    process = subprocess.Popen(command)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("benchmark server did not start")
            time.sleep(0.1)
        yield Server(base, process)
    finally:
        process.terminate()
        process.wait(timeout=30)


def table(rows: list[list[str]], headers: list[str]) -> str:
    """A Markdown table, printed and pasted into the README as it is."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |"
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows
    ]
    return "\n".join([line, rule, *body])


def machine() -> str:
    """The line that says when and where figures were measured."""
    import platform
    from datetime import UTC, datetime

    return (
        f"{datetime.now(UTC):%Y-%m-%d}, {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )


@contextmanager
def database(url: str | None) -> Iterator[str]:
    """A fresh database: a SQLite file, or a PostgreSQL schema of its own dropped afterwards."""
    import tempfile
    import uuid

    from sqlalchemy import create_engine, text

    if url is None:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/bench.db"
        return
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        sep = "&" if "?" in url else "?"
        yield f"{url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def postgres_url() -> str | None:
    """PostgreSQL when BENCH_DATABASE_URL names one (make bench sets it)."""
    return os.environ.get("BENCH_DATABASE_URL") or None
