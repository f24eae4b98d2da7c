"""Appeals against the panel's decision: lodged within 28 days, heard by an independent panel
of 4 to 6 representatives of other involvement methods, whose decision is final."""

from backend.appeals.appeal import (
    appeal_file,
    appeals_of,
    choose_panel,
    decide_appeal,
    is_late,
    list_appeals,
    lodge,
    lodge_by_message,
    lodge_refusal,
    open_appeal,
)
from backend.appeals.representatives import (
    GROUP_NAMES,
    INVOLVEMENT,
    OUTCOMES,
    PANEL_MAX,
    PANEL_MIN,
    BadChoice,
    add_representative,
    deactivate,
    group_of,
    panel_of,
    representatives,
    why_not_on_panel,
)

__all__ = [
    "GROUP_NAMES",
    "INVOLVEMENT",
    "OUTCOMES",
    "PANEL_MAX",
    "PANEL_MIN",
    "BadChoice",
    "add_representative",
    "appeal_file",
    "appeals_of",
    "choose_panel",
    "deactivate",
    "decide_appeal",
    "group_of",
    "is_late",
    "list_appeals",
    "lodge",
    "lodge_by_message",
    "lodge_refusal",
    "open_appeal",
    "panel_of",
    "representatives",
    "why_not_on_panel",
]
