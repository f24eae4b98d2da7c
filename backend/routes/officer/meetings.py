"""Panel meetings: schedule them, and print each one's agenda."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import col, select

from backend.db import write_session
from backend.deps import ServicesDep, SessionDep
from backend.meetings import calls_on_agenda, meetings, next_meeting
from backend.models import Call, CallStatus, Officer, PanelMeeting
from backend.routes.officer.access import Anyone, CheckedForm, Worker, page
from backend.workflow import Workflow

router = APIRouter(prefix="/officer", tags=["back office"])


@router.get("/meetings", response_class=HTMLResponse)
def meeting_list(
    request: Request, who: Anyone, session: SessionDep, services: ServicesDep
) -> Response:
    """Every meeting, with how many Calls are on each agenda."""
    listed = [(m, len(calls_on_agenda(session, m))) for m in meetings(session)]
    return page(
        request, who, "meetings.html", meetings=listed, today=services.worker.clock().date()
    )


@router.post("/meetings", response_class=HTMLResponse)
def add_meeting(
    request: Request, who: Worker, form: CheckedForm, services: ServicesDep, session: SessionDep
) -> Response:
    """Schedules a meeting; every Call ready for the panel goes on the next agenda."""
    today = services.worker.clock().date()
    try:
        held_on = date.fromisoformat(str(form.get("held_on", "")))
    except ValueError:
        held_on = None
    if held_on is None or held_on < today:
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
    with write_session(services.engine) as writing:
        writing.add(
            PanelMeeting(
                held_on=held_on,
                location=str(form.get("location", ""))[:200],
                created_at=services.worker.clock(),
            )
        )
        writing.flush()
        officer = writing.get(Officer, who.officer.id)
        upcoming = next_meeting(writing, today)
        ready = writing.exec(select(Call).where(Call.status == CallStatus.READY)).all()
        if officer is not None and upcoming is not None:
            flow = Workflow(
                writing,
                services.renderer,
                officer,
                services.worker.clock(),
                settings=services.settings,
            )
            for call in ready:
                flow.schedule(call, upcoming)
    services.worker.wake()
    return RedirectResponse("/officer/meetings", status_code=303)


@router.get("/meetings/{meeting_id}/agenda", response_class=HTMLResponse)
def agenda(request: Request, meeting_id: int, who: Anyone, session: SessionDep) -> Response:
    """A printable agenda: each Call's summary and the checks the panel makes."""
    meeting = session.get(PanelMeeting, meeting_id)
    if meeting is None:
        raise HTTPException(status_code=404, detail="No such meeting.")
    calls = session.exec(
        select(Call).where(Call.meeting_id == meeting.id).order_by(col(Call.submitted_at))
    ).all()
    return page(request, who, "agenda.html", meeting=meeting, calls=calls)
