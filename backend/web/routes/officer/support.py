"""Support requests: the tenants who asked for an officer's help, and one request's page."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session

from backend.casework.calls import officers
from backend.casework.lifecycle import IllegalTransition
from backend.casework.support import SupportDesk, support_file, support_requests
from backend.models import Officer, SupportRequest
from backend.people.auth import SignedIn
from backend.store.db import write_session
from backend.web.deps import ServicesDep, SessionDep
from backend.web.forms import BadForm, text, whole_number
from backend.web.routes import FORM_AGAIN
from backend.web.routes.officer.access import CheckedForm, Working, page

router = APIRouter(prefix="/officer", tags=["back office"], responses=FORM_AGAIN)


@router.get("/support", response_class=HTMLResponse)
def support_list(
    request: Request, who: Working, services: ServicesDep, session: SessionDep
) -> Response:
    """Every request still waiting, oldest first, with the day the tenant was promised."""
    days = services.settings.support_reply_days
    return page(
        request,
        who,
        "support_list.html",
        rows=support_requests(session, days),
        today=services.now().date(),
        days=days,
    )


def _show(
    request: Request,
    who: SignedIn,
    session: Session,
    request_id: int,
    status: int = 200,
    error: str = "",
) -> Response:
    services = request.app.state.services
    found = support_file(session, request_id, services.settings.support_reply_days)
    if found is None:
        raise HTTPException(status_code=404, detail="No such support request.")
    return page(
        request,
        who,
        "support.html",
        status,
        file=found,
        officers=officers(session),
        today=services.now().date(),
        error=error,
    )


@router.get("/support/{request_id}", response_class=HTMLResponse)
def support_page(request: Request, request_id: int, who: Working, session: SessionDep) -> Response:
    """Who asked, how to reach them, their answers so far and the conversation."""
    return _show(request, who, session, request_id)


@router.post("/support/{request_id}/{action}", response_class=HTMLResponse)
def support_action(
    request: Request,
    request_id: int,
    action: str,
    who: Working,
    form: CheckedForm,
    services: ServicesDep,
    session: SessionDep,
) -> Response:
    """Assigns an officer, answers the tenant on their channel, or closes with an outcome."""
    if action not in ("assign", "reply", "close"):
        raise HTTPException(status_code=404, detail="No such action.")
    try:
        with write_session(services.engine) as writing:
            asked = writing.get(SupportRequest, request_id)
            me = writing.get(Officer, who.officer.id)
            if asked is None or me is None:
                raise HTTPException(status_code=404, detail="No such support request.")
            desk = SupportDesk(services.notifier(writing), me)
            if action == "assign":
                helper = writing.get(Officer, whole_number(form, "officer_id"))
                if helper is None:
                    raise BadForm("Choose an officer.")
                desk.assign(asked, helper)
            elif action == "reply":
                desk.reply(asked, text(form, "text", what="the message", limit=1500))
            else:
                desk.close(asked, text(form, "outcome", what="what came of it", limit=2000))
    except IllegalTransition as refused:
        return _show(request, who, session, request_id, 409, str(refused))
    except BadForm as wrong:
        return _show(request, who, session, request_id, 422, str(wrong))
    services.worker.wake()
    return RedirectResponse(f"/officer/support/{request_id}?done={action}", status_code=303)
