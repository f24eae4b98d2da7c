"""The chores the outbox worker runs every ten minutes, across features: petitions past their
date close, old rate-limit counters go, signatures are anonymised, unconfirmed signers are
deleted once their code has expired, evidence of abandoned drafts
is deleted, follow-up questions are asked.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine

from backend import petitions
from backend.casework import follow_ups
from backend.messaging.notify import Notifier
from backend.people import privacy
from backend.petitions.signing import forget_unconfirmed
from backend.settings import Settings
from backend.store import rate_limits
from backend.store.db import write_session


def run(engine: Engine, settings: Settings, now: datetime) -> int:
    """Does every chore in one transaction; returns how many petitions closed (their tenants
    have messages waiting)."""
    with write_session(engine) as session:
        tell = Notifier.of(session, settings, now)
        closed = petitions.close_expired(session, tell)
        rate_limits.forget_before(session, now - timedelta(days=2))
        petitions.anonymise_signatures(session, now, settings.signature_retention_days)
        forget_unconfirmed(session, now)
        privacy.delete_abandoned_drafts(
            session, now, settings.evidence_draft_days, settings.evidence_dir
        )
        follow_ups.send_due(session, tell)
    return len(closed)
