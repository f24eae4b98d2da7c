"""Rate limits kept in the database, so they hold across workers and restarts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert
from sqlmodel import Session, col, func, select

from backend.db import table_of
from backend.models import RateEvent


@dataclass(frozen=True)
class Limit:
    """At most `most` events of `kind` for `key` within the window."""

    kind: str
    key: str
    most: int


def allow(session: Session, limits: Sequence[Limit], window: timedelta, now: datetime) -> bool:
    """Counts one more event under each limit if none of them is used up within `window`.

    One query counts them all, each stopping at its limit, so a petition surge (thousands of
    codes an hour under one key) costs each request the same as the first.
    """
    since = now - window
    counts = [
        select(func.count()).select_from(
            select(RateEvent.id)
            .where(
                RateEvent.kind == limit.kind,
                RateEvent.key == limit.key[:64],
                col(RateEvent.at) >= since,
            )
            .limit(limit.most)
            .subquery()
        )
        for limit in limits
    ]
    used = session.execute(select(*(c.scalar_subquery() for c in counts))).one()
    if any(n >= limit.most for n, limit in zip(used, limits, strict=True)):
        return False
    session.execute(
        insert(table_of(RateEvent)),
        [{"kind": limit.kind, "key": limit.key[:64], "at": now} for limit in limits],
    )
    return True


def forget_before(session: Session, before: datetime) -> None:
    """Drops events too old to matter (the worker does this now and then)."""
    session.execute(delete(RateEvent).where(col(RateEvent.at) < before))
