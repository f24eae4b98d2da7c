"""Representatives of the other involvement methods, and the rules for an appeal panel of them.

The landlord's process: "an independent panel of 4 to 6 representatives from other involvement
methods", none from the panel serving the business area the Call is about.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from backend.models import Appeal, AppealPanelMember, Call, Representative

# The involvement methods of the Customer Empowerment Framework (its table, top to bottom).
INVOLVEMENT: dict[str, str] = {
    "board": "PCHA Board",
    "tmo": "Tenant Management Organisation",
    "cep_scrutiny": "Customer Empowerment Panel: scrutiny (decides Calls)",
    "cep_performance": "Customer Empowerment Panel: performance",
    "tenant_inspectors": "Tenant Inspectors",
    "residents_groups": "Residents Groups",
    "cep_policy": "Customer Empowerment Panel: policy review",
    "cep_complaints_review": "Customer Empowerment Panel: complaints review",
    "customer_events": "Customer Events",
    "surveys": "Customer Feedback: surveys and market research",
    "focus_groups": "Focus Groups",
    "cep_community_fund": "Customer Empowerment Panel: Community Development Fund",
    "other_informal": "Other informal involvement (suggestions, walkabouts, feedback)",
}


# The panel that made the decision cannot hear the appeal against it, nor can its other
# functions (policy review, complaints review, the community fund): they are not "other
# involvement methods".
DECIDING_PANEL = "cep_scrutiny"
CEP_FUNCTION = "cep_"


# The framework's two business areas, and the services in each.
BUSINESS_GROUPS: dict[str, tuple[str, ...]] = {
    "housing_support": (
        "community_safety",
        "customer_access",
        "neighbourhood_services",
        "independent_living",
    ),
    "repairs_maintenance": (
        "repairs",
        "void_works",
        "compliance",
        "communal_cleaning",
        "grounds_maintenance",
        "home_improvement_works",
    ),
}


GROUP_NAMES: dict[str, str] = {
    "housing_support": "Housing Support Services",
    "repairs_maintenance": "Repairs and Maintenance",
}


PANEL_MIN, PANEL_MAX = 4, 6


OUTCOMES: dict[str, str] = {
    "upheld": "Decision upheld: it stands",
    "overturned": "Decision overturned: it is changed",
}


class BadChoice(ValueError):  # noqa: N818 - a refusal shown next to the form
    """A value that is not one of the allowed options (bad input, not a refused move)."""


def group_of(service_area: str) -> str | None:
    """The business group a service area belongs to ("other" belongs to none)."""
    for group, areas in BUSINESS_GROUPS.items():
        if service_area in areas:
            return group
    return None


def panel_of(session: Session, appeal: Appeal) -> list[Representative]:
    """The representatives chosen to hear an appeal, by name."""
    return list(
        session.exec(
            select(Representative)
            .join(AppealPanelMember, col(AppealPanelMember.representative_id) == Representative.id)
            .where(AppealPanelMember.appeal_id == appeal.id)
            .order_by(col(Representative.name))
        )
    )


def representatives(session: Session, active_only: bool = True) -> list[Representative]:
    """Representatives who may sit on appeal panels, by name (active ones first if all)."""
    query = select(Representative)
    if active_only:
        query = query.where(col(Representative.active).is_(True))
    return list(
        session.exec(query.order_by(col(Representative.active).desc(), col(Representative.name)))
    )


def why_not_on_panel(representative: Representative, call: Call) -> str | None:
    """Why this representative cannot hear an appeal on this Call (None: they can)."""
    if representative.involvement == DECIDING_PANEL:
        return (
            f"{representative.name} sits on the Customer Empowerment Panel that made the "
            "decision, so cannot hear the appeal."
        )
    if representative.involvement.startswith(CEP_FUNCTION):
        # "Representatives from other involvement methods": the panel's own functions are not.
        return (
            f"{representative.name} represents one of the Customer Empowerment Panel's own "
            "functions, not another involvement method."
        )
    # "There will not be a representative of the panel that serves the specific business
    # area": for "something else", the area an officer recorded.
    group = group_of(call.business_area or call.service_area)
    if group is not None and representative.serves_group == group:
        return f"{representative.name} serves {GROUP_NAMES[group]}, the area this Call is about."
    return None


def panel_problem(members: list[Representative], call: Call) -> str | None:
    """Why these members cannot hear an appeal on this Call (None: they can)."""
    if not PANEL_MIN <= len(members) <= PANEL_MAX:
        return (
            f"An appeal panel needs {PANEL_MIN} to {PANEL_MAX} members: "
            f"{len(members)} {'was' if len(members) == 1 else 'were'} chosen."
        )
    for member in members:
        reason = why_not_on_panel(member, call)
        if reason:
            return reason
    return None


def add_representative(
    session: Session, name: str, involvement: str, serves_group: str | None
) -> Representative:
    """A new representative of an involvement method, available for appeal panels."""
    if not name.strip():
        raise BadChoice("Give the representative's name.")
    if len(name.strip()) > 80:
        raise BadChoice("The name is too long: 80 characters at most.")
    if involvement not in INVOLVEMENT:
        raise BadChoice("Choose the involvement method they represent.")
    if serves_group not in (None, "", *BUSINESS_GROUPS):
        raise BadChoice("Choose the business area they serve, or none.")
    representative = Representative(
        name=" ".join(name.split()),
        involvement=involvement,
        serves_group=serves_group or None,
    )
    session.add(representative)
    session.flush()
    return representative


def deactivate(session: Session, representative_id: int) -> Representative:
    """Takes a representative off the list for new appeal panels (past panels keep them)."""
    representative = session.get(Representative, representative_id)
    if representative is None:
        raise BadChoice("No such representative.")
    representative.active = False
    session.add(representative)
    return representative
