"""The web chat at /chat: a page that works without JavaScript, and a JSON endpoint for it."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Cookie, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field
from sqlmodel import select

from backend.messaging.transcript import transcript
from backend.messaging.uploads import UploadLinks
from backend.models import Contact
from backend.services import Services
from backend.web.deps import ServicesDep, SessionDep, page_language, pages
from backend.web.turn_threads import run_turn
from bot import webchat
from conversations import Channel

router = APIRouter(tags=["web chat"])
VisitorCookie = Annotated[str | None, Cookie(alias=webchat.VISITOR_COOKIE, max_length=64)]
COOKIE_DAYS = 90


class ChatMessage(BaseModel):
    """A message typed (or a button pressed) in the web chat."""

    text: str = Field(default="", max_length=webchat.MAX_TEXT)
    message_id: str | None = Field(default=None, max_length=48)  # visitor + id fit 128


class ChatButton(BaseModel):
    """A choice the visitor can press (or, with a url, a page to open or share)."""

    label: str
    reply: str
    url: str = ""


class ChatReply(BaseModel):
    """One reply from the service."""

    text: str
    buttons: list[ChatButton]


class ChatReplies(BaseModel):
    """Everything the service says back to one message."""

    replies: list[ChatReply]


class Refusal(BaseModel):
    """Why a message was not taken (FastAPI's error shape)."""

    detail: str


def _visitor(services: Services, cookie: str | None) -> str:
    """The visitor named by a cookie we signed, or a new one."""
    secret = services.settings.secret_key.get_secret_value()
    return webchat.visitor_of(secret, cookie) or webchat.new_visitor()


def _remember(response: Response, services: Services, visitor: str) -> None:
    secret = services.settings.secret_key.get_secret_value()
    response.set_cookie(
        webchat.VISITOR_COOKIE,
        webchat.signed_visitor(secret, visitor),
        max_age=COOKIE_DAYS * 24 * 3600,
        httponly=True,
        samesite="lax",
        secure=services.settings.secure_cookies,
    )


@router.get("/chat", response_class=HTMLResponse)
def chat_page(
    request: Request, services: ServicesDep, session: SessionDep, visitor: VisitorCookie = None
) -> Response:
    """The chat so far, with the last reply's choices as buttons."""
    visitor = _visitor(services, visitor)
    lines = transcript(session, Channel.WEB.value, visitor)
    last = next((line for line in reversed(lines) if not line.mine), None)
    contact = session.exec(
        select(Contact).where(Contact.channel == Channel.WEB.value, Contact.address == visitor)
    ).first()
    attach = (  # the chat has no file button of its own: this opens the upload page
        UploadLinks.from_settings(services.settings).for_contact(contact.id, services.now())
        if contact is not None and contact.id is not None
        else ""
    )
    if contact is not None and contact.language:
        request.state.language = contact.language  # the page speaks as the chat does
    response = pages.TemplateResponse(
        request,
        "public/chat.html",
        {
            "lines": lines,
            "buttons": last.buttons if last else (),
            "message_id": uuid.uuid4().hex,
            "attach_url": attach,
        },
    )
    response.headers["Cache-Control"] = "no-store"
    _remember(response, services, visitor)
    return response


@router.post("/chat", response_class=RedirectResponse, status_code=303)
def chat_form(
    request: Request,
    services: ServicesDep,
    text: Annotated[str, Form(max_length=webchat.MAX_TEXT)] = "",
    choice: Annotated[str | None, Form(max_length=16)] = None,
    message_id: Annotated[str | None, Form(max_length=48)] = None,
    visitor: VisitorCookie = None,
) -> Response:
    """The no-JavaScript path: take the message, then show the page again."""
    visitor = _visitor(services, visitor)
    said = choice if choice is not None else text
    language = page_language(request, services.settings.offered_languages)
    services.receive(webchat.inbound(visitor, said, message_id, language))
    response = RedirectResponse("/chat#latest", status_code=303)
    _remember(response, services, visitor)
    return response


@router.post(
    "/chat/messages",
    responses={400: {"model": Refusal, "description": "the body could not be read as JSON"}},
)
async def chat_message(
    message: ChatMessage,
    request: Request,
    response: Response,
    services: ServicesDep,
    visitor: VisitorCookie = None,
) -> ChatReplies:
    """The page's script sends a message here and draws the replies."""
    # Async, with the turn in a turn thread: FastAPI would run a plain function, and then the
    # check of its answer, each in a thread of its own.
    visitor = _visitor(services, visitor)
    language = page_language(request, services.settings.offered_languages)
    inbound = webchat.inbound(visitor, message.text, message.message_id, language)
    replies = await run_turn(services.engine, services.receive, inbound)
    _remember(response, services, visitor)
    return ChatReplies.model_validate({"replies": webchat.as_json(replies)})
