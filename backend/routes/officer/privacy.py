"""Back office for managers: officer accounts, and tenants' data (export, erasure, retention)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session
from starlette.datastructures import FormData

from backend import accounts, privacy
from backend.accounts import AccountRefused
from backend.auth import SignedIn
from backend.db import write_session
from backend.deps import ServicesDep, SessionDep
from backend.models import Officer, OfficerRole
from backend.routes import FORM_AGAIN
from backend.routes.officer.access import CheckedForm, Manager, page

router = APIRouter(prefix="/officer", tags=["back office"], responses=FORM_AGAIN)

# What the page says after a change (a fixed list, so the address bar cannot put words there).
DONE = {
    "added": "The account was added. They can sign in now.",
    "role": "The role was changed.",
    "deactivated": "The account was deactivated, and they were signed out.",
    "reactivated": "The account can be used again.",
    "unlocked": "The account was unlocked. They can try to sign in again now.",
    "password": "The password was changed. Tell the person in a safe way, not by email.",
    "erased": "Their data was erased. We will not send them any more messages.",
    "retention": "The retention check has run.",
}


def _field(form: FormData, name: str) -> str:
    return str(form.get(name, ""))


def _officer_id(form: FormData) -> int:
    try:
        return int(_field(form, "officer_id"))
    except ValueError as error:
        raise AccountRefused("There is no such account.") from error


AccountChange = Callable[[Session, Officer, FormData, Any], object]

ACCOUNT_CHANGES: dict[str, tuple[AccountChange, str]] = {
    "add": (
        lambda s, actor, form, now: accounts.add_officer(
            s,
            actor,
            name=_field(form, "name"),
            email=_field(form, "email"),
            role=_field(form, "role"),
            password=_field(form, "password"),
            now=now,
        ),
        "added",
    ),
    "role": (
        lambda s, actor, form, now: accounts.change_role(
            s, actor, _officer_id(form), _field(form, "role"), now
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
            s, actor, _officer_id(form), _field(form, "password"), now
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
    now = request.app.state.services.worker.clock()
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
    change = ACCOUNT_CHANGES.get(_field(form, "action"))
    if change is None:
        raise HTTPException(status_code=404, detail="No such change.")
    handler, done = change
    try:
        with write_session(services.engine) as writing:
            actor = writing.get(Officer, who.officer.id)
            if actor is None:  # deleted since the page loaded: nothing to act as
                raise HTTPException(status_code=403, detail="Your account cannot do this.")
            handler(writing, actor, form, services.worker.clock())
    except AccountRefused as refused:
        entered = {k: _field(form, k) for k in ("name", "email", "role")}
        if _field(form, "action") != "add":
            entered = {}
        return _accounts_page(request, who, session, 422, str(refused), entered)
    return RedirectResponse(f"/officer/accounts?done={done}", status_code=303)


def _privacy_page(
    request: Request,
    who: SignedIn,
    session: Session,
    status: int = 200,
    error: str = "",
    query: str = "",
) -> Response:
    query = query.strip()[:100]
    found = privacy.find_contacts(session, query) if query else []
    results = [(contact, privacy.calls_of(session, contact.id or 0)) for contact in found]
    count = request.query_params.get("count", "")
    done = DONE.get(request.query_params.get("done", ""), "")
    if done and count.isdigit():
        done = f"{done} {count} {'Call was' if count == '1' else 'Calls were'} anonymised."
    return page(
        request,
        who,
        "privacy.html",
        status,
        q=query,
        results=results,
        erased_prefix=privacy.ERASED_ADDRESS,
        log=privacy.audit_log(session),
        done=done,
        error=error,
    )


@router.get("/privacy", response_class=HTMLResponse)
def privacy_page(request: Request, who: Manager, session: SessionDep) -> Response:
    """Find a person to export or erase their data; retention; the audit log."""
    return _privacy_page(request, who, session)


@router.post("/privacy", response_class=HTMLResponse)
def privacy_search(
    request: Request, who: Manager, form: CheckedForm, session: SessionDep
) -> Response:
    """The people matching a phone number, chat number or reference.

    Posted, not a GET: a phone number in the address would land in access logs and history.
    """
    return _privacy_page(request, who, session, query=_field(form, "q"))


@router.get("/privacy/contacts/{contact_id}/export")
def export(contact_id: int, who: Manager, services: ServicesDep) -> Response:
    """Everything held about one person as a JSON file (subject access); audited."""
    try:
        with write_session(services.engine) as writing:
            data = privacy.subject_access(
                writing, contact_id, officer_id=who.officer.id, now=services.worker.clock()
            )
    except LookupError as missing:
        raise HTTPException(status_code=404, detail="There is no such person.") from missing
    return Response(
        json.dumps(data, indent=2, ensure_ascii=False),
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="contact-{contact_id}-data.json"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.post("/privacy/contacts/{contact_id}/erase", response_class=HTMLResponse)
def erase(
    request: Request,
    contact_id: int,
    who: Manager,
    form: CheckedForm,
    services: ServicesDep,
    session: SessionDep,
) -> Response:
    """Erases one person's data, once the manager has ticked to confirm; audited."""
    if _field(form, "confirm") != "yes":
        return _privacy_page(
            request,
            who,
            session,
            422,
            "Tick the box to confirm, then press Erase again. Nothing was erased.",
            query=_field(form, "q"),
        )
    try:
        with write_session(services.engine) as writing:
            privacy.erase(
                writing,
                contact_id,
                services.settings.evidence_dir,
                services.worker.clock(),
                officer_id=who.officer.id,
            )
    except LookupError as missing:
        raise HTTPException(status_code=404, detail="There is no such person.") from missing
    return RedirectResponse("/officer/privacy?done=erased", status_code=303)


@router.post("/privacy/retention", response_class=HTMLResponse)
def run_retention(who: Manager, _form: CheckedForm, services: ServicesDep) -> Response:
    """Runs the daily retention check now; audited."""
    with write_session(services.engine) as writing:
        count = privacy.anonymise_closed(
            writing,
            services.worker.clock(),
            services.settings.retention_days,
            services.settings.evidence_dir,
            officer_id=who.officer.id,
        )
    return RedirectResponse(f"/officer/privacy?done=retention&count={count}", status_code=303)
