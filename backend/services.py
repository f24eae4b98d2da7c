"""What a running app holds: settings, the engine, the store, the renderer, the channels."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from sqlalchemy import Engine

from backend import housekeeping
from backend.messaging.channels import Channels, build_channels
from backend.messaging.outbox_worker import OutboxWorker
from backend.messaging.renderer import message_renderer
from backend.settings import Settings
from backend.store.db import make_engine
from backend.turns.store import SqlStore
from bot.render import Renderer


@dataclass
class Services:
    """The parts every request may need, built once per process."""

    settings: Settings
    engine: Engine
    store: SqlStore
    renderer: Renderer
    channels: Channels
    worker: OutboxWorker

    @classmethod
    def build(cls, settings: Settings, engine: Engine | None = None) -> Services:
        """Wires the parts together from settings."""
        engine = engine or make_engine(settings.database_url)
        channels = build_channels(settings)
        return cls(
            settings,
            engine,
            SqlStore(engine, settings),
            message_renderer(settings),
            channels,
            OutboxWorker(
                engine, settings, channels, chores=partial(housekeeping.run, engine, settings)
            ),
        )


__all__ = ["Services", "message_renderer"]
