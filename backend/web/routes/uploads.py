"""/u/<token>: a tenant on SMS or web chat adds photos or documents to their draft Call."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Request, Response, UploadFile
from fastapi.responses import HTMLResponse
from sqlmodel import Session, col, func, select

from backend.messaging.evidence import Room, record_upload
from backend.messaging.evidence_files import EvidenceRefused, keep
from backend.messaging.notify import Notifier
from backend.messaging.uploads import read_upload_token
from backend.models import Contact, Evidence
from backend.store.db import write_session
from backend.store.timeline import add_event
from backend.turns.intake import signed_instead
from backend.turns.store import count_uploads
from backend.web.deps import ServicesDep, pages
from backend.web.routes import FORM_AGAIN
from conversations import Outbound

router = APIRouter(tags=["public"])
FILES_PER_POST = 10
FILES_PER_DRAFT = 30


def _page(
    request: Request, services: ServicesDep, status: int = 200, **context: object
) -> Response:
    response = pages.TemplateResponse(
        request,
        "public/upload.html",
        {
            "max_mb": services.settings.evidence_max_bytes // 1_000_000,
            **context,
        },
        status_code=status,
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is in the URL
    return response


def _contact(services: ServicesDep, token: str) -> int | None:
    secret = services.settings.secret_key.get_secret_value()
    return read_upload_token(secret, token, services.now())


def _from_the_chat(services: ServicesDep, contact_id: int) -> bool:
    """Whether the link was sent in the web chat (the page then links back to it)."""
    with Session(services.engine) as session:
        contact = session.get(Contact, contact_id)
    return contact is not None and contact.channel == "web"


@router.get("/u/{token}", response_class=HTMLResponse)
def upload_page(request: Request, token: str, services: ServicesDep) -> Response:
    """The form for adding evidence (works without JavaScript)."""
    contact_id = _contact(services, token)
    if contact_id is None:
        return _page(request, services, 404, expired=True)
    return _page(request, services, token=token, back_to_chat=_from_the_chat(services, contact_id))


@router.post("/u/{token}", response_class=HTMLResponse, responses=FORM_AGAIN)
def upload_files(
    request: Request,
    token: str,
    services: ServicesDep,
    files: Annotated[list[UploadFile], File()],
) -> Response:
    """Keeps each good file; says next to the field what was wrong with any other."""
    contact_id = _contact(services, token)
    if contact_id is None:
        return _page(request, services, 404, expired=True)
    now = services.now()
    kept: list[str] = []
    errors: list[str] = []
    chosen = [f for f in files if f.filename]
    if not chosen:
        errors.append("Choose a photo or document first.")
    folder, limit = Path(services.settings.evidence_dir), services.settings.evidence_max_bytes
    pixels = services.settings.evidence_max_pixels
    with Session(services.engine) as reading:
        already = reading.exec(
            select(func.count())
            .select_from(Evidence)
            .where(col(Evidence.contact_id) == contact_id, col(Evidence.call_id).is_(None))
        ).one()
        space = Room.of(reading, contact_id, services.settings)
    room = min(FILES_PER_POST, max(0, FILES_PER_DRAFT - already))
    # Check and re-encode the files before taking the writer's turn: Pillow is slow, and
    # every tenant's message waits while a write transaction is open.
    ready: list[tuple[str, tuple[str, str, int]]] = []
    for upload in chosen[:room]:
        name = Path(upload.filename or "file").name[:100]
        try:
            data = upload.file.read(limit + 1)
            space.take(len(data))  # before the work of checking it: never more than it sent
            stored = keep(folder, contact_id, data, limit, max_pixels=pixels)
            try:
                space = space.take(stored[2])  # as kept (a photo shrinks when re-encoded)
            except EvidenceRefused:
                (folder / stored[0]).unlink(missing_ok=True)
                raise
            ready.append((name, stored))
        except EvidenceRefused as refused:
            errors.append(f"{name}: {refused}")
    if len(chosen) > room:
        errors.append(f"Only {room} more files can be added.")
    try:
        with write_session(services.engine) as session:
            # A tenant who signed a neighbour's petition instead adds to that Call (issue 15).
            neighbours = signed_instead(session, contact_id)
            for name, stored in ready:
                evidence = record_upload(session, contact_id, name, stored, now)
                if neighbours is not None:
                    evidence.call_id = neighbours.id
                kept.append(name)
            if kept and neighbours is not None:
                note = f"{len(kept)} more from a neighbour who signed its petition"
                add_event(session, neighbours, "evidence_added", now, note=note)
            elif kept:
                count_uploads(session, contact_id, len(kept))
                contact = session.get(Contact, contact_id)
                if contact is not None:  # the chat says what arrived, as a photo there would
                    arrived = Outbound("evidence_uploaded", {"count": len(kept)})
                    Notifier(session, services.renderer, now).notify(contact, arrived)
    except Exception:
        for _, (path, _, _) in ready:  # not recorded, so nobody could ever find and erase it
            (folder / path).unlink(missing_ok=True)
        raise
    if kept:
        services.worker.wake()
    status = 200 if kept or not errors else 422
    back = _from_the_chat(services, contact_id)
    return _page(
        request, services, status, token=token, kept=kept, errors=errors, back_to_chat=back
    )
