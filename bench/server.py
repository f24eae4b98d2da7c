"""The app plus a bare endpoint, served by uvicorn, for benchmarks to compare against."""

from __future__ import annotations

import argparse

import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel

from backend.app import create_app
from backend.db import make_engine
from backend.migrate import upgrade
from backend.settings import Settings


class Echo(BaseModel):
    """What the bare endpoint takes: the same shape as a web chat message."""

    text: str = ""
    message_id: str | None = None


def app_with_baseline(database_url: str) -> FastAPI:
    """The real app with `POST /bench/bare`: parses the same JSON, touches nothing else."""
    engine = make_engine(database_url)
    upgrade(engine)
    app = create_app(
        Settings(environment="test", database_url=database_url, _env_file=None), engine
    )

    @app.post("/bench/bare")
    def bare(message: Echo) -> dict[str, list[dict[str, str]]]:
        return {"replies": [{"text": message.text}]}

    return app


def main() -> None:
    """Serves until killed."""
    args = argparse.ArgumentParser()
    args.add_argument("--database-url", required=True)
    args.add_argument("--port", type=int, required=True)
    parsed = args.parse_args()
    uvicorn.run(
        app_with_baseline(parsed.database_url),
        host="127.0.0.1",
        port=parsed.port,
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    main()
