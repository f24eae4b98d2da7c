"""The twice-yearly report to the Business Assurance Committee, printable and as CSV, for every
signed-in role (the Board and EMT's viewer accounts included): no tenant's details in it."""

from __future__ import annotations

import csv
import io
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import HTMLResponse

from backend.casework.assurance import Half, assurance_report, csv_rows, recent_halves
from backend.web.deps import ServicesDep, SessionDep
from backend.web.routes import FORM_AGAIN
from backend.web.routes.officer.access import Anyone, page

router = APIRouter(prefix="/officer", tags=["back office"], responses=FORM_AGAIN)
Period = Annotated[str, Query(max_length=7, pattern=r"^\d{4}-H[12]$")]


def _half(period: str, services: ServicesDep) -> Half:
    if not period:
        return Half.of(services.now().date())
    found = Half.parse(period)
    if found is None:
        raise HTTPException(status_code=404, detail="No such half year.")
    return found


@router.get("/reports/assurance", response_class=HTMLResponse)
def assurance_page(
    request: Request, who: Anyone, services: ServicesDep, session: SessionDep, period: Period = ""
) -> Response:
    """Every recommendation of the half year with its response, actions and their status."""
    today = services.now().date()
    half = _half(period, services)
    return page(
        request,
        who,
        "assurance.html",
        report=assurance_report(session, half, today),
        halves=recent_halves(today),
        today=today,
    )


@router.get("/reports/assurance.csv")
def assurance_csv(
    who: Anyone, services: ServicesDep, session: SessionDep, period: Period = ""
) -> Response:
    """The same report as a spreadsheet: one row per action, no formulas."""
    half = _half(period, services)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(csv_rows(assurance_report(session, half, services.now().date())))
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="assurance-{half.code}.csv"',
            "Cache-Control": "no-store",
        },
    )
