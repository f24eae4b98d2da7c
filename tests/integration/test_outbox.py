"""The outbox: nothing lost when a worker dies, nothing doubled when several run."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from backend.messaging.notify import Notifier
from backend.messaging.outbox import SqlOutbox
from backend.models import Contact, Message, MessageStatus
from backend.services import message_renderer
from backend.settings import Settings
from backend.store.db import write_session
from bot.delivery import LEASE, MAX_ATTEMPTS
from conversations import Outbound
from tests.fakes.telegram_api import FakeTelegram
from tests.integration.conftest import TELEGRAM_SECRET, drain, services_of

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _said(text: str) -> Outbound:
    return Outbound("officer_message", {"text": text})


def _queue(engine: Engine, settings: Settings, per_contact: int, contacts: int) -> None:
    renderer = message_renderer(settings)
    with write_session(engine) as session:
        for n in range(contacts):
            contact = Contact(channel="telegram", address=str(1000 + n), created_at=NOW)
            session.add(contact)
            session.flush()
            for m in range(per_contact):
                Notifier(session, renderer, NOW).notify(contact, _said(f"{n}-{m}"))


def test_a_worker_that_dies_after_claiming_leaves_the_message_for_another(
    app_client: TestClient, fake_telegram: FakeTelegram, channel_settings: Settings, engine: Engine
) -> None:
    _queue(engine, channel_settings, per_contact=2, contacts=1)
    dead_worker = SqlOutbox(engine)
    claimed = dead_worker.claim(NOW, limit=10)  # claimed, then the process is killed
    assert [p.text for p in claimed] == ["0-0"]  # order per tenant: one at a time
    services = services_of(app_client)
    services.clock = lambda: NOW + LEASE / 2
    drain(app_client)
    assert fake_telegram.texts() == []  # still leased to the dead worker
    services.clock = lambda: NOW + LEASE + timedelta(seconds=1)
    drain(app_client)
    assert fake_telegram.texts() == ["0-0", "0-1"]


def test_concurrent_claims_never_share_a_message(
    channel_settings: Settings, engine: Engine
) -> None:
    _queue(engine, channel_settings, per_contact=1, contacts=60)
    outboxes = [SqlOutbox(engine) for _ in range(4)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        batches = list(pool.map(lambda o: o.claim(NOW, 20), outboxes))
    ids = [p.id for batch in batches for p in batch]
    assert len(ids) == len(set(ids))
    assert len(ids) == 60
    with Session(engine) as session:
        statuses = {m.status for m in session.exec(select(Message))}
    assert statuses == {"sending"}


def test_frontdoor_telegram_webhook_registers_the_webhook_and_commands(
    fake_telegram: FakeTelegram, tmp_path: Path
) -> None:
    fake_telegram.reset()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "PUBLIC_BASE_URL": "https://frontdoor.example.org",
        "TELEGRAM_BOT_TOKEN": "123456:TEST-token",
        "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
        "TELEGRAM_API_BASE_URL": fake_telegram.api_base,
    }
    result = subprocess.run(
        [sys.executable, "-m", "backend.cli", "telegram-webhook"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "https://frontdoor.example.org/webhooks/telegram" in result.stdout
    (hook,) = fake_telegram.sent("setWebhook")
    assert hook.params["secret_token"] == TELEGRAM_SECRET
    assert hook.params["allowed_updates"] == ["message", "callback_query"]
    (commands,) = fake_telegram.sent("setMyCommands")
    assert [c["command"] for c in commands.params["commands"]] == [
        "start",
        "help",
        "status",
        "cancel",
    ]


def test_an_unknown_provider_error_is_retried_then_failed_and_the_worker_carries_on(
    app_client: TestClient,
    fake_telegram: FakeTelegram,
    channel_settings: Settings,
    engine: Engine,
    session: Session,
) -> None:
    # 401 makes python-telegram-bot raise InvalidToken: no error the Telegram sender knows.
    fake_telegram.fail_next("sendMessage", MAX_ATTEMPTS, status=401)
    _queue(engine, channel_settings, per_contact=1, contacts=1)  # chat "1000"
    services = services_of(app_client)
    for hours in range(MAX_ATTEMPTS):
        later = NOW + timedelta(hours=hours)  # past any backoff
        services.clock = lambda later=later: later  # type: ignore[misc]
        drain(app_client)
    broken = session.exec(select(Message).where(Message.body == "0-0")).one()
    assert broken.status == MessageStatus.FAILED and broken.attempts == MAX_ATTEMPTS
    assert broken.last_error and "Unauthorized" in broken.last_error
    assert fake_telegram.texts() == []

    with write_session(engine) as writing:  # the next message, to someone else, still goes
        contact = Contact(channel="telegram", address="1001", created_at=NOW)
        writing.add(contact)
        writing.flush()
        Notifier.of(writing, channel_settings, NOW).notify(contact, _said("later"))
    drain(app_client)
    assert fake_telegram.texts() == ["later"]
