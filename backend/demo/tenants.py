"""Demo tenants' Calls, each sent from the web chat and stored by intake as a real one is."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from backend.models import Call, Contact
from backend.turns import intake
from conversations import SubmitCall


def submit_call(session: Session, contact: str, answers: dict[str, str], sent: datetime) -> Call:
    """The Call a web-chat tenant (`contact`, the chat's address) sent at `sent` with `answers`."""
    chat = Contact(channel="web", address=contact)
    session.add(chat)
    session.flush()
    return intake.submit_call(session, chat, SubmitCall(answers=answers), sent)
