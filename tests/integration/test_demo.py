"""`make run`'s demo data: meetings, a manager, three Calls, one petition under way."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session, select

from backend import demo
from backend.models import Call, Officer, PanelMeeting, Petition
from backend.settings import Settings


def test_demo_data_is_added_once_with_a_petition_under_way(
    engine: Engine, settings: Settings, session: Session
) -> None:
    assert demo.seed(engine, settings) is True
    assert demo.seed(engine, settings) is False
    assert len(session.exec(select(PanelMeeting)).all()) == 3
    assert session.exec(select(Officer)).one().email == demo.DEMO_OFFICER_EMAIL
    assert len(session.exec(select(Call)).all()) == 3
    under_way = [p for p in session.exec(select(Petition)) if p.signature_count]
    assert len(under_way) == 1 and under_way[0].signature_count == 3
