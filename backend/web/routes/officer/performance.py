"""Performance and management information: every business area's figures by quarter, and the
CSV the manager loads them from (checked row by row; a file with a bad row loads nothing)."""

from __future__ import annotations

import csv
import io
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session
from starlette.datastructures import UploadFile

from backend.casework import performance
from backend.casework.areas import BUSINESS_AREAS
from backend.casework.trends import trends
from backend.people.auth import SignedIn
from backend.store.db import write_session
from backend.web.deps import ServicesDep, SessionDep
from backend.web.routes import FORM_AGAIN
from backend.web.routes.officer.access import Anyone, CheckedForm, Manager, page

router = APIRouter(prefix="/officer", tags=["back office"], responses=FORM_AGAIN)


def _performance_page(
    request: Request,
    who: SignedIn,
    session: Session,
    status: int = 200,
    errors: list[str] | None = None,
    more_errors: int = 0,
    loaded: tuple[int, int] | None = None,
) -> Response:
    return page(
        request,
        who,
        "performance.html",
        status,
        trends=trends(session),
        areas=BUSINESS_AREAS,
        columns=performance.COLUMNS,
        example=performance.EXAMPLE,
        max_rows=performance.MAX_ROWS,
        errors=errors or [],
        more_errors=more_errors,
        loaded=loaded,
    )


@router.get("/performance", response_class=HTMLResponse)
def performance_page(
    request: Request,
    who: Anyone,
    session: SessionDep,
    added: Annotated[int | None, Query(ge=0, le=1_000_000)] = None,
    replaced: Annotated[int | None, Query(ge=0, le=1_000_000)] = None,
) -> Response:
    """Each business area's figures for its last four quarters, and the form to load more."""
    loaded = (added, replaced) if added is not None and replaced is not None else None
    return _performance_page(request, who, session, loaded=loaded)


@router.get("/performance/template.csv")
def performance_template(who: Anyone) -> Response:
    """A CSV to fill in: the columns the service reads, and one example row."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(performance.template_rows())
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="performance-figures.csv"'},
    )


@router.post("/performance", response_class=HTMLResponse)
def performance_load(
    request: Request, who: Manager, form: CheckedForm, services: ServicesDep, session: SessionDep
) -> Response:
    """Loads a CSV of figures: every row checked first, then all kept in one transaction."""
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _performance_page(request, who, session, 422, ["Choose the CSV file to load."])
    with upload.file:  # a spooled temporary file: closed as soon as it is read
        data = upload.file.read(performance.MAX_BYTES + 1)
    checked = performance.check(data, services.now().date())
    if not checked.ok:
        return _performance_page(request, who, session, 422, checked.errors, checked.more_errors)
    with write_session(services.engine) as writing:
        loaded = performance.load(
            writing,
            checked,
            now=services.now(),
            officer_id=who.officer.id,
            source=upload.filename,
        )
    return RedirectResponse(
        f"/officer/performance?added={loaded.added}&replaced={loaded.replaced}#done",
        status_code=303,
    )
