"""The dashboard: counts by stage, what needs action today, and the list of Calls."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse

from backend.casework.calls import officers
from backend.casework.dashboard import PER_PAGE, Filters, counts_by_stage, find_calls, needs_action
from backend.casework.similar import clusters
from backend.messaging.evidence import storage_nearly_full
from backend.models import OfficerRole
from backend.petitions.signing import codes_capped
from backend.web.deps import ServicesDep, SessionDep
from backend.web.routes import FORM_AGAIN
from backend.web.routes.officer.access import Anyone, page
from conversations.proforma import SERVICE_AREAS

router = APIRouter(prefix="/officer", tags=["back office"], responses=FORM_AGAIN)
REFERENCE = re.compile(r"CCS-\d{4}-\d{4,}", re.IGNORECASE)


@router.get("/", response_class=HTMLResponse)
def dashboard(
    request: Request,
    who: Anyone,
    services: ServicesDep,
    session: SessionDep,
    stage: Annotated[str, Query(max_length=32)] = "",
    area: Annotated[str, Query(max_length=32)] = "",
    officer: Annotated[int | None, Query()] = None,
    since: Annotated[date | None, Query()] = None,
    until: Annotated[date | None, Query()] = None,
    q: Annotated[str, Query(max_length=80)] = "",
    page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    """Where every Call is, and what to do next. The Board's and EMT's viewer accounts see
    references, stages and services, never a tenant's name, nor a search by one."""
    personal = who.officer.role != OfficerRole.VIEWER
    if not personal and not REFERENCE.fullmatch(q.strip()):
        q = ""
    filters = Filters(stage, area, officer, since, until, q, page_number)
    calls, total = find_calls(session, filters)
    return page(
        request,
        who,
        "dashboard.html",
        counts=counts_by_stage(session),
        today=needs_action(
            session,
            services.now().date(),
            support_days=services.settings.support_reply_days,
            dip_points=services.settings.performance_dip_points,
        ),
        now_date=services.now().date(),
        codes_capped=codes_capped(session, services.settings, services.now()),
        storage_full=storage_nearly_full(session, services.settings),
        personal=personal,
        calls=calls,
        total=total,
        filters=filters,
        pages=max(1, -(-total // PER_PAGE)),
        areas=SERVICE_AREAS,
        officers=officers(session),
        clusters=clusters(session, services.settings),
    )
