"""What a running app holds: settings, the engine, the store, the renderer, the channels."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from backend.channels import Channels, build_channels
from backend.conversation_store import SqlStore
from backend.db import make_engine
from backend.renderer import message_renderer
from backend.settings import Settings
from backend.worker import Worker
from bot.render import Renderer


@dataclass
class Services:
    """The parts every request may need, built once per process."""

    settings: Settings
    engine: Engine
    store: SqlStore
    renderer: Renderer
    channels: Channels
    worker: Worker

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
            Worker(engine, settings, channels),
        )


__all__ = ["Services", "message_renderer"]
