"""Signing in and out of the back office."""

from __future__ import annotations

import asyncio
import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from backend.people.auth import Client, LoginRefused, SignedIn, sign_in, sign_out
from backend.store.db import write_session
from backend.web.clients import client_address, client_key
from backend.web.deps import ServicesDep
from backend.web.routes import FORM_AGAIN
from backend.web.routes.officer.access import SESSION_COOKIE, CheckedForm, page

router = APIRouter(prefix="/officer", tags=["back office"], responses=FORM_AGAIN)
LOGIN_CSRF = "fd_login_csrf"
FAILED_LOGIN_DELAY = 1.0  # seconds: slows guessing without locking anyone out


def _safe_next(target: str | None) -> str:
    # Only back into the back office: never an open redirect to somewhere else.
    if target and target.startswith("/officer/") and not target.startswith("//"):
        return target
    return "/officer/"


def _login_page(request: Request, error: str = "", status: int = 200, email: str = "") -> Response:
    token = secrets.token_urlsafe(24)
    response = page(
        request,
        None,
        "login.html",
        status,
        error=error,
        csrf=token,
        email=email,
        next=_safe_next(request.query_params.get("next")),
    )
    response.set_cookie(
        LOGIN_CSRF,
        token,
        httponly=True,
        samesite="strict",
        path="/officer/",
        secure=request.app.state.services.settings.secure_cookies,
    )
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    """The sign-in form."""
    return _login_page(request)


@router.post("/login", response_class=HTMLResponse)
async def login(
    request: Request,
    services: ServicesDep,
    email: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=200)],
    csrf: Annotated[str, Form(max_length=64)] = "",
    next: Annotated[str, Form(max_length=200)] = "/officer/",
) -> Response:
    """Signs in; a refusal waits a moment, and failures from one place are held back."""
    expected = request.cookies.get(LOGIN_CSRF, "")
    if not expected or not hmac.compare_digest(expected, csrf):
        return _login_page(request, "expired", 403, email)
    address = client_address(request)
    client = Client(address, client_key(address))

    def attempt() -> tuple[str, SignedIn] | LoginRefused:
        limits = services.settings.sign_in_failures
        return sign_in(services.engine, email, password, client, limits, services.now())

    outcome = await run_in_threadpool(attempt)
    if isinstance(outcome, LoginRefused):
        await asyncio.sleep(FAILED_LOGIN_DELAY)
        return _login_page(request, "refused", 401, email)
    token, _who = outcome
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        path="/officer/",
        secure=services.settings.secure_cookies,
    )
    response.delete_cookie(LOGIN_CSRF, path="/officer/")
    return response


@router.post("/logout")
def logout(request: Request, services: ServicesDep, _form: CheckedForm) -> Response:
    """Ends the session."""
    with write_session(services.engine) as session:
        sign_out(session, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/officer/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/officer/")
    return response
