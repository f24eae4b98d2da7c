"""The plumbing every move of the panel's process shares: the table's check, the timeline
line, and telling the tenant. The moves themselves are grouped by stage (advising.py,
decisions.py, scrutiny.py) and put together in workflow.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from backend import petitions
from backend.casework.lifecycle import (
    MOVES,
    IllegalTransition,
    check,
    words,
)
from backend.messaging.notify import Notifier
from backend.models import (
    Call,
    CallNote,
    CallStatus,
    Officer,
)
from backend.models.types import saved_id
from backend.settings import DEFAULT_SCORE_WEIGHTS, Settings
from backend.store.timeline import add_event
from conversations import Outbound


class Moves:
    """The moves, bound to a transaction and its time (through the way to tell people), and
    to the officer making them."""

    def __init__(
        self, tell: Notifier, officer: Officer | None, *, settings: Settings | None = None
    ) -> None:
        self.notifier = tell
        self.session: Session = tell.session
        self.now: datetime = tell.now
        self.officer = officer  # None: the service itself (a petition reaching its target)
        self.settings = settings
        self.weights = settings.score_weights if settings else DEFAULT_SCORE_WEIGHTS

    # -- plumbing ------------------------------------------------------------------------

    def _allowed(self, call: Call, move: str) -> None:
        """Refuses the move if the table does not allow it from here, for this officer."""
        if self.officer is not None:
            check(move, call, self.officer)
        elif CallStatus(call.status) not in MOVES[move].sources:
            raise IllegalTransition(
                f"Cannot {words(move)}: {call.reference} is {words(call.status)}."
            )

    def _record(self, call: Call, move: str, to: CallStatus | None, note: str = "") -> None:
        self._allowed(call, move)
        before = call.status
        if to is not None:
            call.status = to
        call.updated_at = self.now
        self.session.add(call)
        officer_id = self.officer.id if self.officer else None
        add_event(
            self.session, call, move, self.now, note=note, officer_id=officer_id, from_status=before
        )

    def person(self) -> Officer:
        """The officer making this move: notes, scores and steps are always someone's."""
        if self.officer is None:
            raise IllegalTransition("Only an officer can do that.")
        return self.officer

    def tell(self, call: Call, template: str, **context: Any) -> None:
        """Tells the tenant, on the channel they used (`template` under templates/messages);
        a review the panel started itself has no tenant to tell."""
        if call.contact_id is None:
            return
        self.notifier.tell_tenant(call, Outbound(template, context))

    def _tell_signers_that(self, call: Call, template: str, **context: Any) -> None:
        """Signers who opted in hear `template`, told as signers (not as the tenant)."""
        petitions.tell_signers(
            self.session, self.notifier, call, Outbound(template, {**context, "signer": True})
        )

    def _tell_signers(self, call: Call, stage: str) -> None:
        """Signers who opted in hear the outcome too."""
        context = {
            "area": petitions.petition_area(call),  # as the petition they signed named it
            "stage": stage,
            "decision": call.decision or "",
        }
        petitions.tell_signers(
            self.session, self.notifier, call, Outbound("petition/outcome", context)
        )

    # -- on any open Call ----------------------------------------------------------------

    def note(self, call: Call, body: str) -> None:
        """An internal note: officers and the panel see it, the tenant does not."""
        if not body.strip():
            raise IllegalTransition("The note is empty.")
        self._record(call, "note", None, "Internal note")
        self.session.add(
            CallNote(
                call_id=saved_id(call),
                officer_id=saved_id(self.person()),
                body=body.strip(),
                created_at=self.now,
            )
        )

    def reply(self, call: Call, text: str) -> None:
        """An officer's own words to the tenant, on the channel they used."""
        if not text.strip():
            raise IllegalTransition("The message is empty.")
        if call.contact_id is None:
            raise IllegalTransition("The panel started this review itself: there is no tenant.")
        self._record(call, "reply", None, text.strip())
        self.tell(call, "officer_message", text=text.strip())

    def record(self, call: Call, move: str, note: str = "") -> None:
        """Records a move that changes no status (an appeal lodged, say) on the timeline."""
        self._record(call, move, None, note)
