"""What a running app holds: settings, the engine, the store, the renderer, the channels."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from backend.channels import Channels, build_channels
from backend.conversation_store import SqlStore
from backend.db import make_engine
from backend.settings import Settings
from backend.uploads import UploadLinks
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
            SqlStore(engine, upload_links(settings)),
            message_renderer(settings),
            channels,
            Worker(engine, settings, channels),
        )


def message_renderer(settings: Settings) -> Renderer:
    """A renderer that fills the landlord's details into every message."""
    return Renderer(
        landlord=settings.landlord_name,
        phone=settings.landlord_phone,
        privacy_url=f"{settings.base_url}/privacy",
    )


def upload_links(settings: Settings) -> UploadLinks:
    """Personal upload links signed with this installation's secret."""
    return UploadLinks(
        settings.secret_key.get_secret_value(), settings.base_url, settings.upload_link_days
    )
