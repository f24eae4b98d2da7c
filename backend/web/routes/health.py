"""Liveness and readiness for load balancers and orchestrators."""

from __future__ import annotations

import logging
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import insert, text
from sqlalchemy.exc import SQLAlchemyError

from backend.models import RateEvent
from backend.models.types import utcnow
from backend.store.db import write_session
from backend.web.deps import ServicesDep

router = APIRouter(tags=["health"])
log = logging.getLogger(__name__)


class Health(BaseModel):
    """What a probe reads."""

    status: Literal["ok", "ready", "database unreachable", "database read-only"]


@router.get("/healthz")
def healthz() -> Health:
    """The process is up."""
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Health,
    responses={503: {"model": Health, "description": "database unreachable or read-only"}},
)
def readyz(services: ServicesDep) -> JSONResponse:
    """The database answers, and takes a write (rolled back): a server that can read but not
    write would take every tenant's message and then fail to keep it."""
    try:
        with services.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        log.warning("database not ready: %s", type(error).__name__)
        return JSONResponse({"status": "database unreachable"}, status_code=503)
    try:
        with write_session(services.engine) as session:
            session.execute(insert(RateEvent).values(kind="ready_probe", key="", at=utcnow()))
            session.rollback()
    except SQLAlchemyError as error:
        log.warning("database not writable: %s", type(error).__name__)
        return JSONResponse({"status": "database read-only"}, status_code=503)
    return JSONResponse({"status": "ready"})
