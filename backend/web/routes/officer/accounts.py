"""Back office for managers: officer accounts (add, role, deactivate, unlock, password)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session
from starlette.datastructures import FormData

from backend.models import Officer, OfficerRole
from backend.people import accounts
from backend.people.accounts import AccountRefused
from backend.people.auth import SignedIn
from backend.store.db import write_session
from backend.web.deps import ServicesDep, SessionDep
from backend.web.forms import field
from backend.web.routes import FORM_AGAIN
from backend.web.routes.officer.access import CheckedForm, Manager, page

router = APIRouter(prefix="/officer", tags=["back office"], responses=FORM_AGAIN)

# What the page says after a change (a fixed list, so the address bar cannot put words there).
DONE = {
    "added": "The account was added. They can sign in now.",
    "role": "The role was changed.",
    "deactivated": "The account was deactivated, and they were signed out.",
    "reactivated": "The account can be used again.",
    "unlocked": "The account was unlocked. They can try to sign in again now.",
    "password": "The password was changed. Tell the person in a safe way, not by email.",
}


def _officer_id(form: FormData) -> int:
    try:
        return int(field(form, "officer_id"))
    except ValueError as error:
        raise AccountRefused("There is no such account.") from error


AccountChange = Callable[[Session, Officer, FormData, Any], object]

ACCOUNT_CHANGES: dict[str, tuple[AccountChange, str]] = {
    "add": (
        lambda s, actor, form, now: accounts.add_officer(
            s,
            actor,
            name=field(form, "name"),
            email=field(form, "email"),
            role=field(form, "role"),
            password=field(form, "password"),
            now=now,
        ),
        "added",
    ),
    "role": (
        lambda s, actor, form, now: accounts.change_role(
            s, actor, _officer_id(form), field(form, "role"), now
        ),
        "role",
    ),
    "deactivate": (
        lambda s, actor, form, now: accounts.set_active(s, actor, _officer_id(form), False, now),
        "deactivated",
    ),
    "reactivate": (
        lambda s, actor, form, now: accounts.set_active(s, actor, _officer_id(form), True, now),
        "reactivated",
    ),
    "unlock": (
        lambda s, actor, form, now: accounts.unlock(s, actor, _officer_id(form), now),
        "unlocked",
    ),
    "password": (
        lambda s, actor, form, now: accounts.reset_password(
            s, actor, _officer_id(form), field(form, "password"), now
        ),
        "password",
    ),
}


def _accounts_page(
    request: Request,
    who: SignedIn,
    session: Session,
    status: int = 200,
    error: str = "",
    entered: dict[str, str] | None = None,
) -> Response:
    now = request.app.state.services.now()
    return page(
        request,
        who,
        "accounts.html",
        status,
        accounts=accounts.accounts(session, now),
        roles=list(OfficerRole),
        role_names=accounts.ROLE_NAMES,
        min_password=accounts.MIN_PASSWORD,
        done=DONE.get(request.query_params.get("done", ""), ""),
        error=error,
        entered=entered or {},
    )


@router.get("/accounts", response_class=HTMLResponse)
def account_list(request: Request, who: Manager, session: SessionDep) -> Response:
    """Every officer account, and forms to add one or change one."""
    return _accounts_page(request, who, session)


@router.post("/accounts", response_class=HTMLResponse)
def account_change(
    request: Request, who: Manager, form: CheckedForm, services: ServicesDep, session: SessionDep
) -> Response:
    """Adds an account or changes one (role, active, lock, password); each change is audited."""
    change = ACCOUNT_CHANGES.get(field(form, "action"))
    if change is None:
        raise HTTPException(status_code=404, detail="No such change.")
    handler, done = change
    try:
        with write_session(services.engine) as writing:
            actor = writing.get(Officer, who.officer.id)
            if actor is None:  # deleted since the page loaded: nothing to act as
                raise HTTPException(status_code=403, detail="Your account cannot do this.")
            handler(writing, actor, form, services.now())
    except AccountRefused as refused:
        entered = {k: field(form, k) for k in ("name", "email", "role")}
        if field(form, "action") != "add":
            entered = {}
        return _accounts_page(request, who, session, 422, str(refused), entered)
    return RedirectResponse(f"/officer/accounts?done={done}", status_code=303)
