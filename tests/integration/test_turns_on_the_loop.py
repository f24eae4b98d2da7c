"""On SQLite a turn runs on the event loop only when it can write at once: while another writer
(another process, or another thread here) holds the write lock, the message waits in a turn
thread and the server goes on answering everything else."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from backend.store.db import WriterBusy, without_waiting, write_connection

WAIT = 20  # seconds: far longer than any of these requests takes when nothing holds them up


@pytest.fixture
def sqlite_engine(engine: Engine) -> Engine:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock; a server database runs turns in threads")
    return engine


@contextmanager
def another_process_writing(engine: Engine) -> Iterator[None]:
    """SQLite's write lock, held by a connection of its own as another process would hold it."""
    other = sqlite3.connect(str(engine.url.database), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


@contextmanager
def another_thread_writing(engine: Engine) -> Iterator[None]:
    with write_connection(engine):
        yield


def in_background(call: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    """Runs `call` (a request) in a thread of its own; its answer lands in the list."""
    answers: list[Any] = []
    thread = threading.Thread(target=lambda: answers.append(call()), daemon=True)
    thread.start()
    return thread, answers


@pytest.mark.parametrize("writer", [another_process_writing, another_thread_writing])
def test_a_message_waits_for_another_writer_without_holding_up_the_server(
    client: TestClient,
    sqlite_engine: Engine,
    writer: Callable[[Engine], AbstractContextManager[None]],
) -> None:
    with writer(sqlite_engine):
        message, answers = in_background(lambda: client.post("/chat/messages", json={"text": "Hi"}))
        health, health_answers = in_background(lambda: client.get("/healthz"))
        health.join(WAIT)
        assert [a.status_code for a in health_answers] == [200]  # the event loop is free
        assert message.is_alive()  # still waiting for the writer
    message.join(WAIT)
    assert [a.status_code for a in answers] == [200]
    assert answers[0].json()["replies"]


def test_without_waiting_only_the_first_write_refuses_a_held_lock(sqlite_engine: Engine) -> None:
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with write_connection(sqlite_engine):
            holding.set()
            release.wait(WAIT)

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    assert holding.wait(WAIT)
    with without_waiting():
        with pytest.raises(WriterBusy), write_connection(sqlite_engine):
            pytest.fail("the write lock was taken while another writer held it")
        threading.Timer(0.2, release.set).start()
        with write_connection(sqlite_engine):  # the next one waits for the writer, as usual
            assert release.is_set()
    holder.join(WAIT)
    assert not holder.is_alive()
