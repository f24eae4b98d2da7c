"""The moves of the panel's process on a Call (the table of who may make them, from where, is
in lifecycle.py).

Every move checks the table, refuses an illegal one with IllegalTransition (naming the
state the Call is in), records a CallEvent (the timeline), and tells the tenant on the channel
they used. The time comes with the Notifier (the transaction's time); nothing here reads the
clock.
"""

from __future__ import annotations

from sqlmodel import Session

from backend import petitions
from backend.casework.action_plans import Planning
from backend.casework.decisions import Deciding
from backend.casework.joins import Joining
from backend.casework.scrutiny import Scrutinising
from backend.messaging.notify import Notifier
from backend.models import (
    Call,
    Petition,
)
from backend.settings import Settings


class Workflow(Joining, Deciding, Scrutinising, Planning):
    """Every move on a Call, bound to a transaction (through its Notifier) and an officer."""


def after_signature(
    session: Session,
    petition: Petition,
    outcome: petitions.SignOutcome,
    tell: Notifier,
    settings: Settings,
) -> None:
    """A signature that reached the petition's target moves its Call on (the service's move)."""
    if outcome.target_met:
        call = session.get(Call, petition.call_id)
        if call is not None:
            Workflow(tell, None, settings=settings).target_met(call)
