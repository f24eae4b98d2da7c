"""FastAPI dependencies, named so that route signatures read like sentences."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from sqlmodel import Session

from backend.services import Services
from backend.store.db import session_scope
from bot.render import TEMPLATES, label


def page_context(request: Request) -> dict[str, object]:
    """What every page may show: the installation's settings (landlord, phone, links)."""
    return {"settings": request.app.state.services.settings}


pages = Jinja2Templates(directory=TEMPLATES, context_processors=[page_context])
_URL = re.compile(r"https?://[^\s<>\"']+")


def linkify(text: str) -> Markup:
    """Escapes everything, then makes our http(s) links clickable (the upload link)."""
    escaped = str(escape(text))
    return Markup(  # noqa: S704 - built only from escaped text
        _URL.sub(lambda m: f'<a href="{m.group()}" rel="noopener">{m.group()}</a>', escaped)
    )


pages.env.filters["linkify"] = linkify
pages.env.globals["label"] = label


def utf8_safe(value: object) -> bool:
    """Whether every text in `value` (a string, or JSON-like data) can be written as UTF-8: a
    lone surrogate ("\\ud800" in JSON) cannot, and would fail wherever it is written."""
    try:
        json.dumps(value, ensure_ascii=False, default=str).encode()
    except (UnicodeEncodeError, ValueError, TypeError):
        return False
    return True


async def get_services(request: Request) -> Services:
    """The app's services, built in the lifespan. Async, though it awaits nothing: FastAPI runs
    a plain function dependency in a worker thread, a hop that cost a webhook a quarter of a
    millisecond of CPU time."""
    services: Services = request.app.state.services
    return services


def get_session(services: Annotated[Services, Depends(get_services)]) -> Iterator[Session]:
    """A database session for this request."""
    yield from session_scope(services.engine)


ServicesDep = Annotated[Services, Depends(get_services)]
SessionDep = Annotated[Session, Depends(get_session)]
