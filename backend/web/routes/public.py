"""Public pages: the front page and the privacy notice."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from backend.web.deps import ServicesDep, pages

router = APIRouter(tags=["public"])


@router.get("/", response_class=HTMLResponse)
def home(request: Request, services: ServicesDep) -> Response:
    """What a Community Call for Scrutiny is, and the ways to start one."""
    return pages.TemplateResponse(request, "public/home.html", {})


@router.get("/privacy", response_class=HTMLResponse)
def privacy(request: Request, services: ServicesDep) -> Response:
    """The privacy notice the bot links to at first contact."""
    return pages.TemplateResponse(request, "public/privacy.html", {})
