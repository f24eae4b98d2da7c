"""The tables, one module per entity; importing this registers them all."""

from backend.models.call import Call, CallEvent, CallStatus, ReferenceCounter
from backend.models.contact import Contact
from backend.models.conversation import ConversationRecord
from backend.models.evidence import Evidence
from backend.models.meeting import PanelMeeting
from backend.models.message import UNSENT, Direction, Message, MessageStatus
from backend.models.officer import Officer, OfficerRole
from backend.models.support import SupportRequest, SupportStatus

__all__ = [
    "UNSENT",
    "Call",
    "CallEvent",
    "CallStatus",
    "Contact",
    "ConversationRecord",
    "Direction",
    "Evidence",
    "Message",
    "MessageStatus",
    "Officer",
    "OfficerRole",
    "PanelMeeting",
    "ReferenceCounter",
    "SupportRequest",
    "SupportStatus",
]
