"""Panel meetings: the next one, and dates written as people write them."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from backend.models import Call, PanelMeeting


def next_meeting(session: Session, today: date) -> PanelMeeting | None:
    """The next scheduled panel meeting on or after `today`."""
    return session.exec(
        select(PanelMeeting)
        .where(PanelMeeting.held_on >= today)
        .order_by(col(PanelMeeting.held_on))
        .limit(1)
    ).first()


def long_date(day: date) -> str:
    """A date as people write it: Monday 7 December 2026."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def calls_on_agenda(session: Session, meeting: PanelMeeting) -> list[Call]:
    """The Calls on a meeting's agenda, oldest submission first."""
    return list(
        session.exec(
            select(Call).where(Call.meeting_id == meeting.id).order_by(col(Call.submitted_at))
        )
    )


def meetings(session: Session) -> list[PanelMeeting]:
    """Every meeting, newest first."""
    return list(session.exec(select(PanelMeeting).order_by(col(PanelMeeting.held_on).desc())))
