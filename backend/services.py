"""What a running app holds: settings, the engine, the store and the message renderer."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from backend.conversation_store import SqlStore
from backend.db import make_engine
from backend.settings import Settings
from bot.render import Renderer


@dataclass
class Services:
    """The parts every request may need, built once per process."""

    settings: Settings
    engine: Engine
    store: SqlStore
    renderer: Renderer

    @classmethod
    def build(cls, settings: Settings, engine: Engine | None = None) -> Services:
        """Wires the parts together from settings."""
        engine = engine or make_engine(settings.database_url)
        return cls(settings, engine, SqlStore(engine), message_renderer(settings))


def message_renderer(settings: Settings) -> Renderer:
    """A renderer that fills the landlord's details into every message."""
    return Renderer(
        landlord=settings.landlord_name,
        phone=settings.landlord_phone,
        privacy_url=f"{settings.public_base_url.rstrip('/')}/privacy",
    )
