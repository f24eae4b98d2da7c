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
    offer_text: bool = False  # a caller is asked whether to text them the reference


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
    """Keep photos or documents with the tenant's draft Call (or, once sent, their last Call)."""

    attachments: tuple[Attachment, ...] = field(default_factory=tuple)
    to_last_call: bool = False
    # Signed a neighbour's petition instead of their own: kept with that Call (its reference).
    to_reference: str = ""


@dataclass(frozen=True)
class OfferUpload:
    """Give a tenant on a channel without pictures a personal link to add photos to the draft
    (or to the Call whose petition they signed instead: `to_reference`)."""

    to_reference: str = ""


@dataclass(frozen=True)
class TextDetails:
    """A caller said yes: text the reference of their newest Call (and its petition's link to
    share) to the number they called from, and to no other."""


@dataclass(frozen=True)
class SignPetition:
    """Sign the petition with this code for the texting phone (possession verifies it)."""

    code: str
    name: str
    address: str
    # Signed instead of raising their own Call (the offer of a similar petition): the Call it
    # belongs to, told to them with how to carry on with their own.
    instead_of: str = ""


@dataclass(frozen=True)
class SendPetitionLink:
    """Text a caller the signing page of the petition with this code (a call takes no
    signature), to the mobile they called from."""

    code: str


@dataclass(frozen=True)
class WithdrawSignature:
    """Take the texting phone's signature off the petition with this code."""

    code: str


@dataclass(frozen=True)
class LodgeAppeal:
    """The tenant appeals, in writing, against the panel's decision on this Call."""

    reference: str
    reasons: str


@dataclass(frozen=True)
class AnswerFollowUp:
    """The tenant (or a signer) says whether the service got better after the action plan."""

    reference: str
    answer: str  # "1" better, "2" a little, "3" not better


Effect = (
    SubmitCall
    | RequestSupport
    | ReportStatus
    | AttachEvidence
    | OfferUpload
    | TextDetails
    | SignPetition
    | SendPetitionLink
    | WithdrawSignature
    | LodgeAppeal
    | AnswerFollowUp
)
