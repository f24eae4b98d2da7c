"""The app plus bare endpoints, served by uvicorn, for benchmarks to compare against."""

from __future__ import annotations

import argparse
import json
import time
from contextlib import ExitStack
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from pydantic import BaseModel
from sqlmodel import Session, col, func, select

from backend.app import create_app
from backend.db import make_engine
from backend.migrate import upgrade
from backend.models import UNSENT, Message
from backend.settings import Settings

TELEGRAM_SECRET = "bench-secret"  # noqa: S105 - talks to a local fake only
TELEGRAM_TOKEN = "123456:BENCH"  # noqa: S105
OUR_NUMBER = "+447700900000"


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
    upgrade(engine)
    config = {"environment": "test", "database_url": database_url, **settings}
    app = create_app(Settings.model_validate(config), engine)

    @app.post("/bench/bare")
    def bare(message: Echo) -> dict[str, list[dict[str, str]]]:
        return {"replies": [{"text": message.text}]}

    @app.post("/bench/bare-form")
    async def bare_form(request: Request) -> dict[str, int]:
        return {"fields": len(await request.form())}

    @app.get("/bench/unsent")
    def unsent() -> dict[str, int]:
        with Session(engine) as session:
            count = session.exec(
                select(func.count())
                .select_from(Message)
                .where(col(Message.status).in_([s.value for s in UNSENT]))
            ).one()
        return {"unsent": count}

    @app.get("/bench/stats")
    def stats() -> dict[str, list[float]]:
        taken = dict(TIMES)
        TIMES.clear()
        return taken

    app.add_middleware(ServerTimes)
    return app


def main() -> None:
    """Serves until killed; with --channels, fake Telegram and Twilio run in this process."""
    args = argparse.ArgumentParser()
    args.add_argument("--database-url", required=True)
    args.add_argument("--port", type=int, required=True)
    args.add_argument("--channels", action="store_true")
    args.add_argument("--setting", action="append", default=[], help="NAME=JSON value")
    parsed = args.parse_args()
    settings: dict[str, object] = {"outbox_worker": True}
    for pair in parsed.setting:
        name, _, value = pair.partition("=")
        settings[name] = json.loads(value)
    with ExitStack() as stack:
        if parsed.channels:
            from tests.fakes.telegram_api import FakeTelegram
            from tests.fakes.twilio_api import FakeTwilio

            telegram, twilio = FakeTelegram(), FakeTwilio()
            stack.enter_context(telegram.running())
            stack.enter_context(twilio.running())
            settings.update(
                public_base_url="https://bench.example.org",
                telegram_bot_token=TELEGRAM_TOKEN,
                telegram_webhook_secret=TELEGRAM_SECRET,
                telegram_api_base_url=telegram.api_base,
                twilio_account_sid=twilio.account_sid,
                twilio_auth_token=twilio.auth_token,
                twilio_from_number=OUR_NUMBER,
                twilio_api_base_url=twilio.base_url,
            )
        uvicorn.run(
            app_with_baseline(parsed.database_url, settings),
            host="127.0.0.1",
            port=parsed.port,
            log_level="warning",
            access_log=False,
        )


if __name__ == "__main__":
    main()
