"""Faults: PostgreSQL restarted under a stream of Telegram updates; none dropped, none doubled.

Telegram retries an update until the webhook answers 2xx, so the app's promise is: a 200 means
the message is safely stored (with its replies in the outbox), anything it could not store is
refused with a 5xx. The test restarts a real PostgreSQL mid-stream, retries every refusal as
Telegram would, and then counts rows and deliveries.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, func, text
from sqlmodel import Session, col, select

from backend.models import Call, Contact, ConversationRecord, Direction, Message, MessageStatus
from backend.store.db import make_engine
from conversations import Step
from tests.factories import typed_pro_forma
from tests.fakes.telegram_api import FakeTelegram, make_update
from tests.serving import free_port, start_frontdoor

log = logging.getLogger(__name__)
pytestmark = [
    pytest.mark.database,
    pytest.mark.skipif(
        not os.environ.get("TEST_DATABASE_URL"),
        reason="restarts a real PostgreSQL; runs with TEST_DATABASE_URL (make test-postgres)",
    ),
]

SECRET = "restart-test-secret"
TENANTS = 6
SCRIPT = ["/start", *typed_pro_forma(route="2")[1:]]  # a whole pro-forma, up to submitting it
PACE = 0.1  # seconds between one tenant's messages, so the stream outlasts the restart
RESTART_AFTER = TENANTS * len(SCRIPT) // 4  # answered messages before the database goes down
OUTAGE = 2.0  # seconds the database stays down
RETRY_EVERY = 0.2  # Telegram backs off longer; shorter keeps the test quick
GIVE_UP_AFTER = 30.0  # seconds of refusals for one update before the test fails


def _postgres_bin() -> Path | None:
    """The directory with initdb and pg_ctl: on PATH, else Debian's newest /usr/lib/postgresql."""
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return found[-1].parent if found else None


class PrivateCluster:
    """A PostgreSQL cluster of this test's own: restarting the shared one would break others."""

    def __init__(self, bindir: Path, root: Path) -> None:
        self.bindir = bindir
        self.root = root
        self.data = root / "data"
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bindir / program), *args]
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        # pg_ctl hands the server's output to the log file, so nothing holds our pipes open.
        done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(
                f"{program} {args[0]} failed: {done.stderr.decode(errors='replace')}"
            )

    def create(self) -> None:
        """Makes the cluster, with trust authentication for the local superuser."""
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "-E", "UTF8", "--locale=C", "--no-sync")  # fmt: skip

    def start(self) -> None:
        """Starts the server and waits until it takes connections."""
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        self._run("pg_ctl", "start", "-w", "-t", "30", "-D", str(self.data),
                  "-l", str(self.root / "postgres.log"), "-o", options)  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        """Stops the server: `fast` ends every session, as an operator's restart does."""
        self._run("pg_ctl", "stop", "-w", "-t", "30", "-m", mode, "-D", str(self.data))

    def started_at(self) -> str:
        """When the postmaster started: it changes only if the server really restarted."""
        engine = make_engine(self.url)
        try:
            with engine.connect() as connection:
                return str(connection.execute(text("SELECT pg_postmaster_start_time()")).scalar())
        finally:
            engine.dispose()


@pytest.fixture
def private_postgres() -> Iterator[PrivateCluster]:
    bindir = _postgres_bin()
    if bindir is None:
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail("REQUIRE_POSTGRES is set but initdb and pg_ctl were not found")
        pytest.skip("PostgreSQL server programs (initdb, pg_ctl) not installed")
    # Not pytest's tmp_path: its parents are private to us, and the server runs as `postgres`.
    as_root = os.geteuid() == 0
    root = Path(tempfile.mkdtemp(prefix="frontdoor-pg-", dir="/tmp" if as_root else None))  # noqa: S108
    if as_root:
        shutil.chown(root, user="postgres", group="postgres")
    cluster = PrivateCluster(bindir, root)
    try:
        cluster.create()
        cluster.start()
        yield cluster
    finally:
        with contextlib.suppress(RuntimeError):  # never started, or already down
            cluster.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def server(
    private_postgres: PrivateCluster, tmp_path: Path
) -> Iterator[tuple[str, FakeTelegram, Path]]:
    """`frontdoor serve --migrate` on the private cluster, its outbox worker on, Telegram faked."""
    port = free_port()
    fake = FakeTelegram()
    log_path = tmp_path / "server.log"
    with fake.running():
        env = {
            **os.environ,
            "DATABASE_URL": private_postgres.url,
            "ENVIRONMENT": "test",
            "DEMO_DATA": "false",
            "TELEGRAM_BOT_TOKEN": "123456:RESTART",
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "TELEGRAM_API_BASE_URL": fake.api_base,
            "EVIDENCE_DIR": str(tmp_path / "evidence"),
        }
        process = start_frontdoor(env, port, "--migrate", log=log_path)
        base = f"http://127.0.0.1:{port}"
        try:
            yield base, fake, log_path
        finally:
            process.terminate()
            process.wait(timeout=20)


@dataclass
class Stream:
    """Every POST of the stream and its outcome: a status code, or the transport error's name."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    tries: list[tuple[int, int | str, float]] = field(default_factory=list)  # id, outcome, when
    answered: dict[int, float] = field(default_factory=dict)  # update id -> when it got its 200

    def record(self, update_id: int, outcome: int | str) -> None:
        with self.lock:
            now = time.monotonic()
            self.tries.append((update_id, outcome, now))
            if outcome == 200:
                self.answered[update_id] = now

    def count_answered(self) -> int:
        with self.lock:
            return len(self.answered)


def _tenant(base: str, stream: Stream, chat: int, first_update: int) -> None:
    """One tenant's whole pro-forma, in order, each update retried until it is answered."""
    with httpx.Client(base_url=base, timeout=10) as client:
        for n, message in enumerate(SCRIPT):
            update_id = first_update + n
            give_up = time.monotonic() + GIVE_UP_AFTER
            while True:
                outcome: int | str
                try:
                    outcome = client.post(
                        "/webhooks/telegram",
                        json=make_update(update_id, chat_id=chat, text=message),
                        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                    ).status_code
                except httpx.TransportError as error:
                    outcome = type(error).__name__  # no 2xx came back: Telegram retries
                stream.record(update_id, outcome)
                if outcome == 200:
                    break
                if isinstance(outcome, int) and outcome < 500:
                    return  # a 4xx tells Telegram to drop the update: the test fails on it
                assert time.monotonic() < give_up, f"update {update_id} refused for too long"
                time.sleep(RETRY_EVERY)
            time.sleep(PACE)


def _wait_for_outbox(engine: Engine, fake: FakeTelegram, seconds: float) -> None:
    """Waits until nothing is queued or leased and Telegram has had every reply."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with Session(engine) as session:
            unsent = session.exec(
                select(func.count())
                .select_from(Message)
                .where(
                    col(Message.direction) == Direction.OUT.value,
                    col(Message.status).in_(
                        [MessageStatus.QUEUED.value, MessageStatus.SENDING.value]
                    ),
                )
            ).one()
            outbound = session.exec(
                select(func.count())
                .select_from(Message)
                .where(col(Message.direction) == Direction.OUT.value)
            ).one()
        if unsent == 0 and len(fake.sent()) >= outbound:
            return
        time.sleep(0.2)


def test_database_restart_mid_stream_refuses_or_answers_and_loses_nothing(
    private_postgres: PrivateCluster, server: tuple[str, FakeTelegram, Path]
) -> None:
    base, fake, log_path = server
    chats = [7100 + i for i in range(TENANTS)]
    first_updates = {chat: 10_000 + i * 100 for i, chat in enumerate(chats)}
    expected = {first_updates[chat] + n for chat in chats for n in range(len(SCRIPT))}
    stream = Stream()
    started_before = private_postgres.started_at()

    with ThreadPoolExecutor(max_workers=TENANTS) as pool:
        tenants = [pool.submit(_tenant, base, stream, chat, first_updates[chat]) for chat in chats]
        deadline = time.monotonic() + 30
        # A tenant that stopped early (a 4xx, an error) is reported by the checks below.
        while stream.count_answered() < RESTART_AFTER and not any(t.done() for t in tenants):
            assert time.monotonic() < deadline, "the stream never got going"
            time.sleep(0.02)
        went_down = time.monotonic()
        private_postgres.stop("fast")
        time.sleep(OUTAGE)
        private_postgres.start()
        came_back = time.monotonic()
        for finished in tenants:
            finished.result()

    outcomes = [outcome for _, outcome, _ in stream.tries]
    dropped = [
        (update_id, outcome)
        for update_id, outcome, _ in stream.tries
        if isinstance(outcome, int) and outcome != 200 and outcome < 500
    ]
    assert not dropped, f"updates refused with a 4xx, so Telegram would drop them: {dropped}"
    assert set(stream.answered) == expected
    refused = [o for o in outcomes if o != 200]
    log.info("%d of %d posts refused in the outage: %s", len(refused), len(outcomes), set(refused))
    # Not vacuous: the server really restarted, with answers on both sides of the outage and
    # posts that met it.
    assert private_postgres.started_at() != started_before
    assert min(stream.answered.values()) < went_down
    assert max(stream.answered.values()) > came_back
    assert refused, "no post met the outage"

    engine = make_engine(private_postgres.url)
    try:
        _wait_for_outbox(engine, fake, seconds=20)
        with Session(engine) as session:
            inbound = session.exec(
                select(Message).where(col(Message.direction) == Direction.IN.value)
            ).all()
            outbound = session.exec(
                select(Message)
                .where(col(Message.direction) == Direction.OUT.value)
                .order_by(col(Message.id))
            ).all()
            contacts = {c.id: c for c in session.exec(select(Contact)).all()}
            conversations = session.exec(select(ConversationRecord)).all()
            calls = session.exec(select(Call)).all()

        # Each update stored exactly once (the unique provider id turns a retry into a replay).
        assert sorted(m.provider_message_id or "" for m in inbound) == sorted(
            f"u{update_id}" for update_id in expected
        )
        # Each tenant's conversation took every message once: one saved version per message,
        # and the pro-forma went in as one Call.
        assert sorted(contacts[c.contact_id].address for c in conversations) == sorted(
            str(chat) for chat in chats
        )
        for conversation in conversations:
            assert (conversation.version, conversation.step) == (len(SCRIPT), Step.SUBMITTED)
        assert sorted(contacts[c.contact_id].address for c in calls) == sorted(
            str(chat) for chat in chats
        )
        # Every message was answered, and every answer reached Telegram once, in order.
        answered_ids = {m.in_reply_to for m in outbound}
        assert all(m.id in answered_ids for m in inbound), "a stored message has no reply"
        stuck = [(m.id, m.status) for m in outbound if m.status != MessageStatus.SENT.value]
        assert not stuck, f"replies not marked sent (a lease ending resends them): {stuck}"
        for chat in chats:
            stored = [m.body for m in outbound if contacts[m.contact_id].address == str(chat)]
            assert fake.texts(chat) == stored, f"chat {chat}: Telegram got other texts"
    except AssertionError:
        log.warning("the server's log:\n%s", log_path.read_text()[-20_000:])
        raise
    finally:
        engine.dispose()
