"""References are CCS-<year>-<sequence>, sequential per year, distinct under concurrency."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import Session, select

from backend.models import Call, Contact, ConversationRecord
from backend.settings import Settings
from backend.store.db import write_session
from backend.store.references import format_reference, next_sequence
from backend.turns.store import SqlStore
from bot.shell import receive
from conversations import Channel, Inbound, Step
from tests.factories import conversation_at, sample_renderer

renderer = sample_renderer()


def test_reference_format() -> None:
    assert format_reference(2026, 42) == "CCS-2026-0042"
    assert format_reference(2026, 12345) == "CCS-2026-12345"


def test_sequences_restart_each_year(session: Session) -> None:
    assert [next_sequence(session, 2026) for _ in range(3)] == [1, 2, 3]
    assert next_sequence(session, 2027) == 1
    assert next_sequence(session, 2026) == 4


def _at_review(engine: Engine, address: str) -> None:
    with write_session(engine) as session:
        contact = Contact(channel="web", address=address)
        session.add(contact)
        session.flush()
        assert contact.id is not None
        state = conversation_at(Step.REVIEW)
        session.add(
            ConversationRecord(contact_id=contact.id, step=state.step, state=state.to_json())
        )


def test_concurrent_submits_get_distinct_sequential_references(engine: Engine) -> None:
    tenants = [f"tenant-{n}" for n in range(24)]
    for address in tenants:
        _at_review(engine, address)
    store = SqlStore(engine, Settings(_env_file=None))

    def submit(address: str) -> str:
        replies = receive(store, renderer, Inbound(Channel.WEB, address, "0", f"{address}-send"))
        return replies[0].text

    with ThreadPoolExecutor(max_workers=8) as pool:
        texts = list(pool.map(submit, tenants))
    assert all("CCS-" in t for t in texts)
    with Session(engine) as session:
        references = sorted(c.reference for c in session.exec(select(Call)))
    year = datetime.now(UTC).year
    assert references == [format_reference(year, n) for n in range(1, 25)]


def test_two_messages_from_one_tenant_at_once_are_both_answered_in_turn(engine: Engine) -> None:
    _at_review(engine, "busy")
    store = SqlStore(engine, Settings(_env_file=None))
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(
            pool.map(
                lambda n: receive(store, renderer, Inbound(Channel.WEB, "busy", "HELP", f"h{n}")),
                range(2),
            )
        )
    assert all(results)
    with Session(engine) as session:
        record = session.exec(select(ConversationRecord)).one()
        assert record.version == 3  # created at 1, then each message saved once
