"""The `frontdoor` command: chat in a terminal, create an officer, migrate."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session, select

from backend.messaging.notify import Notifier
from backend.models import Call, Contact, Officer
from backend.settings import Settings
from backend.store.db import make_engine
from conversations import Outbound
from tests.factories import typed_pro_forma


def frontdoor(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "ENVIRONMENT": "test"}
    return subprocess.run(
        [sys.executable, "-m", "backend.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )


def test_frontdoor_chat_completes_a_call_in_the_terminal(tmp_path: Path) -> None:
    script = "\n".join(typed_pro_forma()[1:]) + "\nSTATUS\n"  # chat sends the first message itself
    result = frontdoor(tmp_path, "chat", "--address", "terminal-tester", stdin=script)
    assert result.returncode == 0, result.stderr
    assert "Question 1 of 11" in result.stdout
    reference = re.search(r"CCS-\d{4}-\d{4}", result.stdout)
    assert reference
    assert result.stdout.count(reference.group()) == 2  # once on submit, once for STATUS
    with Session(make_engine(f"sqlite:///{tmp_path / 'cli.db'}")) as session:
        assert session.exec(select(Call)).one().reference == reference.group()


def test_create_officer_stores_an_argon2_hash_and_refuses_a_duplicate(tmp_path: Path) -> None:
    assert frontdoor(tmp_path, "migrate").returncode == 0
    args = (
        "create-officer",
        "--email",
        "Ann@Example.org",
        "--name",
        "Ann",
        "--role",
        "panel",
        "--password",
        "correct-horse-battery",
    )
    assert frontdoor(tmp_path, *args).returncode == 0
    again = frontdoor(tmp_path, *args)
    assert again.returncode == 1
    assert "already exists" in again.stderr
    with Session(make_engine(f"sqlite:///{tmp_path / 'cli.db'}")) as session:
        officer = session.exec(select(Officer)).one()
    assert officer.email == "ann@example.org"
    assert officer.password_hash.startswith("$argon2id$")
    assert "correct-horse" not in officer.password_hash


def test_the_worker_touches_its_heartbeat_while_rounds_work(tmp_path: Path) -> None:
    assert frontdoor(tmp_path, "migrate").returncode == 0
    heartbeat = tmp_path / "alive"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "ENVIRONMENT": "test"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "backend.cli", "worker", "--heartbeat", str(heartbeat)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not heartbeat.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        first = heartbeat.stat().st_mtime
        time.sleep(2.5)  # idle rounds come at least once a second
        assert heartbeat.stat().st_mtime > first
    finally:
        worker.terminate()
        assert worker.wait(timeout=30) == 0  # SIGTERM stops it cleanly


def test_frontdoor_chat_shows_what_an_officer_sent_while_it_was_closed(tmp_path: Path) -> None:
    script = "\n".join(typed_pro_forma()[1:]) + "\n"
    first = frontdoor(tmp_path, "chat", "--address", "terminal-tester", stdin=script)
    assert first.returncode == 0, first.stderr
    engine = make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    with Session(engine) as session:
        call = session.exec(select(Call)).one()
        contact = session.get(Contact, call.contact_id)
        assert contact is not None
        settings = Settings(database_url=f"sqlite:///{tmp_path / 'cli.db'}", _env_file=None)
        Notifier.of(session, settings, datetime.now(UTC)).notify(
            contact, Outbound("officer_message", {"text": "The panel meets on 7 December."})
        )
        session.commit()
    again = frontdoor(tmp_path, "chat", "--address", "terminal-tester", stdin="EXIT\n")
    assert again.returncode == 0, again.stderr
    assert "The panel meets on 7 December." in again.stdout
    shown_once = frontdoor(tmp_path, "chat", "--address", "terminal-tester", stdin="EXIT\n")
    assert "The panel meets on 7 December." not in shown_once.stdout
