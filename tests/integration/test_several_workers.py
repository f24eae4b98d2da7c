"""Two uvicorn worker processes on one database: conversations and references stay right."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from backend.models import Call
from tests.factories import typed_pro_forma
from tests.serving import free_port, start_frontdoor


@pytest.fixture
def two_workers(database_url: str, engine: Engine) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "ENVIRONMENT": "test",
        "DEMO_DATA": "false",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
    }
    server = start_frontdoor(env, port, "--workers", "2", "--no-worker")
    base = f"http://127.0.0.1:{port}"
    try:
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_many_tenants_at_once_across_two_processes(two_workers: str, engine: Engine) -> None:
    def tenant(n: int) -> str:
        with httpx.Client(base_url=two_workers, timeout=30) as client:
            replies: list[dict[str, object]] = []
            for text in typed_pro_forma(route="2"):
                response = client.post(
                    "/chat/messages", json={"text": text, "message_id": uuid.uuid4().hex}
                )
                response.raise_for_status()
                replies = response.json()["replies"]
            found = re.search(r"CCS-\d{4}-\d{4}", str(replies[-1]["text"]))
            assert found, replies
            return found.group()

    with ThreadPoolExecutor(max_workers=12) as pool:
        references = list(pool.map(tenant, range(12)))
    assert len(set(references)) == 12
    with Session(engine) as session:
        stored = sorted(c.reference for c in session.exec(select(Call)))
    assert stored == sorted(references)
    numbers = sorted(int(r.rsplit("-", 1)[1]) for r in references)
    assert numbers == list(range(numbers[0], numbers[0] + 12))
