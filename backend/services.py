"""What a running app holds: settings, the engine, the store, the renderer, the channels, the
worker, and the one clock that a tenant's turn, an officer's move and the worker all read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial

from sqlalchemy import Engine
from sqlmodel import Session

from backend import housekeeping
from backend.messaging.channels import Channels, build_channels
from backend.messaging.notify import Notifier
from backend.messaging.outbox_worker import OutboxWorker
from backend.messaging.renderer import message_renderer
from backend.settings import Settings
from backend.store.db import make_engine
from backend.turns.store import SqlStore
from bot.render import Rendered, Renderer
from bot.shell import receive
from conversations import Inbound


@dataclass
class Services:
    """The parts every request may need, built once per process."""

    settings: Settings
    engine: Engine
    store: SqlStore
    renderer: Renderer
    channels: Channels
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)  # tests move time here
    worker: OutboxWorker = field(init=False)

    def __post_init__(self) -> None:
        chores = partial(housekeeping.run, self.engine, self.settings)
        self.worker = OutboxWorker(
            self.engine, self.settings, self.channels, clock=self.now, chores=chores
        )

    @classmethod
    def build(cls, settings: Settings, engine: Engine | None = None) -> Services:
        """Wires the parts together from settings."""
        engine = engine or make_engine(settings.database_url)
        return cls(
            settings,
            engine,
            SqlStore(engine, settings),
            message_renderer(settings),
            build_channels(settings),
        )

    def now(self) -> datetime:
        """The time, for every request and the worker alike."""
        return self.clock()

    def notifier(self, session: Session) -> Notifier:
        """The way to tell people things within `session`'s transaction, at this moment."""
        return Notifier(session, self.renderer, self.now())

    def receive(self, inbound: Inbound) -> list[Rendered]:
        """One tenant message through the flow: every channel's route comes here."""
        return receive(self.store, self.renderer, inbound, clock=self.now)


__all__ = ["Services", "message_renderer"]
