"""Rate limits kept in the database, so they hold across workers and restarts."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, func, select

from backend.models import RateEvent


def allow(
    session: Session, kind: str, key: str, limit: int, window: timedelta, now: datetime
) -> bool:
    """Counts one more `kind` event for `key` if fewer than `limit` happened within `window`."""
    since = now - window
    used = session.exec(
        select(func.count())
        .select_from(RateEvent)
        .where(RateEvent.kind == kind, RateEvent.key == key, col(RateEvent.at) >= since)
    ).one()
    if used >= limit:
        return False
    session.add(RateEvent(kind=kind, key=key[:64], at=now))
    return True


def forget_before(session: Session, before: datetime) -> None:
    """Drops events too old to matter (the worker does this now and then)."""
    session.execute(delete(RateEvent).where(col(RateEvent.at) < before))
