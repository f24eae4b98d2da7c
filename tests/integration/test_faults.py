"""Faults: the server killed with SIGKILL mid-conversation, with replies still in the outbox."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import httpx

from tests.fakes.telegram_api import FakeTelegram, make_update
from tests.serving import free_port, start_frontdoor

SECRET = "fault-test-secret"
CHAT = 5151


def _send(port: int, update_id: int, text: str) -> None:
    response = httpx.post(
        f"http://127.0.0.1:{port}/webhooks/telegram",
        json=make_update(update_id, chat_id=CHAT, text=text),
        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        timeout=10,
    )
    assert response.status_code == 200


def test_sigkill_with_replies_queued_loses_nothing_and_doubles_nothing(tmp_path: Path) -> None:
    port = free_port()
    fake = FakeTelegram()
    with fake.running():
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'fault.db'}",
            "ENVIRONMENT": "test",
            "TELEGRAM_BOT_TOKEN": "123456:FAULT",
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "TELEGRAM_API_BASE_URL": fake.api_base,
            "EVIDENCE_DIR": str(tmp_path / "evidence"),
        }
        # No worker: the replies stay queued, with nothing to deliver them.
        first = start_frontdoor(env, port, "--migrate", "--no-worker")
        for n, text in enumerate(["/start", "1", "Sam Jones"], start=1):
            _send(port, n, text)
        assert fake.texts(CHAT) == []
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)

        second = start_frontdoor(env, port, "--migrate")  # with its worker
        try:
            deadline = time.monotonic() + 20
            while len(fake.texts(CHAT)) < 3 and time.monotonic() < deadline:
                time.sleep(0.1)
            texts = fake.texts(CHAT)
            # The welcome opens with the other languages on offer, then says hello.
            assert [t.split(".")[0].splitlines()[-1] for t in texts] == [
                "Hello from Pine Court Housing",
                "Question 1 of 11",
                "Question 2 of 11",
            ]
            _send(port, 3, "Sam Jones")  # Telegram retrying the last update: processed once
            _send(port, 4, "L30 4TH")  # and the conversation carries on where it was
            deadline = time.monotonic() + 20
            while len(fake.texts(CHAT)) < 4 and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(0.5)
            texts = fake.texts(CHAT)
            assert len(texts) == 4
            assert texts[-1].startswith("Question 3 of 11")
        finally:
            second.terminate()
            second.wait(timeout=20)
