"""Dependencies for the back office: who is signed in, what their role allows, CSRF."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.responses import Response
from sqlmodel import Session
from starlette.datastructures import FormData

from backend.casework.workflow import Workflow
from backend.models import Officer, OfficerRole
from backend.people.auth import SignedIn, signed_in
from backend.services import Services
from backend.web.deps import ServicesDep, SessionDep, pages

SESSION_COOKIE = "fd_officer"
ALL_ROLES = frozenset(OfficerRole)
WORKING = frozenset({OfficerRole.OFFICER, OfficerRole.PANEL, OfficerRole.MANAGER})
MANAGER = frozenset({OfficerRole.MANAGER})
PANEL = frozenset({OfficerRole.PANEL, OfficerRole.MANAGER})


class SignInFirst(Exception):  # noqa: N818 - control flow to the login page
    """No live session: GETs go to the sign-in page, anything else is refused."""


def current_officer(request: Request, services: ServicesDep, session: SessionDep) -> SignedIn:
    """The signed-in officer, or a trip to the sign-in page."""
    found = signed_in(session, request.cookies.get(SESSION_COOKIE), services.now())
    if found is None:
        raise SignInFirst()
    return found


def role(allowed: frozenset[OfficerRole]) -> Callable[..., SignedIn]:
    """A dependency that lets in only these roles (403 for the rest)."""

    def check(who: Annotated[SignedIn, Depends(current_officer)]) -> SignedIn:
        if OfficerRole(who.officer.role) not in allowed:
            raise HTTPException(status_code=403, detail="Your account cannot see this page.")
        return who

    return check


def officer_workflow(session: Session, services: Services, who: SignedIn) -> Workflow:
    """The workflow acting as the signed-in officer (never as the service: no role check)."""
    officer = session.get(Officer, who.officer.id)
    if officer is None or not officer.active:
        raise HTTPException(status_code=403, detail="Your account cannot do this.")
    return Workflow(services.notifier(session), officer, settings=services.settings)


Anyone = Annotated[SignedIn, Depends(role(ALL_ROLES))]
Working = Annotated[SignedIn, Depends(role(WORKING))]
Manager = Annotated[SignedIn, Depends(role(MANAGER))]
Panel = Annotated[SignedIn, Depends(role(PANEL))]


async def csrf_checked(
    request: Request, who: Annotated[SignedIn, Depends(current_officer)]
) -> FormData:
    """The posted form, if it carries this session's CSRF token (403 otherwise)."""
    form = await request.form()
    given = str(form.get("csrf", ""))
    if not given or not hmac.compare_digest(given, who.csrf):
        raise HTTPException(status_code=403, detail="This form has expired. Go back and try again.")
    return form


CheckedForm = Annotated[FormData, Depends(csrf_checked)]


def page(
    request: Request, who: SignedIn | None, name: str, status: int = 200, **context: Any
) -> Response:
    """An officer page, with the signed-in officer and their CSRF token to hand."""
    response = pages.TemplateResponse(
        request,
        f"officer/{name}",
        {"who": who, **context},
        status_code=status,
    )
    response.headers["Cache-Control"] = "no-store"
    return response
