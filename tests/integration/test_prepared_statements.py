"""The turn's prepared statements write and read what SQLAlchemy's own execute would, and the
turn's write transaction commits, rolls back and takes in an ORM session as a Session would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from backend.messaging import outbox
from backend.models import Contact, Message, MessageStatus
from backend.store.db import session_in, table_of, write_connection
from backend.turns.store import _statements
from bot.render import Button, Rendered

# Not UTC, with microseconds: the conversion to the stored form is part of what is compared.
NOW = datetime(2026, 11, 24, 10, 30, 15, 123456, tzinfo=timezone(timedelta(hours=1)))


def stored(engine: Engine, table: str, key: str, value: object) -> dict[str, Any]:
    """A row as the database holds it (SQLite's text for a date, not Python's)."""
    with engine.connect() as connection:
        row = connection.execute(
            text(f"SELECT * FROM {table} WHERE {key} = :value"),  # noqa: S608 - names are ours
            {"value": value},
        ).one()
    return dict(row._mapping)


def without(row: dict[str, Any], *names: str) -> dict[str, Any]:
    return {name: value for name, value in row.items() if name not in names}


def test_inserts_write_the_same_row_as_sqlalchemy(engine: Engine) -> None:
    sql = _statements(engine.dialect.name)
    with write_connection(engine) as connection:
        fast_id = sql.add_contact.scalar(
            connection, {"channel": "sms", "address": "+447700900001", "created_at": NOW}
        )
        slow_id = connection.execute(
            sql.add_contact.statement,
            {"channel": "sms", "address": "+447700900002", "created_at": NOW},
        ).scalar()
        logged = {
            "contact_id": fast_id,
            "channel": "sms",
            "direction": "in",
            "body": "Hello & <goodbye>",
            "buttons": "[]",
            "status": MessageStatus.RECEIVED.value,
            "created_at": NOW,
        }
        fast_message = sql.log_inbound.scalar(connection, {**logged, "provider_message_id": "A"})
        slow_message = connection.execute(
            sql.log_inbound.statement, {**logged, "provider_message_id": "B"}
        ).scalar()
    fast, slow = (stored(engine, "contact", "id", n) for n in (fast_id, slow_id))
    assert without(fast, "id", "address") == without(slow, "id", "address")
    fast, slow = (stored(engine, "message", "id", n) for n in (fast_message, slow_message))
    assert without(fast, "id", "provider_message_id") == without(slow, "id", "provider_message_id")
    assert fast["attempts"] == 0  # the column's default, as SQLAlchemy fills it in


def test_a_second_insert_of_a_unique_row_returns_nothing(engine: Engine) -> None:
    sql = _statements(engine.dialect.name)
    who = {"channel": "sms", "address": "+447700900003", "created_at": NOW}
    with write_connection(engine) as connection:
        assert sql.add_contact.scalar(connection, who) is not None
        assert sql.add_contact.scalar(connection, who) is None


def test_reads_give_what_sqlalchemy_gives(engine: Engine) -> None:
    sql = _statements(engine.dialect.name)
    who = {"channel": "telegram", "address": "42"}
    with write_connection(engine) as connection:
        contact_id = sql.add_contact.scalar(connection, {**who, "created_at": NOW})
        connection.execute(
            table_of(Contact).update().values(opted_out_at=NOW),
        )
        fast = sql.find_contact.first(connection, who)
        slow = tuple(connection.execute(sql.find_contact.statement, who).one())
    assert fast == slow == (contact_id, NOW.astimezone(UTC), "", None, None)  # no language yet


def test_an_update_says_how_many_rows_it_changed(engine: Engine) -> None:
    sql = _statements(engine.dialect.name)
    with write_connection(engine) as connection:
        contact_id = sql.add_contact.scalar(
            connection, {"channel": "web", "address": "visitor", "created_at": NOW}
        )
        saved = {"step": "name", "state": "{}", "updated_at": NOW, "created_at": NOW}
        sql.create.first(connection, {**saved, "contact_id": contact_id, "version": 1})
        later = {"step": "name", "state": "{}", "updated_at": NOW, "version": 2}
        assert sql.save.rowcount(
            connection, {**later, "the_contact": contact_id, "seen_version": 1}
        )
        stale = {**later, "the_contact": contact_id, "seen_version": 1}
        assert sql.save.rowcount(connection, stale) == 0


def test_a_refused_row_raises_sqlalchemys_error_and_the_turn_rolls_back(engine: Engine) -> None:
    sql = _statements(engine.dialect.name)
    with pytest.raises(IntegrityError), write_connection(engine) as connection:
        sql.add_contact.scalar(connection, {"channel": "sms", "address": "+1", "created_at": NOW})
        sql.log_inbound.scalar(
            connection,
            {
                "contact_id": 999_999,  # no such contact
                "channel": "sms",
                "direction": "in",
                "provider_message_id": "C",
                "body": "",
                "buttons": "[]",
                "status": MessageStatus.RECEIVED.value,
                "created_at": NOW,
            },
        )
    with Session(engine) as session:
        assert session.exec(select(Contact)).all() == []


def test_replies_queued_on_the_connection_match_replies_queued_by_a_session(
    engine: Engine,
) -> None:
    replies = [Rendered("One"), Rendered("Two", (Button("Yes", "1"),))]
    with Session(engine, expire_on_commit=False) as session:
        first = Contact(channel="telegram", address="1", created_at=NOW)
        second = Contact(channel="telegram", address="2", created_at=NOW)
        session.add_all([first, second])
        session.commit()
    with write_connection(engine) as connection:
        fast = outbox.queue(connection, first, replies, NOW, in_reply_to=None)
    with Session(engine) as session:
        slow = outbox.queue(session, second, replies, NOW, in_reply_to=None)
        session.commit()
    assert fast == sorted(fast) and slow == sorted(slow)
    for mine, theirs in zip(fast, slow, strict=True):
        assert without(stored(engine, "message", "id", mine), "id", "contact_id") == without(
            stored(engine, "message", "id", theirs), "id", "contact_id"
        )


def test_a_session_in_the_transaction_commits_and_rolls_back_with_it(engine: Engine) -> None:
    with write_connection(engine) as connection:
        session = session_in(connection)
        session.add(Contact(channel="sms", address="+kept", created_at=NOW))
        session.flush()
        session.close()
    with pytest.raises(RuntimeError), write_connection(engine) as connection:
        session = session_in(connection)
        session.add(Contact(channel="sms", address="+dropped", created_at=NOW))
        session.flush()
        session.close()
        raise RuntimeError("the turn failed")
    with Session(engine) as session:
        assert [c.address for c in session.exec(select(Contact))] == ["+kept"]
        assert session.exec(select(Message)).all() == []
