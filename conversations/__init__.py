"""The Community Call for Scrutiny as a conversation: pure, channel-agnostic, no I/O."""

from conversations.channels import Channel
from conversations.effects import (
    AnswerFollowUp,
    AttachEvidence,
    Effect,
    LodgeAppeal,
    OfferUpload,
    ReportStatus,
    RequestSupport,
    SendPetitionLink,
    SignPetition,
    SubmitCall,
    TextDetails,
    WithdrawSignature,
)
from conversations.flow import Turn, advance
from conversations.messages import Attachment, Choice, Inbound, Outbound
from conversations.proforma import FORM, Step
from conversations.state import Conversation

__all__ = [
    "FORM",
    "AnswerFollowUp",
    "AttachEvidence",
    "Attachment",
    "Channel",
    "Choice",
    "Conversation",
    "Effect",
    "Inbound",
    "LodgeAppeal",
    "OfferUpload",
    "Outbound",
    "ReportStatus",
    "RequestSupport",
    "SendPetitionLink",
    "SignPetition",
    "Step",
    "SubmitCall",
    "TextDetails",
    "Turn",
    "WithdrawSignature",
    "advance",
]
