"""`make run`'s demo data: a newcomer can see every stage of the process."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from backend import demo
from backend.casework import heads
from backend.casework.areas import BUSINESS_AREAS
from backend.casework.dashboard import needs_action
from backend.casework.lifecycle import appeal_deadline
from backend.casework.trends import trends
from backend.models import (
    Call,
    CallStatus,
    Officer,
    PanelMeeting,
    Petition,
    Recommendation,
    Representative,
)
from backend.settings import Settings
from tests.factories import sign_in


def test_demo_data_is_added_once_and_shows_every_stage_a_newcomer_should_see(
    engine: Engine, settings: Settings, session: Session
) -> None:
    assert demo.seed(engine, settings) is True
    assert demo.seed(engine, settings) is False
    today = datetime.now(UTC).date()
    officers = {o.email: o.role for o in session.exec(select(Officer))}
    assert officers[demo.DEMO_OFFICER_EMAIL] == "manager"
    assert set(officers.values()) == {"manager", "panel", "officer", "viewer"}
    assert len(session.exec(select(Representative)).all()) >= 4  # an appeal panel can sit
    assert any(m.held_on > today for m in session.exec(select(PanelMeeting)))

    calls = {c.tenant_name: c for c in session.exec(select(Call))}
    under_way = [p for p in session.exec(select(Petition)) if p.signature_count]
    # A petition under way: three neighbours, and the tenant of the Call joined into it.
    assert len(under_way) == 1 and under_way[0].signature_count == 4
    lena = calls["Lena Morris"]
    deadline = appeal_deadline(lena)
    assert lena.status == CallStatus.NOT_EXHAUSTED and deadline and deadline > today
    assert calls["Joe Bright"].status == CallStatus.IN_SCRUTINY
    assert calls["Rita Shah"].status == CallStatus.ACTION_PLAN
    assert calls["Tom Reyes"].status == CallStatus.MONITORING
    assert calls["Kim Osei"].status == CallStatus.ACCEPTED  # to score, with the figures beside
    # After its report: the Board and EMT considered it, every recommendation has a response,
    # and the plan was agreed with the area's Head of Operations.
    nadia = calls["Nadia Flores"]
    assert nadia.status == CallStatus.ACTION_PLAN and nadia.plan_agreed_with == "Marcus Webb"
    assert nadia.board_considered_on and nadia.emt_considered_on and nadia.delegated_on
    responses = {
        r.response
        for r in session.exec(select(Recommendation).where(Recommendation.call_id == nadia.id))
    }
    assert responses == {"accepted", "partly_accepted", "not_accepted"}
    assert set(heads.area_heads(session)) == set(BUSINESS_AREAS)  # every area has a Head
    # A year of performance figures for every business area.
    found = trends(session)
    assert set(found) == set(BUSINESS_AREAS)
    assert all(len(trend.quarters) == 4 for trend in found.values())
    # One area flagged by a dip, and one the panel already put on the programme itself.
    flagged = needs_action(session, today, dip_points=settings.performance_dip_points).dipped
    assert [flag.area for flag in flagged] == ["compliance"]
    review = session.exec(select(Call).where(Call.route == "panel")).one()
    assert (review.service_area, review.status) == ("grounds_maintenance", "programmed")

    waiting = needs_action(session, today, support_days=settings.support_reply_days)
    assert [row.name for row in waiting.support_requests] == ["Grace Okafor"]
    assert waiting.support_requests[0].overdue(today)
    assert [c.tenant_name for c in waiting.monitoring_due] == ["Tom Reyes"]
    assert [call.tenant_name for _, call in waiting.overdue_actions] == ["Rita Shah"]


def test_the_board_and_emt_read_every_page_after_the_report_and_can_change_nothing(
    client: TestClient, engine: Engine, settings: Settings, session: Session
) -> None:
    # The viewer role: "Board and Executive Management Team: reading and reports only".
    demo.seed(engine, settings)
    calls = {c.tenant_name or c.reference: c.reference for c in session.exec(select(Call))}
    review = next(reference for reference in calls.values() if reference.startswith("REV-"))
    sign_in(client, engine, "viewer")
    for path in (
        "/officer/",
        "/officer/heads",
        "/officer/performance",
        "/officer/programme",
        "/officer/reports/assurance",
        f"/officer/calls/{calls['Nadia Flores']}",
        f"/officer/calls/{calls['Nadia Flores']}/report",
        f"/officer/calls/{review}",
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        assert 'method="post" action="/officer/calls/' not in page.text, path
        assert 'action="/officer/heads"' not in page.text, path
        assert 'action="/officer/performance"' not in page.text, path
