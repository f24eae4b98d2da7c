"""Effects: what the flow asks the outside world to do, carried out by the shell."""

from __future__ import annotations

from dataclasses import dataclass, field

from conversations.messages import Attachment


@dataclass(frozen=True)
class SubmitCall:
    """Turn the finished pro-forma into a Call with a reference."""

    answers: dict[str, str]
    support_requested: bool = False
    evidence_notes: str = ""


@dataclass(frozen=True)
class RequestSupport:
    """The tenant wants an officer's help to complete the pro-forma."""

    step: str
    reason: str  # "asked" (said OFFICER) or "stuck" (answers kept not fitting)


@dataclass(frozen=True)
class ReportStatus:
    """Tell the tenant where each of their Calls has got to."""

    draft_question: int | None = None
    draft_total: int | None = None


@dataclass(frozen=True)
class AttachEvidence:
    """Keep photos or documents with the tenant's draft Call."""

    attachments: tuple[Attachment, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class OfferUpload:
    """Give a tenant on a channel without pictures a personal link to add photos to the draft."""


Effect = SubmitCall | RequestSupport | ReportStatus | AttachEvidence | OfferUpload
