"""Liveness and readiness."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from backend.app import create_app
from backend.settings import Settings
from backend.store.db import make_engine


def test_healthz_and_readyz_answer_when_all_is_well(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").status_code == 200


def test_readyz_says_503_when_the_database_is_unreachable(settings: Settings) -> None:
    dead = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    with TestClient(create_app(settings, dead)) as client:
        assert client.get("/healthz").status_code == 200
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "database unreachable"}


def test_readyz_says_503_when_the_database_answers_but_cannot_be_written(
    settings: Settings, database_url: str, migrated_engine: object
) -> None:
    from sqlalchemy import event

    read_only = make_engine(database_url)

    @event.listens_for(read_only, "connect")
    def _refuse_writes(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        if read_only.dialect.name == "sqlite":
            cursor.execute("PRAGMA query_only = ON")
        else:
            cursor.execute("SET default_transaction_read_only = on")
            dbapi_connection.commit()  # a SET inside a transaction rolled back would not hold
        cursor.close()

    with TestClient(create_app(settings, read_only)) as client:
        response = client.get("/readyz")
    read_only.dispose()
    assert response.status_code == 503
    assert response.json() == {"status": "database read-only"}
