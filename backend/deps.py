"""FastAPI dependencies, named so that route signatures read like sentences."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from sqlmodel import Session

from backend.db import session_scope
from backend.services import Services
from bot.render import TEMPLATES

pages = Jinja2Templates(directory=TEMPLATES)


def get_services(request: Request) -> Services:
    """The app's services, built in the lifespan."""
    services: Services = request.app.state.services
    return services


def get_session(services: Annotated[Services, Depends(get_services)]) -> Iterator[Session]:
    """A database session for this request."""
    yield from session_scope(services.engine)


ServicesDep = Annotated[Services, Depends(get_services)]
SessionDep = Annotated[Session, Depends(get_session)]
