"""/u/<token>: a tenant on SMS or web chat adds photos or documents to their draft Call."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Request, Response, UploadFile
from fastapi.responses import HTMLResponse
from sqlmodel import col, func, select

from backend.db import write_session
from backend.deps import ServicesDep, pages
from backend.evidence import store_upload
from backend.evidence_files import EvidenceRefused
from backend.models import Evidence
from backend.uploads import read_upload_token

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
            "settings": services.settings,
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
    return read_upload_token(secret, token, services.worker.clock())


@router.get("/u/{token}", response_class=HTMLResponse)
def upload_page(request: Request, token: str, services: ServicesDep) -> Response:
    """The form for adding evidence (works without JavaScript)."""
    if _contact(services, token) is None:
        return _page(request, services, 404, expired=True)
    return _page(request, services, token=token)


@router.post("/u/{token}", response_class=HTMLResponse)
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
    now = services.worker.clock()
    kept: list[str] = []
    errors: list[str] = []
    chosen = [f for f in files if f.filename]
    if not chosen:
        errors.append("Choose a photo or document first.")
    with write_session(services.engine) as session:
        already = session.exec(
            select(func.count())
            .select_from(Evidence)
            .where(col(Evidence.contact_id) == contact_id, col(Evidence.call_id).is_(None))
        ).one()
        room = max(0, FILES_PER_DRAFT - already)
        for upload in chosen[: min(FILES_PER_POST, room)]:
            name = Path(upload.filename or "file").name[:100]
            data = upload.file.read(services.settings.evidence_max_bytes + 1)
            try:
                store_upload(
                    session,
                    Path(services.settings.evidence_dir),
                    contact_id,
                    name,
                    data,
                    services.settings.evidence_max_bytes,
                    now,
                )
                kept.append(name)
            except EvidenceRefused as refused:
                errors.append(f"{name}: {refused}")
        if len(chosen) > min(FILES_PER_POST, room):
            errors.append(f"Only {min(FILES_PER_POST, room)} more files can be added.")
    status = 200 if kept or not errors else 422
    return _page(request, services, status, token=token, kept=kept, errors=errors)
