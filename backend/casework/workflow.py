"""The moves of the panel's process on a Call (the table of who may make them, from where, is
in lifecycle.py).

Every move checks the table, refuses an illegal one with IllegalTransition (naming the
state the Call is in), records a CallEvent (the timeline), and tells the tenant on the channel
they used. The time comes in as `now`; nothing here reads the clock.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from backend import petitions
from backend.casework.action_plans import Planning
from backend.casework.decisions import Deciding
from backend.casework.joins import Joining
from backend.casework.scrutiny import Scrutinising
from backend.models import (
    Call,
    Petition,
)
from backend.settings import Settings
from bot.render import Renderer


class Workflow(Joining, Deciding, Scrutinising, Planning):
    """The moves, bound to a session, the time, the officer making them, and a way to tell."""


def after_signature(
    session: Session,
    petition: Petition,
    outcome: petitions.SignOutcome,
    renderer: Renderer,
    settings: Settings,
    now: datetime,
) -> None:
    """A signature that reached the petition's target moves its Call on (the service's move)."""
    if outcome.target_met:
        call = session.get(Call, petition.call_id)
        if call is not None:
            Workflow(session, renderer, None, now, settings=settings).target_met(call)
