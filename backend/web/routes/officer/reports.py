"""Back office: the annual programme, charts, the CSV of Calls, and the printable final report.

Every signed-in role may read these, including the Board and EMT's "viewer" accounts.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse, StreamingResponse
from sqlmodel import Session

from backend import petitions
from backend.casework import programme, reports, reviews
from backend.casework.final_report import final_report
from backend.casework.lifecycle import IllegalTransition
from backend.casework.scoring import SCORE_PARTS
from backend.casework.trends import trends
from backend.models import Officer
from backend.people.auth import SignedIn
from backend.services import Services
from backend.store.db import write_session
from backend.web.deps import ServicesDep, SessionDep
from backend.web.forms import BadForm, day, field, text
from backend.web.routes import FORM_AGAIN
from backend.web.routes.officer.access import Anyone, CheckedForm, Panel, officer_workflow, page
from backend.web.routes.officer.calls import STEP_TITLES

router = APIRouter(prefix="/officer", tags=["back office"], responses=FORM_AGAIN)

CSV_CHUNK_ROWS = 500  # rows per chunk sent: the export streams instead of building in memory


@dataclass(frozen=True)
class Bar:
    """One bar of a chart, in the SVG's own units; `key` says what it counts."""

    key: Hashable
    value: float
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Chart:
    """The size of a chart's drawing and its bars."""

    width: int
    height: int
    bars: list[Bar]


def across(values: Sequence[tuple[Hashable, float]], width: int = 360, row: int = 46) -> Chart:
    """Horizontal bars, one per row, with room above each for its label (reads at 360px)."""
    most = max((v for _, v in values), default=0) or 1
    room = width - 50  # the number goes after the bar
    bars = [
        Bar(key, value, 0, i * row + 22, max(room * value / most, 1 if value else 0), 16)
        for i, (key, value) in enumerate(values)
    ]
    return Chart(width, max(row * len(values), row), bars)


def upright(values: Sequence[tuple[Hashable, float]], width: int = 360, tall: int = 160) -> Chart:
    """Vertical bars side by side (the histogram), with room for labels above and below."""
    most = max((v for _, v in values), default=0) or 1
    slot = width / max(len(values), 1)
    bars = []
    for i, (key, value) in enumerate(values):
        height = tall * value / most
        bars.append(Bar(key, value, i * slot + 4, 20 + tall - height, slot - 8, height))
    return Chart(width, tall + 60, bars)


@router.get("/programme", response_class=HTMLResponse)
def programme_page(
    request: Request, who: Anyone, services: ServicesDep, session: SessionDep
) -> Response:
    """The annual programme of scrutiny: accepted Calls and the panel's own reviews in order of
    score, the reviews each year, and the business areas with nothing in it."""
    return _programme(request, who, services, session)


def _programme(
    request: Request,
    who: SignedIn,
    services: Services,
    session: Session,
    status: int = 200,
    error: str = "",
) -> Response:
    today = services.now().date()
    return page(
        request,
        who,
        "programme.html",
        status,
        programme=programme.programme(session, today),
        reported=programme.final_reports(session),
        today=today,
        reviews_a_year=programme.REVIEWS_A_YEAR,
        flags={
            f.area: f for f in reviews.flagged(session, services.settings.performance_dip_points)
        },
        score_parts=SCORE_PARTS,
        trends=trends(session),
        error=error,
    )


@router.post("/programme/areas/{area}", response_class=HTMLResponse)
def score_area(
    request: Request,
    area: str,
    who: Panel,
    form: CheckedForm,
    services: ServicesDep,
    session: SessionDep,
) -> Response:
    """The panel scores a business area with no Call; it takes its place in the order."""
    try:
        parts = {name: int(field(form, name)) for name in SCORE_PARTS}
        with write_session(services.engine) as writing:
            officer_workflow(writing, services, who).score_area(area, parts)
    except ValueError:
        return _programme(request, who, services, session, 422, "Give each part a score.")
    except IllegalTransition as refused:
        return _programme(request, who, services, session, 422, str(refused))
    return RedirectResponse(f"/officer/programme#area-{area}", status_code=303)


@router.post("/programme/areas/{area}/review", response_class=HTMLResponse)
def start_review(
    request: Request,
    area: str,
    who: Panel,
    form: CheckedForm,
    services: ServicesDep,
    session: SessionDep,
) -> Response:
    """The panel puts a scored business area on the programme as its own review."""
    try:
        with write_session(services.engine) as writing:
            officer = writing.get(Officer, who.officer.id)
            if officer is None:
                raise HTTPException(status_code=403, detail="Your account cannot do this.")
            review = reviews.start_review(
                writing,
                officer,
                area,
                day(form, "start"),
                text(form, "reason", limit=2000),
                services.now(),
            )
            reference = review.reference
    except (IllegalTransition, BadForm) as refused:
        return _programme(request, who, services, session, 422, str(refused))
    return RedirectResponse(f"/officer/calls/{reference}", status_code=303)


@router.get("/reports", response_class=HTMLResponse)
def reports_page(
    request: Request, who: Anyone, services: ServicesDep, session: SessionDep
) -> Response:
    """Charts of Calls by service area and month, and of the time to a decision."""
    counts = reports.calls_by_area_and_month(session, 12, services.now().date())
    times = reports.decision_times(session)
    histogram = times.histogram()
    return page(
        request,
        who,
        "reports.html",
        counts=counts,
        by_area=across(list(counts.by_area.items())),
        by_month=across(list(zip(counts.months, counts.by_month, strict=True))),
        times=times,
        histogram=histogram,
        time_chart=upright([((low, high), n) for low, high, n in histogram]),
    )


@router.get("/reports/calls.csv")
def calls_csv(who: Anyone, services: ServicesDep) -> Response:
    """Every Call as a spreadsheet: references, dates and outcomes, no personal details."""

    def chunks() -> Iterator[str]:
        # A session of its own: the request's session may be closed before streaming ends.
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        with Session(services.engine) as session:
            for number, row in enumerate(reports.csv_rows(session), start=1):
                writer.writerow(row)
                if number % CSV_CHUNK_ROWS == 0:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
        yield buffer.getvalue()

    filename = f"calls-{services.now():%Y-%m-%d}.csv"
    return StreamingResponse(
        chunks(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/calls/{reference}/report", response_class=HTMLResponse)
def final_report_page(
    request: Request, reference: str, who: Anyone, services: ServicesDep, session: SessionDep
) -> Response:
    """The final report for the Executive Management Team and Board, ready to print."""
    found = final_report(session, reference)
    if found is None:
        raise HTTPException(status_code=404, detail="No Call has that reference.")
    petition = petitions.petition_of(session, found.call)
    return page(
        request,
        who,
        "final_report.html",
        report=found,
        public_summary=petition.summary if petition else "",  # viewers read it, not the tenant
        step_titles=STEP_TITLES,
        weights=services.settings.score_weights,
        today=services.now().date(),
    )
