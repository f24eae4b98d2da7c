"""/s/<code>: neighbours sign a petition on their phone. Only a POST ever counts anything."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session

from backend import petitions
from backend.casework.workflow import after_signature
from backend.models import Petition
from backend.petitions import Signed, signing
from backend.services import Services
from backend.store.db import write_session
from backend.web.clients import client_address, client_key
from backend.web.deps import ServicesDep, SessionDep, page_language, pages
from backend.web.routes import FORM_AGAIN

router = APIRouter(tags=["public"])


def _petition(session: Session, code: str) -> Petition:
    petition = petitions.by_code(session, code)
    if petition is None:
        raise HTTPException(status_code=404, detail="There is no petition with that code.")
    return petition


def _page(
    request: Request,
    services: Services,
    session: Session,
    petition: Petition,
    name: str,
    status: int = 200,
    **context: object,
) -> Response:
    target = petitions.target_of(session, petition)
    return _render(request, services, petition, target, name, status, **context)


def _render(
    request: Request,
    services: Services,
    petition: Petition,
    target: int | None,
    name: str,
    status: int = 200,
    **context: object,
) -> Response:
    response = pages.TemplateResponse(
        request,
        f"public/{name}",
        {
            "petition": petition,
            "target": target,
            "open": petitions.can_sign(petition, services.settings),
            "share_url": petitions.share_url(services.settings, petition),
            "sign_number": signing.sign_by_text(services.settings),
            **context,
        },
        status_code=status,
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _ip_hash(request: Request, services: Services) -> str:
    key = client_key(client_address(request))
    return petitions.hash_ip(services.settings.secret_key.get_secret_value(), key)


@router.get("/s/{code}", response_class=HTMLResponse)
def petition_page(
    request: Request,
    code: str,
    services: ServicesDep,
    session: SessionDep,
    signed: str = "",
    withdrawn: str = "",
) -> Response:
    """The petition: what it is about, how many have signed, and the form (a GET counts nothing)."""
    petition = _petition(session, code)
    return _page(
        request,
        services,
        session,
        petition,
        "petition.html",
        form=signing.SigningForm(),
        signed=signed == "1",
        withdrawn=withdrawn == "1",
    )


@router.get("/s/{code}/withdraw", response_class=HTMLResponse)
def withdraw_page(
    request: Request, code: str, services: ServicesDep, session: SessionDep
) -> Response:
    """Where a signer asks to take their signature back (a code proves the phone)."""
    petition = _petition(session, code)
    return _page(request, services, session, petition, "petition_withdraw.html", phone="", error="")


@router.post("/s/{code}/withdraw", response_class=HTMLResponse, responses=FORM_AGAIN)
def ask_to_withdraw(
    request: Request,
    code: str,
    services: ServicesDep,
    phone: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Texts a code to the phone if it signed; the same answer if it did not."""
    with write_session(services.engine) as writing:
        petition = _petition(writing, code)
        pending, sent_code, problem = signing.request_withdrawal(
            writing,
            petition,
            phone,
            services.settings,
            services.notifier(writing),
            _ip_hash(request, services),
            page_language(request, services.settings.offered_languages),
        )
        if pending is None:
            return _page(
                request,
                services,
                writing,
                petition,
                "petition_withdraw.html",
                422,
                phone=phone[:30],
                error=problem,
            )
        token = pending.token
    services.worker.wake()
    response = RedirectResponse(f"/s/{petition.code}/confirm/{token}", status_code=303)
    if _show_codes(services) and sent_code:
        response.set_cookie("fd_demo_code", sent_code, max_age=600, httponly=True, samesite="lax")
    return response


@router.post("/s/{code}", response_class=HTMLResponse, responses=FORM_AGAIN)
def ask_for_code(
    request: Request,
    code: str,
    services: ServicesDep,
    name: Annotated[str, Form(max_length=200)] = "",
    address: Annotated[str, Form(max_length=400)] = "",
    phone: Annotated[str, Form(max_length=40)] = "",
    affected: Annotated[str, Form(max_length=10)] = "",
    hear_outcome: Annotated[str, Form(max_length=10)] = "",
    reported: Annotated[str, Form(max_length=10)] = "",
    website: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Checks the form and texts a code to the signer's phone."""
    form = signing.SigningForm(
        name,
        address,
        phone,
        bool(affected),
        bool(hear_outcome),
        website,
        reported=reported,
        language=page_language(request, services.settings.offered_languages),
    )
    # One session for the whole request: a second connection held while waiting for the
    # writer's turn would drain the pool under load.
    with write_session(services.engine) as writing:
        petition = _petition(writing, code)
        pending, sent_code = signing.request_code(
            writing,
            petition,
            form,
            services.settings,
            services.notifier(writing),
            _ip_hash(request, services),
        )
        token = pending.token if pending else ""
        if not token:
            return _page(request, services, writing, petition, "petition.html", 422, form=form)
    services.worker.wake()
    response = RedirectResponse(f"/s/{petition.code}/confirm/{token}", status_code=303)
    if _show_codes(services):
        response.set_cookie("fd_demo_code", sent_code, max_age=600, httponly=True, samesite="lax")
    return response


def _show_codes(services: Services) -> bool:
    # With no SMS provider set up (`make run`), the demo shows the code on the page instead.
    return services.settings.environment == "development" and not services.settings.twilio_enabled


@router.get("/s/{code}/confirm/{token}", response_class=HTMLResponse)
def confirm_page(
    request: Request, code: str, token: str, services: ServicesDep, session: SessionDep
) -> Response:
    """Where the signer types the code we texted them."""
    petition = _petition(session, code)
    pending = signing.pending_of(session, petition, token)
    if pending is None:
        raise HTTPException(status_code=404, detail="That confirmation link is not valid.")
    demo = request.cookies.get("fd_demo_code", "") if _show_codes(services) else ""
    return _page(
        request,
        services,
        session,
        petition,
        "petition_confirm.html",
        token=token,
        error="",
        demo_code=demo,
        withdrawing=pending.purpose == signing.WITHDRAW,
    )


@router.post("/s/{code}/confirm/{token}", response_class=HTMLResponse, responses=FORM_AGAIN)
def confirm(
    request: Request,
    code: str,
    token: str,
    services: ServicesDep,
    entered: Annotated[str, Form(alias="code", max_length=20)] = "",
) -> Response:
    """Checks the code; a good one signs, once."""
    with write_session(services.engine) as writing:
        petition = _petition(writing, code)
        pending = signing.pending_of(writing, petition, token)
        if pending is None:
            raise HTTPException(status_code=404, detail="That confirmation link is not valid.")
        now = services.now()
        if pending.purpose == signing.WITHDRAW:
            problem = signing.confirm_withdrawal(
                writing, petition, pending, entered, services.settings, now
            )
            target = petitions.target_of(writing, petition)
            if not problem:
                return RedirectResponse(f"/s/{petition.code}?withdrawn=1", status_code=303)
            return _render(
                request,
                services,
                petition,
                target,
                "petition_confirm.html",
                422,
                token=token,
                error=problem,
                demo_code="",
                withdrawing=True,
            )
        tell = services.notifier(writing)
        outcome = signing.confirm(writing, petition, pending, entered, services.settings, tell)
        if not isinstance(outcome, str):
            after_signature(writing, petition, outcome, tell, services.settings)
        # Only a page shown again needs the target; a signature has it already.
        target = petitions.target_of(writing, petition) if isinstance(outcome, str) else None
    services.worker.wake()
    if isinstance(outcome, str):
        return _render(
            request,
            services,
            petition,
            target,
            "petition_confirm.html",
            422,
            token=token,
            error=outcome,
            demo_code="",
            withdrawing=False,
        )
    if outcome.result == Signed.SIGNED:
        return RedirectResponse(f"/s/{petition.code}?signed=1", status_code=303)
    message = "already" if outcome.result == Signed.ALREADY else "closed"  # _problems.html
    return _render(
        request,
        services,
        petition,
        outcome.target,
        "petition.html",
        200,
        form=signing.SigningForm(),
        signed=False,
        notice=message,
    )
