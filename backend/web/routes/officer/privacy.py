"""Back office for managers: tenants' data (find a person, export, erasure, retention)."""

from __future__ import annotations

import json

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session

from backend.people import audit, privacy, subject_access
from backend.people.auth import SignedIn
from backend.store.db import write_session
from backend.web.deps import ServicesDep, SessionDep
from backend.web.forms import field
from backend.web.routes import FORM_AGAIN
from backend.web.routes.officer.access import CheckedForm, Manager, page

router = APIRouter(prefix="/officer", tags=["back office"], responses=FORM_AGAIN)

# What the page says after a change (a fixed list, so the address bar cannot put words there).
DONE = {
    "erased": "Their data was erased. We will not send them any more messages.",
    "retention": "The retention check has run.",
}


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
        log=audit.audit_log(session),
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
    return _privacy_page(request, who, session, query=field(form, "q"))


@router.get("/privacy/contacts/{contact_id}/export")
def export(contact_id: int, who: Manager, services: ServicesDep) -> Response:
    """Everything held about one person as a JSON file (subject access); audited."""
    try:
        with write_session(services.engine) as writing:
            data = subject_access.subject_access(
                writing, contact_id, officer_id=who.officer.id, now=services.now()
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
    if field(form, "confirm") != "yes":
        return _privacy_page(
            request,
            who,
            session,
            422,
            "Tick the box to confirm, then press Erase again. Nothing was erased.",
            query=field(form, "q"),
        )
    try:
        with write_session(services.engine) as writing:
            privacy.erase(
                writing,
                contact_id,
                services.settings.evidence_dir,
                services.now(),
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
            services.now(),
            services.settings.retention_days,
            services.settings.evidence_dir,
            officer_id=who.officer.id,
        )
    return RedirectResponse(f"/officer/privacy?done=retention&count={count}", status_code=303)
