"""Heads of Operations: who leads each business area. Everyone signed in reads the list; the
Customer Empowerment Manager keeps it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session
from starlette.datastructures import FormData

from backend.casework import heads
from backend.casework.areas import BUSINESS_AREAS
from backend.casework.lifecycle import IllegalTransition
from backend.models import Officer
from backend.people.auth import SignedIn
from backend.store.db import write_session
from backend.web.deps import ServicesDep, SessionDep
from backend.web.forms import BadForm, field, whole_number
from backend.web.routes import FORM_AGAIN
from backend.web.routes.officer.access import Anyone, CheckedForm, Manager, page

router = APIRouter(prefix="/officer", tags=["back office"], responses=FORM_AGAIN)

# What the page says after a change (a fixed list: the address bar cannot put words there).
DONE = {
    "add": "The Head of Operations is added. Now choose the areas they lead.",
    "change": "The details are saved.",
    "assign": "The area's Head of Operations is saved.",
}


def _account(form: FormData) -> int | None:
    return whole_number(form, "account_id") if field(form, "account_id") else None


Change = Callable[[Session, Officer, FormData, datetime], object]

CHANGES: dict[str, Change] = {
    "add": lambda s, actor, form, now: heads.add_head(
        s,
        actor,
        name=field(form, "name"),
        job_title=field(form, "job_title"),
        email=field(form, "email"),
        account_id=_account(form),
        now=now,
    ),
    "change": lambda s, actor, form, now: heads.change_head(
        s,
        actor,
        whole_number(form, "head_id"),
        name=field(form, "name"),
        job_title=field(form, "job_title"),
        email=field(form, "email"),
        account_id=_account(form),
    ),
    "assign": lambda s, actor, form, now: heads.assign_area(
        s,
        actor,
        field(form, "area"),
        whole_number(form, "head_id") if field(form, "head_id") else None,
        now,
    ),
}


def _heads_page(
    request: Request, who: SignedIn, session: Session, status: int = 200, error: str = ""
) -> Response:
    return page(
        request,
        who,
        "heads.html",
        status,
        heads=heads.heads(session),
        area_heads=heads.area_heads(session),
        areas=BUSINESS_AREAS,
        viewers=heads.viewer_accounts(session),
        done=DONE.get(request.query_params.get("done", ""), "") if not error else "",
        error=error,
    )


@router.get("/heads", response_class=HTMLResponse)
def heads_page(request: Request, who: Anyone, session: SessionDep) -> Response:
    """Every Head of Operations and the business areas each leads."""
    return _heads_page(request, who, session)


@router.post("/heads", response_class=HTMLResponse)
def heads_change(
    request: Request, who: Manager, form: CheckedForm, services: ServicesDep, session: SessionDep
) -> Response:
    """Adds or changes a Head of Operations, or names the Head for an area."""
    change = CHANGES.get(field(form, "action"))
    if change is None:
        raise HTTPException(status_code=404, detail="No such change.")
    try:
        with write_session(services.engine) as writing:
            actor = writing.get(Officer, who.officer.id)
            if actor is None:
                raise HTTPException(status_code=403, detail="Your account cannot do this.")
            change(writing, actor, form, services.now())
    except (IllegalTransition, BadForm) as refused:
        return _heads_page(request, who, session, 422, str(refused))
    return RedirectResponse(f"/officer/heads?done={field(form, 'action')}#done", status_code=303)
