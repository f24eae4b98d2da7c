"""`frontdoor serve` in a process of its own, for the tests that kill, restart or multiply it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    """A TCP port nobody is listening on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_frontdoor(
    env: dict[str, str], port: int, *flags: str, log: Path | None = None
) -> subprocess.Popen[bytes]:
    """Runs `frontdoor serve` with `flags`, its output in `log` if given, and returns once
    /readyz answers 200 (60 s at most); fails, showing the log, if it dies or never answers."""
    with (log or Path(os.devnull)).open("wb") as output:
        # The child keeps its own copy of the file: this one can close.
        server = subprocess.Popen(
            [sys.executable, "-m", "backend.cli", "serve", "--port", str(port), *flags],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            shown = log.read_text(errors="replace") if log else ""
            raise RuntimeError(f"frontdoor serve {' '.join(flags)} did not start\n{shown}")
        time.sleep(0.2)
