"""Reviews the panel starts itself, tried in the back office.

The framework: involved customers "carry out detailed assessments on PCHA service areas
identified as being a priority by dips in performance or escalations of complaints. The
assessments are programmed and a minimum of two reviews will be carried out each year."
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from backend.casework.performance import COLUMNS
from backend.casework.programme import programme
from backend.models import Call, CallStatus, Message, Score
from backend.settings import Settings
from tests.factories import NOW, sign_in
from tests.integration.conftest import services_of
from tests.integration.test_reports import Journey, tables

# Compliance dips 30 points; void works' escalated complaints rise by one; repairs' satisfaction
# falls 5 points, under the default setting of 10.
FIGURES = "\n".join(
    (
        ",".join(COLUMNS),
        "2026 Q2,compliance,9,10,85,20,2",
        "2026 Q3,compliance,6,10,84,21,2",
        "2026 Q2,void_works,8,10,80,30,2",
        "2026 Q3,void_works,8,10,80,30,3",
        "2026 Q2,repairs,8,10,85,100,9",
        "2026 Q3,repairs,8,10,80,100,9",
    )
)
PARTS = {"performance": "4", "satisfaction": "2", "complaints": "3", "business_critical": "5"}


@pytest.fixture
def journey(session: Session, settings: Settings) -> Journey:
    """Moves Calls through the process in the test database (its meeting committed)."""
    made = Journey(session, settings)
    session.commit()
    return made


def _manager_loads_figures(client: TestClient, engine: Engine) -> str:
    services_of(client).clock = lambda: NOW
    csrf = sign_in(client, engine, "manager")
    loaded = client.post(
        "/officer/performance",
        data={"csrf": csrf},
        files={"file": ("figures.csv", FIGURES.encode(), "text/csv")},
        follow_redirects=False,
    )
    assert loaded.status_code == 303
    return csrf


def _start(client: TestClient, csrf: str, area: str, **data: str) -> tuple[int, str]:
    response = client.post(
        f"/officer/programme/areas/{area}/review",
        data={"csrf": csrf, "start": "2026-12-01", "reason": "The figures dipped.", **data},
        follow_redirects=False,
    )
    return response.status_code, response.headers.get("location", "") or response.text


def test_the_dashboard_flags_areas_whose_figures_dipped_or_whose_escalations_rose(
    client: TestClient, engine: Engine
) -> None:
    _manager_loads_figures(client, engine)
    sign_in(client, engine, "panel")
    dashboard = client.get("/officer/").text
    assert "Business areas the figures make a priority" in dashboard
    assert (
        "performance indicators on target fell 30 points, from 90% in 2026 Q2 to 60% in 2026 Q3"
        in dashboard
    )
    assert "escalated complaints rose from 2 in 2026 Q2 to 3 in 2026 Q3" in dashboard
    assert 'href="/officer/programme#area-repairs"' not in dashboard  # down 5: under the setting
    programme_page = client.get("/officer/programme").text
    row = programme_page[programme_page.index('id="area-compliance"') :]
    assert (
        "A priority: performance indicators on target fell 30 points" in row[: row.index("</tr>")]
    )


def test_the_panel_puts_an_area_on_the_programme_and_runs_its_ten_steps_like_a_call(
    client: TestClient, engine: Engine, session: Session, journey: Journey
) -> None:
    _manager_loads_figures(client, engine)
    lower = journey.programmed(date(2027, 2, 1), service_area="repairs")  # 3s and the bonus: 32
    session.commit()
    officer = sign_in(client, engine, "officer")
    assert _start(client, officer, "compliance")[0] == 403  # the panel's decision

    csrf = sign_in(client, engine, "panel")
    refused = _start(client, csrf, "compliance")
    assert refused[0] == 422 and "Score Compliance first" in refused[1]
    scored = client.post(
        "/officer/programme/areas/compliance", data={"csrf": csrf, **PARTS}, follow_redirects=False
    )
    assert scored.status_code == 303
    assert _start(client, csrf, "compliance", reason=" ")[0] == 422
    status, where = _start(client, csrf, "compliance")
    assert status == 303 and where.startswith("/officer/calls/REV-2026-")
    reference = where.rsplit("/", 1)[1]
    again = _start(client, csrf, "compliance")
    assert again[0] == 422 and f"in the programme already, as {reference}" in again[1]

    # One programme, by score: the review (4*2 + 2*2 + 3*2 + 5*3 = 33; no community call bonus)
    # comes before the Call scored 3 throughout (27, and the bonus of 5: 32).
    order = [e.call.reference for e in programme(session, NOW.date()).entries]
    assert order == [reference, lower.reference]
    with Session(engine) as reading:
        review = reading.exec(select(Call).where(Call.reference == reference)).one()
        score = reading.exec(select(Score).where(Score.call_id == review.id)).one()
    assert (review.status, review.contact_id, review.route) == (
        CallStatus.PROGRAMMED,
        None,
        "panel",
    )
    assert (score.total, score.community_bonus) == (33, 0)
    assert review.programme_start == date(2026, 12, 1)

    page = client.get(f"/officer/calls/{reference}").text
    assert "The panel itself: its own review of a business area" in page
    assert "The figures dipped." in page
    assert 'action="/officer/calls/' + reference + '/reply"' not in page  # nobody to message
    assert "Compliance</a>:" not in client.get("/officer/").text  # no longer flagged

    def move(action: str, **data: str) -> None:
        done = client.post(
            f"/officer/calls/{reference}/{action}",
            data={"csrf": csrf, **data},
            follow_redirects=False,
        )
        assert done.status_code == 303, (action, done.text[:3000])

    move("start_scrutiny")
    for number in range(1, 11):
        move("record_step", number=str(number), done_on="2026-11-23", notes="Done")
    move("add_recommendation", text="Check every fire door twice a year.")
    move("report", summary="Fire door checks fell behind.", presented_on="2026-11-23")
    with Session(engine) as reading:
        review = reading.exec(select(Call).where(Call.reference == reference)).one()
        told = reading.exec(select(Message).where(col(Message.contact_id).is_(None))).all()
    assert review.status == CallStatus.REPORTED and told == []
    report = client.get(f"/officer/calls/{reference}/report").text
    assert "A review the Customer Empowerment Panel started itself" in report


def test_the_two_a_year_check_counts_calls_and_the_panels_own_and_says_by_when(
    client: TestClient, engine: Engine, session: Session, journey: Journey
) -> None:
    this_year = NOW.year
    journey.programmed(date(this_year, 3, 1), service_area="repairs")
    session.commit()
    _manager_loads_figures(client, engine)
    csrf = sign_in(client, engine, "panel")
    page = client.get("/officer/programme").text
    assert "The next review must start by 31 December 2026" in page  # one this year so far
    client.post("/officer/programme/areas/compliance", data={"csrf": csrf, **PARTS})
    status, _ = _start(client, csrf, "compliance", start=f"{this_year}-12-01")
    assert status == 303
    page = client.get("/officer/programme").text
    assert f"<strong>{this_year}:</strong>" in page
    flat = " ".join(page.split())
    assert "2 reviews (0 done, 2 still to come; 1 from a Call, 1 the panel's own)" in flat
    assert "The next review must start by 30 June 2027" in page

    # The Calls of the charts and their CSV are tenants' Calls: the review is in the CSV with
    # its route said plainly, and no chart counts it as received.
    sign_in(client, engine, "viewer")
    rows = list(csv.reader(io.StringIO(client.get("/officer/reports/calls.csv").text)))
    routes = {row[0][:3]: row[rows[0].index("Route")] for row in rows[1:]}
    assert routes["REV"] == "The panel's own review"
    grid = {row[0]: row[-1] for row in tables(client.get("/officer/reports").text)["area-months"]}
    assert grid["Compliance"] == "0"  # the review was not received from anyone
