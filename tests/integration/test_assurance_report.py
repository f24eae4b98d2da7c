"""The twice-yearly report to the Business Assurance Committee, read by the Board and EMT.

The framework: "Recommendations made by the CEP will also be included in a report to the Group
Business Assurance Committee (BAC) that supports the work of the PCHA Board, twice yearly."
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from html.parser import HTMLParser

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from backend.casework import heads
from backend.casework.assurance import Half, recent_halves
from backend.casework.decisions import Grounds
from backend.casework.workflow import Workflow
from backend.messaging.notify import Notifier
from backend.models import Call, Decision, PanelMeeting, Recommendation
from backend.settings import Settings
from backend.store.db import write_session
from tests.factories import NOW, make_call, make_contact, make_officer, sign_in
from tests.integration.backoffice import reported_call
from tests.integration.conftest import services_of

HOSTILE = '=HYPERLINK("http://evil.example/","Click")'


def _recommendations(engine: Engine, call: Call) -> list[Recommendation]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(Recommendation)
                .where(Recommendation.call_id == call.id)
                .order_by(col(Recommendation.id))
            )
        )


def _after_report(
    engine: Engine, settings: Settings, call: Call, when: datetime, plan: list[tuple[str, str]]
) -> None:
    """The Board, EMT and delegation on `when`; each recommendation's response as `plan` says,
    the accepted ones answered by an action due a fortnight later."""
    with write_session(engine) as session:
        manager = make_officer(session, "manager", email=f"m-{call.id}@example.org")
        if heads.head_for(session, "repairs") is None:
            head = heads.add_head(session, manager, name="Hana Head", now=when)
            heads.assign_area(session, manager, "repairs", head.id, when)
        flow = Workflow(Notifier.of(session, settings, when), manager, settings=settings)
        found = session.get(Call, call.id)
        assert found is not None
        flow.record_consideration(found, "board", when.date())
        flow.record_consideration(found, "emt", when.date())
        flow.delegate(found, manager, when.date())
        for recommendation, (response, description) in zip(
            _recommendations(engine, call), plan, strict=True
        ):
            mine = session.get(Recommendation, recommendation.id)
            assert mine is not None
            flow.respond(found, mine, response, f"Because: {response}")
            if description:
                due = (when + timedelta(days=14)).date()
                flow.add_action(found, description, "Repairs Manager", due, mine)


def test_every_recommendation_of_the_half_year_with_its_response_actions_and_their_status(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    # Made in January to June, one action never done: carried forward into July to December.
    spring = datetime(2026, 3, 2, 10, tzinfo=NOW.tzinfo)
    early = reported_call(
        engine, settings, recommendations=("Fix the lift within a day.",), presented=spring
    )
    _after_report(engine, settings, early, spring, [("accepted", "Lift contract with penalties")])
    # Made in July to December: accepted (one action), partly accepted (one), not accepted.
    autumn = datetime(2026, 10, 5, 10, tzinfo=NOW.tzinfo)
    late = reported_call(
        engine,
        settings,
        recommendations=("Answer repair calls within a day.", HOSTILE, "Bring repairs in house."),
        presented=autumn,
    )
    _after_report(
        engine,
        settings,
        late,
        autumn,
        [("accepted", "Call-back within a day"), ("partly_accepted", ""), ("not_accepted", "")],
    )
    # A serious failure decided in the half year: immediate recommendations, and an action.
    with write_session(engine) as session:
        session.add(PanelMeeting(held_on=autumn.date()))
        serious = make_call(session, make_contact(session, address="serious-1"), name="Zed Quill")
        panel = make_officer(session, "panel", email="serious-panel@example.org")
        flow = Workflow(Notifier.of(session, settings, autumn), panel, settings=settings)
        flow.accept_pro_forma(serious, "No heating.")
        flow.decide(
            serious,
            Decision.SERIOUS_FAILURE,
            Grounds("No heating", "persistent", "stage_1", recommendations="Heaters today."),
        )
        flow.add_action(serious, "Deliver heaters", "Area Manager", autumn.date())
        serious_reference = serious.reference

    services_of(client).clock = lambda: NOW
    sign_in(client, engine, "viewer")  # the Board and EMT read it
    page = client.get("/officer/reports/assurance")
    assert page.status_code == 200
    assert "Report to the Business Assurance Committee: July to December 2026" in page.text
    grids = _assurance_tables(page.text)
    made, carried = grids[0], grids[1]
    assert [row[0].split()[0] for row in made] == [
        late.reference,
        late.reference,
        late.reference,
        serious_reference,
    ]
    first = made[0]
    assert "1. Answer repair calls within a day." in first[1]
    assert first[2].startswith("Accepted Because: accepted") and first[3] == "Hana Head"
    assert "Call-back within a day (Repairs Manager, due 19 Oct 2026): Overdue" in first[4]
    assert made[1][4] == "No action yet"  # partly accepted, and nothing answers it yet
    assert made[2][4] == "None: not accepted"
    assert "Immediate recommendations (a serious failure): Heaters today." in made[3][1]
    assert "Deliver heaters" in made[3][4]
    assert [row[0].split()[0] for row in carried] == [early.reference]
    assert "Lift contract with penalties" in carried[0][4] and "Overdue" in carried[0][4]
    flat = " ".join(page.text.split())
    assert "<strong>4</strong> made in the half year" in flat
    assert "<strong>1</strong> partly accepted" in flat
    assert "<strong>1</strong> carried forward" in flat
    assert "Zed Quill" not in page.text  # no tenant's details

    spreadsheet = client.get("/officer/reports/assurance.csv?period=2026-H2")
    assert spreadsheet.status_code == 200
    assert spreadsheet.headers["content-type"].startswith("text/csv")
    assert 'filename="assurance-2026-H2.csv"' in spreadsheet.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(spreadsheet.text)))
    header, body = rows[0], rows[1:]
    assert len(body) == 5  # one row per action, or per recommendation with none
    column = {name: n for n, name in enumerate(header)}
    by_text = {row[column["Recommendation"]]: row for row in body}
    assert by_text["'" + HOSTILE][column["Response"]] == "Partly accepted"  # made harmless
    for row in body:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), row
    lift = by_text["Fix the lift within a day."]
    assert lift[column["Carried forward"]] == "Yes" and lift[column["Status"]] == "Overdue"
    assert "Zed Quill" not in spreadsheet.text

    earlier = client.get("/officer/reports/assurance?period=2026-H1").text
    made_then = _assurance_tables(earlier)[0]
    assert [row[0].split()[0] for row in made_then] == [early.reference]
    assert client.get("/officer/reports/assurance?period=2026-H3").status_code == 422


def _assurance_tables(html: str) -> list[list[list[str]]]:
    """The report's two tables (made in the half year, carried forward), rows without headers."""

    class Grids(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.grids: list[list[list[str]]] = []
            self.cell: list[str] | None = None
            self.inside = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "table" and ("class", "assurance") in attrs:
                self.grids.append([])
                self.inside = True
            elif self.inside and tag == "tr":
                self.grids[-1].append([])
            elif self.inside and tag in ("td", "th"):
                self.cell = []

        def handle_endtag(self, tag: str) -> None:
            if self.inside and tag in ("td", "th") and self.cell is not None:
                self.grids[-1][-1].append(" ".join(" ".join(self.cell).split()))
                self.cell = None
            elif tag == "table":
                self.inside = False

        def handle_data(self, data: str) -> None:
            if self.cell is not None:
                self.cell.append(data)

    parser = Grids()
    parser.feed(html)
    return [[row for row in grid[1:] if row != ["None."]] for grid in parser.grids]


def test_half_years_are_named_and_listed_newest_first() -> None:
    assert Half.of(date(2026, 6, 30)) == Half(2026, 1)
    assert Half.of(date(2026, 7, 1)).name == "July to December 2026"
    assert Half.parse("2026-h1") == Half(2026, 1) and Half.parse("2026-H3") is None
    assert [h.code for h in recent_halves(date(2026, 11, 23))] == [
        "2026-H2",
        "2026-H1",
        "2025-H2",
        "2025-H1",
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client: TestClient) -> None:
    for path in ("/officer/reports/assurance", "/officer/reports/assurance.csv"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith(
            "/officer/login"
        )
