"""One problem, one petition (issue 15): a tenant offered a neighbour's petition signs it by
text; officers see the Calls together, join one into the other and undo it, and nobody's
signature counts twice."""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from backend import petitions
from backend.casework.similar import Similar, clusters, like_call, petition_to_offer
from backend.casework.workflow import Workflow
from backend.messaging.notify import Notifier
from backend.models import (
    Call,
    CallEvent,
    CallJoin,
    CallStatus,
    Contact,
    Direction,
    Evidence,
    Message,
    MovedSignature,
    Petition,
    PetitionStatus,
    Signature,
)
from backend.settings import Settings
from backend.store.db import write_session
from conversations.similarity import Area
from tests.factories import NOW, make_call, make_contact, make_officer, sign_in, sign_petition
from tests.fakes.twilio_api import FakeTwilio
from tests.integration.conftest import Phone

LIFT = "The lift at Maple House keeps breaking down and residents are stuck upstairs."
FIRST_PHONE, SECOND_PHONE, SIGNER = "+447911000101", "+447911000102", "+447911000103"


def _call_with_petition(
    engine: Engine,
    settings: Settings,
    phone: str,
    *,
    concerns: str = LIFT,
    address: str = "3 Maple House, Bootle L30 4TH",
    name: str = "Ann Other",
    service: str = "repairs",
    target: int = 10,
) -> str:
    """An SMS tenant's Call with an open petition; its reference."""
    with write_session(engine) as writing:
        contact = make_contact(writing, "sms", phone)
        call = make_call(
            writing, contact, concerns=concerns, address=address, name=name, service_area=service
        )
        call.status, call.signatories_needed = CallStatus.COLLECTING_SIGNATURES, target
        petition = petitions.open_petition(writing, call, settings, NOW)
        petitions.set_target(writing, petition)
        return call.reference


def _petition(session: Session, reference: str) -> Petition:
    call = session.exec(select(Call).where(Call.reference == reference)).one()
    return session.exec(select(Petition).where(Petition.call_id == call.id)).one()


def _sign(engine: Engine, settings: Settings, reference: str, name: str, phone: str) -> None:
    with write_session(engine) as writing:
        petition = _petition(writing, reference)
        sign_petition(
            writing,
            petition,
            settings,
            name=name,
            address=f"{len(name)} Elm Road L30 4TH",
            phone=phone,
        )


def _photo() -> bytes:
    out = io.BytesIO()
    Image.effect_noise((60, 40), 80).convert("RGB").save(out, format="JPEG")
    return out.getvalue()


def _told(session: Session, phone: str) -> str:
    """Everything queued for the SMS contact at `phone`, on the channel they used."""
    session.rollback()
    return " ".join(
        session.exec(
            select(Message.body)
            .join(Contact, col(Contact.id) == col(Message.contact_id))
            .where(
                Contact.address == phone,
                Contact.channel == "sms",
                Message.direction == Direction.OUT.value,
            )
            .order_by(col(Message.id))
        ).all()
    )


def _to_the_concern(phone: Phone, concern: str) -> None:
    """A new tenant by text: consent, name, address (same sector), a reply by text, repairs,
    and their concern; the next message finishes it."""
    for text in ("hello", "1", "Bea Tenant", "9 Maple House, Bootle L30 4TH", "1", "5", concern):
        phone.text(text)


def test_a_tenant_is_offered_a_neighbours_petition_and_signs_it_by_text_keeping_their_answers(
    app_client: TestClient,
    fake_twilio: FakeTwilio,
    engine: Engine,
    channel_settings: Settings,
    session: Session,
) -> None:
    reference = _call_with_petition(engine, channel_settings, FIRST_PHONE)
    tenant = Phone(app_client, fake_twilio, sender=SECOND_PHONE)
    _to_the_concern(tenant, "lift broken again in maple house")

    offer = tenant.reply("DONE")
    assert "A neighbour near L30 4 has already asked the panel to look at this" in offer
    assert reference in offer and "Repairs" in offer and "0 people have signed" in offer
    assert "1 Sign that petition" in offer and "2 Carry on with my own" in offer
    assert "Ann" not in offer and "Maple House keeps" not in offer  # nothing of the other tenant's

    signed = tenant.reply("sign it")
    assert "Thank you, Bea. You have signed: 1 of 10" in signed
    assert f"That petition is {reference}. Your own answers are kept" in signed
    session.rollback()
    signature = session.exec(select(Signature)).one()
    assert (signature.phone, signature.name, signature.verified_by) == (
        SECOND_PHONE,
        "Bea Tenant",
        "reply",
    )
    assert _petition(session, reference).signature_count == 1

    # A text carries no photo: the link adds their own to that Call (issue 15, point 3).
    link = re.search(
        r"To add photos or documents to request (\S+), open this link on your phone: (\S+)", signed
    )
    assert link is not None and link.group(1) == reference
    upload = app_client.post(
        urlsplit(link.group(2)).path,
        files=[("files", ("lift.jpg", _photo(), "image/jpeg"))],
    )
    assert upload.status_code == 200, upload.text[:2000]
    session.rollback()
    evidence = session.exec(select(Evidence)).one()
    assert (
        evidence.call_id == session.exec(select(Call.id).where(Call.reference == reference)).one()
    )
    assert (
        "1 more from a neighbour who signed its petition"
        in session.exec(select(CallEvent.note).where(CallEvent.action == "evidence_added")).one()
    )

    back = tenant.reply("carry on")  # their own Call, where they were
    assert "Question 6 of 11" in back
    assert len(session.exec(select(Call)).all()) == 1  # nothing sent for them meanwhile


def _offer(
    session: Session,
    settings: Settings,
    *,
    address: str = "9 Maple House L30 4TH",
    contact_id: int | None = None,
) -> Similar | None:
    """The petition a tenant at `address` telling of a broken lift would be offered."""
    session.rollback()
    return petition_to_offer(
        session,
        settings,
        service="repairs",
        address=address,
        concerns="the lift is broken",
        contact_id=contact_id,
    )


def test_no_offer_for_another_problem_another_sector_or_a_closed_petition(
    engine: Engine, settings: Settings, session: Session
) -> None:
    _call_with_petition(engine, settings, FIRST_PHONE, concerns="Bins never emptied")
    _call_with_petition(engine, settings, SECOND_PHONE, address="1 Oak Court, Leeds LS10 9AB")
    closed = _call_with_petition(engine, settings, SIGNER, address="5 Maple House L30 4TH")
    with write_session(engine) as writing:
        _petition(writing, closed).status = PetitionStatus.CLOSED
    assert _offer(session, settings) is None
    _call_with_petition(engine, settings, "+447911000199", address="7 Elm Road L30 4TH")
    found = _offer(session, settings)
    assert found is not None and found.call.postcode_sector == "L30 4"
    # Never the tenant's own petition.
    assert _offer(session, settings, contact_id=found.call.contact_id) is None


def test_a_district_wide_setting_finds_a_petition_in_another_sector_of_the_district(
    engine: Engine, settings: Settings, session: Session
) -> None:
    _call_with_petition(engine, settings, FIRST_PHONE, address="1 Oak Road, Bootle L30 7AB")
    assert _offer(session, settings) is None
    wide = settings.model_copy(update={"nearby_area": Area.DISTRICT})
    assert _offer(session, wide) is not None


def test_an_officer_joins_two_calls_both_tenants_are_told_and_nobody_counts_twice(
    client: TestClient, engine: Engine, settings: Settings, session: Session
) -> None:
    surviving = _call_with_petition(engine, settings, FIRST_PHONE)
    joined = _call_with_petition(
        engine,
        settings,
        SECOND_PHONE,
        concerns="lift broken again in maple house",
        name="Bea Tenant",
        address="9 Maple House, Bootle L30 4TH",
    )
    _sign(engine, settings, surviving, "Cal Both", SIGNER)  # signed both petitions
    _sign(engine, settings, joined, "Cal Both", SIGNER)
    _sign(engine, settings, joined, "Dee Only", "+447911000104")
    session.rollback()
    [cluster] = clusters(session, settings)
    assert [c.reference for c in cluster.calls] == [surviving, joined]
    assert (cluster.service, cluster.place) == ("repairs", "L30 4")
    call = session.exec(select(Call).where(Call.reference == joined)).one()
    assert [s.call.reference for s in like_call(session, settings, call)] == [surviving]

    csrf = sign_in(client, engine, "officer")
    assert surviving in client.get("/officer/").text  # the cluster on the dashboard
    page = client.get(f"/officer/calls/{joined}").text
    assert "The same problem nearby" in page and f'<option value="{surviving}">' in page
    done = client.post(
        f"/officer/calls/{joined}/join",
        data={"csrf": csrf, "into": surviving, "reason": "The same lift at Maple House"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text[:2000]

    session.rollback()
    kept, gone = _petition(session, surviving), _petition(session, joined)
    # Cal signed both and counts once; Dee moved across; Bea, the joined Call's tenant, signs.
    signers = session.exec(select(Signature.name).where(Signature.petition_id == kept.id)).all()
    assert sorted(signers) == ["Bea Tenant", "Cal Both", "Dee Only"]
    assert (kept.signature_count, gone.signature_count) == (3, 1)
    assert gone.status == PetitionStatus.CLOSED
    joined_call = session.exec(select(Call).where(Call.reference == joined)).one()
    assert joined_call.status == CallStatus.JOINED
    timeline = {
        e.action: e.note
        for e in session.exec(select(CallEvent).where(col(CallEvent.action).like("join%")))
    }
    assert timeline["join"] == f"Joined into {surviving}: The same lift at Maple House"
    assert timeline["joined_in"] == f"{joined} joined into this Call: The same lift at Maple House"

    told = _told(session, SECOND_PHONE)
    assert f"Your request {joined} is about the same problem as {surviving}" in told
    assert "you have signed its petition" in told
    other = _told(session, FIRST_PHONE)
    assert f"joined their request {joined} into yours. 2 more signatures count" in other

    surviving_page = client.get(f"/officer/calls/{surviving}").text
    assert "lift broken again in maple house" in surviving_page  # the joined Call's answers
    joined_page = client.get(f"/officer/calls/{joined}").text
    assert "Undo the join" in joined_page and "Joined into <a" in joined_page

    undone = client.post(
        f"/officer/calls/{joined}/undo_join", data={"csrf": csrf}, follow_redirects=False
    )
    assert undone.status_code == 303, undone.text[:2000]
    session.rollback()
    kept, gone = _petition(session, surviving), _petition(session, joined)
    assert (kept.signature_count, gone.signature_count) == (1, 2)
    back = session.exec(select(Signature.name).where(Signature.petition_id == gone.id)).all()
    assert sorted(back) == ["Cal Both", "Dee Only"]
    assert gone.status == PetitionStatus.OPEN
    assert session.exec(select(Call).where(Call.reference == joined)).one().status == (
        CallStatus.COLLECTING_SIGNATURES
    )
    assert session.exec(select(MovedSignature)).all() == []
    assert session.exec(select(CallJoin)).one().undone_at is not None
    assert f"Your request {joined} is on its own again" in _told(session, SECOND_PHONE)


def test_a_join_is_refused_into_a_decided_call_and_cannot_be_undone_after_the_decision(
    client: TestClient, engine: Engine, settings: Settings, session: Session
) -> None:
    surviving = _call_with_petition(engine, settings, FIRST_PHONE)
    joined = _call_with_petition(engine, settings, SECOND_PHONE, name="Bea Tenant")
    csrf = sign_in(client, engine, "officer")
    with write_session(engine) as writing:
        decided = writing.exec(select(Call).where(Call.reference == surviving)).one()
        decided.status = CallStatus.ACCEPTED
    refused = client.post(
        f"/officer/calls/{joined}/join",
        data={"csrf": csrf, "into": surviving, "reason": "Same lift"},
    )
    assert refused.status_code == 409
    assert f"Cannot join into {surviving}: it is accepted." in refused.text
    with write_session(engine) as writing:
        writing.exec(
            select(Call).where(Call.reference == surviving)
        ).one().status = CallStatus.READY
    joining = client.post(
        f"/officer/calls/{joined}/join",
        data={"csrf": csrf, "into": surviving, "reason": "Same lift"},
        follow_redirects=False,
    )
    assert joining.status_code == 303
    with write_session(engine) as writing:
        writing.exec(
            select(Call).where(Call.reference == surviving)
        ).one().status = CallStatus.ACCEPTED
    late = client.post(f"/officer/calls/{joined}/undo_join", data={"csrf": csrf})
    assert late.status_code == 409 and "the join stands" in late.text
    page = client.get(f"/officer/calls/{joined}").text
    assert f"The panel has moved on with {surviving}: the join stands" in page
    assert f'action="/officer/calls/{joined}/undo_join"' not in page


def test_a_joined_call_closes_with_the_surviving_call_so_retention_reaches_it(
    engine: Engine, settings: Settings, session: Session
) -> None:
    surviving = _call_with_petition(engine, settings, FIRST_PHONE)
    joined = _call_with_petition(engine, settings, SECOND_PHONE, name="Bea Tenant")
    with write_session(engine) as writing:
        manager = make_officer(writing, "manager")
        flow = Workflow(Notifier.of(writing, settings, NOW), manager, settings=settings)
        into = writing.exec(select(Call).where(Call.reference == surviving)).one()
        flow.join(writing.exec(select(Call).where(Call.reference == joined)).one(), into, "Same")
        into.status = CallStatus.NOT_EXHAUSTED  # decided: other avenues first
        flow.close(into)
    session.rollback()
    closed = session.exec(select(Call).where(Call.reference == joined)).one()
    assert closed.status == CallStatus.JOINED and closed.closed_at == NOW
    assert session.exec(select(CallEvent.note).where(CallEvent.action == "closed_with")).one() == (
        f"Closed with {surviving}"
    )
