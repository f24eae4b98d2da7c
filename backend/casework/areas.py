"""The landlord's business areas: the services a Head of Operations leads, the panel scores and
performance figures are kept for ("something else" and "not sure" are not among them)."""

from __future__ import annotations

from backend.models import Call
from conversations.proforma import SERVICE_AREAS

# Answers a tenant may give that name no business area: an officer records the area instead.
NOT_AN_AREA = frozenset({"other", "not_sure"})
BUSINESS_AREAS: tuple[str, ...] = tuple(a for a in SERVICE_AREAS if a not in NOT_AN_AREA)


def area_of(call: Call) -> str | None:
    """The business area a Call concerns: the tenant's choice, or the one an officer recorded
    for "something else" (None while nobody has)."""
    area = call.business_area or call.service_area
    return area if area in BUSINESS_AREAS else None
