"""The Call's timeline: one way to add a line to it (the table is append-only)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from backend.models import Call, CallEvent
from backend.models.types import saved_id

NOTE_LIMIT = 2000


def add_event(
    session: Session,
    call: Call,
    action: str,
    now: datetime,
    *,
    note: str = "",
    officer_id: int | None = None,
    from_status: str | None = None,
    first: bool = False,
) -> CallEvent:
    """Records what happened to the Call, when, and who did it (None: the tenant or the
    service). The status after is the Call's own; `from_status` is the one before a move
    (None: the same, for lines that change no status); the `first` line comes from none."""
    event = CallEvent(
        call_id=saved_id(call),
        at=now,
        officer_id=officer_id,
        from_status=None if first else (from_status or call.status),
        to_status=call.status,
        action=action,
        note=note[:NOTE_LIMIT],
    )
    session.add(event)
    return event
