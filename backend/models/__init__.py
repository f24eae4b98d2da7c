"""The tables, one module per entity; importing this registers them all."""

from backend.models.appeal import Appeal, AppealPanelMember, Representative
from backend.models.call import (
    Call,
    CallEvent,
    CallJoin,
    CallNote,
    CallStatus,
    ComplaintsUsed,
    Decision,
    FailureFound,
    MonitoringOutcome,
    MovedSignature,
    ReferenceCounter,
)
from backend.models.contact import Contact
from backend.models.conversation import ConversationRecord
from backend.models.evidence import Evidence
from backend.models.heads import AreaHead, HeadOfOperations
from backend.models.meeting import PanelMeeting
from backend.models.message import UNSENT, Direction, Message, MessageStatus
from backend.models.officer import AuditEntry, Officer, OfficerRole, OfficerSession
from backend.models.performance import PerformanceFigure
from backend.models.petition import (
    SIGNABLE,
    PendingSignature,
    Petition,
    PetitionStatus,
    RateEvent,
    Signature,
)
from backend.models.scrutiny import (
    Action,
    AreaScore,
    FollowUp,
    Recommendation,
    RecommendationResponse,
    Score,
    ScrutinyStep,
)
from backend.models.support import SupportRequest, SupportStatus

__all__ = [
    "SIGNABLE",
    "UNSENT",
    "Action",
    "Appeal",
    "AppealPanelMember",
    "AreaHead",
    "AreaScore",
    "AuditEntry",
    "Call",
    "CallEvent",
    "CallJoin",
    "CallNote",
    "CallStatus",
    "ComplaintsUsed",
    "Contact",
    "ConversationRecord",
    "Decision",
    "Direction",
    "Evidence",
    "FailureFound",
    "FollowUp",
    "HeadOfOperations",
    "Message",
    "MessageStatus",
    "MonitoringOutcome",
    "MovedSignature",
    "Officer",
    "OfficerRole",
    "OfficerSession",
    "PanelMeeting",
    "PendingSignature",
    "PerformanceFigure",
    "Petition",
    "PetitionStatus",
    "RateEvent",
    "Recommendation",
    "RecommendationResponse",
    "ReferenceCounter",
    "Representative",
    "Score",
    "ScrutinyStep",
    "Signature",
    "SupportRequest",
    "SupportStatus",
]
