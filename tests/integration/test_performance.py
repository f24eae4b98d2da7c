"""Performance and management information in the back office: loaded from a CSV (all of it or
none), read by every role, and shown beside each part of the scoring matrix with a proposed
score the panel can change.

The seed: "The Customer Empowerment Panel will be provided with the relevant performance and
management information to score the business area".
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from backend.casework.performance import COLUMNS
from backend.models import Officer, PerformanceFigure, Score
from backend.settings import Settings
from tests.factories import NOW, sign_in
from tests.integration.conftest import services_of
from tests.integration.test_cli import frontdoor
from tests.integration.test_reports import Journey

HEADER = ",".join(COLUMNS)


@pytest.fixture
def journey(session: Session, settings: Settings) -> Journey:
    """Moves Calls through the process in the test database."""
    return Journey(session, settings)


GOOD = "\n".join(
    (
        HEADER,
        "2026 Q2,repairs,9,10,85,100,8",
        "2026 Q3,repairs,6,10,72,100,12",
        "2026 Q3,Void Works,9,10,91,40,1",
    )
)
# The same quarters with changed figures, and rows a spreadsheet could easily get wrong.
BAD = "\n".join(
    (
        HEADER,
        "2026 Q2,repairs,1,10,10,100,80",
        "2026 Q3,repairs,7,10,seventy,100,12",
        "2026 Q3,Parking,9,10,91,40,1",
        "2026 Q3,void_works,9,10,91,40,41",
    )
)


def _load(client: TestClient, csrf: str, text: str, name: str = "figures.csv") -> str:
    response = client.post(
        "/officer/performance",
        data={"csrf": csrf},
        files={"file": (name, text.encode(), "text/csv")},
    )
    return f"{response.status_code} {response.text}"


def _figures(engine: Engine) -> dict[tuple[str, int], tuple[int, float, int]]:
    with Session(engine) as session:
        return {
            (f.service_area, f.quarter): (
                f.indicators_on_target,
                f.satisfaction_percent,
                f.complaints_escalated,
            )
            for f in session.exec(select(PerformanceFigure))
        }


def test_the_manager_loads_a_csv_and_a_quarter_loaded_again_replaces_its_figures(
    client: TestClient, engine: Engine
) -> None:
    services_of(client).clock = lambda: NOW
    csrf = sign_in(client, engine, "manager")
    page = _load(client, csrf, GOOD, "Q3 figures.csv")
    assert page.startswith("200") and "3 rows of figures loaded: 3 new, 0 replacing" in page
    assert _figures(engine)[("repairs", 3)] == (6, 72.0, 12)
    with Session(engine) as session:
        figure = session.exec(select(PerformanceFigure)).first()
        manager = session.exec(select(Officer).where(Officer.role == "manager")).all()[-1]
    assert figure is not None and figure.loaded_by == manager.id
    assert figure.source == "Q3 figures.csv"
    table = client.get("/officer/performance").text
    assert "6 of 10 (60%; down 30 points)" in table and "72% (down 13 points)" in table

    again = GOOD.replace("2026 Q3,repairs,6,10,72,100,12", "2026 Q3,repairs,5,10,70,100,12")
    assert "3 rows of figures loaded: 0 new, 3 replacing" in _load(client, csrf, again)
    assert _figures(engine)[("repairs", 3)] == (5, 70.0, 12)


def test_a_csv_with_bad_rows_loads_nothing_and_names_each_problem_by_row(
    client: TestClient, engine: Engine
) -> None:
    services_of(client).clock = lambda: NOW
    csrf = sign_in(client, engine, "manager")
    _load(client, csrf, GOOD)
    before = _figures(engine)
    page = _load(client, csrf, BAD)
    assert page.startswith("422") and "Nothing was loaded" in page
    assert "Row 3: satisfaction_percent must be a number from 0 to 100, not &#39;seventy&#39;" in (
        page
    )
    assert "Row 4: business_area &#39;Parking&#39; is not one of the business areas" in page
    assert "Row 5: complaints_escalated (41) is more than complaints_received (40)" in page
    # Row 2 was good, but a file with a bad row loads nothing: the old figures stand.
    assert _figures(engine) == before
    assert "Choose the CSV file" in _load(client, csrf, "", "")


def test_only_the_manager_loads_figures_and_every_role_reads_them(
    client: TestClient, engine: Engine
) -> None:
    services_of(client).clock = lambda: NOW
    panel = sign_in(client, engine, "panel")
    assert _load(client, panel, GOOD).startswith("403")
    assert _figures(engine) == {}
    sign_in(client, engine, "viewer")
    page = client.get("/officer/performance")
    assert page.status_code == 200 and "The Customer Empowerment Manager loads" in page.text
    template = client.get("/officer/performance/template.csv")
    assert template.status_code == 200 and template.text.splitlines()[0] == HEADER


def test_the_scoring_form_shows_the_areas_figures_and_proposes_a_score_the_panel_can_change(
    client: TestClient, engine: Engine, session: Session, journey: Journey
) -> None:
    # "All business areas are scored prior to being scheduled for scrutiny. A scoring matrix is
    # used that considers performance, customer satisfaction and complaints."
    session.commit()  # the journey's meeting: SQLite has one writer, and the page writes next
    services_of(client).clock = lambda: NOW
    csrf = sign_in(client, engine, "manager")
    _load(client, csrf, GOOD)
    call = journey.accepted(service_area="repairs")
    session.commit()
    page = client.get(f"/officer/calls/{call.reference}").text
    assert (
        "6 of 10 performance indicators on target in 2026 Q3 (60%), down 30 points on 2026 Q2. "
        "Proposed: 4." in page
    )
    assert "72% of customers satisfied in 2026 Q3, down 13 points on 2026 Q2. Proposed: 4." in page
    assert "12 of 100 complaints escalated in 2026 Q3 (12%); 8 of 100 in 2026 Q2" in page
    assert "no figure proposes it" in page  # business critical is the panel's to judge
    filled = dict(re.findall(r'id="(performance|satisfaction|complaints)"[^>]*value="(\d)"', page))
    assert filled == {"performance": "4", "satisfaction": "4", "complaints": "3"}

    changed = {"performance": "3", "satisfaction": "4", "complaints": "3", "business_critical": "5"}
    done = client.post(
        f"/officer/calls/{call.reference}/score",
        data={"csrf": csrf, **changed},
        follow_redirects=False,
    )
    assert done.status_code == 303
    session.expire_all()
    score = session.exec(select(Score).where(Score.call_id == call.id)).one()
    assert (score.performance, score.business_critical) == (3, 5)  # the panel's, not the figures'

    programme = client.get("/officer/programme").text  # void works has no Call: scored as an area
    row = programme[programme.index('id="area-void_works"') :]
    row = row[: row.index("</tr>")]
    assert "9 of 10 performance indicators on target in 2026 Q3 (90%). Proposed: 1." in row
    assert 'aria-label="Performance for Void Works"' in row and 'value="1"' in row


def test_frontdoor_load_performance_loads_a_good_file_and_nothing_of_a_bad_one(
    tmp_path: Path,
) -> None:
    assert frontdoor(tmp_path, "migrate").returncode == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD)
    refused = frontdoor(tmp_path, "load-performance", str(bad))
    assert refused.returncode == 1
    assert f"Nothing was loaded from {bad}" in refused.stderr
    assert "Row 4: business_area 'Parking' is not one of the business areas" in refused.stderr
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    loaded = frontdoor(tmp_path, "load-performance", str(good))
    assert loaded.returncode == 0, loaded.stderr
    assert "3 rows of figures loaded for 2026 Q2 to 2026 Q3: 3 new, 0 replacing" in loaded.stdout
