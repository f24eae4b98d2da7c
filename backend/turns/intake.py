"""Carries out what the conversation asks: submits Calls, asks for support, reports status."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, func, select

from backend import appeals, petitions
from backend.casework import follow_ups
from backend.casework.reports import IN_PROGRAMME
from backend.casework.scoring import score_of
from backend.casework.similar import set_neighbourhood
from backend.casework.workflow import after_signature
from backend.messaging.notify import Notifier
from backend.messaging.uploads import UploadLinks
from backend.models import (
    Call,
    CallStatus,
    Contact,
    ConversationRecord,
    Evidence,
    Petition,
    Score,
    SupportRequest,
    SupportStatus,
)
from backend.models.types import saved_id
from backend.settings import Settings
from backend.store.references import format_reference, next_sequence
from backend.store.timeline import add_event
from conversations import (
    AnswerFollowUp,
    AttachEvidence,
    Conversation,
    Effect,
    LodgeAppeal,
    OfferUpload,
    Outbound,
    ReportStatus,
    RequestSupport,
    SendPetitionLink,
    SignPetition,
    Step,
    SubmitCall,
    TextDetails,
    WithdrawSignature,
)
from conversations.channels import Channel
from conversations.flow import TEXT_OFFER
from conversations.joining import CARRY_ON_MENU
from conversations.validation import find_postcode, household_count

STATUS_CALLS = 2  # the newest few, so the reply (with scores) fits an SMS budget


def carry_out(
    session: Session,
    contact: Contact,
    effects: Sequence[Effect],
    now: datetime,
    settings: Settings,
) -> list[Outbound]:
    """Applies each effect in the caller's transaction; returns the replies they produce."""
    replies: list[Outbound] = []
    spoken = Channel(contact.channel).can.spoken
    tell = Notifier.of(session, settings, now)
    for effect in effects:
        if isinstance(effect, SubmitCall):
            call = submit_call(session, contact, effect, now)
            replies.append(submitted_reply(call, offer_text=effect.offer_text))
            if call.route == "petition":
                petition = petitions.open_petition(session, call, settings, now)
                # A link is never read out on a call: it is texted if the caller says yes.
                if settings.petition_share_before_target and not spoken:
                    replies.append(petitions.link_message(settings, petition, call))
        elif isinstance(effect, TextDetails):
            text_details(tell, contact, settings)
        elif isinstance(effect, RequestSupport):
            request_support(session, contact, effect, now)
        elif isinstance(effect, ReportStatus):
            replies.append(status_report(session, contact, effect))
        elif isinstance(effect, AttachEvidence):
            keep_evidence(session, contact, effect, now)
        elif isinstance(effect, AnswerFollowUp):
            replies.append(
                follow_ups.record(session, contact, effect.reference, effect.answer, now)
            )
        elif isinstance(effect, LodgeAppeal):
            replies.append(
                appeals.lodge_by_message(session, contact, effect.reference, effect.reasons, now)
            )
        elif isinstance(effect, SignPetition | WithdrawSignature):
            replies.append(petition_by_reply(tell, contact, effect, settings))
            if isinstance(effect, SignPetition) and effect.instead_of:
                # Signed a neighbour's petition instead of their own: told which, and how to
                # carry on with their own answers, which are kept.
                context = {"reference": effect.instead_of}
                replies.append(Outbound("similar/set_aside", context, CARRY_ON_MENU))
        elif isinstance(effect, SendPetitionLink):
            # Texted to the caller's mobile (Channel.written): the signing page, to open there.
            offered = petitions.by_code(session, effect.code)
            if offered is not None:
                url = petitions.share_url(settings, offered)
                link = Outbound("similar/use_link", {"url": url, "texts": False})
                tell.notify(contact, link)
        elif isinstance(effect, OfferUpload):
            links = UploadLinks.from_settings(settings)
            url = links.for_contact(saved_id(contact), now)
            about: dict[str, object] = {"url": url, "days": links.days, "called": spoken}
            link = Outbound("upload_link", {**about, "to": effect.to_reference})
            if spoken:  # nothing can be sent on a call: the link goes to their mobile by text
                tell.notify(contact, link)
            else:
                replies.append(link)
    return replies


def text_details(tell: Notifier, contact: Contact, settings: Settings) -> None:
    """Texts a caller the reference of their newest Call, and its petition's link to share if
    it may be shared yet, to the number they called from (the outbox sends nowhere else)."""
    session = tell.session
    call = session.exec(
        select(Call).where(Call.contact_id == contact.id).order_by(col(Call.id).desc())
    ).first()
    if call is None:
        return
    reference = Outbound(
        "submitted", {"reference": call.reference, "route": call.route, "called": True}
    )
    tell.notify(contact, reference)
    petition = session.exec(select(Petition).where(Petition.call_id == call.id)).first()
    if petition is not None and settings.petition_share_before_target:
        tell.notify(contact, petitions.link_message(settings, petition, call))


def petition_by_reply(
    tell: Notifier, contact: Contact, effect: SignPetition | WithdrawSignature, settings: Settings
) -> Outbound:
    """SIGN or UNSIGN by text: the phone that texted is the one that signs (or withdraws)."""
    session, now = tell.session, tell.now
    petition = petitions.by_code(session, effect.code)
    if petition is None:
        return Outbound("petition/unknown_code", {"code": effect.code})
    if isinstance(effect, WithdrawSignature):
        taken = petitions.withdraw(session, petition, contact.address, now)
        return Outbound(
            "petition/withdrawn" if taken else "petition/not_signed", {"code": petition.code}
        )
    outcome = petitions.sign(
        session,
        petition,
        settings,
        tell,
        name=effect.name,
        address=effect.address,
        phone=contact.address,
        hear_outcome=False,
        verified_by="reply",
        ip_hash="",
    )
    after_signature(session, petition, outcome, tell, settings)
    if outcome.result == petitions.Signed.ALREADY:
        return Outbound("petition/already")
    if outcome.result == petitions.Signed.CLOSED:
        return Outbound("petition/closed_to_signing")
    first_name = effect.name.split()[0]
    return Outbound(
        "petition/signed",
        {
            "name": first_name,
            "count": outcome.count,
            "target": outcome.target,
            "code": petition.code,
        },
    )


def submit_call(session: Session, contact: Contact, submit: SubmitCall, now: datetime) -> Call:
    """Stores the pro-forma as a Call with the next reference."""
    a = submit.answers
    sequence = next_sequence(session, now.year)
    call = Call(
        reference=format_reference(now.year, sequence),
        year=now.year,
        sequence=sequence,
        contact_id=saved_id(contact),
        status=CallStatus.SUBMITTED,
        tenant_name=a["name"],
        address=a["address"],
        postcode=find_postcode(a["address"]) or "",
        contact_preference=a["contact_preference"],
        contact_phone=a.get("contact_phone"),
        service_area=a["service_area"],
        service_area_other=a.get("service_area_other"),
        concerns=a["concerns"],
        actions_taken=a["actions_taken"],
        complaint_stage=a["complaint_stage"],
        complaint_reference=a.get("complaint_reference") or None,
        failures=a["failures"],
        failures_since=a["failures_since"],
        failures_frequency=a["failures_frequency"],
        others_affected=a["others_affected"],
        affected_who=a.get("affected_who"),
        affected_households=household_count(a.get("affected_households") or ""),
        evidence_notes=submit.evidence_notes,
        route=a["route"],
        support_requested=submit.support_requested,
        submitted_at=now,
        updated_at=now,
    )
    set_neighbourhood(call)
    session.add(call)
    session.flush()
    add_event(session, call, "submit", now, first=True)
    _adopt_drafts(session, contact, call)
    return call


def submitted_reply(call: Call, *, offer_text: bool = False) -> Outbound:
    """Gives the reference and says what has to happen first: the tenant hears a meeting date
    only once the Call is on that meeting's agenda. A caller with a mobile is asked whether to
    text them the reference too."""
    context = {"reference": call.reference, "route": call.route, "offer_text": offer_text}
    return Outbound("submitted", context, TEXT_OFFER if offer_text else ())


def _adopt_drafts(session: Session, contact: Contact, call: Call) -> None:
    """Evidence and support requests made while drafting now belong to the Call."""
    for evidence in session.exec(
        select(Evidence).where(Evidence.contact_id == contact.id, col(Evidence.call_id).is_(None))
    ):
        evidence.call_id = call.id
    for request in session.exec(
        select(SupportRequest).where(
            SupportRequest.contact_id == contact.id, col(SupportRequest.call_id).is_(None)
        )
    ):
        request.call_id = call.id


def request_support(
    session: Session, contact: Contact, request: RequestSupport, now: datetime
) -> None:
    """Records that the tenant wants an officer's help, for CEP to assign."""
    session.add(
        SupportRequest(
            contact_id=saved_id(contact),
            step=request.step,
            reason=request.reason,
            status=SupportStatus.OPEN,
            created_at=now,
        )
    )


def keep_evidence(
    session: Session, contact: Contact, attach: AttachEvidence, now: datetime
) -> None:
    """Keeps each photo or document with the tenant's draft, or after sending with their last
    Call (so officers see it there, with a line on the timeline)."""
    call = None
    if attach.to_reference:
        call = session.exec(select(Call).where(Call.reference == attach.to_reference)).first()
        if call is not None:
            note = f"{len(attach.attachments)} more from a neighbour who signed its petition"
            add_event(session, call, "evidence_added", now, note=note)
    elif attach.to_last_call:
        call = session.exec(
            select(Call).where(Call.contact_id == contact.id).order_by(col(Call.id).desc())
        ).first()
        if call is not None:
            note = f"{len(attach.attachments)} more from the tenant"
            add_event(session, call, "evidence_added", now, note=note)
    for attachment in attach.attachments:
        session.add(
            Evidence(
                call_id=call.id if call else None,
                contact_id=saved_id(contact),
                channel_ref=attachment.ref[:500],
                content_type=attachment.content_type[:100],
                created_at=now,
            )
        )


def signed_instead(session: Session, contact_id: int) -> Call | None:
    """The Call whose petition this tenant signed instead of raising their own, while their
    answers wait (what they upload goes to it, as photos they send do)."""
    record = session.exec(
        select(ConversationRecord).where(ConversationRecord.contact_id == contact_id)
    ).first()
    if record is None:
        return None
    state = Conversation.from_json(record.state)
    if state.step != Step.SET_ASIDE or not state.set_aside_for:
        return None
    return session.exec(select(Call).where(Call.reference == state.set_aside_for)).first()


def programme_place(session: Session, call: Call) -> dict[str, object]:
    """The Call's score once it has one, and its place in the annual programme once it is
    scheduled there (a scored Call waiting to be scheduled is not "in the programme" yet)."""
    score = score_of(session, call)
    if score is None or call.status not in IN_PROGRAMME:
        return {}
    if call.status not in (CallStatus.PROGRAMMED, CallStatus.IN_SCRUTINY):
        return {"score": score.total, "place": None}
    ahead = session.exec(
        select(func.count())
        .select_from(Score)
        .join(Call, col(Call.id) == col(Score.call_id))
        .where(Score.total > score.total, col(Call.status).in_(list(IN_PROGRAMME)))
    ).one()
    return {"score": score.total, "place": int(ahead) + 1}


def status_report(session: Session, contact: Contact, report: ReportStatus) -> Outbound:
    """Where each of the tenant's Calls is, newest first."""
    calls = session.exec(
        select(Call).where(Call.contact_id == contact.id).order_by(col(Call.submitted_at).desc())
    ).all()
    return Outbound(
        "status",
        {
            "calls": [
                {
                    "reference": c.reference,
                    "service_area": c.service_area,
                    "status": c.status,
                    **programme_place(session, c),
                }
                for c in calls[:STATUS_CALLS]
            ],
            "older": max(len(calls) - STATUS_CALLS, 0),
            "draft_question": report.draft_question,
            "draft_total": report.draft_total,
        },
    )
