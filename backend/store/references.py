"""Call references CCS-<year>-<sequence>: sequential per year, safe under concurrent submits."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col

from backend.models import ReferenceCounter
from backend.store.db import insert_or_skip


def format_reference(year: int, sequence: int) -> str:
    """The reference a tenant quotes, e.g. CCS-2026-0042."""
    return f"CCS-{year}-{sequence:04d}"


def next_sequence(session: Session, year: int) -> int:
    """Takes the next number for `year`; the row lock makes concurrent callers queue."""
    session.execute(insert_or_skip(session, ReferenceCounter).values(year=year, last=0))
    bumped = session.execute(
        update(ReferenceCounter)
        .where(col(ReferenceCounter.year) == year)
        .values(last=col(ReferenceCounter.last) + 1)
        .returning(col(ReferenceCounter.last))
    )
    return int(bumped.scalar_one())
