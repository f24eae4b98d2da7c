"""Every view of a back-office page that shows a tenant's details is audited, whatever the
role of whoever looks. The Board's and EMT's viewer accounts are shown none (their Call page
leaves them out; evidence, agendas and signatures refuse them), so theirs are not."""

from __future__ import annotations

from fastapi import Request
from sqlmodel import Session

from backend.models import OfficerRole
from backend.people.audit import audit
from backend.people.auth import signed_in
from backend.store.db import write_session
from backend.web.deps import ServicesDep
from backend.web.routes.officer.access import SESSION_COOKIE

# Route paths of the pages that show a tenant's name, address, answers or files, and the
# audit action each view is written as. (The signature list and the subject-access export
# audit themselves.)
PERSONAL_PAGES = {
    "/officer/calls/{reference}": "view_call",
    "/officer/calls/{reference}/appeal": "view_appeal",
    "/officer/evidence/{evidence_id}": "view_evidence",
    "/officer/support/{request_id}": "view_support_request",
    "/officer/meetings/{meeting_id}/agenda": "view_agenda",
}
_SUBJECTS = {
    "reference": "Call {}",
    "evidence_id": "evidence {}",
    "request_id": "support request {}",
    "meeting_id": "meeting {}",
}


def audit_personal_views(request: Request, services: ServicesDep) -> None:
    """A dependency of every back-office router: audits a GET of a page in PERSONAL_PAGES by a
    signed-in officer (an anonymous one is sent to sign in by the page itself)."""
    route = request.scope.get("route")
    action = PERSONAL_PAGES.get(getattr(route, "path", ""))
    if request.method != "GET" or action is None:
        return
    now = services.now()
    with Session(services.engine) as reading:
        who = signed_in(reading, request.cookies.get(SESSION_COOKIE), now)
    if who is None or who.officer.role == OfficerRole.VIEWER:
        # A viewer (the Board, EMT) is shown these pages without personal details, or refused
        # them: nothing personal is seen, so nothing is audited.
        return
    name, value = next(iter(request.path_params.items()))
    with write_session(services.engine) as writing:
        subject = _SUBJECTS.get(name, name + " {}").format(value)
        audit(writing, action, subject, now, officer_id=who.officer.id)
