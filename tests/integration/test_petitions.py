"""Petitions end to end: share link, signing with a texted code, limits, SIGN by reply."""

from __future__ import annotations

import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from backend import petitions
from backend.models import Call, CallStatus, Contact, Message, PanelMeeting, Petition, Signature
from backend.settings import Settings
from backend.store.db import write_session
from tests.factories import (
    NOW,
    make_call,
    make_contact,
    sign_in,
    sign_petition,
    typed_pro_forma,
)
from tests.fakes.twilio_api import FakeTwilio
from tests.integration.conftest import (
    Phone,
    ask_for_code,
    drain,
    services_of,
    sign_on_page,
    texted_code,
)

SIGNER = "+447911000001"


def _petition(engine: Engine, settings: Settings, target: int | None = None) -> tuple[str, str]:
    """A petition Call from an SMS tenant; returns (share code, tenant phone)."""
    with write_session(engine) as writing:
        contact = make_contact(writing, "sms", "+447911999999")
        call = make_call(writing, contact)
        call.signatories_needed = target
        if target:
            call.status = CallStatus.COLLECTING_SIGNATURES
        petition = petitions.open_petition(writing, call, settings, NOW)
        if target:
            petitions.set_target(writing, petition)
        return petition.code, contact.address


def test_a_tenant_who_chooses_a_petition_gets_a_link_to_share(
    client: TestClient, session: Session
) -> None:
    replies: list[dict[str, object]] = []
    for text in typed_pro_forma(route="1"):
        response = client.post(
            "/chat/messages", json={"text": text, "message_id": uuid.uuid4().hex}
        )
        replies = response.json()["replies"]
    petition = session.exec(select(Petition)).one()
    link = str(replies[-1]["text"])
    assert f"/s/{petition.code}" in link
    assert "Please sign my petition" in link  # a text ready to forward
    page = client.get(f"/s/{petition.code}")
    assert page.status_code == 200
    assert "Sam Jones" not in page.text and "Elm Road" not in page.text  # first name at most
    assert "Sam," in page.text


def test_signing_with_the_texted_code_counts_once_and_a_get_counts_nothing(
    app_client: TestClient,
    fake_twilio: FakeTwilio,
    engine: Engine,
    channel_settings: Settings,
    session: Session,
) -> None:
    code, _ = _petition(engine, channel_settings, target=40)
    for _ in range(3):
        assert app_client.get(f"/s/{code}").status_code == 200
    assert session.exec(select(Petition)).one().signature_count == 0
    page = sign_on_page(app_client, fake_twilio, code, phone=SIGNER, name="Ann Lee").page
    assert "Thank you: you have signed." in page
    assert "1 of 40 signatures" in page
    session.rollback()
    signature = session.exec(select(Signature)).one()
    assert signature.verified_by == "sms_code" and signature.phone == SIGNER
    assert signature.ip_hash and "127.0.0.1" not in signature.ip_hash
    # The same phone again is sent no code, and the page does not say why (it would tell
    # anyone who signed: tests/integration/test_signing_abuse.py).
    drain(app_client)
    texts = len(fake_twilio.bodies(SIGNER))
    again = app_client.post(
        f"/s/{code}",
        data={"name": "Ann Lee", "address": "L30 4TH", "phone": "07911 000001", "affected": "yes"},
    )
    assert "If this number can sign" in again.text and "already signed" not in again.text
    drain(app_client)
    assert len(fake_twilio.bodies(SIGNER)) == texts
    # The same name and address from another phone is a duplicate too.
    other = sign_on_page(app_client, fake_twilio, code, phone="+447911000002", name="ann  LEE").page
    assert "already signed" in other
    session.rollback()
    assert session.exec(select(Petition)).one().signature_count == 1


def test_every_validation_error_is_shown_next_to_its_field(
    app_client: TestClient, engine: Engine, channel_settings: Settings
) -> None:
    code, _ = _petition(engine, channel_settings)
    page = app_client.post(f"/s/{code}", data={"name": "", "address": "nowhere", "phone": "12"})
    assert page.status_code == 422
    for field in ("name", "address", "affected", "phone"):
        assert f'id="{field}-error"' in page.text
        assert re.search(rf'aria-describedby="[^"]*{field}-error', page.text)


def test_the_sixth_wrong_code_is_refused_even_with_the_right_one(
    app_client: TestClient,
    fake_twilio: FakeTwilio,
    engine: Engine,
    channel_settings: Settings,
    session: Session,
) -> None:
    code, _ = _petition(engine, channel_settings)
    confirm = ask_for_code(app_client, code, phone=SIGNER, name="Bo Li", address="L30 4TH")
    right = texted_code(app_client, fake_twilio, SIGNER)
    wrong = "000000" if right != "000000" else "111111"
    for tries_left, word in ((4, "tries"), (3, "tries"), (2, "tries"), (1, "try")):
        page = app_client.post(confirm, data={"code": wrong}).text
        assert f"That code is not right. You have {tries_left} {word} left." in page
    assert "Too many wrong codes" in app_client.post(confirm, data={"code": wrong}).text
    assert "Too many wrong codes" in app_client.post(confirm, data={"code": right}).text
    assert session.exec(select(Signature)).all() == []


def test_codes_past_the_limit_are_refused_and_not_sent(
    app_client: TestClient, fake_twilio: FakeTwilio, engine: Engine, channel_settings: Settings
) -> None:
    code, _ = _petition(engine, channel_settings)
    for _ in range(3):
        ask_for_code(app_client, code, phone=SIGNER, name="Cy Ode", address="L30 4TH")
    form = {"name": "Cy Ode", "address": "L30 4TH", "phone": SIGNER, "affected": "yes"}
    refused = app_client.post(f"/s/{code}", data=form)
    assert refused.status_code == 422 and "Too many codes" in refused.text
    drain(app_client)
    assert len(fake_twilio.bodies(SIGNER)) == 3


def test_a_number_that_opted_out_is_never_texted_a_code(
    app_client: TestClient, fake_twilio: FakeTwilio, engine: Engine, channel_settings: Settings
) -> None:
    code, _ = _petition(engine, channel_settings)
    with write_session(engine) as writing:
        contact = make_contact(writing, "sms", SIGNER)
        contact.opted_out_at = NOW
    refused = app_client.post(
        f"/s/{code}",
        data={"name": "Di Ode", "address": "L30 4TH", "phone": SIGNER, "affected": "yes"},
    )
    # The same page as for anyone (tests/integration/test_signing_abuse.py), and no text.
    assert "If this number can sign" in refused.text
    assert "This number has asked us not to text it" not in refused.text
    drain(app_client)
    assert fake_twilio.bodies(SIGNER) == []


def test_the_honeypot_stops_a_bot_without_sending_anything(
    app_client: TestClient, fake_twilio: FakeTwilio, engine: Engine, channel_settings: Settings
) -> None:
    code, _ = _petition(engine, channel_settings)
    refused = app_client.post(
        f"/s/{code}",
        data={
            "name": "Bot",
            "address": "L30 4TH",
            "phone": SIGNER,
            "affected": "yes",
            "website": "http://spam.example",
        },
    )
    assert refused.status_code == 422
    drain(app_client)
    assert fake_twilio.bodies(SIGNER) == []


def test_sign_and_unsign_by_reply_with_signed_twilio_requests(
    app_client: TestClient,
    fake_twilio: FakeTwilio,
    engine: Engine,
    channel_settings: Settings,
    session: Session,
) -> None:
    code, _ = _petition(engine, channel_settings, target=10)
    phone = Phone(app_client, fake_twilio, sender=SIGNER)
    assert "What is your full name?" in phone.reply(f"sign {code.lower()}")
    assert "What is your address?" in phone.reply("Ed Jones")
    assert "1 of 10 signatures" in phone.reply("7 Oak Road L30 4TH")
    signature = session.exec(select(Signature)).one()
    assert (signature.verified_by, signature.phone, signature.name) == ("reply", SIGNER, "Ed Jones")
    assert "off the petition" in phone.reply(f"UNSIGN {code}")
    session.rollback()
    assert session.exec(select(Petition)).one().signature_count == 0
    assert "no open petition" in phone.reply("SIGN ZZZZZZ")


def test_milestones_are_told_once_and_the_target_puts_the_call_on_the_agenda(
    app_client: TestClient,
    fake_twilio: FakeTwilio,
    engine: Engine,
    channel_settings: Settings,
    session: Session,
) -> None:
    code, tenant = _petition(engine, channel_settings, target=4)
    with write_session(engine) as writing:
        writing.add(PanelMeeting(held_on=NOW.date() + timedelta(days=500), location="Bootle"))
    for n in range(5):
        sign_on_page(
            app_client,
            fake_twilio,
            code,
            phone=f"+44791100010{n}",
            name=f"Signer Number{n}",
            address=f"{n + 1} Elm Road L30 4TH",
        )
    drain(app_client)
    told = [b for b in fake_twilio.bodies(tenant) if "petition" in b]
    # A target this small is told in counts: "25% there: 1 of 4" reads oddly.
    found = [re.search(r"\d of the 4 signatures|the number the panel asked for", b) for b in told]
    assert [m.group(0) if m else b for m, b in zip(found, told, strict=True)] == [
        "1 of the 4 signatures",
        "2 of the 4 signatures",
        "3 of the 4 signatures",
        "the number the panel asked for",
    ]
    session.rollback()
    call = session.exec(select(Call)).one()
    assert call.status == CallStatus.ON_AGENDA
    assert session.exec(select(Petition)).one().signature_count == 5


def test_two_hundred_signatures_racing_are_counted_exactly_with_one_message_per_milestone(
    engine: Engine, settings: Settings, session: Session
) -> None:
    code, tenant = _petition(engine, settings, target=200)

    def sign(n: int) -> str:
        with write_session(engine) as writing:
            petition = petitions.by_code(writing, code)
            assert petition is not None
            return sign_petition(
                writing,
                petition,
                settings,
                name=f"Racer {n}",
                address=f"{n} Race Street L30 4TH",
                phone=f"+4479112{n:05d}",
                hear_outcome=False,
                verified_by="sms_code",
                ip_hash=f"ip{n % 7}",
                now=NOW,
            ).result.value

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(sign, range(200)))
    assert results.count("signed") == 200
    session.rollback()
    assert session.exec(select(Petition)).one().signature_count == 200
    assert len(session.exec(select(Signature)).all()) == 200
    contact = session.exec(select(Contact).where(Contact.address == tenant)).one()
    told = session.exec(
        select(Message).where(Message.contact_id == contact.id).order_by(col(Message.id))
    ).all()
    milestones = [m.body for m in told if "petition" in m.body]
    assert len(milestones) == 4
    for said in ("25%", "50%", "75%", "the number the panel asked for"):
        assert sum(said in m for m in milestones) == 1, said


def test_a_closed_petition_takes_no_signatures_and_the_tenant_is_told(
    app_client: TestClient,
    fake_twilio: FakeTwilio,
    engine: Engine,
    channel_settings: Settings,
    session: Session,
) -> None:
    code, tenant = _petition(engine, channel_settings, target=5)
    services = services_of(app_client)
    later = NOW + timedelta(weeks=channel_settings.petition_weeks, days=1)
    assert services.worker.housekeeping(later) == 1
    services.clock = lambda: later
    drain(app_client)
    assert any("has closed" in b for b in fake_twilio.bodies(tenant))
    page = app_client.get(f"/s/{code}")
    assert "not taking signatures" in page.text
    refused = app_client.post(
        f"/s/{code}",
        data={"name": "Late Comer", "address": "L30 4TH", "phone": SIGNER, "affected": "yes"},
    )
    assert refused.status_code == 422


def test_officers_see_signatures_audited_strike_one_and_export_csv(
    app_client: TestClient,
    fake_twilio: FakeTwilio,
    engine: Engine,
    channel_settings: Settings,
    session: Session,
) -> None:
    from backend.models import AuditEntry
    from tests.factories import sign_in

    code, _ = _petition(engine, channel_settings, target=10)
    sign_on_page(
        app_client,
        fake_twilio,
        code,
        phone=SIGNER,
        name='=HYPERLINK("x")',
        address="9 Elm Road L30 4TH",
    )
    sign_on_page(
        app_client,
        fake_twilio,
        code,
        phone="+447911000009",
        name="Gil Hart",
        address="1 Ash Road L20 3DF",
    )
    reference = session.exec(select(Call)).one().reference
    # PUBLIC_BASE_URL is https here, so session cookies are Secure: officers use https.
    viewer = TestClient(app_client.app, base_url="https://testserver")
    sign_in(viewer, engine, "viewer")
    assert viewer.get(f"/officer/calls/{reference}/signatures").status_code == 403
    officer = TestClient(app_client.app, base_url="https://testserver")
    csrf = sign_in(officer, engine, "officer")
    page = officer.get(f"/officer/calls/{reference}/signatures")
    assert page.status_code == 200 and "Gil Hart" in page.text
    assert re.search(r"<td>L30</td><td>1</td>", page.text)
    assert re.search(r"<td>L20</td><td>1</td>", page.text)
    export = officer.get(f"/officer/calls/{reference}/signatures.csv")
    assert export.headers["content-type"].startswith("text/csv")
    assert "'=HYPERLINK" in export.text
    session.rollback()
    gil = session.exec(select(Signature).where(Signature.name == "Gil Hart")).one()
    no_reason = officer.post(
        f"/officer/calls/{reference}/signatures/{gil.id}/strike",
        data={"csrf": csrf, "reason": ""},
        follow_redirects=False,
    )
    assert no_reason.status_code == 303, (no_reason.status_code, no_reason.text[:300])
    assert "error=" in no_reason.headers["location"]
    officer.post(
        f"/officer/calls/{reference}/signatures/{gil.id}/strike",
        data={"csrf": csrf, "reason": "Not a resident of the block"},
    )
    session.rollback()
    assert session.exec(select(Petition)).one().signature_count == 1
    actions = [a.action for a in session.exec(select(AuditEntry))]
    assert actions.count("view_signatures") >= 1
    assert "export_signatures" in actions and "strike_signature" in actions


def test_signatures_are_anonymised_a_set_time_after_the_petition_closes(
    engine: Engine, settings: Settings, session: Session
) -> None:
    code, _ = _petition(engine, settings, target=5)
    with write_session(engine) as writing:
        petition = petitions.by_code(writing, code)
        assert petition is not None
        sign_petition(
            writing,
            petition,
            settings,
            name="Fay Long",
            address="L30 4TH",
            phone=SIGNER,
            hear_outcome=True,
            verified_by="sms_code",
            ip_hash="a-connection",
            now=NOW,
        )
        petition.status, petition.closed_at = "closed", NOW
    days = settings.signature_retention_days
    with write_session(engine) as writing:
        assert petitions.anonymise_signatures(writing, NOW + timedelta(days=days - 1), days) == 0
    with write_session(engine) as writing:
        assert petitions.anonymise_signatures(writing, NOW + timedelta(days=days + 1), days) == 1
    session.rollback()
    signature = session.exec(select(Signature)).one()
    assert (signature.name, signature.address, signature.phone) == (
        "[anonymised]",
        "[anonymised]",
        None,
    )
    # Nor any hash of them: hashing every address the landlord has would find the signer.
    assert signature.identity == f"anonymised-{signature.id}"
    assert (signature.home, signature.ip_hash) == ("", "")
    assert session.exec(select(Petition)).one().signature_count == 1  # the count stands


def test_bursts_from_one_connection_and_crowded_addresses_are_flagged_for_review(
    engine: Engine, settings: Settings, session: Session
) -> None:
    code, _ = _petition(engine, settings, target=100)
    with write_session(engine) as writing:
        petition = petitions.by_code(writing, code)
        assert petition is not None
        for n in range(petitions.BURST_PER_IP + 2):
            sign_petition(
                writing,
                petition,
                settings,
                name=f"Burst {n}",
                address=f"{n} Far Lane L20 3DF",
                phone=f"+44791130{n:04d}",
                hear_outcome=False,
                verified_by="sms_code",
                ip_hash="same",
                now=NOW,
            )
        for n in range(petitions.SAME_ADDRESS + 2):
            sign_petition(
                writing,
                petition,
                settings,
                name=f"Lodger {n}",
                # One home, however it is written.
                address="1 Crowded Court L30 4TH" if n % 2 else "1, crowded court,  l30 4th",
                phone=f"+44791140{n:04d}",
                hear_outcome=False,
                verified_by="sms_code",
                ip_hash=f"ip{n}",
                now=NOW,
            )
    flags = [s.flagged for s in session.exec(select(Signature).order_by(col(Signature.id)))]
    burst, crowded = flags[: petitions.BURST_PER_IP + 2], flags[petitions.BURST_PER_IP + 2 :]
    assert burst[: petitions.BURST_PER_IP] == [""] * petitions.BURST_PER_IP
    assert all("one connection" in f for f in burst[petitions.BURST_PER_IP :])
    assert crowded[: petitions.SAME_ADDRESS] == [""] * petitions.SAME_ADDRESS
    assert all("one home" in f for f in crowded[petitions.SAME_ADDRESS :])
    assert session.exec(select(Petition)).one().signature_count == len(flags)  # counted, flagged


def test_a_wrong_link_shows_a_page_with_the_phone_number_not_json(
    client: TestClient, settings: Settings
) -> None:
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    page = client.get("/s/NOSUCH", headers=browser)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "There is no petition with that code." in page.text
    assert settings.landlord_phone in page.text  # somewhere to turn
    assert client.get("/s/NOSUCH").json() == {"detail": "There is no petition with that code."}


def test_signers_may_say_they_reported_the_problem_and_the_panel_sees_how_many_did(
    app_client: TestClient,
    client: TestClient,
    fake_twilio: FakeTwilio,
    engine: Engine,
    channel_settings: Settings,
) -> None:
    # The panel "will also look to see if the petitioners have attempted to resolve the
    # situation through the channels that are available, for example, the complaints procedure".
    code, _ = _petition(engine, channel_settings, target=10)
    form = app_client.get(f"/s/{code}").text
    assert "Have you reported this problem" in form and "you can leave this" in form
    for n, reported in enumerate(("yes", "yes", "no", "")):
        extra = {"reported": reported} if reported else {}
        sign_on_page(
            app_client,
            fake_twilio,
            code,
            phone=f"+44791100020{n}",
            name=f"Signer Number{n}",
            address=f"{n + 1} Elm Road L30 4TH",
            **extra,
        )
    with Session(engine) as session:
        answers = sorted(str(s.reported_problem) for s in session.exec(select(Signature)))
        petition = session.exec(select(Petition)).one()
        assert answers == ["False", "None", "True", "True"]
        assert petitions.signers_who_reported(session, petition) == 2
        reference = session.exec(select(Call)).one().reference
    sign_in(client, engine, "panel")  # the back office, over plain http in tests
    page = client.get(f"/officer/calls/{reference}").text
    assert "2 of the signers say they have reported the problem themselves" in page


def test_a_signer_takes_their_signature_back_on_the_web_with_a_texted_code(
    app_client: TestClient, fake_twilio: FakeTwilio, engine: Engine, channel_settings: Settings
) -> None:
    code, _ = _petition(engine, channel_settings, target=10)
    signer = "+447911000301"
    sign_on_page(app_client, fake_twilio, code, phone=signer, name="Ann Lee")
    page = app_client.get(f"/s/{code}").text
    assert f'href="/s/{code}/withdraw"' in page
    asked = app_client.post(f"/s/{code}/withdraw", data={"phone": "07911 000301"})
    assert asked.status_code == 200 and "take the signature back" in asked.text
    drain(app_client)
    texted = re.search(
        r"take back your signature from the petition is (\d{6})", fake_twilio.bodies(signer)[-1]
    )
    assert texted, fake_twilio.bodies(signer)
    confirm = re.search(r'action="(/s/[^"]+/confirm/[^"]+)"', asked.text)
    assert confirm
    done = app_client.post(confirm.group(1), data={"code": texted.group(1)})
    assert done.status_code == 200 and "Your signature is taken back" in done.text
    with Session(engine) as session:
        assert session.exec(select(Petition)).one().signature_count == 0
        assert session.exec(select(Signature)).one().withdrawn_at is not None

    # A number that never signed gets the same page, and no text.
    stranger = "+447911000302"
    other = app_client.post(f"/s/{code}/withdraw", data={"phone": "07911 000302"})
    assert other.status_code == 200 and "take the signature back" in other.text
    drain(app_client)
    assert fake_twilio.bodies(stranger) == []
    assert (
        app_client.post(f"/s/{code}/withdraw", data={"phone": "0151 496 0000"}).status_code == 422
    )
