"""The outbox reads only the messages waiting to go, never the whole message log (0014)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic import command
from sqlalchemy import Engine, insert, text
from sqlmodel import Session

from backend.messaging.outbox import SqlOutbox, claimable
from backend.models import Contact, Direction, Message, MessageStatus
from backend.store.db import make_engine, table_of, write_session
from backend.store.migrate import alembic_config, upgrade

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _index_sql(engine: Engine, name: str) -> str:
    """The index as the database holds it (its definition, with any WHERE)."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            query = text("SELECT sql FROM sqlite_master WHERE name = :name")
        else:
            query = text("SELECT indexdef FROM pg_indexes WHERE indexname = :name")
        return str(connection.execute(query, {"name": name}).scalar_one())


def _log(
    session: Session, contact: Contact, status: MessageStatus, next_attempt_at: datetime
) -> int:
    message = Message(
        contact_id=contact.id or 0,
        channel=contact.channel,
        direction=Direction.OUT.value,
        body="Your Call is on the agenda.",
        status=status.value,
        created_at=NOW,
        next_attempt_at=next_attempt_at,
    )
    session.add(message)
    session.flush()
    return message.id or 0


def test_both_databases_keep_the_outbox_indexes_partial(engine: Engine) -> None:
    # The condition each index is kept under, as the database stores it (what the outbox's
    # search states, test below; what it finds among sent messages, the test after).
    unsent = _index_sql(engine, "ix_message_unsent").lower()
    assert "where" in unsent
    assert "'queued'" in unsent and "'sending'" in unsent
    replies = _index_sql(engine, "ix_message_in_reply_to").lower()
    assert "in_reply_to is not null" in replies


def test_sqlite_plans_the_outbox_search_on_the_unsent_index(tmp_path: Path) -> None:
    # SQLite takes a partial index only when the query states its condition as written: a
    # bound parameter or another spelling would send the outbox back to reading every message.
    engine = make_engine(f"sqlite:///{tmp_path / 'plan.db'}")
    upgrade(engine)
    query = claimable(NOW, 50).compile(engine, compile_kwargs={"render_postcompile": True})
    values = [query.params[name] for name in query.positiontup or ()]
    with engine.connect() as connection:
        driver = connection.connection.driver_connection
        assert driver is not None
        plan = [row[3] for row in driver.execute(f"EXPLAIN QUERY PLAN {query}", values)]
    scans = [step for step in plan if step.startswith("SCAN")]
    # Only the messages waiting to go are read; the rest is looked up by id.
    assert scans and all(step.endswith("INDEX ix_message_unsent") for step in scans), plan


def test_the_outbox_claims_what_waits_among_messages_long_sent(engine: Engine) -> None:
    with write_session(engine) as session:
        contact = Contact(channel="telegram", address="4242", created_at=NOW)
        session.add(contact)
        session.flush()
        for _ in range(30):
            _log(session, contact, MessageStatus.SENT, NOW - timedelta(days=1))
        due = _log(session, contact, MessageStatus.QUEUED, NOW)
        _log(session, contact, MessageStatus.QUEUED, NOW)  # behind the first
        later = Contact(channel="telegram", address="4343", created_at=NOW)
        session.add(later)
        session.flush()
        _log(session, later, MessageStatus.QUEUED, NOW + timedelta(minutes=5))
    claimed = SqlOutbox(engine).claim(NOW, limit=10)
    assert [parcel.id for parcel in claimed] == [due]


def test_messages_queued_before_0014_are_still_sent(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'before.db'}")
    command.upgrade(alembic_config(engine), "0013")
    messages = table_of(Message)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO contact (channel, address, created_at) "
                "VALUES ('telegram', '4242', '2026-12-01 08:00:00.000000')"
            )
        )
        row = {
            "contact_id": 1,
            "channel": "telegram",
            "direction": "out",
            "body": "Your Call is on the agenda.",
            "buttons": "[]",
            "created_at": NOW,
            "attempts": 0,
        }
        connection.execute(
            insert(messages),
            [
                {**row, "status": "sent", "next_attempt_at": NOW - timedelta(hours=1)},
                {**row, "status": "queued", "next_attempt_at": NOW - timedelta(minutes=1)},
            ],
        )
    upgrade(engine)
    assert [parcel.id for parcel in SqlOutbox(engine).claim(NOW, limit=10)] == [2]
