"""The saved state of one tenant's conversation: immutable, stored as JSON."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from conversations.proforma import Step

# Kept when a tenant starts another Call, so they are not asked who they are twice.
PERSONAL_STEPS = (Step.NAME, Step.ADDRESS, Step.CONTACT_PREFERENCE, Step.CONTACT_PHONE)


class Offer(BaseModel):
    """A neighbour's open petition offered to the tenant, waiting for "sign" or "carry on"."""

    model_config = ConfigDict(frozen=True)

    code: str  # the petition's share code
    reference: str  # the Call it belongs to, told to the tenant who signs it
    url: str  # its signing page


class Conversation(BaseModel):
    """Where a tenant is in the pro-forma and every answer they have given."""

    model_config = ConfigDict(frozen=True)

    step: Step = Step.WELCOME
    answers: dict[str, str] = Field(default_factory=dict)
    welcomed: bool = False
    consented_at: datetime | None = None
    collecting: bool = False  # a long answer at this step is being added to, message by message
    misfits: int = 0  # answers at this step that did not fit
    confirming_restart: bool = False
    between: tuple[str, ...] = ()  # options just offered after a reply that fitted several
    support_requested: bool = False
    evidence_count: int = 0
    calls_submitted: int = 0
    signing_code: str | None = None  # texting SIGN <code>: the petition being signed
    signing_name: str | None = None  # the signer's name, once given
    # On a phone call: an answer heard by speech recognition, read back and waiting for "yes"
    # (recognition mishears; a tenant must hear what we will keep before it is kept).
    heard: str | None = None
    officer_offered: bool = False  # a caller was offered the officers' line or a call back
    text_offered: bool = False  # a caller was asked whether to text them their reference
    texts: bool = False  # a caller's number can get our texts (a mobile)
    # The language we write to them in ("": the installation's first). The channel's guess
    # first, then theirs: a language's name, or LANGUAGE and a number, changes it at any time.
    language: str = ""
    choosing_language: bool = False  # the languages were just offered by number
    # Joining neighbours up: a similar petition was offered for this draft (offered once), and
    # the offer waiting for an answer.
    similar_offered: bool = False
    offer: Offer | None = None
    # Signed that petition instead: its Call's reference, where their photos now go.
    set_aside_for: str | None = None

    def but(self, **changes: Any) -> Conversation:
        """A copy with `changes` applied (the state itself never changes)."""
        return self.model_copy(update=changes)

    def with_answer(self, step: Step, value: str) -> Conversation:
        """A copy with the answer at `step` set to `value`."""
        return self.but(answers={**self.answers, step.value: value})

    def with_evidence(self, count: int) -> Conversation:
        """A copy counting `count` more photos or documents for the draft, sent here or kept
        through the upload link (the review says how many were received)."""
        return self.but(evidence_count=self.evidence_count + count)

    def to_json(self) -> str:
        """The state as stored."""
        return self.model_dump_json()

    @classmethod
    def from_json(cls, data: str) -> Conversation:
        """The state from its stored JSON."""
        return cls.model_validate_json(data)
