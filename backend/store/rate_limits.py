"""Rate limits kept in the database, so they hold across workers and restarts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, delete, func, insert, select
from sqlmodel import Session, col

from backend.models import RateEvent
from backend.store.db import table_of


@dataclass(frozen=True)
class Limit:
    """At most `most` events of `kind` for `key` within the window (its own, if it has one)."""

    kind: str
    key: str
    most: int
    window: timedelta | None = None


@cache
def _counting(limits: int) -> Select[Any]:
    """One query counting recent events under `limits` limits, each only up to its most.

    Built once and run with parameters: building it afresh cost more than running it.
    """
    counts = [
        select(func.count())
        .select_from(
            select(col(RateEvent.id))
            .where(
                col(RateEvent.kind) == bindparam(f"kind{n}"),
                col(RateEvent.key) == bindparam(f"key{n}"),
                col(RateEvent.at) >= bindparam(f"since{n}"),
            )
            .limit(bindparam(f"most{n}"))
            .subquery()
        )
        .scalar_subquery()
        for n in range(limits)
    ]
    return select(*counts)


def counts(
    session: Session, limits: Sequence[Limit], window: timedelta, now: datetime
) -> list[int]:
    """How many events each limit has within its window, each counted only up to its most.

    One query counts them all, each stopping at its limit, so a petition surge (thousands of
    codes an hour under one key) costs each request the same as the first.
    """
    asked: dict[str, object] = {}
    for n, limit in enumerate(limits):
        asked |= {f"kind{n}": limit.kind, f"key{n}": limit.key[:64], f"most{n}": limit.most}
        asked[f"since{n}"] = now - (limit.window or window)
    return [int(n) for n in session.execute(_counting(len(limits)), asked).one()]


def used_up(session: Session, limits: Sequence[Limit], window: timedelta, now: datetime) -> bool:
    """Whether any of the limits is used up within `window` (nothing is counted)."""
    used = counts(session, limits, window, now)
    return any(count >= limit.most for count, limit in zip(used, limits, strict=True))


def record(session: Session, limits: Sequence[Limit], now: datetime) -> None:
    """Counts one more event under each limit."""
    session.execute(
        insert(table_of(RateEvent)),
        [{"kind": limit.kind, "key": limit.key[:64], "at": now} for limit in limits],
    )


def allow(session: Session, limits: Sequence[Limit], window: timedelta, now: datetime) -> bool:
    """Counts one more event under each limit if none of them is used up within `window`."""
    if used_up(session, limits, window, now):
        return False
    record(session, limits, now)
    return True


def forget(session: Session, kind: str, key_prefix: str) -> None:
    """Drops the events of `kind` whose key starts with `key_prefix` (a manager's unlock)."""
    session.execute(
        delete(RateEvent).where(
            col(RateEvent.kind) == kind, col(RateEvent.key).startswith(key_prefix, autoescape=True)
        )
    )


def forget_before(session: Session, before: datetime) -> None:
    """Drops events too old to matter (the worker does this now and then)."""
    session.execute(delete(RateEvent).where(col(RateEvent.at) < before))
