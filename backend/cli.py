"""The `frontdoor` command: serve, chat, migrate, create-officer, demo."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys

from sqlmodel import Session

from backend import demo
from backend.db import make_engine
from backend.migrate import upgrade
from backend.models import OfficerRole
from backend.officers import create_officer
from backend.services import message_renderer, upload_links
from backend.settings import get_settings


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = get_settings()
    if args.migrate:
        upgrade(make_engine(settings.database_url))
    if settings.demo_data and demo.seed(make_engine(settings.database_url)):
        print(f"Demo officer: {demo.DEMO_OFFICER_EMAIL} / {demo.DEMO_OFFICER_PASSWORD}")
    print(f"Tenant Front Door on http://{args.host}:{args.port}  (web chat: /chat)")
    uvicorn.run(
        "backend.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
        log_level="info",
    )
    return 0


def _chat(args: argparse.Namespace) -> int:
    from backend.conversation_store import SqlStore
    from bot.terminal import chat

    settings = get_settings()
    engine = make_engine(settings.database_url)
    upgrade(engine)
    chat(SqlStore(engine, upload_links(settings)), message_renderer(settings), address=args.address)
    return 0


def _migrate(_: argparse.Namespace) -> int:
    upgrade(make_engine(get_settings().database_url))
    print("Database is up to date.")
    return 0


def _create_officer(args: argparse.Namespace) -> int:
    password = args.password or getpass.getpass("Password (12+ characters): ")
    engine = make_engine(get_settings().database_url)
    try:
        with Session(engine) as session, session.begin():
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


def _demo(_: argparse.Namespace) -> int:
    engine = make_engine(get_settings().database_url)
    upgrade(engine)
    print("Demo data added." if demo.seed(engine) else "Demo data was already there.")
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
    serve.set_defaults(run=_serve)

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

    seed = commands.add_parser("demo", help="add demo meetings, an officer and Calls")
    seed.set_defaults(run=_demo)
    return top


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `frontdoor` console script."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = parser().parse_args(argv)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
