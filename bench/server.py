"""The app plus bare endpoints, served by uvicorn (one or several workers), for benchmarks.

`python -m bench.server --database-url URL --port N [--workers 2] [--setting NAME=JSON]`
migrates once, then serves `configured_app` in each worker. The provider fakes run in a
process of their own (`python -m bench.fakes`), so neither the server's nor the load
generator's figures include them.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from pydantic import BaseModel
from sqlmodel import Session, col, func, select

from backend.app import create_app
from backend.models import Message
from backend.models.message import waiting_to_go
from backend.settings import Settings
from backend.store.db import make_engine
from backend.store.migrate import upgrade
from backend.web.routes.twilio import form_fields

TELEGRAM_SECRET = "bench-secret"  # noqa: S105 - talks to a local fake only
TELEGRAM_TOKEN = "123456:BENCH"  # noqa: S105
OUR_NUMBER = "+447700900000"
PUBLIC = "https://bench.example.org"
CONFIG = "BENCH_SERVER_CONFIG"  # how the parent hands the settings to every worker


class Echo(BaseModel):
    """What the bare endpoint takes: the same shape as a web chat message."""

    text: str = ""
    message_id: str | None = None


TIMES: dict[str, list[float]] = {}


class ServerTimes:
    """Pure ASGI middleware: how long the server itself took per path (the client's own
    queueing on a shared machine would otherwise hide in the percentiles)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/bench/stats"):
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        await self.app(scope, receive, send)
        TIMES.setdefault(scope["path"], []).append(time.perf_counter() - start)


def app_with_baseline(database_url: str, settings: dict[str, object]) -> FastAPI:
    """The real app with bare endpoints that parse the same bodies and touch nothing else."""
    engine = make_engine(database_url)
    config = {"environment": "test", "database_url": database_url, **settings}
    app = create_app(Settings.model_validate(config), engine)

    # Async, as the channels' routes are: a plain `def` would run in a thread, and the hop
    # cost the bare endpoint twice its parse (0.33 ms of CPU a request against 0.1).
    @app.post("/bench/bare")
    async def bare(message: Echo) -> dict[str, list[dict[str, str]]]:
        return {"replies": [{"text": message.text}]}

    @app.post("/bench/bare-form")
    async def bare_form(request: Request) -> dict[str, int]:
        return {"fields": len(await request.form())}  # as the signing pages read a form

    @app.post("/bench/bare-twilio")
    async def bare_twilio(request: Request) -> dict[str, int]:
        return {"fields": len(await form_fields(request) or {})}  # as Twilio's routes read it

    @app.get("/bench/unsent")
    def unsent() -> dict[str, int]:
        with Session(engine) as session:
            count = session.exec(
                select(func.count())
                .select_from(Message)
                .where(waiting_to_go(col(Message.status)))  # the outbox's index, not a scan
            ).one()
        return {"unsent": count}

    @app.get("/bench/stats")
    def stats() -> dict[str, list[float]]:
        """This worker's server-side times since the last call (one worker's share)."""
        taken = dict(TIMES)
        TIMES.clear()
        return taken

    # First in line, as the routes they stand beside are (backend/app.py): a bare request
    # should not pay for trying every back-office route before its own.
    mine = [
        route for route in app.router.routes if getattr(route, "path", "").startswith("/bench/")
    ]
    app.router.routes[:] = mine + [route for route in app.router.routes if route not in mine]
    app.add_middleware(ServerTimes)
    return app


def configured_app() -> FastAPI:
    """The app for one uvicorn worker, from the settings the parent left in the environment."""
    config = json.loads(os.environ[CONFIG])
    return app_with_baseline(config["database_url"], config["settings"])


def channel_settings(fakes: dict[str, str]) -> dict[str, object]:
    """Settings that point the app at the fakes bench.fakes printed."""
    return {
        "public_base_url": PUBLIC,
        "telegram_bot_token": TELEGRAM_TOKEN,
        "telegram_webhook_secret": TELEGRAM_SECRET,
        "telegram_api_base_url": fakes["telegram_api_base_url"],
        "twilio_account_sid": fakes["twilio_account_sid"],
        "twilio_auth_token": fakes["twilio_auth_token"],
        "twilio_from_number": OUR_NUMBER,
        "twilio_api_base_url": fakes["twilio_api_base_url"],
    }


def main() -> None:
    """Migrates, then serves until killed."""
    args = argparse.ArgumentParser()
    args.add_argument("--database-url", required=True)
    args.add_argument("--port", type=int, required=True)
    args.add_argument("--workers", type=int, default=1)
    args.add_argument("--setting", action="append", default=[], help="NAME=JSON value")
    parsed = args.parse_args()
    settings: dict[str, object] = {"outbox_worker": True}
    for pair in parsed.setting:
        name, _, value = pair.partition("=")
        settings[name] = json.loads(value)
    engine = make_engine(parsed.database_url)
    upgrade(engine)
    engine.dispose()
    os.environ[CONFIG] = json.dumps({"database_url": parsed.database_url, "settings": settings})
    uvicorn.run(
        "bench.server:configured_app",
        factory=True,
        workers=parsed.workers,
        host="127.0.0.1",
        port=parsed.port,
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    main()
