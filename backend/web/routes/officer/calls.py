"""A Call's page, and the workflow's moves posted from it."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from sqlmodel import Session
from starlette.datastructures import FormData

from backend import petitions
from backend.casework.areas import area_of
from backend.casework.calls import (
    call_file,
    find_call,
    for_viewers,
    meetings_ahead,
    officers,
    postcode_sector,
)
from backend.casework.decisions import Grounds
from backend.casework.joins import current_join, joined_into
from backend.casework.lifecycle import (
    BEFORE_DECISION,
    MOVES,
    SCRUTINY_STEPS,
    IllegalTransition,
    appeal_deadline,
    can,
)
from backend.casework.next_steps import expected, moves_now
from backend.casework.scoring import SCORE_PARTS
from backend.casework.similar import like_call
from backend.casework.trends import area_trend
from backend.casework.workflow import Workflow
from backend.models import (
    Action,
    Call,
    ComplaintsUsed,
    Decision,
    Evidence,
    FailureFound,
    MonitoringOutcome,
    Officer,
    OfficerRole,
    PanelMeeting,
    Recommendation,
    RecommendationResponse,
)
from backend.people.auth import SignedIn
from backend.store.db import write_session
from backend.web.deps import ServicesDep, SessionDep
from backend.web.forms import BadForm, day, field, text, whole_number
from backend.web.routes import FORM_AGAIN
from backend.web.routes.officer.access import Anyone, CheckedForm, Working, officer_workflow, page
from conversations.proforma import SERVICE_AREAS

router = APIRouter(prefix="/officer", tags=["back office"], responses=FORM_AGAIN)

# What the page says at the top after each move (a fixed list: the address bar cannot put words
# there).
DONE = {
    "assign_officer": "The officer is assigned, and the tenant told.",
    "record_area": "The area is recorded.",
    "set_signatories": "The signatures needed are set, and the tenant told.",
    "accept_pro_forma": "The pro-forma is accepted for the panel.",
    "mark_ready": "It is ready for the panel.",
    "schedule": "It is on the agenda, and the tenant told the date.",
    "decide": "The decision is recorded, and the tenant told.",
    "review_monitoring": "The monitoring review is recorded, and the tenant told.",
    "score": "The score is saved.",
    "programme": "It is in the annual programme, and the tenant told.",
    "start_scrutiny": "The scrutiny has started.",
    "record_step": "The step is recorded.",
    "report": "The final report is recorded, and the tenant told.",
    "add_recommendation": "The recommendation is added.",
    "record_consideration": "The day it was considered is recorded.",
    "delegate": "The delegation is recorded.",
    "respond": "The response is recorded.",
    "add_action": "The action is added.",
    "action_done": "The action is marked done.",
    "agree_action_plan": "The action plan is agreed, and the tenant told.",
    "complete": "It is complete, and the tenant told.",
    "close": "It is closed.",
    "join": "It is joined: its signatures count on the other petition, and its tenant is told.",
    "undo_join": "The join is undone: the signatures are back, and the tenant is told.",
    "note": "Your note is added.",
    "reply": "Your message is on its way to the tenant.",
}

STEP_TITLES = (
    "Agree the scope",
    "Plan the evidence",
    "Read the performance data",
    "Review complaints",
    "Hear from tenants",
    "Interview staff",
    "Reality check the service",
    "Compare with others",
    "Agree findings",
    "Write the report and recommendations",
)


def _show(
    request: Request,
    who: SignedIn,
    session: Session,
    reference: str,
    status: int = 200,
    error: str = "",
) -> Response:
    found = call_file(session, reference)
    if found is None:
        raise HTTPException(status_code=404, detail="No Call has that reference.")
    services = request.app.state.services
    today = services.now().date()
    petition = petitions.petition_of(session, found.call)
    joined_to = _joined_to(session, found.call)
    return page(
        request,
        who,
        "call.html",
        status,
        file=found,
        error=error,
        today=today,
        can=can,
        moves=MOVES,
        decisions=list(Decision),
        officers=officers(session),
        meetings=meetings_ahead(session, today),
        appeal_by=appeal_deadline(found.call),
        step_titles=STEP_TITLES,
        steps=SCRUTINY_STEPS,
        weights=services.settings.score_weights,
        petition=petition,
        share_url=petitions.share_url(services.settings, petition) if petition else "",
        proposed_target=petitions.proposed_target(found.call, services.settings),
        public_summary=(
            petition.summary
            if petition
            else petitions.standard_summary(found.call, services.settings)
        ),
        failure_choices=list(FailureFound),
        complaints_choices=list(ComplaintsUsed),
        business_areas=[a for a in SERVICE_AREAS if a != "other"],
        signers_reported=petitions.signers_who_reported(session, petition) if petition else None,
        expected=expected(found, petition, today),
        moves_now=moves_now(found.call.status),
        open_actions=[a for a in found.actions if a.done_on is None],
        responses=list(RecommendationResponse),
        trend=area_trend(session, area_of(found.call)),
        area=area_of(found.call),
        saved=found.score,
        prefix="",
        done=DONE.get(request.query_params.get("done", ""), "") if not error else "",
        similar=like_call(session, services.settings, found.call),
        joined_in=joined_into(session, found.call),
        joined_to=joined_to,
        # "Undo the join" is the way forward until the panel decides on the surviving Call.
        undoable=joined_to is not None and joined_to.status in BEFORE_DECISION,
    )


def _show_to_viewer(request: Request, who: SignedIn, session: Session, reference: str) -> Response:
    """The Call as the Board and EMT read it: where it is in the process and what the panel
    did, with nothing that identifies the tenant or repeats their words."""
    found = call_file(session, reference)
    if found is None:
        raise HTTPException(status_code=404, detail="No Call has that reference.")
    today = request.app.state.services.now().date()
    petition = petitions.petition_of(session, found.call)
    file, timeline = for_viewers(found)
    return page(
        request,
        who,
        "call_summary.html",
        file=file,
        timeline=timeline,
        sector=postcode_sector(file.call.postcode),
        petition=petition,
        today=today,
        can=can,
        appeal_by=appeal_deadline(file.call),
        step_titles=STEP_TITLES,
        expected=expected(found, petition, today),
        moves_now=moves_now(file.call.status),
        area=area_of(file.call),
    )


def _joined_to(session: Session, call: Call) -> Call | None:
    """The Call this one is joined into, if it is."""
    join = current_join(session, call)
    return session.get(Call, join.into_id) if join else None


@router.get("/calls/{reference}", response_class=HTMLResponse)
def call_page(request: Request, reference: str, who: Anyone, session: SessionDep) -> Response:
    """Every answer, evidence, transcript, notes, and the timeline of changes; to a viewer
    (the Board, EMT), the Call without personal details."""
    if who.officer.role == OfficerRole.VIEWER:
        return _show_to_viewer(request, who, session, reference)
    return _show(request, who, session, reference)


Handler = Callable[[Workflow, Call, FormData], object]


def _assign(flow: Workflow, call: Call, form: FormData) -> None:
    officer = flow.session.get(Officer, whole_number(form, "officer_id"))
    if officer is None:
        raise BadForm("Choose an officer.")
    flow.assign_officer(call, officer)


def _schedule(flow: Workflow, call: Call, form: FormData) -> None:
    meeting = flow.session.get(PanelMeeting, whole_number(form, "meeting_id"))
    if meeting is None:
        raise BadForm("Choose a meeting.")
    flow.schedule(call, meeting)


def _decide(flow: Workflow, call: Call, form: FormData) -> None:
    try:
        decision = Decision(text(form, "decision"))
    except ValueError as error:
        raise BadForm("Choose a decision.") from error
    grounds = Grounds(
        reasons=text(form, "reasons"),
        failure_found=field(form, "failure_found"),
        complaints_used=field(form, "complaints_used"),
        advice=text(form, "advice", required=False),
        recommendations=text(form, "recommendations", required=False),
        monitoring_what=text(form, "monitoring_what", required=False),
        review_on=day(form, "review_on") if field(form, "review_on") else None,
    )
    flow.decide(call, decision, grounds, override=text(form, "override", required=False))


def _record_area(flow: Workflow, call: Call, form: FormData) -> None:
    households = whole_number(form, "households") if field(form, "households") else None
    flow.record_area(call, households, field(form, "business_area"))


def _review_monitoring(flow: Workflow, call: Call, form: FormData) -> None:
    try:
        outcome = MonitoringOutcome(field(form, "outcome"))
    except ValueError as error:
        raise BadForm("Say whether the service improved.") from error
    flow.review_monitoring(
        call,
        outcome,
        text(form, "note"),
        next_review_on=day(form, "next_review_on") if field(form, "next_review_on") else None,
        accept=field(form, "accept") == "yes",
    )


def _join(flow: Workflow, call: Call, form: FormData) -> None:
    reference = field(form, "into").strip()
    into = find_call(flow.session, reference, lock=True) if reference else None
    if into is None:
        raise BadForm("Choose the Call to join this one into, by its reference.")
    flow.join(call, into, text(form, "reason", limit=1000))


def _action(flow: Workflow, form: FormData) -> Action:
    action = flow.session.get(Action, whole_number(form, "action_id"))
    if action is None:
        raise BadForm("No such action.")
    return action


def _recommendation(flow: Workflow, form: FormData, *, required: bool) -> Recommendation | None:
    if not required and not field(form, "recommendation_id"):
        return None
    found = flow.session.get(Recommendation, whole_number(form, "recommendation_id"))
    if found is None:
        raise BadForm("Choose a recommendation.")
    return found


def _delegate(flow: Workflow, call: Call, form: FormData) -> None:
    manager = flow.session.get(Officer, whole_number(form, "manager_id"))
    if manager is None:
        raise BadForm("Choose the Customer Empowerment Manager.")
    flow.delegate(call, manager, day(form, "delegated_on"))


def _respond(flow: Workflow, call: Call, form: FormData) -> None:
    recommendation = _recommendation(flow, form, required=True)
    assert recommendation is not None  # noqa: S101 - required above
    flow.respond(call, recommendation, field(form, "response"), text(form, "reason"))


def _add_action(flow: Workflow, call: Call, form: FormData) -> None:
    flow.add_action(
        call,
        text(form, "description", limit=1000),
        text(form, "owner", limit=80),
        day(form, "due_on"),
        _recommendation(flow, form, required=False),
    )


ACTIONS: dict[str, Handler] = {
    "assign_officer": _assign,
    "set_signatories": lambda f, c, form: f.set_signatories(
        c, whole_number(form, "needed"), text(form, "summary", required=False, limit=400)
    ),
    "accept_pro_forma": lambda f, c, form: f.accept_pro_forma(c, text(form, "reason")),
    "mark_ready": lambda f, c, form: f.mark_ready(c, text(form, "note", required=False)),
    "schedule": _schedule,
    "decide": _decide,
    "record_area": _record_area,
    "review_monitoring": _review_monitoring,
    "score": lambda f, c, form: f.score(c, {k: whole_number(form, k) for k in SCORE_PARTS}),
    "programme": lambda f, c, form: f.programme(c, day(form, "start")),
    "start_scrutiny": lambda f, c, form: f.start_scrutiny(c),
    "record_step": lambda f, c, form: f.record_step(
        c, whole_number(form, "number"), day(form, "done_on"), text(form, "notes", required=False)
    ),
    "report": lambda f, c, form: f.report(
        c, text(form, "summary", limit=8000), day(form, "presented_on")
    ),
    "add_recommendation": lambda f, c, form: f.add_recommendation(
        c, text(form, "text", limit=4000)
    ),
    "record_consideration": lambda f, c, form: f.record_consideration(
        c, field(form, "body"), day(form, "considered_on")
    ),
    "delegate": _delegate,
    "respond": _respond,
    "add_action": _add_action,
    "action_done": lambda f, c, form: f.action_done(c, _action(f, form)),
    "agree_action_plan": lambda f, c, form: f.agree_action_plan(c),
    "complete": lambda f, c, form: f.complete(c),
    "close": lambda f, c, form: f.close(c, text(form, "note", required=False)),
    "join": _join,
    "undo_join": lambda f, c, form: f.undo_join(c),
    "note": lambda f, c, form: f.note(c, text(form, "body")),
    "reply": lambda f, c, form: f.reply(c, text(form, "text", limit=1500)),
}


@router.post("/calls/{reference}/{action}", response_class=HTMLResponse)
def call_action(
    request: Request,
    reference: str,
    action: str,
    who: Working,
    form: CheckedForm,
    services: ServicesDep,
    session: SessionDep,
) -> Response:
    """Makes one move; an illegal one is refused with the reason, and nothing changes."""
    handler = ACTIONS.get(action)
    if handler is None:
        raise HTTPException(status_code=404, detail="No such action.")
    try:
        with write_session(services.engine) as writing:
            call = find_call(writing, reference, lock=True)
            if call is None:
                raise HTTPException(status_code=404, detail="No Call has that reference.")
            handler(officer_workflow(writing, services, who), call, form)
    except IllegalTransition as refused:
        return _show(request, who, session, reference, 409, str(refused))
    except BadForm as wrong:
        return _show(request, who, session, reference, 422, str(wrong))
    services.worker.wake()
    return RedirectResponse(
        f"/officer/calls/{reference.upper()}?done={action}#done", status_code=303
    )


@router.get("/evidence/{evidence_id}")
def evidence_file(
    evidence_id: int, who: Working, services: ServicesDep, session: SessionDep
) -> Response:
    """A photo or document, for officers only (never the Board's and EMT's viewers)."""
    evidence = session.get(Evidence, evidence_id)
    if evidence is None or not evidence.stored_path:
        raise HTTPException(status_code=404, detail="No such file.")
    folder = Path(services.settings.evidence_dir).resolve()
    path = (folder / evidence.stored_path).resolve()
    if folder not in path.parents or not path.is_file():
        raise HTTPException(status_code=404, detail="No such file.")
    media = (
        evidence.content_type or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    )
    return FileResponse(
        path,
        media_type=media,
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"},
    )
