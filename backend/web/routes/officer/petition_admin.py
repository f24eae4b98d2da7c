"""A Call's petition in the back office: signatures (every view audited), strikes, CSV, dates."""

from __future__ import annotations

import csv
import io
from datetime import date

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session

from backend import petitions
from backend.casework.calls import find_call
from backend.casework.reports import safe_cell
from backend.models import Call, Petition, Signature
from backend.people.audit import audit
from backend.store.db import write_session
from backend.web.deps import ServicesDep
from backend.web.forms import field
from backend.web.routes import FORM_AGAIN
from backend.web.routes.officer.access import CheckedForm, Working, page

router = APIRouter(prefix="/officer", tags=["back office"], responses=FORM_AGAIN)


def _petition(session: Session, reference: str) -> tuple[Call, Petition]:
    call = find_call(session, reference, lock=True)
    petition = petitions.petition_of(session, call) if call else None
    if call is None or petition is None:
        raise HTTPException(status_code=404, detail="That Call has no petition.")
    return call, petition


@router.get("/calls/{reference}/signatures", response_class=HTMLResponse)
def signature_list(
    request: Request, reference: str, who: Working, services: ServicesDep, error: str = ""
) -> Response:
    """Who signed, how each was verified, and where from. Each view goes in the audit log."""
    now = services.now()
    with write_session(services.engine) as session:
        call, petition = _petition(session, reference)
        audit(session, "view_signatures", call.reference, now, officer_id=who.officer.id)
        rows = petitions.signatures(session, petition)
        districts = petitions.by_district(session, petition)
    return page(
        request,
        who,
        "signatures.html",
        call=call,
        petition=petition,
        signatures=rows,
        districts=districts,
        error=error,
    )


@router.get("/calls/{reference}/signatures.csv")
def signature_csv(reference: str, who: Working, services: ServicesDep) -> Response:
    """The signatures as CSV for the panel (audited; cells made safe for spreadsheets)."""
    now = services.now()
    with write_session(services.engine) as session:
        call, petition = _petition(session, reference)
        audit(session, "export_signatures", call.reference, now, officer_id=who.officer.id)
        rows = petitions.signatures(session, petition)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "name",
            "address",
            "postcode district",
            "verified by",
            "verified at",
            "counted",
            "flag",
            "struck reason",
        ]
    )
    for s in rows:
        counted = s.struck_at is None and s.withdrawn_at is None
        writer.writerow(
            [
                safe_cell(v)
                for v in (
                    s.name,
                    s.address,
                    s.postcode_district,
                    s.verified_by,
                    s.verified_at.isoformat(),
                    "yes" if counted else "no",
                    s.flagged,
                    s.struck_reason,
                )
            ]
        )
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{call.reference}-signatures.csv"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/calls/{reference}/signatures/{signature_id}/strike")
def strike(
    reference: str, signature_id: int, who: Working, form: CheckedForm, services: ServicesDep
) -> Response:
    """Strikes out a signature with a reason (kept, and in the audit log)."""
    reason = field(form, "reason").strip()
    now = services.now()
    if not reason:
        return RedirectResponse(
            f"/officer/calls/{reference}/signatures?error=Give+a+reason+to+strike+a+signature.",
            status_code=303,
        )
    with write_session(services.engine) as session:
        call, petition = _petition(session, reference)
        signature = session.get(Signature, signature_id)
        if signature is None or signature.petition_id != petition.id:
            raise HTTPException(status_code=404, detail="No such signature.")
        if petitions.strike(session, signature, who.officer.id or 0, reason, now):
            audit(
                session,
                "strike_signature",
                call.reference,
                now,
                officer_id=who.officer.id,
                detail=f"signature {signature_id}: {reason}"[:500],
            )
    return RedirectResponse(f"/officer/calls/{reference}/signatures", status_code=303)


@router.post("/calls/{reference}/petition/extend")
def extend(reference: str, who: Working, form: CheckedForm, services: ServicesDep) -> Response:
    """Gives the petition a later closing date."""
    now = services.now()
    try:
        closes_on = date.fromisoformat(field(form, "closes_on"))
        with write_session(services.engine) as session:
            call, petition = _petition(session, reference)
            petitions.extend(session, petition, closes_on, now)
            audit(
                session,
                "extend_petition",
                call.reference,
                now,
                officer_id=who.officer.id,
                detail=f"closes {closes_on.isoformat()}",
            )
    except ValueError as wrong:
        raise HTTPException(status_code=422, detail=str(wrong)) from wrong
    return RedirectResponse(f"/officer/calls/{reference}#petition", status_code=303)
