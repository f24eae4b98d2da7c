"""Back office: appeals against the panel's decision, and the representatives who hear them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session
from starlette.datastructures import FormData

from backend import appeals
from backend.casework.calls import find_call
from backend.casework.lifecycle import IllegalTransition
from backend.casework.workflow import Workflow
from backend.models import Appeal, Call, Decision
from backend.people.auth import SignedIn
from backend.services import Services
from backend.store.db import write_session
from backend.web.deps import ServicesDep, SessionDep
from backend.web.forms import BadForm, day, field, text, typed
from backend.web.routes import FORM_AGAIN
from backend.web.routes.officer.access import (
    Anyone,
    CheckedForm,
    Manager,
    Panel,
    Working,
    officer_workflow,
    page,
)

router = APIRouter(prefix="/officer", tags=["back office"], responses=FORM_AGAIN)


# -- the list of appeals ---------------------------------------------------------------------


@router.get("/appeals", response_class=HTMLResponse)
def appeal_list(request: Request, who: Anyone, session: SessionDep) -> Response:
    """Every appeal: those waiting for the appeal panel first, then decided ones."""
    return page(
        request,
        who,
        "appeals.html",
        rows=appeals.list_appeals(session),
        outcomes=appeals.OUTCOMES,
    )


# -- one Call's appeal -----------------------------------------------------------------------


def _show(
    request: Request,
    who: SignedIn,
    session: Session,
    reference: str,
    status: int = 200,
    error: str = "",
    values: dict[str, str] | None = None,
) -> Response:
    found = appeals.appeal_file(session, reference)
    if found is None:
        raise HTTPException(status_code=404, detail="No Call has that reference.")
    services: Services = request.app.state.services
    today = services.now().date()
    return page(
        request,
        who,
        "appeal.html",
        status,
        file=found,
        error=error,
        values=values or {},
        today=today,
        late=appeals.is_late(found.call, today),
        involvement=appeals.INVOLVEMENT,
        group_names=appeals.GROUP_NAMES,
        group=appeals.group_of(found.call.service_area),
        outcomes=appeals.OUTCOMES,
        decisions=list(Decision),
        panel_min=appeals.PANEL_MIN,
        panel_max=appeals.PANEL_MAX,
    )


@router.get("/calls/{reference}/appeal", response_class=HTMLResponse)
def appeal_page(request: Request, reference: str, who: Anyone, session: SessionDep) -> Response:
    """A Call's appeal: lodge one from a letter, choose its panel, record the outcome."""
    return _show(request, who, session, reference)


Move = Callable[[Workflow, str], None]


def _move(
    request: Request,
    who: SignedIn,
    reference: str,
    form: FormData,
    services: Services,
    session: Session,
    make: Callable[[FormData], Move],
) -> Response:
    """Reads the form, makes one move in one transaction, and shows the page again.

    Bad input is refused with 422 before anything is written; a move the rules do not
    allow with 409, and nothing changes.
    """
    try:
        move = make(form)
    except BadForm as wrong:
        return _show(request, who, session, reference, 422, str(wrong), typed(form))
    try:
        with write_session(services.engine) as writing:
            move(officer_workflow(writing, services, who), reference)
    except IllegalTransition as refused:
        return _show(request, who, session, reference, 409, str(refused), typed(form))
    services.worker.wake()  # the tenant may have a message waiting in the outbox
    return RedirectResponse(f"/officer/calls/{reference.upper()}/appeal", status_code=303)


def _call(flow: Workflow, reference: str) -> Call:
    call = find_call(flow.session, reference)
    if call is None:
        raise HTTPException(status_code=404, detail="No Call has that reference.")
    return call


def _open(flow: Workflow, reference: str) -> Appeal:
    call = _call(flow, reference)
    appeal = appeals.open_appeal(flow.session, call)
    if appeal is None:
        raise IllegalTransition(f"{call.reference} has no appeal waiting for the appeal panel.")
    return appeal


def _lodge(form: FormData) -> Move:
    reasons = text(form, "reasons", what="the tenant's reasons for appealing", limit=8000)
    received = field(form, "received_on").strip()
    try:
        received_on = date.fromisoformat(received) if received else None
    except ValueError as error:
        raise BadForm("The day the letter arrived must be a date.") from error
    override = field(form, "override").strip()[:2000]

    def move(flow: Workflow, reference: str) -> None:
        appeals.lodge(
            flow,
            _call(flow, reference),
            reasons,
            "letter",
            override=override,
            received_on=received_on,
        )

    return move


def _panel(form: FormData) -> Move:
    try:
        chosen = [int(str(v)) for v in form.getlist("representative_id")]
    except ValueError as error:
        raise BadForm("Choose representatives from the list.") from error

    def move(flow: Workflow, reference: str) -> None:
        appeals.choose_panel(flow, _open(flow, reference), chosen)

    return move


def _outcome(form: FormData) -> Move:
    outcome = field(form, "outcome")
    if outcome not in appeals.OUTCOMES:
        raise BadForm("Say whether the decision is upheld or overturned.")
    new_decision: Decision | None = None
    if outcome == "overturned":
        try:
            new_decision = Decision(field(form, "new_decision"))
        except ValueError as error:
            raise BadForm("Choose the new decision the appeal panel made.") from error
    reasons = text(form, "outcome_reasons", what="the appeal panel's reasons", limit=8000)
    advice = text(form, "advice", required=False)
    recommendations = text(form, "recommendations", required=False)
    monitoring_what = text(form, "monitoring_what", required=False)
    review_on = day(form, "review_on") if field(form, "review_on") else None

    def move(flow: Workflow, reference: str) -> None:
        appeals.decide_appeal(
            flow,
            _open(flow, reference),
            outcome,
            reasons,
            new_decision,
            advice=advice,
            recommendations=recommendations,
            monitoring_what=monitoring_what,
            review_on=review_on,
        )

    return move


@router.post("/calls/{reference}/appeal/lodge", response_class=HTMLResponse)
def lodge_letter(
    request: Request,
    reference: str,
    who: Working,
    form: CheckedForm,
    services: ServicesDep,
    session: SessionDep,
) -> Response:
    """Lodges an appeal that came by letter; a late one needs a manager's reason."""
    return _move(request, who, reference, form, services, session, _lodge)


@router.post("/calls/{reference}/appeal/panel", response_class=HTMLResponse)
def choose_panel(
    request: Request,
    reference: str,
    who: Panel,  # choosing the appeal panel and its outcome is the panel's job
    form: CheckedForm,
    services: ServicesDep,
    session: SessionDep,
) -> Response:
    """Chooses the independent appeal panel (replacing an earlier choice)."""
    return _move(request, who, reference, form, services, session, _panel)


@router.post("/calls/{reference}/appeal/outcome", response_class=HTMLResponse)
def record_outcome(
    request: Request,
    reference: str,
    who: Panel,  # choosing the appeal panel and its outcome is the panel's job
    form: CheckedForm,
    services: ServicesDep,
    session: SessionDep,
) -> Response:
    """Records the appeal panel's final decision and tells the tenant."""
    return _move(request, who, reference, form, services, session, _outcome)


# -- representatives -------------------------------------------------------------------------


def _representatives(
    request: Request,
    who: SignedIn,
    session: Session,
    status: int = 200,
    error: str = "",
    values: dict[str, str] | None = None,
) -> Response:
    return page(
        request,
        who,
        "representatives.html",
        status,
        people=appeals.representatives(session, active_only=False),
        involvement=appeals.INVOLVEMENT,
        group_names=appeals.GROUP_NAMES,
        error=error,
        values=values or {},
    )


@router.get("/representatives", response_class=HTMLResponse)
def representative_list(request: Request, who: Anyone, session: SessionDep) -> Response:
    """The representatives of other involvement methods who may sit on appeal panels."""
    return _representatives(request, who, session)


@router.post("/representatives", response_class=HTMLResponse)
def add_representative(
    request: Request, who: Manager, form: CheckedForm, services: ServicesDep, session: SessionDep
) -> Response:
    """Adds a representative (managers only)."""
    try:
        with write_session(services.engine) as writing:
            appeals.add_representative(
                writing,
                field(form, "name"),
                field(form, "involvement"),
                field(form, "serves_group") or None,
            )
    except appeals.BadChoice as wrong:
        return _representatives(request, who, session, 422, str(wrong), typed(form))
    return RedirectResponse("/officer/representatives", status_code=303)


@router.post("/representatives/{representative_id}/deactivate", response_class=HTMLResponse)
def deactivate_representative(
    request: Request,
    representative_id: int,
    who: Manager,
    form: CheckedForm,
    services: ServicesDep,
    session: SessionDep,
) -> Response:
    """Takes a representative off the list for new appeal panels (managers only)."""
    try:
        with write_session(services.engine) as writing:
            appeals.deactivate(writing, representative_id)
    except appeals.BadChoice as wrong:
        raise HTTPException(status_code=404, detail=str(wrong)) from wrong
    return RedirectResponse("/officer/representatives", status_code=303)
