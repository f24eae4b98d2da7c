"""Composes the channels, the back office and the public pages into one ASGI app."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from backend.routes import health, public, webchat
from backend.services import Services
from backend.settings import Settings, get_settings

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """The whole service; tests pass their own settings and engine."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = Services.build(settings, engine)
        app.state.services = services
        for channel, on in (
            ("Telegram", settings.telegram_enabled),
            ("SMS/WhatsApp (Twilio)", settings.twilio_enabled),
        ):
            if on:
                log.info("%s channel on", channel)
            else:
                log.warning("%s channel off: no credentials set", channel)
        yield
        if engine is None:
            services.engine.dispose()

    app = FastAPI(title="Tenant Front Door", lifespan=lifespan)
    app.include_router(health.router)
    app.include_router(public.router)
    app.include_router(webchat.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
