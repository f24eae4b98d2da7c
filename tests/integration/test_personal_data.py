"""Every table and column that holds a person's data, and proof that retention, erasure and the
subject-access export each reach all of it.

The lists below are written by hand, and must name every column of every table: a column added
tomorrow fails the first test until someone says whether it holds personal data. The other
tests plant a distinct marker in every personal column for one person, then look for the
markers in the export (all must be there) and, after erasure or after the retention jobs, in
every text column of every table (none may be left).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, String, Text
from sqlalchemy import select as select_columns
from sqlmodel import Session, SQLModel, select

from backend import housekeeping, petitions
from backend.messaging.evidence import record_upload
from backend.messaging.evidence_files import keep
from backend.messaging.notify import Notifier
from backend.models import (
    Appeal,
    CallEvent,
    CallNote,
    CallStatus,
    ConversationRecord,
    FollowUp,
    Message,
    PendingSignature,
    SupportRequest,
)
from backend.people import privacy
from backend.people.subject_access import subject_access
from backend.settings import Settings
from backend.store.db import write_session
from conversations import Conversation
from tests.factories import NOW, make_call, make_contact, make_officer
from tests.integration.conftest import drain, services_of

# Personal data of tenants and signers: table -> columns. Each is planted with a marker below.
PERSONAL: dict[str, set[str]] = {
    "contact": {"address"},
    "message": {"body"},
    "conversation": {"state"},
    "call": {
        "tenant_name",
        "address",
        "postcode",
        "contact_phone",
        "service_area_other",
        "concerns",
        "actions_taken",
        "complaint_reference",
        "failures",
        "failures_since",
        "affected_who",
        "evidence_notes",
    },
    "call_event": {"note"},  # an officer's reply repeats what the tenant was told
    "call_note": {"body"},
    "appeal": {"reasons"},
    "follow_up": {"answer"},
    "evidence": {"channel_ref", "stored_path"},  # an upload's file name; the file itself
    "petition": {"title", "summary"},  # the tenant's first name and district
    "signature": {"name", "address", "phone"},
    "pending_signature": {"name", "address", "phone"},
}
# Derived from personal data (hashes), so erased and retained with it, but never exported.
DERIVED: dict[str, set[str]] = {
    "signature": {"identity", "home", "ip_hash", "postcode_district"},
    "pending_signature": {"ip_hash", "token", "code_hash"},
    # The postcode's sector and district, kept beside it for the look-up of similar Calls.
    "call": {"postcode_sector", "postcode_district"},
}
# Not personal data of tenants or signers, and why.
NOT_PERSONAL: dict[str, str] = {
    # Staff and volunteers, managed by managers on the accounts page; not tenants' data.
    "officer": "*",
    "officer_session": "*",
    "representative": "*",
    "appeal_panel_member": "*",
    "head_of_operations": "*",
    "area_head": "*",
    # The service's own records: meetings, counters, the programme.
    "panel_meeting": "*",
    "reference_counter": "*",
    "area_score": "*",
    "performance_figure": "*",  # a business area's figures, no person's
    "score": "*",
    "scrutiny_step": "*",
    "action": "*",
    "recommendation": "*",
    # Pseudonymous counters (hashed keys), deleted after two days by housekeeping.
    "rate_event": "*",
    # Who looked at or changed personal data: names a contact only by number.
    "audit_entry": "*",
}
# Columns of personal tables that hold no personal data, by table.
ALSO_HELD = {
    # language: the catalogue we write in ("pl"); with the address erased it points at nobody.
    "contact": {"id", "channel", "created_at", "opted_out_at", "language"},
    "message": {
        "id",
        "contact_id",
        "channel",
        "direction",
        "provider_message_id",
        "buttons",
        "status",
        "created_at",
        "in_reply_to",
        "attempts",
        "next_attempt_at",
        "locked_until",
        "sent_at",
        "last_error",
    },
    "conversation": {"id", "contact_id", "step", "version", "created_at", "updated_at"},
    # The reference, service area, choices, counts and the panel's own words and dates stay,
    # so the panel's statistics hold.
    "call": {
        "id",
        "reference",
        "year",
        "sequence",
        "contact_id",
        "status",
        "contact_preference",
        "service_area",
        "complaint_stage",
        "failures_frequency",
        "others_affected",
        "affected_households",
        "area_households",
        "business_area",
        "route",
        "support_requested",
        "assigned_officer_id",
        "signatories_needed",
        "accepted_without_evidence",
        "meeting_id",
        "decision",
        "decision_reasons",
        "advice",
        "immediate_recommendations",
        "failure_found",
        "complaints_used",
        "monitoring_what",
        "monitoring_review_on",
        "monitoring_outcome",
        "decided_at",
        "programme_start",
        "report_summary",
        "reported_on",
        # After the report: the Board's and EMT's dates, the delegation, the plan's agreement
        # (staff names and dates, nothing of the tenant's).
        "board_considered_on",
        "emt_considered_on",
        "delegated_on",
        "delegated_manager_id",
        "head_of_operations_id",
        "plan_agreed_with",
        "plan_agreed_on",
        "closed_at",
        "anonymised_at",
        "submitted_at",
        "updated_at",
    },
    "call_event": {"id", "call_id", "at", "officer_id", "from_status", "to_status", "action"},
    "call_note": {"id", "call_id", "officer_id", "created_at"},
    # A join: which Calls, the officer's reason (the panel's own words about the problem, as
    # its decision reasons are), when, and the states to restore on an undo.
    "call_join": {
        "id",
        "call_id",
        "into_id",
        "officer_id",
        "reason",
        "from_status",
        "petition_status",
        "joined_at",
        "undone_at",
        "undone_by",
    },
    # Which signatures a join moved: ids only.
    "moved_signature": {"id", "join_id", "signature_id", "kind"},
    "appeal": {
        "id",
        "call_id",
        "lodged_at",
        "lodged_via",
        "late_override",
        "outcome",
        "new_decision",
        "outcome_reasons",
        "decided_at",
    },
    "follow_up": {"id", "call_id", "contact_id", "months", "due_on", "sent_at", "answered_at"},
    "evidence": {
        "id",
        "contact_id",
        "call_id",
        "content_type",
        "size_bytes",
        "created_at",
        "fetched_at",
        "fetch_attempts",
        "fetch_after",
        "fetch_error",
    },
    "petition": {
        "id",
        "call_id",
        "code",
        "status",
        "signature_count",
        "milestone",
        "closes_on",
        "created_at",
        "closed_at",
    },
    "signature": {
        "id",
        "petition_id",
        "affected",
        "hear_outcome",
        "reported_problem",
        "verified_by",
        "verified_at",
        "flagged",
        "struck_at",
        "struck_reason",
        "struck_by",
        "withdrawn_at",
        "anonymised_at",
    },
    "pending_signature": {
        "id",
        "petition_id",
        "hear_outcome",
        "reported_problem",
        "purpose",  # signing, or taking a signature back
        "attempts",
        "expires_at",
        "created_at",
        "used_at",
    },
    # A tenant's request for help: which question, a reason code, and the officer's outcome.
    "support_request": {
        "id",
        "contact_id",
        "call_id",
        "step",
        "reason",
        "status",
        "officer_id",
        "created_at",
        "outcome",
        "closed_at",
    },
}


def test_every_column_of_every_table_is_classified() -> None:
    listed: set[tuple[str, str]] = set()
    for name, columns in [*PERSONAL.items(), *DERIVED.items(), *ALSO_HELD.items()]:
        listed |= {(name, column) for column in columns}
    actual: set[tuple[str, str]] = set()
    for table in SQLModel.metadata.sorted_tables:
        if table.name not in NOT_PERSONAL:
            actual |= {(table.name, column.name) for column in table.columns}
    assert actual - listed == set(), "say whether these columns hold personal data"
    assert listed - actual == set(), "these columns are gone: take them off the lists"


@dataclass
class Planted:
    """One person's data, a marker in every personal column."""

    contact_id: int
    markers: set[str]  # in the database, and in the export
    on_disk: str  # the evidence file's name: gone after erasure, but no part of the export


def _marker(markers: set[str]) -> str:
    value = f"Zq{secrets.token_hex(4)}"
    markers.add(value)
    return value


def plant(engine: Engine, settings: Settings) -> Planted:
    """A tenant on SMS with a Call, a petition, evidence, a message, a conversation, a note, a
    reply, an appeal, a follow-up answer, a signature and a pending signature, each column of
    PERSONAL holding a marker of its own."""
    markers: set[str] = set()
    mark = _marker
    phone = "+447911" + f"{secrets.randbelow(10**6):06d}"
    with write_session(engine) as writing:
        officer = make_officer(writing, "officer", email=f"{mark(set())}@example.org")
        contact = make_contact(writing, "sms", phone)
        markers.add(phone)
        call = make_call(writing, contact)
        for column in PERSONAL["call"]:
            if column == "postcode":  # eight characters at most
                value = f"Z{secrets.token_hex(3)}"
                markers.add(value)
            else:
                value = mark(markers) + (" L30 4TH" if column == "address" else "")
            setattr(call, column, value)
        call.status = CallStatus.COLLECTING_SIGNATURES
        petition = petitions.open_petition(writing, call, settings, NOW)
        petition.title, petition.summary = mark(markers), mark(markers)
        writing.add(
            Message(
                contact_id=contact.id or 0,
                channel="sms",
                direction="in",
                body=mark(markers),
                status="received",
                created_at=NOW,
            )
        )
        state = Conversation().but(answers={"concerns": mark(markers)})
        writing.add(
            ConversationRecord(
                contact_id=contact.id or 0,
                step=state.step.value,
                state=state.to_json(),
                created_at=NOW,
                updated_at=NOW,
            )
        )
        writing.add(
            CallNote(
                call_id=call.id or 0, officer_id=officer.id or 0, body=mark(markers), created_at=NOW
            )
        )
        writing.add(
            CallEvent(
                call_id=call.id or 0,
                at=NOW,
                officer_id=officer.id,
                from_status=call.status,
                to_status=call.status,
                action="reply",
                note=mark(markers),
            )
        )
        writing.add(
            Appeal(call_id=call.id or 0, lodged_at=NOW, lodged_via="message", reasons=mark(markers))
        )
        writing.add(
            FollowUp(
                call_id=call.id or 0,
                contact_id=contact.id or 0,
                months=3,
                due_on=NOW.date(),
                answer=mark(markers),
            )
        )
        writing.add(
            SupportRequest(
                contact_id=contact.id or 0,
                call_id=call.id,
                step="concerns",
                reason="asked",
                created_at=NOW,
            )
        )
        folder = Path(settings.evidence_dir)
        stored = keep(folder, contact.id or 0, b"%PDF-1.4\n" + _pdf_body(), 10_000_000)
        evidence = record_upload(writing, contact.id or 0, mark(markers), stored, NOW)
        evidence.call_id = call.id
        signed = petitions.sign(
            writing,
            petition,
            settings,
            Notifier.of(writing, settings, NOW),
            name=mark(markers),
            address=f"{mark(markers)} L30 4TH",
            phone=phone,
            hear_outcome=True,
            verified_by="reply",
            ip_hash="",
        )
        assert signed.result.value == "signed"
        writing.add(
            PendingSignature(
                petition_id=petition.id or 0,
                token=mark(set()),
                code_hash="x",
                name=mark(markers),
                address=mark(markers),
                phone=phone,
                expires_at=NOW + timedelta(minutes=10),
                created_at=NOW,
            )
        )
        return Planted(contact.id or 0, markers, Path(stored[0]).name)


def _pdf_body() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()[len(b"%PDF-1.4\n") :]


def left_behind(engine: Engine, settings: Settings, markers: set[str]) -> dict[str, list[str]]:
    """Which markers are still in any text column of any table, or in any evidence file name."""
    found: dict[str, list[str]] = {}
    with Session(engine) as session:
        for table in SQLModel.metadata.sorted_tables:
            # SQLModel's str columns are AutoString, a TypeDecorator over String: read its impl.
            texts = [
                c
                for c in table.columns
                if isinstance(getattr(c.type, "impl", c.type), (String, Text))
            ]
            for row in session.execute(select_columns(*texts)) if texts else []:
                for column, value in zip(texts, row, strict=True):
                    hits = [m for m in markers if isinstance(value, str) and m in value]
                    if hits:
                        found.setdefault(f"{table.name}.{column.name}", []).extend(hits)
    files = [p.name for p in Path(settings.evidence_dir).rglob("*") if p.is_file()]
    hits = [m for m in markers for name in files if m in name]
    if hits:
        found["evidence files"] = hits
    return found


def test_the_subject_access_export_holds_every_personal_column(
    engine: Engine, settings: Settings, session: Session
) -> None:
    planted = plant(engine, settings)
    exported = json.dumps(subject_access(session, planted.contact_id, now=NOW))
    missing = {m for m in planted.markers if m not in exported}
    assert missing == set()


def test_erasure_leaves_no_personal_data_anywhere(engine: Engine, settings: Settings) -> None:
    planted = plant(engine, settings)
    with write_session(engine) as writing:
        privacy.erase(writing, planted.contact_id, settings.evidence_dir, NOW)
    assert left_behind(engine, settings, planted.markers | {planted.on_disk}) == {}


def test_the_retention_jobs_leave_no_personal_data_anywhere(
    engine: Engine, settings: Settings
) -> None:
    planted = plant(engine, settings)
    with write_session(engine) as writing:
        for call in privacy.calls_of(writing, planted.contact_id):
            call.status, call.closed_at = CallStatus.CLOSED, NOW
            petition = petitions.petition_of(writing, call)
            assert petition is not None
            petition.status, petition.closed_at = "closed", NOW
    days = max(settings.retention_days, settings.signature_retention_days) + 1
    later = NOW + timedelta(days=days)
    with write_session(engine) as writing:
        privacy.anonymise_closed(writing, later, settings.retention_days, settings.evidence_dir)
    housekeeping.run(engine, settings, later)
    assert left_behind(engine, settings, planted.markers | {planted.on_disk}) == {}


def test_an_unconfirmed_signer_is_deleted_once_the_code_has_expired(
    app_client: TestClient, engine: Engine, channel_settings: Settings, session: Session
) -> None:
    with write_session(engine) as writing:
        call = make_call(writing, make_contact(writing, "sms", "+447911999999"))
        call.status, call.signatories_needed = CallStatus.COLLECTING_SIGNATURES, 10
        code = petitions.open_petition(writing, call, channel_settings, NOW).code
    form = {
        "name": "Una Firmed",
        "address": "4 Elm Road L30 4TH",
        "phone": "07911 000777",
        "affected": "yes",
    }
    assert app_client.post(f"/s/{code}", data=form, follow_redirects=False).status_code == 303
    drain(app_client)
    services = services_of(app_client)
    asked = services.now()
    services.worker.housekeeping(asked + timedelta(minutes=15))  # expired, within the grace
    assert len(session.exec(select(PendingSignature)).all()) == 1
    services.worker.housekeeping(asked + timedelta(hours=2))
    session.rollback()
    assert session.exec(select(PendingSignature)).all() == []
    assert left_behind(engine, channel_settings, {"Una Firmed", "4 Elm Road"}) == {}


def test_the_retention_jobs_reach_people_who_only_signed(
    engine: Engine, settings: Settings
) -> None:
    """A neighbour who signed by text, and was texted, but never raised a Call of their own."""
    tenant = plant(engine, settings)
    signer = "+447911" + f"{secrets.randbelow(10**6):06d}"
    with write_session(engine) as writing:
        contact = make_contact(writing, "sms", signer)
        writing.add(
            Message(
                contact_id=contact.id or 0,
                channel="sms",
                direction="in",
                body="SIGN ABC123",
                status="received",
                created_at=NOW,
            )
        )
        for call in privacy.calls_of(writing, tenant.contact_id):
            petition = petitions.petition_of(writing, call)
            assert petition is not None
            petitions.sign(
                writing,
                petition,
                settings,
                Notifier.of(writing, settings, NOW),
                name="Nell Ighbour",
                address="2 Elm Road L30 4TH",
                phone=signer,
                hear_outcome=False,
                verified_by="reply",
                ip_hash="",
            )
            call.status, call.closed_at = CallStatus.CLOSED, NOW
            petition.status, petition.closed_at = "closed", NOW
    days = max(settings.retention_days, settings.signature_retention_days) + 1
    later = NOW + timedelta(days=days)
    with write_session(engine) as writing:
        privacy.anonymise_closed(writing, later, settings.retention_days, settings.evidence_dir)
    housekeeping.run(engine, settings, later)
    assert left_behind(engine, settings, {signer, "Nell Ighbour", "2 Elm Road"}) == {}
