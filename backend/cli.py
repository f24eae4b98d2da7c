"""The `frontdoor` command: serve, worker, chat, migrate, telegram-webhook, create-officer,
load-performance, demo."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from pydantic import ValidationError

from backend import demo, logs
from backend.models import OfficerRole
from backend.people.officers import create_officer
from backend.services import message_renderer
from backend.settings import get_settings
from backend.store.db import make_engine, write_session
from backend.store.migrate import upgrade


def _serve(args: argparse.Namespace) -> int:
    import os

    import uvicorn

    # The app is built by uvicorn (once per worker process): flags reach it as settings.
    if args.telegram_polling:
        os.environ["TELEGRAM_POLLING"] = "true"
    if args.no_worker:
        os.environ["OUTBOX_WORKER"] = "false"
    get_settings.cache_clear()
    settings = get_settings()
    if settings.telegram_polling and args.workers > 1:
        print("Telegram polling needs a single worker process.", file=sys.stderr)
        return 2
    if args.migrate:
        upgrade(make_engine(settings.database_url))
    if settings.demo_data and demo.seed(make_engine(settings.database_url), settings):
        print(f"Demo officer: {demo.DEMO_OFFICER_EMAIL} / {demo.DEMO_OFFICER_PASSWORD}")
    print(f"Tenant Front Door on http://{args.host}:{args.port}  (web chat: /chat)")
    uvicorn.run(
        "backend.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=False,  # the app reads X-Forwarded-For from TRUSTED_PROXIES only
        log_level="info",
        access_log=False,  # backend.middleware.AccessLog logs requests with tokens redacted
    )
    return 0


def _chat(args: argparse.Namespace) -> int:
    from backend.turns.store import SqlStore
    from bot.terminal import chat

    settings = get_settings()
    engine = make_engine(settings.database_url)
    upgrade(engine)
    chat(SqlStore(engine, settings), message_renderer(settings), address=args.address)
    return 0


def _worker(args: argparse.Namespace) -> int:
    import asyncio
    import signal

    from backend.services import Services

    async def work() -> None:
        services = Services.build(get_settings())
        services.worker.heartbeat = args.heartbeat
        await services.channels.start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        try:
            await services.worker.run(stop)
        finally:
            await services.channels.stop()

    asyncio.run(work())
    return 0


def _telegram_webhook(args: argparse.Namespace) -> int:
    import asyncio

    from bot import telegram

    settings = get_settings()
    if not settings.telegram_bot_token or not settings.telegram_webhook_secret:
        print("Set TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET first.", file=sys.stderr)
        return 1
    token = settings.telegram_bot_token.get_secret_value()
    secret = settings.telegram_webhook_secret.get_secret_value()
    url = f"{settings.base_url}/webhooks/telegram"

    async def register() -> None:
        async with telegram.make_bot(token, settings.telegram_api_base_url) as bot:
            if args.delete:
                await bot.delete_webhook()
            else:
                await bot.set_webhook(
                    url, secret_token=secret, allowed_updates=list(telegram.ALLOWED_UPDATES)
                )
                await bot.set_my_commands(list(telegram.BOT_COMMANDS))
            info = await bot.get_webhook_info()
            print(f"Webhook URL:        {info.url or '(none)'}")
            print(f"Pending updates:    {info.pending_update_count}")
            print(f"Allowed updates:    {', '.join(info.allowed_updates or ()) or '(all)'}")
            if info.last_error_message:
                print(f"Last error:         {info.last_error_message}")

    asyncio.run(register())
    return 0


def _migrate(_: argparse.Namespace) -> int:
    upgrade(make_engine(get_settings().database_url))
    print("Database is up to date.")
    return 0


def _create_officer(args: argparse.Namespace) -> int:
    password = args.password or getpass.getpass("Password (12+ characters): ")
    engine = make_engine(get_settings().database_url)
    try:
        with write_session(engine) as session:
            officer = create_officer(
                session,
                email=args.email,
                name=args.name,
                role=OfficerRole(args.role),
                password=password,
            )
            print(f"Created {officer.role} account for {officer.email}.")
    except ValueError as error:
        print(f"Not created: {error}", file=sys.stderr)
        return 1
    return 0


def _retention(_: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from backend.people.privacy import anonymise_closed

    settings = get_settings()
    with write_session(make_engine(settings.database_url)) as session:
        count = anonymise_closed(
            session, datetime.now(UTC), settings.retention_days, settings.evidence_dir
        )
    calls = "Call" if count == 1 else "Calls"
    print(f"{count} closed {calls} anonymised (retention {settings.retention_days} days).")
    return 0


def _load_performance(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from backend.casework import performance

    settings = get_settings()
    data = args.file.read_bytes()[: performance.MAX_BYTES + 1]
    now = datetime.now(UTC)
    checked = performance.check(data, now.date())
    if not checked.ok:
        print(f"Nothing was loaded from {args.file}:", file=sys.stderr)
        for error in checked.errors:
            print(f"  {error}", file=sys.stderr)
        if checked.more_errors:
            print(f"  and {checked.more_errors} more.", file=sys.stderr)
        return 1
    engine = make_engine(settings.database_url)
    with write_session(engine) as session:
        loaded = performance.load(session, checked, now=now, officer_id=None, source=args.file.name)
    print(loaded)
    return 0


def _demo(_: argparse.Namespace) -> int:
    settings = get_settings()
    if settings.environment == "production":
        print("frontdoor demo: refused, demo data is never added in production.", file=sys.stderr)
        return 2
    engine = make_engine(settings.database_url)
    upgrade(engine)
    print("Demo data added." if demo.seed(engine, settings) else "Demo data was already there.")
    return 0


def parser() -> argparse.ArgumentParser:
    """The command line, one sub-command per job."""
    top = argparse.ArgumentParser(prog="frontdoor", description="Tenant Front Door")
    commands = top.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the web server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="worker processes (PostgreSQL)")
    serve.add_argument("--migrate", action="store_true", help="migrate the database first")
    serve.add_argument(
        "--telegram-polling",
        action="store_true",
        help="fetch Telegram updates by long polling (local use, no public URL)",
    )
    serve.add_argument(
        "--no-worker", action="store_true", help="leave the outbox to `frontdoor worker`"
    )
    serve.set_defaults(run=_serve)

    worker = commands.add_parser("worker", help="deliver the outbox and fetch evidence")
    worker.add_argument(
        "--heartbeat",
        type=Path,
        help="a file touched after every round that worked (for a container health check)",
    )
    worker.set_defaults(run=_worker)

    webhook = commands.add_parser(
        "telegram-webhook", help="register the webhook with Telegram and show its state"
    )
    webhook.add_argument("--delete", action="store_true", help="remove the webhook instead")
    webhook.set_defaults(run=_telegram_webhook)

    chat = commands.add_parser("chat", help="the tenant conversation in this terminal")
    chat.add_argument("--address", help="who you are talking as (default: your user name)")
    chat.set_defaults(run=_chat)

    migrate = commands.add_parser("migrate", help="bring the database schema up to date")
    migrate.set_defaults(run=_migrate)

    officer = commands.add_parser("create-officer", help="add a back-office account")
    officer.add_argument("--email", required=True)
    officer.add_argument("--name", required=True)
    officer.add_argument("--role", choices=[r.value for r in OfficerRole], default="officer")
    officer.add_argument("--password", help="omit to be asked for it")
    officer.set_defaults(run=_create_officer)

    retention = commands.add_parser(
        "retention", help="anonymise Calls closed longer ago than RETENTION_DAYS (run daily)"
    )
    retention.set_defaults(run=_retention)

    figures = commands.add_parser(
        "load-performance",
        help="load performance and management information from a CSV (all rows or none)",
    )
    figures.add_argument("file", type=Path, help="the CSV: one row per business area and quarter")
    figures.set_defaults(run=_load_performance)

    seed = commands.add_parser("demo", help="add demo meetings, an officer and Calls")
    seed.set_defaults(run=_demo)
    return top


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `frontdoor` console script."""
    logs.configure()
    args = parser().parse_args(argv)
    try:
        result: int = args.run(args)
    except ValidationError as refused:
        # A setting production refuses (a placeholder secret, DEMO_DATA...): say which, plainly.
        for error in refused.errors():
            reason = str(error["msg"]).removeprefix("Value error, ")
            print(f"frontdoor: the settings are refused: {reason}", file=sys.stderr)
        return 2
    return result


if __name__ == "__main__":
    sys.exit(main())
