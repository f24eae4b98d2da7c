"""Panel meetings: schedule them, and print each one's agenda."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from backend import petitions
from backend.casework.lifecycle import IllegalTransition
from backend.casework.meetings import calls_on_agenda, meetings
from backend.models import PanelMeeting
from backend.store.db import write_session
from backend.web.deps import ServicesDep, SessionDep
from backend.web.forms import field
from backend.web.routes import FORM_AGAIN
from backend.web.routes.officer.access import Anyone, CheckedForm, Working, officer_workflow, page

router = APIRouter(prefix="/officer", tags=["back office"], responses=FORM_AGAIN)


@router.get("/meetings", response_class=HTMLResponse)
def meeting_list(
    request: Request, who: Anyone, session: SessionDep, services: ServicesDep
) -> Response:
    """Every meeting, with how many Calls are on each agenda."""
    listed = [(m, len(calls_on_agenda(session, m))) for m in meetings(session)]
    return page(request, who, "meetings.html", meetings=listed, today=services.now().date())


@router.post("/meetings", response_class=HTMLResponse)
def add_meeting(
    request: Request, who: Working, form: CheckedForm, services: ServicesDep, session: SessionDep
) -> Response:
    """Schedules a meeting; every Call ready for the panel goes on the next agenda."""
    today = services.now().date()
    try:
        held_on = date.fromisoformat(field(form, "held_on"))
        with write_session(services.engine) as writing:
            flow = officer_workflow(writing, services, who)
            flow.add_meeting(held_on, field(form, "location"))
    except (ValueError, IllegalTransition):
        listed = [(m, len(calls_on_agenda(session, m))) for m in meetings(session)]
        return page(
            request,
            who,
            "meetings.html",
            422,
            meetings=listed,
            today=today,
            error="Give the meeting a date from today on.",
        )
    services.worker.wake()
    return RedirectResponse("/officer/meetings", status_code=303)


@router.get("/meetings/{meeting_id}/agenda", response_class=HTMLResponse)
def agenda(request: Request, meeting_id: int, who: Working, session: SessionDep) -> Response:
    """A printable agenda: each Call's summary and the checks the panel makes (the tenants' own
    words: not for the Board's and EMT's viewers)."""
    meeting = session.get(PanelMeeting, meeting_id)
    if meeting is None:
        raise HTTPException(status_code=404, detail="No such meeting.")
    calls = calls_on_agenda(session, meeting)
    reported = {}
    for call in calls:
        petition = petitions.petition_of(session, call)
        if petition is not None:
            reported[call.id] = petitions.signers_who_reported(session, petition)
    return page(
        request, who, "agenda.html", meeting=meeting, calls=calls, signers_reported=reported
    )
