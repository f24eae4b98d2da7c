"""Composes the channels, the back office and the public pages into one ASGI app."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from backend import logs
from backend.services import Services
from backend.settings import Settings, get_settings
from backend.web.deps import pages, utf8_safe
from backend.web.middleware import AccessLog, KeepLanguage, LimitBody
from backend.web.routes import (
    health,
    public,
    signing,
    telegram,
    twilio,
    twilio_voice,
    uploads,
    webchat,
)
from backend.web.routes.officer import (
    accounts,
    appeals,
    assurance,
    calls,
    dashboard,
    heads,
    meetings,
    performance,
    petition_admin,
    privacy,
    reports,
    sessions,
    support,
)
from backend.web.routes.officer.access import SignInFirst, page
from backend.web.routes.officer.viewing import audit_personal_views
from backend.web.security_headers import SecurityHeaders

log = logging.getLogger(__name__)
_TEXT = {"text/plain": {"schema": {"type": "string"}}}
STATIC = Path(__file__).resolve().parent / "static"


def _say_which_channels_are_on(settings: Settings) -> None:
    for channel, on in (
        ("Telegram", settings.telegram_enabled),
        ("SMS/WhatsApp and the phone line (Twilio)", settings.twilio_enabled),
    ):
        if on:
            log.info("%s channel on", channel)
        else:
            log.warning("%s channel off: no credentials set", channel)


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """The whole service; tests pass their own settings and engine."""
    settings = settings or get_settings()
    logs.quiet()  # in every worker process, however it was started

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = Services.build(settings, engine)
        app.state.services = services
        _say_which_channels_are_on(settings)
        await services.channels.start()
        stop = asyncio.Event()
        tasks = []
        if settings.outbox_worker:
            tasks.append(asyncio.create_task(services.worker.run(stop)))
        if settings.telegram_polling:
            from backend.web.telegram_polling import poll

            tasks.append(asyncio.create_task(poll(services, stop)))
        try:
            yield
        finally:
            stop.set()
            for task in tasks:
                with suppress(asyncio.CancelledError, TimeoutError):
                    await asyncio.wait_for(task, timeout=5)
            await services.channels.stop()
            if engine is None:
                services.engine.dispose()

    # LimitBody answers 413 for any route before the route sees the body.
    too_large: dict[int | str, dict[str, Any]] = {
        413: {"description": "the body is over the size limit", "content": _TEXT}
    }
    # Production publishes no map of its API: nothing a tenant or officer needs uses it.
    docs = settings.environment != "production"
    app = FastAPI(
        title="Tenant Front Door",
        lifespan=lifespan,
        responses=too_large,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        openapi_url="/openapi.json" if docs else None,
    )
    # Tenants' messages first: FastAPI tries routes in order, a few microseconds each, and no
    # path below overlaps another.
    for module in (twilio, webchat, telegram, twilio_voice, health, public, uploads, signing):
        app.include_router(module.router)
    for module in (
        sessions,
        dashboard,
        calls,
        petition_admin,
        meetings,
        appeals,
        reports,
        assurance,
        accounts,
        heads,
        performance,
        privacy,
        support,
    ):
        # Every view of a page with a tenant's details is audited, whoever looks.
        app.include_router(module.router, dependencies=[Depends(audit_personal_views)])
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    # Added last, so they run first: the size limit before anything reads a body.
    app.add_middleware(LimitBody, upload_limit=settings.evidence_max_bytes * 10 + 64 * 1024)
    app.add_middleware(AccessLog)
    app.add_middleware(
        KeepLanguage, offered=settings.offered_languages, secure=settings.secure_cookies
    )
    app.add_middleware(SecurityHeaders, https=settings.secure_cookies)
    # Outermost: the client is the proxy's peer unless the proxy is one we named. (uvicorn's
    # own copy of this is off in `frontdoor serve`: it would trust 127.0.0.1 whatever we say.)
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    app.add_exception_handler(SignInFirst, _sign_in_first)
    app.add_exception_handler(StarletteHTTPException, _officer_error)
    app.add_exception_handler(ClientDisconnect, _client_gone)
    app.add_exception_handler(RequestValidationError, _unreadable)
    return app


async def _unreadable(request: Request, error: Exception) -> Response:
    """A body holding text no UTF-8 can hold (a lone surrogate) is a 400. FastAPI's usual 422
    echoes the input back, which then fails to encode: a 500, with the tenant's words in the
    error. Neither the text nor the error is logged."""
    assert isinstance(error, RequestValidationError)  # noqa: S101 - registered for it
    if all(utf8_safe(problem.get("input")) for problem in error.errors()):
        return await request_validation_exception_handler(request, error)
    log.info("%s %s: refused text that is not valid Unicode", request.method, request.url.path)
    return JSONResponse({"detail": "The message could not be read."}, status_code=400)


async def _client_gone(request: Request, _error: Exception) -> Response:
    """The sender hung up before its request arrived whole (a provider's timeout, say): nothing
    was taken and nobody is listening, so a line in the log rather than a server error."""
    log.info("%s %s: the client went away mid-request", request.method, request.url.path)
    return Response(status_code=400)


async def _sign_in_first(request: Request, _error: Exception) -> Response:
    """Anonymous GETs go to the sign-in page and come back after; anything else is refused."""
    if request.method == "GET":
        return RedirectResponse(f"/officer/login?next={request.url.path}", status_code=303)
    return Response("Sign in first.", status_code=403)


async def _officer_error(request: Request, error: Exception) -> Response:
    """Errors as a page for people (the back office's, or the public one for a tenant's
    browser); FastAPI's usual JSON for programs."""
    assert isinstance(error, StarletteHTTPException)  # noqa: S101 - registered for it
    if request.url.path.startswith("/officer/"):
        return page(request, None, "error.html", error.status_code, message=str(error.detail))
    if "text/html" in request.headers.get("accept", ""):
        return pages.TemplateResponse(
            request,
            "public/error.html",
            {"message": str(error.detail)},
            status_code=error.status_code,
            headers=error.headers,
        )
    from fastapi.exception_handlers import http_exception_handler

    return await http_exception_handler(request, error)
